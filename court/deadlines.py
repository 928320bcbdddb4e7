"""Deadlines the court moves: periods that start when a served document's service takes effect
(CPL 90, OLR 31: FM 22's fee period, OLR 9's corrections, OLR 10's link period, CPL 128's answer),
and the judge extending a pending one (CPL 85, 86)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from court.commands import ApplyForMoreTime, DecideMoreTime, ExtendDeadline
from court.e_service import effective, served_document
from court.outcomes import Outcome
from court.procedures import CallContext
from flows.context import DeadlineRule, FlowContext
from flows.durations import parse_duration
from flows.effects import Effect, Message, ServiceCall
from flows.engine import discharge_duties
from flows.events import Signal
from flows.registry import InputError
from storage.models import Case, Deadline, OutboxMessage
from storage.outbox import Letter
from storage.store import Tx

UNSTARTED = "unstarted"


async def link_served(tx: Tx, case_id: str, letters: Sequence[Letter]) -> None:
    """Tie the case's unstarted deadlines to the messages just written that serve their document
    on the role they name: the period starts when the first of them takes effect."""
    await link_all_served(tx, [letter for letter in letters if letter.case_id == case_id])


async def link_all_served(tx: Tx, letters: Sequence[Letter]) -> None:
    """`link_served` for the messages of any number of cases, in one query."""
    to_people = [letter for letter in letters if letter.person_id is not None]
    if not to_people:
        return
    waiting = await tx.session.scalars(
        select(Deadline).where(
            Deadline.case_id.in_({letter.case_id for letter in to_people}), Deadline.status == UNSTARTED
        )
    )
    for deadline in waiting:
        ids = [
            str(letter.id)
            for letter in to_people
            if letter.case_id == deadline.case_id
            and letter.role == deadline.served_to
            and letter.payload.get("text") == deadline.starts_on
        ]
        if ids:
            deadline.served_messages = ",".join(filter(None, [deadline.served_messages, *ids]))


async def link_earlier_served(tx: Tx, case_id: str) -> None:
    """Tie the case's unstarted deadlines that no message serves yet to the copies of their
    document served on the case earlier: a case moved into a newer flow by a queued hand-over
    (`court.handover`) was served that document before it moved (the complaint copy, CPL 128),
    and its period runs from when that service took effect."""
    waiting = list(
        await tx.session.scalars(
            select(Deadline).where(
                Deadline.case_id == case_id, Deadline.status == UNSTARTED, Deadline.served_messages == ""
            )
        )
    )
    if not waiting:
        return
    rows = await tx.session.scalars(
        select(OutboxMessage).where(OutboxMessage.case_id == case_id, OutboxMessage.person_id.is_not(None))
    )
    sent = [(row.id, row.role, tx.sealer.open(row.payload).get("text")) for row in rows]
    for deadline in waiting:
        ids = [str(i) for i, role, text in sent if role == deadline.served_to and text == deadline.starts_on]
        deadline.served_messages = ",".join(ids)


async def start_served_clocks(tx: Tx, now: datetime, rule: DeadlineRule) -> int:
    """Start every unstarted deadline whose document has been effectively served: the period
    counts from that moment (never from when it was issued), the parties are told when it ends.
    A document never effectively served starts nothing (the court's queue shows it). Returns how
    many started."""
    started = 0
    waiting = list(
        await tx.session.scalars(
            select(Deadline).where(Deadline.status == UNSTARTED, Deadline.served_messages != "").order_by(Deadline.id)
        )
    )
    for deadline in waiting:
        at = await _served_at(tx, deadline)
        if at is None or at > now:
            continue
        case = await tx.lock_case(deadline.case_id)
        if case is None:
            continue
        await tx.session.refresh(deadline)  # under the case lock: another sweeper may have started it
        if deadline.status != UNSTARTED:
            continue
        await _start(tx, case, deadline, at, now, rule)
        started += 1
    return started


async def _served_at(tx: Tx, deadline: Deadline) -> datetime | None:
    """When the earliest of the deadline's serving messages took effect (None: none has)."""
    ids = [int(i) for i in deadline.served_messages.split(",") if i]
    rows = await tx.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)))
    moments = [at for at, _how in map(effective, rows) if at is not None]
    return min(moments) if moments else None


