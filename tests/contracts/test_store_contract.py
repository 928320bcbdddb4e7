"""The storage port's contract, run on the embedded SQLite default and on real PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from app.simulation import Simulation
from court import accounts
from court.commands import ExtendDeadline, OpenCase, SubmitAnswer
from gateway.court import Court
from storage.models import ChannelAccount, Deadline, OutboxMessage
from storage.outbox import LEASE
from tests.support.clock import FakeClock
from tests.support.court import demo_person


async def test_concurrent_case_numbers_are_unique_and_consecutive(any_court: Court) -> None:
    """DOMAIN §4.5: SEQ never repeats, even when numbers are drawn at the same moment."""

    async def draw() -> int:
        async with any_court.store.tx() as tx:
            return await tx.next_case_number("浙0192", 2026, "民初")

    drawn = await asyncio.gather(*(draw() for _ in range(8)))
    assert sorted(drawn) == list(range(1, 9))


async def test_the_same_answer_sent_twice_at_once_is_applied_once(any_court: Court) -> None:
    """A double click racing itself: one answer applies, the other is told it is stale."""
    plaintiff = await demo_person(any_court, "litigant_a")
    case_id = str((await any_court.service.open_case(OpenCase(plaintiff.id, "filing", "test"))).case_id)
    prompt = await Simulation(any_court).prompt_for(plaintiff, case_id)
    assert prompt is not None
    answer = SubmitAnswer(plaintiff.id, case_id, prompt["step"], prompt["seq"], "yes", "test")
    outcomes = await asyncio.gather(*(_retrying(any_court, answer) for _ in range(3)))
    assert sorted(o or "ok" for o in outcomes) == ["ok", "stale_step", "stale_step"]


async def _retrying(court: Court, answer: SubmitAnswer) -> str | None:
    from storage.store import ConcurrentUpdate

    for _ in range(5):
        try:
            return (await court.service.submit_answer(answer)).error
        except ConcurrentUpdate:
            continue
    raise AssertionError("never settled")


async def test_extension_moves_the_row_in_one_operation(any_court: Court, clock: FakeClock) -> None:
    """EP 54: an extension moves the pending deadline and its reminder; the old time no longer fires."""
    sim = Simulation(any_court)
    plaintiff, clerk = await demo_person(any_court, "litigant_a"), await demo_person(any_court, "clerk")
    judge = await demo_person(any_court, "judge")
    async with any_court.store.tx() as tx:  # the fee notice reaches the plaintiff: the period starts
        await accounts.use_channel(tx, plaintiff.id, accounts.WEB, plaintiff.id, clock())
    case_id = await sim.file_case(plaintiff)
    await sim.accept(clerk, case_id)
    await any_court.sweeper.run_once()
    for who in (plaintiff, clerk):  # only the judge assigned to the case extends (CPL 86)
        refused = await any_court.service.extend_deadline(ExtendDeadline(who.id, case_id, "payment", 7, "x"))
        assert refused.error == "judges_rule"
    assert (await any_court.service.extend_deadline(ExtendDeadline(judge.id, case_id, "payment", 7, "hospitalised"))).ok
    clock.jump(days=9)
    await any_court.sweeper.run_once()
    async with any_court.store.tx() as tx:
        assert (await tx.get_case(case_id)).stage == "fee_pending"  # type: ignore[union-attr]
    clock.jump(days=7)
    await any_court.sweeper.run_once()
    async with any_court.store.tx() as tx:
        row = await tx.session.scalar(select(Deadline).where(Deadline.case_id == case_id, Deadline.kind == "payment"))
        assert (await tx.get_case(case_id)).stage == "withdrawal_ruling"  # type: ignore[union-attr]
    assert row is not None and row.extended_from is not None and row.status == "fired"


async def test_a_known_account_is_marked_used_in_one_statement(any_court: Court, clock: FakeClock) -> None:
    """The chat turn's account lookup: unknown -> None; known -> its person, and `last_used_at` moves
    (prompts follow the channel used last), clearing an earlier 'unreachable'."""
    assert await accounts.used(any_court.store, accounts.TELEGRAM, "555", clock()) is None
    async with any_court.store.tx() as tx:
        person = await accounts.person_for_account(tx, accounts.TELEGRAM, "555", clock(), "en", "Ann")
        await accounts.mark_unreachable(tx, person.id, None, accounts.TELEGRAM, "555", "blocked", "web", clock())
    clock.jump(minutes=5)
    assert await accounts.used(any_court.store, accounts.TELEGRAM, "555", clock()) == (person.id, "en")
    async with any_court.store.tx() as tx:
        account = await tx.session.get(ChannelAccount, (accounts.TELEGRAM, "555"))
    assert account is not None and account.last_used_at == clock() and account.unreachable_at is None


async def test_a_message_is_leased_only_to_someone_with_nothing_pending(any_court: Court, clock: FakeClock) -> None:
    """storage/outbox: a pending row makes its person busy; a busy person's new rows queue behind it
    (not leased), everyone else's are leased to the writer for LEASE."""
    plaintiff, other = await demo_person(any_court, "litigant_a"), await demo_person(any_court, "litigant_b")
    case_id = str((await any_court.service.open_case(OpenCase(plaintiff.id, "filing", "test"))).case_id)
    await any_court.dispatcher.settle()
    async with any_court.store.tx() as tx:
        tx.outbox(case_id, "plaintiff", plaintiff.id, {"text": "errors.stale_step", "params": {}}, clock())
    async with any_court.store.tx() as tx:
        routes, busy = await accounts.recipients(tx, {plaintiff.id, other.id})
        for person in (plaintiff, other):
            tx.outbox(case_id, "plaintiff", person.id, {"text": "errors.stale_step", "params": {}}, clock())
        letters = await tx.write_outbox(busy, clock() + LEASE)
    assert busy == {plaintiff.id} and routes.keys() == {plaintiff.id, other.id}
    assert [(letter.person_id, letter.leased) for letter in letters] == [(plaintiff.id, False), (other.id, True)]
    async with any_court.store.tx() as tx:
        rows = {row.id: row for row in (await tx.session.scalars(select(OutboxMessage))).all()}
    assert rows[letters[0].id].available_at == clock()
    assert rows[letters[1].id].available_at == clock() + LEASE
