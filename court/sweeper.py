"""The deadline sweeper: claims due rows one short transaction each and fires them once.

On PostgreSQL the claim is `FOR UPDATE SKIP LOCKED`, so two server processes never fire the same
row; on SQLite transactions begin IMMEDIATE and are serialised. Late deadlines still fire and
record how late they were.
"""

from __future__ import annotations

import logging

from court.deadlines import start_served_clocks
from court.metrics import Metrics
from court.postbag import KICK
from court.service import CourtService

log = logging.getLogger("microcourt.sweeper")


class DeadlineSweeper:
    def __init__(self, service: CourtService, worker: str, metrics: Metrics) -> None:
        self.service, self.worker, self.metrics = service, worker, metrics

    async def run_once(self, limit: int = 100) -> int:
        """Fire every due deadline and reminder, up to `limit`; return how many were handled."""
        self.metrics.inc("microcourt_sweeper_runs_total")
        async with self.service.store.tx() as tx:  # periods whose document has now been served (OLR 31)
            started = await start_served_clocks(tx, self.service.clock(), self.service.deadline_rule)
        handled = 0
        for _ in range(limit):
            if not await self._fire_one():
                break
            handled += 1
        if (handled or started) and self.service.after_commit is not None:
            await self.service.after_commit(KICK)
        return handled

    async def _fire_one(self) -> bool:
        async with self.service.store.tx() as tx:
            deadline = await tx.claim_due_deadline(self.service.clock())
            if deadline is None:
                return False
            await self.service.fire_deadline(tx, deadline, self.worker)
            outcome = deadline.status
        if outcome in ("fired", "stale"):
            self.metrics.inc("microcourt_deadlines_fired_total", outcome=outcome)
            if deadline.lag_seconds is not None:
                self.metrics.set("microcourt_deadline_lag_seconds", deadline.lag_seconds)
        return True
