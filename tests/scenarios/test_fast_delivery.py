"""A command's own messages go out as it commits, with no dispatcher round (the outbox fast path)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.bootstrap import Court
from app.simulation import Simulation
from court import accounts
from storage.models import OutboxMessage
from tests.clock import FakeClock
from tests.conftest import demo_person


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