async def _start(
    tx: Tx, case: Case, deadline: Deadline, served_at: datetime, now: datetime, rule: DeadlineRule
) -> None:
    assert deadline.duration is not None
    due = rule(served_at, parse_duration(deadline.duration))
    deadline.status, deadline.started_at, deadline.due_at = "pending", served_at, due.at
    deadline.warnings = ",".join(due.warnings)
    if deadline.remind_before:
        deadline.remind_at = max(now, due.at - parse_duration(deadline.remind_before).as_timedelta())
    raw = tx.open_state(case)
    data = raw["data"]
    data.setdefault("_due", {})[deadline.kind] = due.at.isoformat()
    data.get("_unstarted", {}).pop(deadline.kind, None)
    await tx.save_state(case, raw, case.status, now)
    params = _started_params(deadline, served_at, due.at)
    role = deadline.served_to or ""
    for person_id in (await tx.participants(case.id)).get(role, []):
        payload: dict[str, Any] = {"text": "deadline.started", "params": params}
        prompt = await _open_prompt(tx, case.id, person_id, role, deadline.kind)
        if prompt is not None:  # the question the period is for, asked again with its countdown
            payload["prompt"] = {**prompt, "due_at": due.at.isoformat()}
        tx.outbox(case.id, role, person_id, payload, now, case.court_code)
    tx.outbox(case.id, "court", None, {"text": "deadline.started_court", "params": params}, now, case.court_code)
    await tx.write_outbox()
    detail = {"kind": deadline.kind, "served_at": served_at.isoformat(), "due_at": due.at.isoformat()}
    await tx.log(case.id, raw["seq"], "deadline_started", detail, now, channel="sweeper")


async def _open_prompt(tx: Tx, case_id: str, person_id: str, role: str, kind: str) -> dict[str, Any] | None:
    """The person's current question if it belongs to the period `kind` (None otherwise)."""
    row = await tx.latest_prompt(case_id, person_id, role)
    if row is None:
        return None
    prompt = tx.sealer.open(row.payload).get("prompt")
    return dict(prompt) if isinstance(prompt, dict) and prompt.get("deadline") == kind else None


def _started_params(deadline: Deadline, served_at: datetime, due_at: datetime) -> dict[str, Any]:
    return {
        "deadline": {"t": f"deadline.kind.{deadline.kind}"},
        "document": {"t": served_document(deadline.starts_on or "") or "document.court_document"},
        "served_at": {"time": served_at.isoformat()},
        "due_at": {"time": due_at.isoformat()},
        "rule": deadline.rule,
    }


async def record_service(ctx: CallContext, call: ServiceCall) -> Signal | None:
    """Service call `record_service` {kind}: the clerk records that the document the case's
    unstarted `kind` deadline waits for was served now outside the chat (at the address the
    plaintiff gave); the period starts from now. Answers `deadline_started` (None: nothing waits)."""
    deadline = await ctx.tx.session.scalar(
        select(Deadline).where(
            Deadline.case_id == ctx.case.id, Deadline.kind == call.params["kind"], Deadline.status == UNSTARTED
        )
    )
    if deadline is None or deadline.duration is None:
        return None
    due = ctx.due(ctx.now, parse_duration(deadline.duration))
    deadline.status, deadline.started_at, deadline.due_at = "pending", ctx.now, due.at
    deadline.warnings = ",".join(due.warnings)
    if deadline.remind_before:
        deadline.remind_at = max(ctx.now, due.at - parse_duration(deadline.remind_before).as_timedelta())
    detail = {"kind": deadline.kind, "served_at": ctx.now.isoformat(), "due_at": due.at.isoformat(), "by": "recorded"}
    await ctx.tx.log(ctx.case.id, 0, "deadline_started", detail, ctx.now, channel="court")
    sent = {"document": deadline.starts_on, "to": deadline.served_to}  # the court's duty to send it is done
    params = _started_params(deadline, ctx.now, due.at)
    return Signal("deadline_started", {"kind": deadline.kind, "params": params, "sent": sent})


def deadline_started(data: dict[str, Any], payload: Mapping[str, Any], ctx: FlowContext) -> list[Effect]:
    """Signal `deadline_started` (any stage): the case's copy of the period's end; the court told."""
    kind, params = payload.get("kind"), payload.get("params")
    if not isinstance(kind, str) or not isinstance(params, dict):
        raise InputError("bad_request")
    data.setdefault("_due", {})[kind] = params["due_at"]["time"]
    data.get("_unstarted", {}).pop(kind, None)
    sent = payload.get("sent")
    if isinstance(sent, dict) and sent.get("document") and sent.get("to"):
        discharge_duties(data, str(sent["document"]), str(sent["to"]), ctx.now)
    return [Message("court", "deadline.started_court", dict(params))]


async def unserved(tx: Tx, case_ids: Sequence[str]) -> dict[str, list[str]]:
    """The deadline kinds of each case still waiting for their document to be effectively served."""
    if not case_ids:
        return {}
    rows = await tx.session.execute(
        select(Deadline.case_id, Deadline.kind).where(Deadline.case_id.in_(case_ids), Deadline.status == UNSTARTED)
    )
    found: dict[str, list[str]] = {}
    for case_id, kind in rows:
        found.setdefault(case_id, []).append(kind)
    return found


