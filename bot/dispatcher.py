"""The outbox dispatcher: claims committed message rows and hands each to its channel."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from app.metrics import Metrics
from bot.routing import Delivery, RetryLater, RoutingSender
from court import accounts
from storage.models import Case, OutboxMessage
from storage.store import Store, Tx

log = logging.getLogger("microcourt.outbox")


class OutboxDispatcher:
    """At-least-once delivery keyed by message id: receivers drop an id they already have."""

    def __init__(self, store: Store, sender: RoutingSender, clock: Callable[[], datetime], metrics: Metrics) -> None:
        self.store, self.sender, self.clock, self.metrics = store, sender, clock, metrics

    async def run_once(self, limit: int = 100) -> int:
        """Send what is pending; return how many rows were delivered.

        One person's messages go in order and stop at the first failure (the rest wait, so order
        holds); different people's go concurrently.
        """
        now = self.clock()
        async with self.store.tx() as tx:
            query = (
                select(OutboxMessage, Case.court_code)
                .join(Case, Case.id == OutboxMessage.case_id)
                .where(OutboxMessage.status == "pending", OutboxMessage.available_at <= now)
                .order_by(OutboxMessage.id)
                .limit(limit)
            )
            if not tx.sqlite:
                query = query.with_for_update(of=OutboxMessage, skip_locked=True)
            rows = (await tx.session.execute(query)).all()
            people = {row.person_id for row, _court in rows if row.person_id}
            routes = {person_id: await accounts.route(tx, person_id) for person_id in people}
            queues: dict[str, list[tuple[OutboxMessage, dict[str, Any]]]] = defaultdict(list)
            for row, court_code in rows:
                message = _message(row, court_code, tx.sealer.open(row.payload))
                queues[row.person_id or f"court:{court_code}"].append((row, message))
            results = await asyncio.gather(
                *(self._send_in_order(queue, routes.get(key)) for key, queue in queues.items())
            )
            sent = 0
            for outcomes in results:
                for row, result in outcomes:
                    sent += await self._record(tx, row, result, now)
        return sent

    async def _send_in_order(
        self, queue: list[tuple[OutboxMessage, dict[str, Any]]], route: accounts.Route | None
    ) -> list[tuple[OutboxMessage, Delivery | Exception]]:
        results: list[tuple[OutboxMessage, Delivery | Exception]] = []
        for row, message in queue:
            try:
                results.append((row, await self.sender.deliver(message, route)))
            except Exception as error:
                results.append((row, error))
                break
        return results

    async def _record(self, tx: Tx, row: OutboxMessage, result: Delivery | Exception, now: datetime) -> int:
        """Write what happened to one row; 1 if it was delivered."""
        row.attempts += 1
        if isinstance(result, RetryLater):
            row.available_at, row.error = now + timedelta(seconds=result.seconds), "retry_after"
            self.metrics.inc("microcourt_errors_total", code="outbox_retry_after")
            return 0
        if isinstance(result, Exception):
            row.error = type(result).__name__
            self.metrics.inc("microcourt_errors_total", code="outbox_delivery")
            log.warning("delivery failed; will retry", extra={"channel": self.sender.channel})
            return 0
        for channel, external_id, reason in result.unreachable:
            assert row.person_id is not None
            await accounts.mark_unreachable(
                tx, row.person_id, row.case_id, channel, external_id, reason, result.channel, now
            )
            self.metrics.inc("microcourt_errors_total", code=f"{channel}_unreachable")
        row.status, row.sent_at, row.channel = "sent", now, result.channel
        self.metrics.inc("microcourt_outbox_sent_total", channel=result.channel)
        return 1

    async def backlog(self) -> int:
        async with self.store.tx() as tx:
            count = await tx.session.scalar(
                select(func.count(OutboxMessage.id)).where(OutboxMessage.status == "pending")
            )
        return int(count or 0)


def _message(row: OutboxMessage, court_code: str, payload: dict[str, Any]) -> dict[str, Any]:
    """An outbox row as the channels see it."""
    return {
        "id": row.id,
        "case_id": row.case_id,
        "role": row.role,
        "person_id": row.person_id,
        "court_code": court_code,
        "at": row.created_at.isoformat(),
        **payload,
    }
