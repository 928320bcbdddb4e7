"""A turn's own deliveries: the sends its commands started on commit, for the turn to await.

A channel that answers its caller before the court's messages are out (Telegram's webhook, so a
slow Bot API does not hold Telegram's connection) passes one `TurnDeliveries` to the commands of
a turn. The dispatcher then sends each command's messages in a task collected here instead of
before the command returns; the rows are committed already, so nothing is lost if the process dies.
"""

from __future__ import annotations

import asyncio


class TurnDeliveries:
    """The sends started for one turn, in the order they began."""

    def __init__(self) -> None:
        self.tasks: list[asyncio.Task[int]] = []

    def add(self, task: asyncio.Task[int]) -> None:
        self.tasks.append(task)

    async def sent_so_far(self) -> None:
        """Wait for the sends started so far, so that a reply sent directly does not overtake
        the court's messages of the same turn."""
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
