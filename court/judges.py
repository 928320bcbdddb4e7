"""The judge of a case: assigned when the court takes it up, round-robin among the court's judges
(staff with staff_role "judge"), reassigned only by an admin. Only that judge rules in the case
(court.access.ruling_refusal); clerks prepare and serve."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from court.access import known_as
from court.commands import ReassignJudge
from court.outcomes import Outcome
from court.procedures import CallContext
from flows.context import FlowContext
from flows.effects import Effect, ServiceCall
from flows.events import Signal
from flows.registry import InputError
from storage.models import Case, Person
from storage.store import Tx

JUDGE = "judge"


async def court_judges(tx: Tx, court_code: str) -> list[str]:
    """The court's judges, in a fixed order (their ids)."""
    query = select(Person.id).where(
        Person.staff_role == JUDGE, Person.court_code == court_code, Person.merged_into.is_(None)
    )
    return list(await tx.session.scalars(query.order_by(Person.id)))


def ask_for_judge(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Action `assign_judge`: the case is given its judge, if it has none yet."""
    return [ServiceCall("assign_judge")]


async def next_judge(tx: Tx, court_code: str) -> str | None:
    """Round-robin: the court's judge with the fewest cases assigned so far, the first in order
    among equals, so cases go to each judge in turn (None: the court has no judge)."""
    judges = await court_judges(tx, court_code)
    if not judges:
        return None
    counted = await tx.session.execute(
        select(Case.judge_id, func.count(Case.id))
        .where(Case.court_code == court_code, Case.judge_id.in_(judges))
        .group_by(Case.judge_id)
    )
    load = {judge: 0 for judge in judges} | {judge: int(n) for judge, n in counted}
    return min(judges, key=lambda judge: load[judge])


async def assign_judge(ctx: CallContext, call: ServiceCall) -> Signal | None:
    """Service call `assign_judge`: the case gets its judge, once (a case keeps its judge; an admin
    may reassign). Answers `judge_assigned` with who it is; None when the court has no judge."""
    case = ctx.case
    if case.judge_id is None:
        judge = await next_judge(ctx.tx, case.court_code)
        if judge is None:
            return None
        case.judge_id, case.judge_assigned_at = judge, ctx.now
        await ctx.tx.log(case.id, 0, "judge_assigned", {"judge_id": judge}, ctx.now, channel="court")
    return Signal("judge_assigned", {"judge": await judge_params(ctx.tx, case.judge_id)})


async def judge_params(tx: Tx, judge_id: str | None) -> dict[str, Any]:
    return {"id": judge_id, "name": await known_as(tx, judge_id)}


def judge_assigned(data: dict[str, Any], payload: Mapping[str, Any], ctx: FlowContext) -> list[Effect]:
    """Signal `judge_assigned` (any stage): the case data names its judge, for its notices."""
    judge = payload.get("judge")
    if not isinstance(judge, dict):
        raise InputError("bad_request")
    data["judge"] = dict(judge)
    return []


async def reassign(tx: Tx, cmd: ReassignJudge, now: datetime) -> Outcome:
    """An admin of the case's court gives it to another of the court's judges (recorded)."""
    admin = await tx.person(cmd.person_id)
    case = await tx.lock_case(cmd.case_id)
    if case is None or admin is None or admin.staff_role != "admin" or admin.court_code != case.court_code:
        return Outcome(cmd.case_id, "not_a_party")
    if cmd.judge_id not in await court_judges(tx, case.court_code):
        return Outcome(case.id, "not_a_judge_of_the_court")
    before = case.judge_id
    case.judge_id, case.judge_assigned_at = cmd.judge_id, now
    raw = tx.open_state(case)
    raw["data"]["judge"] = await judge_params(tx, cmd.judge_id)
    await tx.save_state(case, raw, case.status, now)
    detail = {"judge_id": cmd.judge_id, "before": before, "reason": cmd.reason}
    await tx.log(case.id, raw["seq"], "judge_reassigned", detail, now, actor_id=cmd.person_id, role="admin")
    return Outcome(case.id)
