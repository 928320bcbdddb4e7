"""Served court documents (OLR 31): the person says they received one."""

from __future__ import annotations

from bot.webchat.connection import Connection, Frame, Handler
from court import accounts
from court.commands import AcknowledgeService


async def on_acknowledge(conn: Connection, frame: Frame) -> None:
    """The person received a served court document (OLR 31): recorded once, the time said back."""
    message_id = frame.get("message_id")
    if not isinstance(message_id, int) or isinstance(message_id, bool):
        await conn.error("bad_request")
        return
    outcome = await conn.court.service.acknowledge_service(AcknowledgeService(conn.person.id, message_id, accounts.WEB))
    if not outcome.ok:  # the client id says which "received" was refused
        await conn.error(str(outcome.error), case_id=outcome.case_id, client_id=f"ack:{message_id}")
        return
    text = conn.text("service.acknowledged", outcome.params)
    await conn.send({"type": "acknowledged", "message_id": message_id, "at": outcome.params["at_iso"], "text": text})


HANDLERS: dict[str, Handler] = {"acknowledge": on_acknowledge}
