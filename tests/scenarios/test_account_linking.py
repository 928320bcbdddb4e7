"""Linking two accounts of one person merges their records (court.linking), or refuses to."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import func, select, text

from app.simulation import Simulation
from court import accounts
from court.commands import LinkAccounts, OpenCase
from court.linking import aliases, link_people
from court.sessions import new_litigant
from gateway.account_link import after_merge, merge_accounts
from gateway.court import Court
from identity.models import IdentityProfile
from storage.models import AgentMandate, Case, ChannelAccount, OutboxMessage, Participant, Person
from tests.support.court import demo_person


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


async def test_a_link_code_cannot_bring_its_issuer_into_a_verified_or_staff_record(any_court: Court) -> None:
    """OLR 7: redeeming someone else's code must not hand them your identity; start from it."""
    court = any_court
    verified, fresh = await _litigant(court, verified_as="h1"), await _litigant(court)
    clerk = await demo_person(court, "clerk")
    case_id = await _draft(court, verified)
    assert (await _link(court, fresh, verified)).error == "link_start_here"
    assert (await _link(court, fresh, clerk.id)).error == "link_staff"
    assert await _roles(court, case_id) == [("plaintiff", verified)]
    linked = await _link(court, verified, fresh)  # started from the verified account: fine
    assert (linked.person_id, linked.merged) == (verified, fresh)


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


async def test_staff_accounts_are_never_linked(any_court: Court) -> None:
    """Staff sign in with their own links; a code must not turn a tab into a clerk's."""
    court = any_court
    clerk, empty = await demo_person(court, "clerk"), await _litigant(court, telegram="888")
    assert (await _link(court, clerk.id, empty)).error == "link_staff"
    assert (await _link(court, empty, clerk.id)).error == "link_staff"
    async with court.store.tx() as tx:
        account = await tx.session.get(ChannelAccount, (accounts.TELEGRAM, "888"))
    assert account is not None and account.person_id == empty


async def test_a_merged_record_cannot_be_linked_again(any_court: Court) -> None:
    court = any_court
    one, other, third = await _litigant(court), await _litigant(court), await _litigant(court)
    assert (await _link(court, one, other)).person_id == one
    assert (await _link(court, third, other)).error == "link_bad"
    async with court.store.tx() as tx:
        rows = await tx.session.scalars(select(Person.id).where(Person.merged_into.is_not(None)))
        assert list(rows) == [other]


async def test_a_lawyer_and_their_client_are_not_merged(any_court: Court) -> None:
    court = any_court
    client, lawyer = await _litigant(court), await _litigant(court)
    case_id = await _draft(court, client)
    async with court.store.tx() as tx:
        tx.add(
            AgentMandate(
                id=str(uuid.uuid4()),
                case_id=case_id,
                party_role="plaintiff",
                party_id=client,
                agent_id=lawyer,
                code_hash="x" * 64,
                status="accepted",
                created_at=court.clock(),
            )
        )
    assert (await _link(court, client, lawyer)).error == "link_both_sides"


async def test_an_identity_record_never_moves_to_the_codes_issuer(any_court: Court) -> None:
    """PIPL 28, OLR 7: a redeemer holding an identity check (begun, or deleted) is not merged
    into whoever issued the code; the link is started from that account instead."""
    court = any_court
    issuer, begun, deleted = await _litigant(court), await _litigant(court), await _litigant(court)
    async with court.store.tx() as tx:
        tx.add(IdentityProfile(person_id=begun, sealed="s1", id_number_hash="h1", method="pending"))
        tx.add(
            IdentityProfile(
                person_id=deleted, sealed="s2", id_number_hash="h2", method="face_liveness", deleted_at=court.clock()
            )
        )
    assert (await _link(court, issuer, begun)).error == "link_start_here"
    assert (await _link(court, issuer, deleted)).error == "link_start_here"
    assert (await _link(court, begun, deleted)).error == "link_two_people"
    linked = await _link(court, begun, issuer)  # started from the account with the check: fine
    assert (linked.person_id, linked.merged) == (begun, issuer)
    async with court.store.tx() as tx:
        profile = await tx.session.get(IdentityProfile, begun)
    assert profile is not None and profile.sealed == "s1"


