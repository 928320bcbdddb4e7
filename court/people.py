"""People and their channel accounts: the commands channels send about a person rather than a
case (first contact, the channel used, the language, linking two accounts), each one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from court import accounts, sessions
from court.commands import ClaimInput, LinkAccounts, RecordChannelUse, RecordContact, SetLocale
from court.linking import Linked, link_people
from storage.models import Person
from storage.store import Store, Tx


class PeopleService:
    """What a channel may change about a person, and the few reads about one it needs."""

    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store, self.clock = store, clock

    async def record_contact(self, cmd: RecordContact) -> tuple[str, str]:
        """The person behind a channel account (created on first contact): their id and locale."""
        now = self.clock()
        known = await accounts.used(self.store, cmd.channel, cmd.external_id, now)
        if known is not None:
            return known
        async with self.store.tx() as tx:
            person = await accounts.person_for_account(
                tx, cmd.channel, cmd.external_id, now, cmd.locale, cmd.display_name
            )
            return person.id, person.locale

    async def record_channel_use(self, cmd: RecordChannelUse) -> None:
        async with self.store.tx() as tx:
            await accounts.use_channel(tx, cmd.person_id, cmd.channel, cmd.external_id, self.clock())

    async def set_locale(self, cmd: SetLocale) -> None:
        async with self.store.tx() as tx:
            person = await tx.person(cmd.person_id)
            if person is not None:
                person.locale = cmd.locale

    async def claim_input(self, cmd: ClaimInput) -> bool:
        """False if this update was claimed before (Telegram repeats updates)."""
        async with self.store.tx() as tx:
            return await accounts.first_time(tx, cmd.channel, cmd.key, self.clock())

    async def link_accounts(self, cmd: LinkAccounts) -> Linked:
        """Merge the redeemer into the issuer (court.linking decides whether it may be) and bind
        the account the code was redeemed on to the person kept, in the same transaction."""
        now = self.clock()
        async with self.store.tx() as tx:
            linked = await link_people(tx, cmd.issuer, cmd.redeemer, now)
            if linked.person_id is not None:
                await _bind(tx, cmd, linked.person_id, now)
        return linked

    # -- reads ------------------------------------------------------------------------------

    async def person(self, person_id: str) -> Person | None:
        async with self.store.tx() as tx:
            return await tx.person(person_id)

    async def case_count(self, person_id: str) -> int:
        """How many cases the person takes part in (what a link would move)."""
        async with self.store.tx() as tx:
            return len(await tx.cases_of(person_id))

    async def route(self, person_id: str) -> accounts.Route | None:
        """Where the person can be reached, most recently used first."""
        async with self.store.tx() as tx:
            return (await accounts.routes(tx, [person_id])).get(person_id)


async def _bind(tx: Tx, cmd: LinkAccounts, person_id: str, now: datetime) -> None:
    """A web tab's session now names the person kept, and the web chat is their channel; a
    Telegram account is bound to that person."""
    if cmd.channel != accounts.WEB:
        await accounts.link(tx, person_id, cmd.channel, cmd.external_id, now)
    elif cmd.session_token is not None:
        await sessions.move_session(tx, cmd.session_token, person_id)
        await accounts.use_channel(tx, person_id, accounts.WEB, person_id, now)
