"""Linking two accounts of one person merges their records (court.linking), or refuses to."""

from __future__ import annotations

from sqlalchemy import func, select

from app.auth import new_litigant
from app.bootstrap import Court
from app.simulation import Simulation
from court import accounts
from court.commands import OpenCase
from court.linking import aliases, link_people
from identity.models import IdentityProfile
from storage.models import ChannelAccount, OutboxMessage, Participant, Person
from tests.conftest import demo_person


async def _litigant(court: Court, verified_as: str | None = None, telegram: str | None = None) -> str:
    """A person as a channel's first contact makes one; optionally verified with an ID hash."""
    now = court.clock()
    async with court.store.tx() as tx:
        person = new_litigant(now, "en")
        tx.add(person)
        await tx.flush()
        if verified_as:
            tx.add(
                IdentityProfile(
                    person_id=person.id, sealed="-", id_number_hash=verified_as, method="test", verified_at=now
                )
            )
        if telegram:
            await accounts.link(tx, person.id, accounts.TELEGRAM, telegram, now)
        return person.id


async def _draft(court: Court, person_id: str) -> str:
    outcome = await court.service.open_case(OpenCase(person_id, "filing", "test"))
    return str(outcome.case_id)


async def _link(court: Court, issuer: str, redeemer: str):  # type: ignore[no-untyped-def]
    async with court.store.tx() as tx:
        return await link_people(tx, issuer, redeemer, court.clock())


async def _roles(court: Court, case_id: str) -> list[tuple[str, str]]:
    async with court.store.tx() as tx:
        rows = await tx.session.execute(
            select(Participant.role, Participant.person_id).where(Participant.case_id == case_id)
        )
        return sorted((role, person) for role, person in rows)


async def test_a_case_started_in_one_channel_follows_the_person_into_the_other(any_court: Court) -> None:
    """Issue 3: a draft filed from Telegram before linking is the linked person's, prompt and all."""
    court = any_court
    web, telegram = await _litigant(court), await _litigant(court, telegram="777")
    case_id = await _draft(court, telegram)
    before = await court.service.current_prompt(telegram, case_id)
    linked = await _link(court, web, telegram)
    assert (linked.person_id, linked.cases_moved, linked.error) == (web, 1, None)  # the issuer is kept
    assert await _roles(court, case_id) == [("plaintiff", web)]
    assert await court.service.current_prompt(web, case_id) == before  # the same question, now the web's
    async with court.store.tx() as tx:
        account = await tx.session.get(ChannelAccount, (accounts.TELEGRAM, "777"))
        merged = await tx.person(telegram)
        left = await tx.session.scalar(select(func.count()).where(OutboxMessage.person_id == telegram))
        assert account is not None and account.person_id == web
        assert merged is not None and merged.merged_into == web and merged.merged_at == court.clock()
        assert left == 0
        assert await aliases(tx, web) == [web, telegram]
    # the Telegram account now reaches the web's person: the next answer is taken as theirs
    sim = Simulation(court)
    async with court.store.tx() as tx:
        person = await tx.person(web)
    assert person is not None
    await sim.answer(person, case_id, "yes")


async def test_the_verified_record_is_kept_whichever_side_issued_the_code(any_court: Court) -> None:
    """OLR 7: the verified identity stays the person's; the unverified record joins it."""
    court = any_court
    verified, fresh = await _litigant(court, verified_as="h1"), await _litigant(court)
    case_id = await _draft(court, fresh)
    linked = await _link(court, fresh, verified)
    assert linked.person_id == verified and linked.cases_moved == 1
    assert await _roles(court, case_id) == [("plaintiff", verified)]


async def test_two_different_verified_people_are_not_linked_and_nothing_moves(any_court: Court) -> None:
    court = any_court
    one, other = await _litigant(court, verified_as="h1"), await _litigant(court, verified_as="h2")
    case_id = await _draft(court, other)
    assert (await _link(court, one, other)).error == "link_two_people"
    assert await _roles(court, case_id) == [("plaintiff", other)]
    async with court.store.tx() as tx:
        person = await tx.person(other)
        assert person is not None and person.merged_into is None


async def test_one_person_on_both_sides_of_a_case_is_refused(any_court: Court) -> None:
    court = any_court
    plaintiff, defendant = await _litigant(court), await _litigant(court)
    case_id = await _draft(court, plaintiff)
    async with court.store.tx() as tx:
        tx.add(Participant(case_id=case_id, role="defendant", person_id=defendant))
    assert (await _link(court, plaintiff, defendant)).error == "link_both_sides"
    assert await _roles(court, case_id) == sorted([("defendant", defendant), ("plaintiff", plaintiff)])


async def test_the_same_role_in_the_same_case_is_kept_once(any_court: Court) -> None:
    court = any_court
    one, other = await _litigant(court), await _litigant(court)
    case_id = await _draft(court, one)
    async with court.store.tx() as tx:
        tx.add(Participant(case_id=case_id, role="plaintiff", person_id=other))
    linked = await _link(court, one, other)
    assert (linked.person_id, linked.cases_moved) == (one, 0)
    assert await _roles(court, case_id) == [("plaintiff", one)]


async def test_a_staff_account_does_not_absorb_a_litigants_cases(any_court: Court) -> None:
    court = any_court
    clerk, litigant = await demo_person(court, "clerk"), await _litigant(court)
    await _draft(court, litigant)
    assert (await _link(court, clerk.id, litigant)).error == "link_staff"
    empty = await _litigant(court, telegram="888")  # the clerk's own Telegram, never used for a case
    linked = await _link(court, empty, clerk.id)
    assert linked.person_id == clerk.id  # staff is kept, and the bot now reaches the clerk
    async with court.store.tx() as tx:
        account = await tx.session.get(ChannelAccount, (accounts.TELEGRAM, "888"))
    assert account is not None and account.person_id == clerk.id


async def test_a_merged_record_cannot_be_linked_again(any_court: Court) -> None:
    court = any_court
    one, other, third = await _litigant(court), await _litigant(court), await _litigant(court)
    assert (await _link(court, one, other)).person_id == one
    assert (await _link(court, third, other)).error == "link_bad"
    async with court.store.tx() as tx:
        rows = await tx.session.scalars(select(Person.id).where(Person.merged_into.is_not(None)))
        assert list(rows) == [other]