async def extend(tx: Tx, case: Case, role: str, cmd: ExtendDeadline, now: datetime, rule: DeadlineRule) -> Outcome:
    """The judge extends the case's pending deadline of `cmd.kind` by `cmd.days` days, counted from
    its current end under CPL 85 (a new last day on a holiday moves to the next working day); a
    period can only be made longer. Everyone in the case is told the new end."""
    if isinstance(cmd.days, bool) or not isinstance(cmd.days, int) or cmd.days < 1:
        return Outcome(case.id, "extension_not_positive")  # CPL 85, 86: an extension adds time
    deadline = await tx.pending_deadline(case.id, cmd.kind)
    if deadline is None or deadline.due_at is None or deadline.kind in tx.open_state(case)["data"].get("_duties", {}):
        return Outcome(case.id, "stale_deadline")  # the court's own duty (CPL 128) is not a party's period
    try:
        due = rule(deadline.due_at, parse_duration(f"P{cmd.days}D"))
    except ValueError:
        return Outcome(case.id, "extension_too_long")
    added = due.at - deadline.due_at
    deadline.extended_from = deadline.extended_from or deadline.due_at
    deadline.due_at = due.at
    if deadline.remind_at is not None:
        deadline.remind_at, deadline.reminded_at = deadline.remind_at + added, None
    raw = tx.open_state(case)
    raw["data"].setdefault("_due", {})[cmd.kind] = deadline.due_at.isoformat()
    await tx.save_state(case, raw, case.status, now)
    params = {
        "deadline": {"t": f"deadline.kind.{cmd.kind}"},
        "due_at": {"time": deadline.due_at.isoformat()},
        "reason": cmd.reason,
    }
    for party, people in (await tx.participants(case.id)).items():
        for person_id in people:
            tx.outbox(case.id, party, person_id, {"text": "deadline.extended", "params": params}, now, case.court_code)
    tx.outbox(case.id, "court", None, {"text": "deadline.extended", "params": params}, now, case.court_code)
    await tx.write_outbox()
    await tx.log(
        case.id,
        raw["seq"],
        "deadline_extended",
        {"kind": cmd.kind, "days": cmd.days, "reason": cmd.reason, "due_at": deadline.due_at.isoformat()},
        now,
        actor_id=cmd.person_id,
        role=role,
    )
    return Outcome(case.id)


MORE_TIME_WITHIN = "P10D"  # CPL 86: within 10 days after the obstacle ends


async def apply_for_more_time(
    tx: Tx, case: Case, role: str, cmd: ApplyForMoreTime, now: datetime, rule: DeadlineRule, timezone: str
) -> Outcome:
    """A party applies for more time (CPL 86): within 10 days (counted under CPL 85) after the
    obstacle ended, with a reason. Recorded, put before the judge; the judge decides."""
    if role == "court":
        return Outcome(case.id, "not_a_party")
    reason = cmd.reason.strip()
    if not reason:
        return Outcome(case.id, "more_time_reason_needed")
    try:
        ended = date.fromisoformat(cmd.obstacle_ended)
    except ValueError:
        return Outcome(case.id, "more_time_bad_date")
    local_today = now.astimezone(ZoneInfo(timezone)).date()
    if ended > local_today:
        return Outcome(case.id, "more_time_obstacle_not_over")
    start = datetime.combine(ended, time(12), tzinfo=ZoneInfo(timezone))
    if now > rule(start, parse_duration(MORE_TIME_WITHIN)).at:
        return Outcome(case.id, "more_time_too_late")  # CPL 86: 10 days after the obstacle ended
    raw = tx.open_state(case)
    deadline = await _latest_deadline(tx, case.id, cmd.kind, exclude=tuple(raw["data"].get("_duties", {})))
    if deadline is None:
        return Outcome(case.id, "more_time_no_period")
    applications = raw["data"].setdefault("_more_time", {})
    number = str(len(applications) + 1)
    applications[number] = {
        "kind": deadline.kind,
        "role": role,
        "by": cmd.person_id,
        "obstacle_ended": ended.isoformat(),
        "reason": reason,
        "applied_at": now.isoformat(),
        "status": "pending",
    }
    await tx.save_state(case, raw, case.status, now)
    params: dict[str, Any] = {
        "application": number,
        "deadline": {"t": f"deadline.kind.{deadline.kind}"},
        "reason": reason,
        "obstacle_ended": ended.isoformat(),
    }
    tx.outbox(case.id, "court", None, {"text": "deadline.more_time_applied", "params": params}, now, case.court_code)
    detail = {"application": number, "kind": deadline.kind, "obstacle_ended": ended.isoformat(), "reason": reason}
    await tx.log(case.id, raw["seq"], "more_time_applied", detail, now, actor_id=cmd.person_id, role=role)
    return Outcome(case.id, params={"application": number})


