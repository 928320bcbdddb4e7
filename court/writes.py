"""Writing a decision in the command's transaction: the case state, its deadlines, the outbox rows
and the case record. Messages leased to the command are kept to send after commit."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from court.access import People
from court.accounts import recipients
from court.deadlines import link_earlier_served, link_served
from court.decisions import ParticipantsChanged
from court.duties import settle_duties
from court.outcomes import Pending
from flows.effects import CancelDeadlines, Message, MoveDeadline, ScheduleDeadline
from flows.engine import Decision
from storage.models import Case, Deadline
from storage.outbox import LEASE, Letter
from storage.store import Tx


async def write(
    tx: Tx,
    case: Case,
    decision: Decision,
    now: datetime,
    pending: Pending,
    kind: str,
    who: dict[str, Any],
    detail: dict[str, Any] | None = None,
    people: People | None = None,
    *,
    max_upload_mb: int,
    clock: Callable[[], datetime],
) -> None:
    state = decision.state
    data = state.data
    status = str(data.get("_status", case.status))
    saved = state.to_json()
    await tx.save_state(case, saved, status, now, received=_reaches_the_court(decision))
    if people is None:
        people = await tx.participants(case.id)
    for effect in decision.effects:
        if isinstance(effect, Message):
            _queue_message(tx, case, effect, data, people, now, max_upload_mb)
        elif isinstance(effect, ParticipantsChanged):
            people = await tx.participants(case.id)
        elif isinstance(effect, CancelDeadlines):
            await tx.cancel_deadlines(case.id, effect.before_stage_seq, effect.keep)
        elif isinstance(effect, MoveDeadline):
            await _move(tx, case, effect)
        elif isinstance(effect, ScheduleDeadline):
            tx.add(
                Deadline(
                    case_id=case.id,
                    kind=effect.kind,
                    stage=effect.stage,
                    stage_seq=effect.stage_seq,
                    due_at=effect.due_at,
                    remind_at=effect.remind_at,
                    rule=effect.rule,
                    warnings=",".join(effect.warnings),
                    status="pending" if effect.starts_on is None else "unstarted",
                    starts_on=effect.starts_on,
                    served_to=effect.served_to,
                    duration=effect.duration or None,
                    remind_before=effect.remind_before,
                    served_messages="",
                )
            )
    await tx.log(case.id, state.seq, kind, {**(detail or {}), "stage": state.stage}, now, **who)
    letters = await _post(tx, pending, clock)
    await link_served(tx, case.id, letters)
    if any(isinstance(e, ScheduleDeadline) and e.starts_on for e in decision.effects):
        await link_earlier_served(tx, case.id)  # a copy served before (e.g. in the flow handing over)
    if data.get("_duties"):
        await settle_duties(tx, case, saved, status, letters, now)


async def _move(tx: Tx, case: Case, move: MoveDeadline) -> None:
    """A self-service extension: the stage's pending row and its reminder move, the first due time kept."""
    deadline = await tx.pending_deadline(case.id, move.kind)
    if deadline is None or deadline.stage_seq != move.stage_seq:
        return
    deadline.extended_from = deadline.extended_from or deadline.due_at
    deadline.due_at, deadline.remind_at, deadline.reminded_at = move.due_at, move.remind_at, None


def _reaches_the_court(decision: Decision) -> bool:
    """The court receives a filing when the case first says something to it (its review prompt):
    a draft, or one routed to another court or withdrawn before submission, never does."""
    return any(isinstance(e, Message) and e.role == "court" for e in decision.effects)


async def _post(tx: Tx, pending: Pending, clock: Callable[[], datetime]) -> list[Letter]:
    """Write the messages; keep the leased ones, with their recipients' routes, to send after commit.
    Returns every message written."""
    busy = None
    if pending.inline:
        found, busy = await recipients(tx, tx.queued_for())
        pending.routes.update(found)
    letters = await tx.write_outbox(busy, clock() + LEASE)
    for letter in letters:
        if letter.leased:
            pending.letters.append(letter)
        else:
            pending.queued = True
    return letters


def _queue_message(
    tx: Tx,
    case: Case,
    message: Message,
    data: Mapping[str, Any],
    people: People,
    now: datetime,
    max_upload_mb: int,
) -> None:
    payload: dict[str, Any] = {"text": message.text, "params": message.params}
    if message.prompt is not None:
        prompt = message.prompt
        payload["prompt"] = {"step": prompt.step, "seq": prompt.seq, **prompt.input}
        if prompt.input.get("kind") in ("files", "statement"):
            payload["prompt"]["max_mb"] = max_upload_mb
        if prompt.deadline:
            payload["prompt"]["due_at"] = data.get("_due", {}).get(prompt.deadline)
            payload["prompt"]["deadline"] = prompt.deadline
    if message.role == "court":
        tx.outbox(case.id, "court", None, payload, now, case.court_code)
        return
    for person_id in people.get(message.role, []):
        tx.outbox(case.id, message.role, person_id, payload, now, case.court_code)
