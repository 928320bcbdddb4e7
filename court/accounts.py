"""Channel accounts: a Telegram user or web session is bound to a person, never the business key."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage import queries
from storage.models import ChannelAccount, DeliveryProblem, Person
from storage.store import Store, Tx

WEB = "web"
TELEGRAM = "telegram"


@dataclass(frozen=True)
class Route:
    """Where a person can be reached, most recently used first."""

    locale: str
    accounts: tuple[tuple[str, str], ...]  # (channel, external id), reachable only

    def preferred(self) -> str | None:
        return self.accounts[0][0] if self.accounts else None

    def external_id(self, channel: str) -> str | None:
        return next((ext for ch, ext in self.accounts if ch == channel), None)


async def person_for_account(
    tx: Tx, channel: str, external_id: str, now: datetime, locale: str = "zh", display_name: str = ""
) -> Person:
    """The person bound to this account, created on first contact; marks it used now."""
    account = await tx.session.get(ChannelAccount, (channel, external_id))
    if account is None:
        person = Person(
            id=str(uuid.uuid4()),
            display_name=display_name[:100],
            locale=locale if locale in ("zh", "en") else "zh",
            created_at=now,
        )
        tx.add(person)
        await tx.flush()
        account = ChannelAccount(channel=channel, external_id=external_id, person_id=person.id, last_used_at=now)
        tx.add(account)
        return person
    touch(account, now)
    found = await tx.person(account.person_id)
    assert found is not None
    return found


async def used(store: Store, channel: str, external_id: str, now: datetime) -> tuple[str, str] | None:
    """Mark a known account used now, in one statement: its person's id and locale (None: unknown)."""
    params = {"b_channel": channel, "b_external_id": external_id, "b_now": now}
    rows = await store.execute_alone(queries.TOUCH_ACCOUNT, params)
    return (rows[0][0], rows[0][1]) if rows else None


def touch(account: ChannelAccount, now: datetime) -> None:
    account.last_used_at, account.unreachable_at, account.unreachable_reason = now, None, None


async def use_channel(tx: Tx, person_id: str, channel: str, external_id: str, now: datetime) -> None:
    """Record that the person just used this channel (prompts follow the channel used last).

    An upsert, so two server processes recording the same first use at once both succeed.
    """
    insert = sqlite_insert if tx.sqlite else pg_insert
    statement = insert(ChannelAccount).values(
        channel=channel, external_id=external_id, person_id=person_id, last_used_at=now
    )
    await tx.session.execute(
        statement.on_conflict_do_update(
            index_elements=[ChannelAccount.channel, ChannelAccount.external_id],
            set_={"last_used_at": now, "unreachable_at": None, "unreachable_reason": None},
            where=ChannelAccount.person_id == person_id,
        )
    )


async def link(tx: Tx, person_id: str, channel: str, external_id: str, now: datetime) -> None:
    """Bind an account to `person_id` (account linking): both channels then reach one identity."""
    account = await tx.session.get(ChannelAccount, (channel, external_id))
    if account is None:
        tx.add(ChannelAccount(channel=channel, external_id=external_id, person_id=person_id, last_used_at=now))
        return
    account.person_id = person_id
    touch(account, now)


async def routes(tx: Tx, person_ids: Collection[str]) -> dict[str, Route]:
    """Each person's route, in one query: locale and reachable accounts, most recently used first."""
    return (await recipients(tx, person_ids))[0]


async def recipients(tx: Tx, person_ids: Collection[str]) -> tuple[dict[str, Route], set[str]]:
    """`routes`, and in the same query who still has an outbox message pending (see storage.outbox)."""
    if not person_ids:
        return {}, set()
    rows = await tx.session.execute(queries.RECIPIENTS, {"ids": list(person_ids)})
    found: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    busy: set[str] = set()
    for person_id, locale, pending, channel, external_id in rows:
        _locale, accounts = found.setdefault(person_id, (locale, []))
        if pending:
            busy.add(person_id)
        if channel is not None:
            accounts.append((channel, external_id))
    return {person_id: Route(locale, tuple(accounts)) for person_id, (locale, accounts) in found.items()}, busy


async def mark_unreachable(
    tx: Tx,
    person_id: str,
    case_id: str | None,
    channel: str,
    external_id: str,
    reason: str,
    fallback: str | None,
    now: datetime,
) -> None:
    """The channel refused delivery for good: stop using it and tell the clerk's queue."""
    account = await tx.session.get(ChannelAccount, (channel, external_id))
    if account is not None:
        account.unreachable_at, account.unreachable_reason = now, reason[:200]
    tx.add(
        DeliveryProblem(
            person_id=person_id, case_id=case_id, channel=channel, reason=reason[:200], fallback=fallback, at=now
        )
    )


async def first_time(tx: Tx, channel: str, key: str, now: datetime) -> bool:
    """Claim an inbound delivery id in one statement; False means it was already processed."""
    query = queries.CLAIM_INPUT["sqlite" if tx.sqlite else "postgresql"]
    claimed = await tx.session.scalar(query, {"b_channel": channel, "b_key": key, "b_now": now})
    return claimed is not None
