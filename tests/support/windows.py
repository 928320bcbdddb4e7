"""Many trial windows closing at one instant, swept by server processes of their own: the builders
shared by the two-process test (tests/integration/test_windows_two_processes.py) and
bench/deadlines.py.

One case is brought to the evidence exchange through the service layer (its `exchange` window is
a pending deadline row), then copied in the database: each copy is a case of its own (id,
reference and case number, in its row and in its sealed state), with the template's participants
and its exchange window, and nothing else.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select

from app.bootstrap import build_court, utc_now
from app.simulation import Simulation
from gateway import logs
from gateway.court import Court
from gateway.settings import Settings
from storage.models import Case, CaseEvent, Deadline, OutboxMessage, Participant
from storage.store import Store
from tests.support.court import demo_person
from tests.support.trial import case_in_trial, case_state, upload

WINDOW = "exchange"  # the evidence exchange's window (trial.v1.yaml, OLR 20(1), DOMAIN §10.3)


async def case_in_exchange(court: Court) -> str:
    """A case whose parties both agreed to exchange evidence asynchronously: its `exchange` window runs."""
    sim = Simulation(court, "en")
    case_id, rep = await case_in_trial(court, sim)
    for value in ("dispute", "Delivered working.", "accept", "no"):
        await sim.answer(rep, case_id, value)
    await upload(court, rep, case_id, "courier_receipt.pdf", b"%PDF signed on delivery")
    for value in ("done", "submit"):
        await sim.answer(rep, case_id, value)
    plaintiff = await demo_person(court, "litigant_a")
    for person, value in ((plaintiff, "done"), (rep, "done"), (plaintiff, "yes"), (rep, "yes")):
        await sim.answer(person, case_id, value)  # nothing more in the evidence period; both agree
    state = await case_state(court, case_id)
    assert state["stage"] == "evidence_exchange", state["stage"]
    return case_id


def _columns(row: Any, model: Any, **changed: Any) -> dict[str, Any]:
    """A row's columns as a dict for an INSERT, some changed (a deadline's id left to the database)."""
    values = {c.key: getattr(row, c.key) for c in model.__mapper__.column_attrs if (model, c.key) != (Deadline, "id")}
    return {**values, **changed}


async def copy_windows(store: Store, template: str, copies: int, tag: str) -> list[str]:
    """`copies` cases copied from `template` with its participants and its pending exchange
    window (the template's own is cancelled); their references end in `-<tag><n>`.
    Returns the copies' ids."""
    async with store.tx() as tx:
        case = await tx.get_case(template)
        assert case is not None
        raw = tx.open_state(case)
        people = list(await tx.session.scalars(select(Participant).where(Participant.case_id == template)))
        window = await tx.session.scalar(
            select(Deadline).where(Deadline.case_id == template, Deadline.kind == WINDOW).order_by(Deadline.id.desc())
        )
        assert window is not None and window.due_at is not None
        cases, participants, deadlines = [], [], []
        for n in range(copies):
            case_id = str(uuid.uuid4())
            reference = f"{case.reference[:12]}-{tag}{n}"
            number = f"{case.case_number}-{tag}{n}"
            data = {**raw["data"], "reference": reference, "case_number": number}
            state = tx.sealer.seal({**raw, "data": data})
            cases.append(_columns(case, Case, id=case_id, reference=reference, case_number=number, state=state))
            participants += [_columns(p, Participant, case_id=case_id) for p in people]
            deadlines.append(_columns(window, Deadline, case_id=case_id, status="pending"))
        for model, rows in ((Case, cases), (Participant, participants), (Deadline, deadlines)):
            await tx.session.execute(insert(model), rows)
        window.status = "cancelled"
    return [row["id"] for row in cases]


async def make_due(store: Store, at: datetime) -> None:
    """Every pending exchange window due at `at` (reminders sent, out of the way)."""
    async with store.tx() as tx:
        await tx.session.execute(
            Deadline.__table__.update()  # type: ignore[attr-defined]
            .where(Deadline.status == "pending", Deadline.kind == WINDOW)
            .values(due_at=at, remind_at=None)
        )


@dataclass(frozen=True)
class Fired:
    """What the database says of the windows of `cases`: fired once (row and record), twice, never."""

    once: int
    twice: int
    never: int
    rows_fired: int
    workers: frozenset[str]
    first_outbox: dict[str, datetime]


async def fired(store: Store, cases: list[str]) -> Fired:
    """Count, per case, its window's status and its `deadline_fired` record events; the first
    outbox row each case wrote after firing."""
    async with store.tx() as tx:
        events = dict(
            (
                await tx.session.execute(
                    select(CaseEvent.case_id, func.count(CaseEvent.id))
                    .where(CaseEvent.kind == "deadline_fired", CaseEvent.case_id.in_(cases))
                    .group_by(CaseEvent.case_id)
                )
            ).all()
        )
        rows = (
            await tx.session.execute(
                select(Deadline.status, Deadline.fired_by).where(Deadline.kind == WINDOW, Deadline.case_id.in_(cases))
            )
        ).all()
        fired_at = await tx.session.scalar(select(func.min(Deadline.fired_at)).where(Deadline.case_id.in_(cases)))
        first = dict(
            (
                await tx.session.execute(
                    select(OutboxMessage.case_id, func.min(OutboxMessage.created_at))
                    .where(OutboxMessage.case_id.in_(cases), OutboxMessage.created_at >= fired_at)
                    .group_by(OutboxMessage.case_id)
                )
            ).all()
            if fired_at
            else []
        )
    counts = [events.get(case_id, 0) for case_id in cases]
    return Fired(
        once=sum(1 for n in counts if n == 1),
        twice=sum(1 for n in counts if n > 1),
        never=sum(1 for n in counts if n == 0),
        rows_fired=sum(1 for status, _by in rows if status == "fired"),
        workers=frozenset(by for _status, by in rows if by),
        first_outbox=first,
    )


def sweeper_process(
    settings: Settings,
    clock: Callable[[], datetime] | None,
    worker: str,
    ready: Any,
    start: Any,
    done: Any,
    settle: bool = True,
) -> None:
    """A server process's sweeper (spawned): its own court on the shared database. It says it is
    `ready`; once `start` is set it fires what is due until a round finds nothing (the outbox
    dispatcher, kicked, sends meanwhile, as in a running server), then (`settle`) lets the
    dispatcher finish.
    Puts on `done` a dict: `worker`, monotonic times `fired` and `settled`, `cpu` (this process's
    CPU seconds from the start to the last firing) and `error` (None, or what went wrong)."""
    report: dict[str, Any] = {"worker": worker, "error": None}

    async def sweep() -> None:
        court = await build_court(settings, clock or utc_now, migrate=False)
        court.sweeper.worker = worker
        try:
            ready.put(worker)
            await asyncio.to_thread(start.wait)
            cpu = time.process_time()
            while await court.sweeper.run_once(limit=500):
                pass
            report.update(fired=time.monotonic(), cpu=time.process_time() - cpu)
            if settle:
                await court.dispatcher.settle()
            report["settled"] = time.monotonic()
        finally:
            await court.close()

    logs.configure("ERROR")
    try:
        asyncio.run(sweep())
    except Exception as problem:  # reported to the parent, which fails
        report["error"] = repr(problem)
    done.put(report)
