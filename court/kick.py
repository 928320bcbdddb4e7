"""Run a job soon, at most one at a time: how a committed command wakes the outbox dispatcher."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("microcourt.ticker")


class Kick:
    """Run `job` soon, at most one at a time; kicks during a run cause one more run."""

    def __init__(self, job: Callable[[], Awaitable[object]]) -> None:
        self.job = job
        self._again = False
        self._task: asyncio.Task[None] | None = None

    async def __call__(self) -> None:
        if self._task and not self._task.done():
            self._again = True
            return
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            self._again = False
            try:
                await self.job()
            except Exception:  # the ticker retries on its next beat
                log.exception("kicked job failed")
            if not self._again:
                return

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    async def drain(self) -> None:
        if self._task:
            await self._task
