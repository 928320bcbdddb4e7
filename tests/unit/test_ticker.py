"""The ticker awaits its jobs, whatever kind of async callable they are."""

from __future__ import annotations

import asyncio

from app.ticker import start_ticker
from court.kick import Kick


async def test_a_kick_on_the_ticker_runs_its_job() -> None:
    """A `Kick` is a callable object with an async `__call__`, not a coroutine function: APScheduler
    on its own would call it in a thread and drop the coroutine (the dispatcher would never tick)."""
    ran = asyncio.Event()

    async def job() -> None:
        ran.set()

    scheduler = start_ticker(0.01, {"kicked": Kick(job)})
    try:
        await asyncio.wait_for(ran.wait(), timeout=5)
    finally:
        scheduler.shutdown(wait=False)
    assert ran.is_set()
