"""Agents: a party's one-time code for its agent, the clerk's decision, a party revoking."""

from __future__ import annotations

from bot.webchat.connection import Connection, Frame, Handler
from court.agency import AgencyService
from court.outcomes import Outcome


async def on_invite_agent(conn: Connection, frame: Frame) -> None:
    """A party asks for a one-time code for its agent."""
    outcome = await AgencyService(conn.court.service).invite(conn.person.id, str(frame.get("case_id", "")))
    if await _refused(conn, frame, outcome):
        return
    text = conn.text("agency.code", outcome.params)
    code = outcome.params["code"]
    await conn.send({"type": "agent_code", "case_id": outcome.case_id, "code": code, "text": text})


async def on_agency_queue(conn: Connection, frame: Frame) -> None:
    items = await AgencyService(conn.court.service).queue(conn.person.id)
    await conn.send({"type": "agency_queue", "items": [vars(item) for item in items]})


async def on_decide_agency(conn: Connection, frame: Frame) -> None:
    mandate_id, accept, reason = str(frame.get("mandate_id", "")), frame.get("accept") is True, frame.get("reason", "")
    outcome = await AgencyService(conn.court.service).decide(conn.person.id, mandate_id, accept, str(reason))
    if not await _refused(conn, frame, outcome):
        await conn.send({"type": "ack", "client_id": frame.get("client_id"), "case_id": outcome.case_id})


async def on_revoke_agent(conn: Connection, frame: Frame) -> None:
    outcome = await AgencyService(conn.court.service).revoke(conn.person.id, str(frame.get("mandate_id", "")))
    if not outcome.ok:
        await conn.error(outcome.error or "internal", client_id=frame.get("client_id"))
        return
    await conn.send({"type": "ack", "client_id": frame.get("client_id"), "case_id": outcome.case_id})


async def _refused(conn: Connection, frame: Frame, outcome: Outcome) -> bool:
    """Say why `outcome` was refused, if it was."""
    if not outcome.ok:
        await conn.error(outcome.error or "internal", case_id=outcome.case_id, client_id=frame.get("client_id"))
    return not outcome.ok


HANDLERS: dict[str, Handler] = {
    "invite_agent": on_invite_agent,
    "agency_queue": on_agency_queue,
    "decide_agency": on_decide_agency,
    "revoke_agent": on_revoke_agent,
}