async def test_a_case_waiting_for_identity_moves_on_in_the_verified_record(court: Court) -> None:
    """OLR 7: a draft submitted by an unverified account waits for identity; merged into the
    verified person, it goes on to the court at once."""
    verified = await demo_person(court, "litigant_a")
    fresh = await _litigant(court)
    async with court.store.tx() as tx:
        person = await tx.person(fresh)
    assert person is not None
    case_id = await Simulation(court).file_case(person)
    assert (await _case(court, case_id)).stage == "identity_check"

    linked = await merge_accounts(court, LinkAccounts(verified.id, fresh, "web", fresh))  # no session to move
    assert linked.person_id == verified.id and linked.cases_moved == 1
    assert (await _case(court, case_id)).stage == "identity_check"  # until the channel listens
    await after_merge(court, linked)
    assert (await _case(court, case_id)).stage == "filing_review"


async def test_a_merge_does_not_deadlock_with_a_command_writing_to_the_same_person(pg_court: Court) -> None:
    """A command holds its case lock and writes an outbox row for the merged person (a foreign
    key: KEY SHARE on the person) while the merge holds the person and waits for the case."""
    court = pg_court
    web, telegram = await _litigant(court), await _litigant(court, telegram="777")
    case_id = await _draft(court, telegram)
    case_locked, merge_waiting = asyncio.Event(), asyncio.Event()

    async def command() -> None:
        async with court.store.tx() as tx:
            await tx.lock_case(case_id)
            case_locked.set()
            await merge_waiting.wait()
            tx.outbox(case_id, "plaintiff", telegram, {"text": "x", "params": {}}, court.clock(), "test")

    async def merge():  # type: ignore[no-untyped-def]
        await case_locked.wait()
        async with court.store.tx() as tx:
            linking = asyncio.create_task(link_people(tx, web, telegram, court.clock()))
            await _waiting_for_a_lock(court)
            merge_waiting.set()
            return await linking

    _done, linked = await asyncio.wait_for(asyncio.gather(command(), merge()), 30)
    assert linked.person_id == web
    async with court.store.tx() as tx:
        left = await tx.session.scalar(select(func.count()).where(OutboxMessage.person_id == telegram))
    assert left == 0  # the command's row, written first, moved with the rest


async def test_a_merged_record_opens_no_new_case(any_court: Court) -> None:
    """A channel still speaking for the merged record cannot start a case there, where no channel
    would reach it; the person is told to start again (it then opens in the kept record)."""
    court = any_court
    web, telegram = await _litigant(court), await _litigant(court, telegram="555")
    assert (await _link(court, web, telegram)).merged == telegram
    outcome = await court.service.open_case(OpenCase(telegram, "filing", "test"))
    assert outcome.error == "account_linked_meanwhile" and outcome.case_id is None
    async with court.store.tx() as tx:
        assert await tx.cases_of(telegram) == []


async def test_a_case_opened_during_a_merge_waits_for_it_then_is_refused(pg_court: Court) -> None:
    """The merge holds the person row; a case opened at that instant waits, then sees the merge
    (before, it was created on the merged record and lost to every channel)."""
    court = pg_court
    web, telegram = await _litigant(court), await _litigant(court, telegram="556")
    async with court.store.tx() as tx:
        assert (await link_people(tx, web, telegram, court.clock())).merged == telegram
        opening = asyncio.create_task(court.service.open_case(OpenCase(telegram, "filing", "test")))
        await _waiting_for_a_lock(court)
        assert not opening.done()
    outcome = await asyncio.wait_for(opening, 30)
    assert outcome.error == "account_linked_meanwhile"
    async with court.store.tx() as tx:
        assert await tx.cases_of(telegram) == []


async def _waiting_for_a_lock(court: Court) -> None:
    """Until some session of this database waits on a lock (pg_stat_activity)."""
    give_up = asyncio.get_running_loop().time() + 30  # generous: a loaded machine is slow to get there
    async with court.store.engine.connect() as connection:
        while asyncio.get_running_loop().time() < give_up:
            waiting = await connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'"
                )
            )
            if waiting:
                return
            await asyncio.sleep(0.01)
    raise AssertionError("nothing waited for a lock")


async def _case(court: Court, case_id: str) -> Case:
    async with court.store.tx() as tx:
        case = await tx.get_case(case_id)
    assert case is not None
    return case
