"""What a committed command hands to delivery: the outbox rows it leased and where they go."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from court.accounts import Route
from court.deliveries import TurnDeliveries
from storage.outbox import Letter


@dataclass(frozen=True)
class Postbag:
    """`letters` are leased to the caller to send now; `queued` says rows were left to the
    dispatcher; `deliveries`, if the command's caller gave one, collects the sends instead of
    the command waiting for them."""

    letters: tuple[Letter, ...] = ()
    routes: Mapping[str, Route] = field(default_factory=dict)
    queued: bool = False
    deliveries: TurnDeliveries | None = None


KICK = Postbag(queued=True)  # "rows may be waiting": wake the dispatcher
