"""The deadline sweeper: claims due rows a batch per short transaction and fires each once.

On PostgreSQL the claim is `FOR UPDATE SKIP LOCKED` on the deadline and its case together, so two
server processes never fire the same row, and a sweeper never waits for a case a command holds
(that deadline waits for the next round); on SQLite transactions begin IMMEDIATE and are
serialised. A batch shares one transaction: one claim, its cases' participants read in one query,
what its windows write (states, cancelled and fired deadlines, record rows, outbox rows) written in
one statement each, one commit; each window in it is fired as if alone. Late deadlines still fire
and record how late they were.
"""

from __future__ import annotations

import logging

from court.deadlines import link_all_served, start_served_clocks
from court.metrics import Metrics
from court.postbag import KICK
from court.service import CourtService
from storage.models import Deadline

log = logging.getLogger("microcourt.sweeper")

BATCH = 25
"""Deadlines fired per transaction: fewer round trips and commits per window, against how long a
command on one of those cases may wait for the batch's commit (a few hundred milliseconds)."""


class DeadlineSweeper:
    def __init__(self, service: CourtService, worker: str, metrics: Metrics, batch: int = BATCH) -> None:
        self.service, self.worker, self.metrics, self.batch = service, worker, metrics, batch

    async def run_once(self, limit: int = 100) -> int:
        """Fire every due deadline and reminder, up to `limit`; return how many were handled."""
        self.metrics.inc("microcourt_sweeper_runs_total")
        async with self.service.store.tx() as tx:  # periods whose document has now been served (OLR 31)
            started = await start_served_clocks(tx, self.service.clock(), self.service.deadline_rule)
        handled = 0
        while handled < limit:
            fired = await self._fire_batch(min(self.batch, limit - handled))
            if not fired:
                break
            handled += fired
        if (handled or started) and self.service.after_commit is not None:
            await self.service.after_commit(KICK)
        return handled

    async def _fire_batch(self, size: int) -> int:
        """Fire up to `size` due deadlines in one transaction. If that fails, nothing of it is
        kept and they are fired one transaction each, so that only a failing one fails."""
        try:
            return await self._fire(size)
        except Exception:
            if size == 1:
                raise
            log.warning("firing %d deadlines in one transaction failed: one at a time now", size)
        handled = 0
        for _ in range(size):
            if not await self._fire(1):
                break
            handled += 1
        return handled

    async def _fire(self, size: int) -> int:
        """Claim up to `size` due deadlines and fire them in one transaction; how many were claimed.
        A case's second due deadline in the batch waits for the next transaction (the first may
        have cancelled it)."""
        fired: list[Deadline] = []
        async with self.service.store.tx() as tx:
            tx.defer_writes()  # the batch's record and outbox rows: one INSERT each
            claimed = await tx.claim_due_deadlines(self.service.clock(), size)
            cases = {d.case_id for d in claimed}
            await tx.read_participants(cases)
            for deadline in claimed:
                if deadline.case_id in cases:
                    cases.discard(deadline.case_id)
                    await self.service.fire_deadline(tx, deadline, self.worker)
                    fired.append(deadline)
            await tx.save_fired(fired)  # before the cancellations, which pass over fired rows
            await link_all_served(tx, await tx.write_deferred())
        for deadline in fired:
            self._count(deadline)
        return len(claimed)

    def _count(self, deadline: Deadline) -> None:
        if deadline.status in ("fired", "stale"):
            self.metrics.inc("microcourt_deadlines_fired_total", outcome=deadline.status)
            if deadline.lag_seconds is not None:
                self.metrics.set("microcourt_deadline_lag_seconds", deadline.lag_seconds)
