"""The outbox keeps one person's messages in order when a channel asks to wait (429)."""

from __future__ import annotations

from typing import Any

from app.simulation import Simulation
from court import accounts
from court.routing import RetryLater
from gateway.court import Court
from tests.support.clock import FakeClock
from tests.support.court import demo_person


class FloodOnce:
    """A channel sender that refuses its first message with retry_after, then records in order."""

    channel = "telegram"

    def __init__(self) -> None:
        self.sent: list[int] = []
        self.refused = False

    async def send(self, message: dict[str, Any], external_id: str, locale: str) -> None:
        if not self.refused:
            self.refused = True
            raise RetryLater(3)
        self.sent.append(message["id"])


async def test_a_flood_limit_holds_back_the_persons_later_messages(court: Court, clock: FakeClock) -> None:
    """After a 429 on one message, the same person's later ones wait; nothing is sent out of order."""
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    sim = Simulation(court)
    case_id = await sim.file_case(plaintiff)
    await court.dispatcher.settle()
    clock.jump(minutes=1)
    async with court.store.tx() as tx:
        await accounts.use_channel(tx, plaintiff.id, "telegram", "4242", clock())
    flood = FloodOnce()
    court.router.channels["telegram"] = flood
    court.kick.job = _nothing  # dispatch by hand below
    await sim.accept(clerk, case_id)  # several notices and a prompt for the plaintiff
    await court.dispatcher.settle()
    assert flood.sent == []  # the first was refused, the rest held back
    clock.jump(seconds=1)
    await court.dispatcher.run_once()
    assert flood.sent == []  # still held back behind the first, which waits out its 3 s
    clock.jump(seconds=3)
    await court.dispatcher.run_once()
    assert len(flood.sent) >= 4 and flood.sent == sorted(flood.sent)


async def _nothing() -> None:
    return None