async def decide_more_time(
    tx: Tx, case: Case, role: str, cmd: DecideMoreTime, now: datetime, rule: DeadlineRule
) -> Outcome:
    """The judge grants or refuses an application for more time (CPL 86); every party is told. A
    grant extends the period if it is still running; a period already missed is for the judge to
    reopen in the case's own procedure (the grant is recorded and served)."""
    raw = tx.open_state(case)
    application = raw["data"].get("_more_time", {}).get(cmd.application)
    if application is None or application["status"] != "pending":
        return Outcome(case.id, "stale_step")
    if cmd.grant and (await tx.pending_deadline(case.id, application["kind"])) is not None:
        extended = ExtendDeadline(
            cmd.person_id, case.id, application["kind"], cmd.days, cmd.reason or application["reason"]
        )
        outcome = await extend(tx, case, role, extended, now, rule)
        if not outcome.ok:
            return outcome
        raw = tx.open_state(case)
        application = raw["data"]["_more_time"][cmd.application]
    application.update(
        status="granted" if cmd.grant else "refused", decided_at=now.isoformat(), decided_by=cmd.person_id
    )
    await tx.save_state(case, raw, case.status, now)
    decision = "deadline.more_time_granted" if cmd.grant else "deadline.more_time_refused"
    params: dict[str, Any] = {
        "deadline": {"t": f"deadline.kind.{application['kind']}"},
        "decision": {"t": decision},
        "reason": cmd.reason,
    }
    for party, people in (await tx.participants(case.id)).items():
        for person_id in people:
            tx.outbox(case.id, party, person_id, {"text": "deadline.more_time_decided", "params": params}, now)
    detail = {"application": cmd.application, "grant": cmd.grant, "days": cmd.days, "reason": cmd.reason}
    await tx.log(case.id, raw["seq"], "more_time_decided", detail, now, actor_id=cmd.person_id, role=role)
    return Outcome(case.id)


async def application_in_flow(ctx: CallContext, call: ServiceCall) -> Signal | None:
    """Service call `more_time_applied` {application, kind}: a flow step recorded an application
    for more time in the case data (`_more_time`, e.g. a longer evidence period, EP 54); logged as
    `apply_for_more_time` logs one, so the judge's queue shows it and `DecideMoreTime` decides it."""
    detail = {"application": call.params["application"], "kind": call.params["kind"], "in_flow": True}
    await ctx.tx.log(ctx.case.id, 0, "more_time_applied", detail, ctx.now, channel="court")
    return None


async def _latest_deadline(tx: Tx, case_id: str, kind: str | None, exclude: tuple[str, ...] = ()) -> Deadline | None:
    """The case's deadline of `kind` (any: the newest), running or already passed; never one of
    the kinds in `exclude` (the court's own duties: no party asks for more time on them)."""
    query = select(Deadline).where(
        Deadline.case_id == case_id, Deadline.status.in_(("pending", "fired")), Deadline.kind.not_in(exclude)
    )
    if kind:
        query = query.where(Deadline.kind == kind)
    return await tx.session.scalar(query.order_by(Deadline.stage_seq.desc(), Deadline.id.desc()).limit(1))


async def closed_period_refusal(tx: Tx, case: Case, person_id: str, role: str, step: str, seq: int) -> Outcome | None:
    """Why an answer to an earlier prompt came too late, if that prompt belonged to a period that
    has since closed (e.g. the answer period, CPL 128): the refusal says when it closed and that
    the judge may give more time (CPL 86). None: the prompt was merely superseded."""
    kind = None
    for row in reversed(await tx.history(case.id, person_id, role)):
        prompt = tx.sealer.open(row.payload).get("prompt")
        if isinstance(prompt, dict) and prompt.get("step") == step and prompt.get("seq") == seq:
            kind = prompt.get("deadline")
            break
    if not kind:
        return None
    closed = await tx.session.scalar(
        select(Deadline)
        .where(Deadline.case_id == case.id, Deadline.kind == kind, Deadline.status == "fired")
        .order_by(Deadline.stage_seq.desc(), Deadline.id.desc())
        .limit(1)
    )
    if closed is None or closed.due_at is None:
        return None
    params = {
        "deadline": {"t": f"deadline.kind.{kind}"},
        "closed_at": {"time": closed.due_at.isoformat()},
        "rule": closed.rule,
        "kind": kind,
    }
    return Outcome(case.id, "period_closed", params)
