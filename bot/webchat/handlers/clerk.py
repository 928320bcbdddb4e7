"""The clerk's queues: filings to review and deliveries that failed for good."""

from __future__ import annotations

from bot.webchat.connection import Connection, Frame, Handler


async def on_queue(conn: Connection, frame: Frame) -> None:
    if not conn.court_code:
        await conn.error("not_a_party")
        return
    items = await conn.court.reads.review_queue(conn.court_code, conn.locale)
    await conn.send({"type": "queue", "items": items})


async def on_delivery_problems(conn: Connection, frame: Frame) -> None:
    """The clerk's queue of deliveries that failed for good (e.g. a blocked bot)."""
    if not conn.court_code:
        await conn.error("not_a_party")
        return
    items = await conn.court.reads.delivery_problems(conn.court_code)
    await conn.send({"type": "delivery_problems", "items": items})


HANDLERS: dict[str, Handler] = {"queue": on_queue, "delivery_problems": on_delivery_problems}
