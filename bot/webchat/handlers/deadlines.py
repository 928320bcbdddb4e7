"""Time in a case: a party's application for more time after an obstacle, and the judge's
decision on it (CPL 86)."""

from __future__ import annotations

from bot.webchat.connection import Connection, Frame, Handler
from court import accounts
from court.commands import ApplyForMoreTime, DecideMoreTime


async def on_apply_more_time(conn: Connection, frame: Frame) -> None:
    """{case_id, obstacle_ended: YYYY-MM-DD, reason, kind?}: the application goes to the judge."""
    case_id, ended, reason, kind = (frame.get(k) for k in ("case_id", "obstacle_ended", "reason", "kind"))
    if not all(isinstance(v, str) for v in (case_id, ended, reason)) or not isinstance(kind, str | None):
        await conn.error("bad_request")
        return
    command = ApplyForMoreTime(conn.person.id, str(case_id), str(ended), str(reason), accounts.WEB, kind)
    outcome = await conn.court.service.apply_for_more_time(command)
    if not outcome.ok:
        await conn.error(str(outcome.error), case_id=outcome.case_id)
        return
    await conn.send({"type": "more_time_applied", "case_id": case_id, "application": outcome.params["application"]})


async def on_decide_more_time(conn: Connection, frame: Frame) -> None:
    """The judge: {case_id, application, grant, days?, reason?}."""
    case_id, application, grant = frame.get("case_id"), frame.get("application"), frame.get("grant")
    days, reason = frame.get("days", 0), frame.get("reason", "")
    valid = isinstance(case_id, str) and isinstance(application, str) and isinstance(grant, bool)
    if not valid or not isinstance(days, int) or isinstance(days, bool) or not isinstance(reason, str):
        await conn.error("bad_request")
        return
    command = DecideMoreTime(conn.person.id, str(case_id), str(application), bool(grant), days, reason)
    outcome = await conn.court.service.decide_more_time(command)
    if not outcome.ok:
        await conn.error(str(outcome.error), case_id=outcome.case_id)
        return
    await conn.send({"type": "more_time_decided", "case_id": case_id, "application": application})


HANDLERS: dict[str, Handler] = {"apply_more_time": on_apply_more_time, "decide_more_time": on_decide_more_time}
