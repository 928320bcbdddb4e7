"""The outbox's claims and delivery records: the SQL the dispatcher runs (see storage/outbox.py
for how rows are written leased, and why a person's rows go in order)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import aliased
from sqlalchemy.sql.dml import Update

from storage import queries
from storage.models import Case, OutboxMessage
from storage.outbox import Letter
from storage.store import Tx


async def claim_due(tx: Tx, now: datetime, limit: int) -> list[Letter]:
    """Due rows, locked, each person's only as far as they are that person's oldest pending rows
    (never past one leased elsewhere, waiting out a flood limit, or locked by another claim)."""
    earlier = aliased(OutboxMessage)
    held_back = exists().where(
        earlier.person_id == OutboxMessage.person_id,
        earlier.status == "pending",
        earlier.id < OutboxMessage.id,
        earlier.available_at > now,
    )
    query = (
        select(OutboxMessage, Case.court_code)
        .join(Case, Case.id == OutboxMessage.case_id)
        .where(OutboxMessage.status == "pending", OutboxMessage.available_at <= now, ~held_back)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if not tx.sqlite:
        query = query.with_for_update(of=OutboxMessage, skip_locked=True)
    letters = [
        Letter(
            row.case_id,
            row.role,
            row.person_id,
            tx.sealer.open(row.payload),
            row.created_at,
            court,
            row.id,
            resume=(row.channel, row.parts_sent) if row.channel and row.parts_sent else None,
        )
        for row, court in (await tx.session.execute(query)).all()
    ]
    return await _oldest_first(tx, letters)


async def make_available(tx: Tx, ids: list[int], at: datetime) -> None:
    """Rows `ids` due at `at`: later to lease them, now to give them back to the dispatcher."""
    await tx.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(available_at=at)
        .execution_options(synchronize_session=False)
    )


async def record_attempt(tx: Tx, row_id: int, **values: object) -> None:
    """One failed attempt recorded on a row, with `values`; a row meanwhile sent by another
    sender (this one's lease ran out) stays as its delivery left it."""
    await tx.session.execute(_attempt([row_id], **values))


async def mark_sent(tx: Tx, ids: list[int], now: datetime, channel: str, address: str | None) -> None:
    """Rows delivered through `channel` (to `address`, kept for a served document's certificate);
    a row delivered before keeps the time, channel and account of its first arrival."""
    params = {"b_ids": ids, "b_now": now, "b_channel": channel, "b_address": address}
    await tx.session.execute(queries.MARK_SENT, params)


async def others_due(tx: Tx, people: Collection[str], excluding: Collection[int], now: datetime) -> bool:
    """Whether `people` have due rows other than `excluding` (they waited behind those)."""
    if not people:
        return False
    found = await tx.session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.person_id.in_(list(people)),
            OutboxMessage.status == "pending",
            OutboxMessage.available_at <= now,
            OutboxMessage.id.not_in(list(excluding)),
        )
        .limit(1)
    )
    return found is not None


async def backlog(tx: Tx) -> int:
    """How many rows wait to be sent."""
    count = await tx.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.status == "pending"))
    return int(count or 0)


async def _oldest_first(tx: Tx, letters: list[Letter]) -> list[Letter]:
    """Keep each person's claimed rows only while they are that person's oldest pending rows: a
    row locked by a concurrent claim (SKIP LOCKED passed it by) or written meanwhile stops them."""
    people = {letter.person_id for letter in letters if letter.person_id}
    if not people:
        return letters
    pending = await tx.session.execute(
        select(OutboxMessage.person_id, OutboxMessage.id)
        .where(
            OutboxMessage.person_id.in_(people),
            OutboxMessage.status == "pending",
            OutboxMessage.id <= max(letter.id for letter in letters),
        )
        .order_by(OutboxMessage.id)
    )
    claimed = {letter.id for letter in letters}
    stopped: set[str] = set()
    allowed: set[int] = set()
    for person_id, row_id in pending:
        if person_id in stopped:
            continue
        if row_id in claimed:
            allowed.add(row_id)
        else:
            stopped.add(str(person_id))
    return [letter for letter in letters if letter.person_id is None or letter.id in allowed]


def _attempt(ids: Iterable[int], **values: object) -> Update:
    return (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(list(ids)), OutboxMessage.status == "pending")
        .values(attempts=OutboxMessage.attempts + 1, **values)
        .execution_options(synchronize_session=False)
    )
