"""Outbox delivery: a command's own rows straight after it commits, and a dispatcher for the rest.

The fast path (`after_commit`) sends the rows a command wrote leased to it (see storage/outbox.py)
and records the result in one short transaction. The dispatcher (`run_once`, on the ticker and when
kicked) claims every other due row: rows nobody leased, rows whose lease ran out because a process
died, rows waiting out a flood limit. Either way one person's messages go in order and stop at the
first failure; different people's go concurrently.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import aliased
from sqlalchemy.sql.dml import Update

from app.metrics import Metrics
from app.ticker import Kick
from bot.routing import Delivery, RetryLater, RoutingSender
from court import accounts
from court.postbag import Postbag
from storage import queries
from storage.models import Case, OutboxMessage
from storage.outbox import Letter
from storage.store import Store, Tx

log = logging.getLogger("microcourt.outbox")

Outcomes = list[tuple[Letter, Delivery | Exception]]


class OutboxDispatcher:
    """At-least-once delivery keyed by message id: receivers drop an id they already have."""

    def __init__(self, store: Store, sender: RoutingSender, clock: Callable[[], datetime], metrics: Metrics) -> None:
        self.store, self.sender, self.clock, self.metrics = store, sender, clock, metrics
        self.kick = Kick(self.run_once)
        self._recorder = Kick(self._record_delivered)
        self._unrecorded: list[tuple[Outcomes, list[int], asyncio.Future[None]]] = []
        self._queued = 0  # bags that left rows to the dispatcher, so far
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def after_commit(self, bag: Postbag) -> None:
        """Send a committed command's leased rows now; wake the dispatcher for anything else."""
        if bag.queued:
            self._queued += 1
            await self.kick()
        if not bag.letters:
            return
        queued_before = self._queued
        self._in_flight += 1
        self._idle.clear()
        try:
            held = await self._deliver(bag)
        except Exception:  # the lease runs out and the dispatcher sends them
            log.exception("fast-path delivery failed; the dispatcher will retry")
            held = False
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()
        if held or self._queued != queued_before:  # others' rows may have queued behind these: go
            await self.kick()

    async def settle(self) -> None:
        """Wait until no delivery is under way: none on the fast path, no dispatcher round."""
        while not self._idle.is_set() or self.kick.busy:
            await self._idle.wait()
            await self.kick.drain()

    async def _deliver(self, bag: Postbag) -> bool:
        """Send, and return once the outcome is recorded; True if some row was not delivered."""
        queues: dict[str, list[Letter]] = defaultdict(list)
        for letter in bag.letters:
            queues[letter.person_id or ""].append(letter)
        results = await asyncio.gather(
            *(self._send_in_order(queue, bag.routes.get(person)) for person, queue in queues.items())
        )
        outcomes = [outcome for done, _rest in results for outcome in done]
        unsent = [letter.id for _done, rest in results for letter in rest]
        written = asyncio.get_running_loop().create_future()
        self._unrecorded.append((outcomes, unsent, written))
        await self._recorder()
        await written  # the person's next command must see these rows sent
        return bool(unsent) or any(not isinstance(result, Delivery) for _letter, result in outcomes)

    async def _record_delivered(self) -> None:
        """Write what the fast path did, everything finished since the last write in one transaction
        (group commit: under load, many commands' deliveries share it)."""
        batch, self._unrecorded = self._unrecorded, []
        if not batch:
            return
        try:
            async with self.store.tx() as tx:
                now = self.clock()
                await self._record(tx, [outcome for outcomes, _unsent, _f in batch for outcome in outcomes], now)
                unsent = [row_id for _outcomes, ids, _f in batch for row_id in ids]
                if unsent:  # give up the lease on rows held back behind a failure
                    await tx.session.execute(
                        update(OutboxMessage)
                        .where(OutboxMessage.id.in_(unsent))
                        .values(available_at=now)
                        .execution_options(synchronize_session=False)
                    )
        except Exception as error:  # the leases run out and the dispatcher sends the rows again
            for _outcomes, _unsent, written in batch:
                written.set_exception(error)  # each waiting command logs it
            return
        for _outcomes, _unsent, written in batch:
            written.set_result(None)

    async def run_once(self, limit: int = 100) -> int:
        """Send what is due; return how many rows were delivered."""
        now = self.clock()
        async with self.store.tx() as tx:
            letters = await self._claim(tx, now, limit)
            routes = await accounts.routes(tx, {letter.person_id for letter in letters if letter.person_id})
            queues: dict[str, list[Letter]] = defaultdict(list)
            for letter in letters:
                queues[letter.person_id or f"court:{letter.court_code}"].append(letter)
            results = await asyncio.gather(
                *(self._send_in_order(queue, routes.get(key)) for key, queue in queues.items())
            )
            return await self._record(tx, [outcome for outcomes, _unsent in results for outcome in outcomes], now)

    async def _claim(self, tx: Tx, now: datetime, limit: int) -> list[Letter]:
        """Due rows, locked, skipping any behind an earlier pending row of theirs not yet due."""
        earlier = aliased(OutboxMessage)
        held_back = exists().where(
            earlier.person_id == OutboxMessage.person_id,
            earlier.status == "pending",
            earlier.id < OutboxMessage.id,
            earlier.available_at > now,
        )
        query = (
            select(OutboxMessage, Case.court_code)
            .join(Case, Case.id == OutboxMessage.case_id)
            .where(OutboxMessage.status == "pending", OutboxMessage.available_at <= now, ~held_back)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        if not tx.sqlite:
            query = query.with_for_update(of=OutboxMessage, skip_locked=True)
        return [
            Letter(
                row.case_id,
                row.role,
                row.person_id,
                tx.sealer.open(row.payload),
                row.created_at,
                court,
                row.id,
                resume=(row.channel, row.parts_sent) if row.channel and row.parts_sent else None,
            )
            for row, court in (await tx.session.execute(query)).all()
        ]

    async def _send_in_order(
        self, queue: Sequence[Letter], route: accounts.Route | None
    ) -> tuple[Outcomes, list[Letter]]:
        """Send one person's rows in order; stop at the first failure. Returns outcomes and the rest."""
        outcomes: Outcomes = []
        for position, letter in enumerate(queue):
            try:
                outcomes.append((letter, await self.sender.deliver(letter.message(), route)))
            except Exception as error:
                outcomes.append((letter, error))
                return outcomes, list(queue[position + 1 :])
        return outcomes, []

    async def _record(self, tx: Tx, outcomes: Outcomes, now: datetime) -> int:
        """Write what happened to each row; return how many were delivered."""
        delivered: dict[str, list[int]] = defaultdict(list)
        for letter, result in outcomes:
            if isinstance(result, RetryLater):
                wait_until = now + timedelta(seconds=result.seconds)
                progress = {"channel": result.channel, "parts_sent": result.parts_sent} if result.channel else {}
                await tx.session.execute(_set([letter.id], available_at=wait_until, error="retry_after", **progress))
                self.metrics.inc("microcourt_errors_total", code="outbox_retry_after")
            elif isinstance(result, Exception):
                await tx.session.execute(_set([letter.id], available_at=now, error=type(result).__name__))
                self.metrics.inc("microcourt_errors_total", code="outbox_delivery")
                log.warning("delivery failed; will retry", extra={"channel": self.sender.channel})
            else:
                delivered[result.channel].append(letter.id)
                await self._unreachable(tx, letter, result, now)
        for channel, ids in delivered.items():
            await tx.session.execute(queries.MARK_SENT, {"b_ids": ids, "b_now": now, "b_channel": channel})
            self.metrics.inc("microcourt_outbox_sent_total", len(ids), channel=channel)
        return sum(len(ids) for ids in delivered.values())

    async def _unreachable(self, tx: Tx, letter: Letter, result: Delivery, now: datetime) -> None:
        for channel, external_id, reason in result.unreachable:
            assert letter.person_id is not None
            await accounts.mark_unreachable(
                tx, letter.person_id, letter.case_id, channel, external_id, reason, result.channel, now
            )
            self.metrics.inc("microcourt_errors_total", code=f"{channel}_unreachable")

    async def backlog(self) -> int:
        async with self.store.tx() as tx:
            count = await tx.session.scalar(
                select(func.count(OutboxMessage.id)).where(OutboxMessage.status == "pending")
            )
        return int(count or 0)


def _set(ids: Iterable[int], **values: object) -> Update:
    """One attempt recorded on rows `ids`, with `values`."""
    return (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(list(ids)))
        .values(attempts=OutboxMessage.attempts + 1, **values)
        .execution_options(synchronize_session=False)
    )
