"""APScheduler only ticks: the sweeper and the dispatcher, fixed ids, in-memory store.

No business job ever lives in APScheduler, so a restart neither loses nor duplicates one.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]

log = logging.getLogger("microcourt.ticker")


def start_ticker(interval: float, jobs: dict[str, Callable[[], Awaitable[object]]]) -> AsyncIOScheduler:
    """Run each job every `interval` seconds on the running loop."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    for job_id, job in jobs.items():
        scheduler.add_job(
            _awaiting(job),
            "interval",
            seconds=interval,
            id=job_id,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
    scheduler.start()
    return scheduler


def _awaiting(job: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[None]]:
    """A coroutine function around `job`: APScheduler awaits only those, and would run any other
    callable (a `Kick`, whose `__call__` is async) in a thread, never awaiting its coroutine."""

    async def tick() -> None:
        await job()

    return tick
