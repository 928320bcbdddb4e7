"""A command's own messages go out as it commits, with no dispatcher round (the outbox fast path)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.simulation import Simulation
from court import accounts
from court.dispatcher import _Sent
from gateway.court import Court
from storage.models import CaseEvent, OutboxMessage
from tests.support.clock import FakeClock
from tests.support.court import demo_person


class Recorder:
    channel = "telegram"

    def __init__(self) -> None:
        self.sent: list[int] = []

    async def send(self, message: dict[str, Any], external_id: str, locale: str) -> None:
        self.sent.append(message["id"])


async def test_a_filers_messages_are_sent_on_commit_in_order_without_the_dispatcher(
    court: Court, clock: FakeClock
) -> None:
    plaintiff = await demo_person(court, "litigant_a")
    async with court.store.tx() as tx:
        await accounts.use_channel(tx, plaintiff.id, "telegram", "4242", clock())
    recorder = Recorder()
    court.router.channels["telegram"] = recorder
    court.kick.job = _nothing  # no dispatcher round happens at all

    await Simulation(court).file_case(plaintiff)
    await court.dispatcher.settle()

    async with court.store.tx() as tx:
        rows = (await tx.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    mine = [row for row in rows if row.person_id == plaintiff.id]
    assert len(mine) >= 10 and all(row.status == "sent" and row.channel == "telegram" for row in mine)
    assert recorder.sent == [row.id for row in mine]  # each once, in order
    assert {row.status for row in rows if row.role == "court"} == {"pending"}  # the court's: the dispatcher's


async def _nothing() -> None:
    return None


async def test_a_payment_confirmed_at_once_sends_its_messages_after_the_commands_own(
    court: Court, clock: FakeClock
) -> None:
    """The demo provider confirms inside the payer's command: the confirmation's messages queue
    behind the command's own and still go out without a dispatcher round."""
    sim = Simulation(court)
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    case_id = await sim.file_case(plaintiff)
    await sim.accept(clerk, case_id)
    await court.dispatcher.settle()
    court.kick.job = _nothing  # from here on, only the fast path delivers

    await sim.answer(plaintiff, case_id, "pay")
    await court.dispatcher.settle()

    async with court.store.tx() as tx:
        rows = (
            await tx.session.scalars(
                select(OutboxMessage).where(OutboxMessage.person_id == plaintiff.id).order_by(OutboxMessage.id)
            )
        ).all()
        events = [e.kind for e in await tx.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id))]
    assert "payment_confirmed" in events
    assert [row.status for row in rows] == ["sent"] * len(rows)
    assert [row.sent_at for row in rows] == sorted(row.sent_at for row in rows if row.sent_at)


async def test_a_cancelled_waiter_does_not_leave_the_others_waiting(court: Court) -> None:
    """A command cancelled while its delivery is being recorded (e.g. the poller stopping) must not
    keep the other commands in the same group commit waiting forever."""
    dispatcher = court.dispatcher
    first, second = _Sent([], []), _Sent([], [])
    dispatcher._unrecorded.extend([first, second])
    first.written.cancel()
    await dispatcher._record_sent()
    assert second.written.done() and second.written.result() is False
