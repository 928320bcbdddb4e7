"""The outbox dispatcher: claims committed message rows and hands each to its channel."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from app.metrics import Metrics
from bot.routing import RetryLater, RoutingSender
from court import accounts
from storage.models import Case, OutboxMessage
from storage.store import Store, Tx

log = logging.getLogger("microcourt.outbox")


class OutboxDispatcher:
    """At-least-once delivery keyed by message id: receivers drop an id they already have."""

    def __init__(self, store: Store, sender: RoutingSender, clock: Callable[[], datetime], metrics: Metrics) -> None:
        self.store, self.sender, self.clock, self.metrics = store, sender, clock, metrics

    async def run_once(self, limit: int = 100) -> int:
        """Send what is pending; return how many rows were delivered."""
        now = self.clock()
        sent = 0
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
            for row, court_code in (await tx.session.execute(query)).all():
                if await self._deliver(tx, row, court_code, tx.sealer.open(row.payload), now):
                    sent += 1
        return sent

    async def _deliver(
        self, tx: Tx, row: OutboxMessage, court_code: str, payload: dict[str, Any], now: datetime
    ) -> bool:
        message = {
            "id": row.id,
            "case_id": row.case_id,
            "role": row.role,
            "person_id": row.person_id,
            "court_code": court_code,
            "at": row.created_at.isoformat(),
            **payload,
        }
        row.attempts += 1
        route = await accounts.route(tx, row.person_id) if row.person_id else None
        try:
            delivery = await self.sender.deliver(message, route)
        except RetryLater as wait:
            row.available_at, row.error = now + timedelta(seconds=wait.seconds), "retry_after"
            self.metrics.inc("microcourt_errors_total", code="outbox_retry_after")
            return False
        except Exception as error:
            row.error = type(error).__name__
            self.metrics.inc("microcourt_errors_total", code="outbox_delivery")
            log.warning("delivery failed; will retry", extra={"channel": self.sender.channel})
            return False
        for channel, external_id, reason in delivery.unreachable:
            assert row.person_id is not None
            await accounts.mark_unreachable(
                tx, row.person_id, row.case_id, channel, external_id, reason, delivery.channel, now
            )
            self.metrics.inc("microcourt_errors_total", code=f"{channel}_unreachable")
        row.status, row.sent_at, row.channel = "sent", now, delivery.channel
        self.metrics.inc("microcourt_outbox_sent_total", channel=delivery.channel)
        return True

    async def backlog(self) -> int:
        async with self.store.tx() as tx:
            count = await tx.session.scalar(
                select(func.count(OutboxMessage.id)).where(OutboxMessage.status == "pending")
            )
        return int(count or 0)
