"""Outbox delivery: a command's own rows straight after it commits, and a dispatcher for the rest.

The fast path (`after_commit`) sends the rows a command wrote leased to it (see storage/outbox.py).
The dispatcher (`run_once`, on the ticker and when kicked) claims every other due row: rows nobody
leased, rows whose lease ran out because a process died, rows back from a flood wait. It leases
what it claims in one short transaction and sends outside it, so no lock is held while a channel
answers. Either way results are recorded in group commits, one person's messages go in order
and stop at the first failure, and different people's go concurrently.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from court import accounts
from court.e_service import served_document
from court.kick import Kick
from court.metrics import Metrics
from court.postbag import Postbag
from court.routing import Delivery, Interrupted, RetryLater, RoutingSender
from storage import outbox_delivery as delivery
from storage.outbox import LEASE, Letter
from storage.store import Store, Tx

log = logging.getLogger("microcourt.outbox")

Outcomes = list[tuple[Letter, Delivery | Exception]]


@dataclass
class _Sent:
    """One round of sends waiting to be recorded; `written` says whether others' rows now wait."""

    outcomes: Outcomes
    unsent: list[int]
    written: asyncio.Future[bool] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class OutboxDispatcher:
    """At-least-once delivery keyed by message id: receivers drop an id they already have."""

    def __init__(self, store: Store, sender: RoutingSender, clock: Callable[[], datetime], metrics: Metrics) -> None:
        self.store, self.sender, self.clock, self.metrics = store, sender, clock, metrics
        self.kick = Kick(self.run_once)
        self._recorder = Kick(self._record_sent)
        self._unrecorded: list[_Sent] = []
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def after_commit(self, bag: Postbag) -> None:
        """Send a committed command's leased rows now; wake the dispatcher for anything else.

        With `bag.deliveries` (a turn's, see court.deliveries) the sends run in the background
        and the command returns at once; the rows are committed already, so nothing is lost if
        the process dies."""
        if bag.queued:
            await self.kick()
        if not bag.letters:
            return
        if bag.deliveries is None:
            await self._send(bag.letters, bag.routes)
            return
        self._begin()  # before the task first runs, so that `settle` cannot miss it
        task = asyncio.create_task(self._deliver(bag.letters, bag.routes))
        task.add_done_callback(lambda _task: self._end())  # even if cancelled before it ran
        bag.deliveries.add(task)

    async def run_once(self, limit: int = 100) -> int:
        """Lease what is due, send it, record it; return how many rows were delivered."""
        now = self.clock()
        async with self.store.tx() as tx:
            letters = await delivery.claim_due(tx, now, limit)
            if not letters:
                return 0
            await delivery.make_available(tx, [letter.id for letter in letters], now + LEASE)
            routes = await accounts.routes(tx, {letter.person_id for letter in letters if letter.person_id})
        return await self._send(letters, routes)

    async def settle(self) -> None:
        """Wait until no delivery is under way: none on the fast path, no dispatcher round."""
        while not self._idle.is_set() or self.kick.busy:
            await self._idle.wait()
            await self.kick.drain()

    def _begin(self) -> None:
        self._in_flight += 1
        self._idle.clear()

    def _end(self) -> None:
        self._in_flight -= 1
        if not self._in_flight:
            self._idle.set()

    async def _send(self, letters: Sequence[Letter], routes: Mapping[str, accounts.Route]) -> int:
        self._begin()
        try:
            return await self._deliver(letters, routes)
        finally:
            self._end()

    async def _deliver(self, letters: Sequence[Letter], routes: Mapping[str, accounts.Route]) -> int:
        """Send leased rows, each person's in order; return, once recorded, how many were delivered."""
        try:
            queues: dict[str, list[Letter]] = defaultdict(list)
            for letter in letters:
                queues[letter.person_id or f"court:{letter.court_code}"].append(letter)
            results = await asyncio.gather(
                *(self._send_in_order(queue, routes.get(key)) for key, queue in queues.items())
            )
            sent = _Sent([o for done, _rest in results for o in done], [x.id for _done, rest in results for x in rest])
            self._unrecorded.append(sent)
            await self._recorder()
            others_wait = await sent.written  # the person's next command must see these rows sent
        except Exception:  # the leases run out and the dispatcher sends the rows again
            log.exception("delivery could not be recorded; the rows will be sent again")
            return 0
        if others_wait:  # rows queued behind these (another command, another process): let them go
            await self.kick()
        return sum(isinstance(result, Delivery) for _letter, result in sent.outcomes)

    async def _record_sent(self) -> None:
        """Record every round of sends finished since the last write, in one transaction (group
        commit: under load, many commands' deliveries share it)."""
        batch, self._unrecorded = self._unrecorded, []
        if not batch:
            return
        try:
            async with self.store.tx() as tx:
                now = self.clock()
                await self._record(tx, [outcome for sent in batch for outcome in sent.outcomes], now)
                unsent = [row_id for sent in batch for row_id in sent.unsent]
                if unsent:  # give up the lease on rows held back behind a failure
                    await delivery.make_available(tx, unsent, now)
                others_wait = await self._others_due(tx, batch, now)
        except Exception as error:
            for sent in batch:
                if not sent.written.done():  # a waiter may have been cancelled
                    sent.written.set_exception(error)
            return
        for sent in batch:
            if not sent.written.done():
                sent.written.set_result(others_wait)

    @staticmethod
    async def _others_due(tx: Tx, batch: list[_Sent], now: datetime) -> bool:
        """Whether the people just written to have other rows due (they waited behind these)."""
        letters = [letter for sent in batch for letter, _result in sent.outcomes]
        people = {letter.person_id for letter in letters if letter.person_id}
        mine = {letter.id for letter in letters} | {row_id for sent in batch for row_id in sent.unsent}
        return await delivery.others_due(tx, people, mine, now)

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
        delivered: dict[tuple[str, str | None], list[int]] = defaultdict(list)
        for letter, result in outcomes:
            if isinstance(result, RetryLater):
                wait_until = now + timedelta(seconds=result.seconds)
                progress = {"channel": result.channel, "parts_sent": result.parts_sent} if result.channel else {}
                await delivery.record_attempt(tx, letter.id, available_at=wait_until, error="retry_after", **progress)
                self.metrics.inc("microcourt_errors_total", code="outbox_retry_after")
            elif isinstance(result, Interrupted):
                progress = {"channel": result.channel, "parts_sent": result.parts_sent}
                await delivery.record_attempt(tx, letter.id, available_at=now, error=str(result), **progress)
                self.metrics.inc("microcourt_errors_total", code="outbox_delivery")
                log.warning("delivery interrupted; will resume", extra={"channel": result.channel})
            elif isinstance(result, Exception):
                await delivery.record_attempt(tx, letter.id, available_at=now, error=type(result).__name__)
                self.metrics.inc("microcourt_errors_total", code="outbox_delivery")
                log.warning("delivery failed; will retry", extra={"channel": self.sender.channel})
            else:
                # where a served document arrived, for its certificate (other rows: batched by channel)
                address = result.address if served_document(letter.payload["text"]) else None
                delivered[(result.channel, address)].append(letter.id)
                await self._unreachable(tx, letter, result, now)
        for (channel, address), ids in delivered.items():
            await delivery.mark_sent(tx, ids, now, channel, address)
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
            return await delivery.backlog(tx)
