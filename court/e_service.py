"""Service of court documents (电子送达, CPL 90, OLR 29-31): which messages serve a document, the
recipient's acknowledgement, and the e-service certificate of each.

A document goes to a party through the channels the party uses with the court (a Telegram
account linked to them, the web chat they sign in to), which their e-service consent covers
(OLR 29). Arrived at such an address, it is effective then (CPL 90, OLR 31(1)). A copy that only
reached the web inbox of someone who never uses the web chat (their Telegram account refused it)
reached no address of theirs: it takes effect when they say "received", presumed from when they
first saw it in an opened case (a read receipt, rebuttable: OLR 31(2)). Telegram shows no read
status, so every served document carries that "received" button in either channel, and the
mini-app opening the case counts as reading. The earliest of these is when service took effect.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update

from court.access import known_as
from court.linking import aliases
from court.outcomes import Outcome
from storage.models import AgentMandate, OutboxMessage
from storage.store import Tx

SERVED = {
    "filing.acceptance_notice": "document.acceptance_notice",
    "filing.fee_notice_text": "document.fee_notice",
    "filing.evidence_notice": "document.evidence_notice",
    "filing.correction_summary": "document.correction_notice",
    "filing.closed_returned": "document.return_notice",
    "filing.closed_refused": "document.refusal_ruling",
    "filing.defendant_welcome": "document.complaint_copy",
    "filing.representative_refused_defendant": "document.representative_refusal",
    "filing.defendant_notice": "document.defendant_notice",
    "filing.refusal_explained": "document.refusal_explanation",
    "filing.withdrawal_ruling": "document.withdrawal_ruling",
    "filing.fee_relief_decision": "document.fee_relief_decision",
    "trial.jurisdiction_ruling": "document.jurisdiction_ruling",
    "trial.record_issued": "document.record",  # OLR 34: the record the parties confirm, signed (trial v5)
    "trial.record_settled": "document.record_settled",
    "judgment.served_judgment": "document.judgment",
    "judgment.served_ruling": "document.ruling",
    "appeal.served_appeal": "document.appeal_copy",
    "appeal.served_answer": "document.appeal_answer_copy",
}
"""The messages that serve a court document on a party (text key -> the document's name)."""

ISSUED = "issued_document"
"""The parameter of a message that serves a file the court issued signed (a judgment, a ruling):
{sha256, signed_at, signer}. Its download, and the file Telegram sends, is that file byte for byte."""

SERVED_ON_LEAVING = frozenset({"filing.representative_refused_defendant"})
"""Served on someone as they leave the case: they may still say they received it."""

SERVED_BEFORE_JOINING = frozenset({"filing.defendant_notice"})
"""Served on someone before they take part (the defendant's notice, OLR 10): they may say they
received it."""

MAX_ID = 2**63 - 1  # outbox ids are 64-bit

# everyone who acted as an agent in the case, also since revoked: a person is never both a party
# and an agent in one case, so whatever was served on them was served on them as an agent
_AGENTS_EVER = select(AgentMandate.agent_id).where(
    AgentMandate.case_id == bindparam("case_id"), AgentMandate.status.in_(("accepted", "revoked"))
)


def served_document(text_key: str) -> str | None:
    """The name key of the document a message serves, None for any other message."""
    return SERVED.get(text_key)


async def acknowledge(tx: Tx, person_id: str, message_id: int, channel: str, now: datetime) -> Outcome:
    """The recipient says they received a served document; once recorded, the first time stands.
    Only while they take part in the case (a revoked agent no longer speaks for the party)."""
    if not 0 < message_id <= MAX_ID:
        return Outcome(error="bad_request")
    row = await tx.session.get(OutboxMessage, message_id, with_for_update=not tx.sqlite)
    if row is None or row.person_id is None or row.person_id not in await aliases(tx, person_id):
        return Outcome(error="not_a_party")  # nobody else's documents, not even whether they exist
    text = tx.sealer.open(row.payload)["text"]
    document = served_document(text)
    if document is None:
        return Outcome(row.case_id, "not_a_served_document")
    case = await tx.get_case(row.case_id)
    outside = text in SERVED_ON_LEAVING | SERVED_BEFORE_JOINING  # its recipient need not take part now
    if not outside and (case is None or (await tx.access(person_id, case))[0] is None):
        return Outcome(row.case_id, "not_a_party")
    if row.acknowledged_at is None:
        row.acknowledged_at, row.acknowledged_via = now, channel
        detail = {"message_id": row.id, "document": document}
        await tx.log(row.case_id, 0, "service_acknowledged", detail, now, actor_id=person_id, channel=channel)
    at = row.acknowledged_at.isoformat()
    return Outcome(row.case_id, params={"document": {"t": document}, "at": {"time": at}, "at_iso": at})


async def certificates(tx: Tx, case_id: str, person_id: str) -> list[dict[str, Any]] | Outcome:
    """The e-service certificate of each document served in the case (OLR 31): the court sees
    every one, a party those served on them; anyone else nothing."""
    case = await tx.get_case(case_id)
    role = (await tx.access(person_id, case))[0] if case is not None else None
    if case is None or role is None:
        return Outcome(case_id, "not_a_party")
    query = select(OutboxMessage).where(OutboxMessage.case_id == case_id, OutboxMessage.person_id.is_not(None))
    if role != "court":
        query = query.where(OutboxMessage.person_id.in_(await aliases(tx, person_id)))
    agents = set(await tx.session.scalars(_AGENTS_EVER, {"case_id": case_id}))
    found = []
    for row in await tx.session.scalars(query.order_by(OutboxMessage.id)):
        payload = tx.sealer.open(row.payload)
        document = served_document(payload["text"])
        if document is not None:
            found.append(await _certificate(tx, row, payload, document, row.person_id in agents, case.court_code))
    return found


async def _certificate(
    tx: Tx, row: OutboxMessage, payload: dict[str, Any], document: str, agent: bool, court_code: str
) -> dict[str, Any]:
    """One served document's certificate (DOMAIN §7.3)."""
    arrived = row.sent_at if row.status == "sent" else None
    effective_at, effective_by = effective(row)
    return {
        "message_id": row.id,
        "document": document,
        "sender": court_code,  # the court that served it
        "recipient_role": row.role,
        "recipient_id": row.person_id,
        "recipient_name": await known_as(tx, row.person_id),
        "recipient_is_agent": agent,
        "content_sha256": content_hash(payload),
        "issued_at": _iso(row.created_at),
        "channel": row.channel if arrived else None,
        "address": _address(row.channel, row.delivered_to) if arrived else None,
        "delivered_at": _iso(arrived),
        "effective_at": _iso(effective_at),  # CPL 90, OLR 31: the earliest effective event
        "effective_by": effective_by,
        "read_at": _iso(row.read_at),
        "acknowledged_at": _iso(row.acknowledged_at),
        "acknowledged_via": row.acknowledged_via,
        "status": row.status,
        "attempts": row.attempts,
    }


def effective(row: OutboxMessage) -> tuple[datetime | None, str | None]:
    """When a served document's service on its recipient took effect, and by what (CPL 90, OLR 31):
    the earliest of its arrival at an address of theirs, its first reading, their acknowledgement.
    (None, None): not (yet) effectively served."""
    arrived = row.sent_at if row.status == "sent" else None
    at_address = arrived if arrived is not None and (row.delivered_to or row.channel != "web") else None
    events = ((at_address, "delivered"), (row.read_at, "read"), (row.acknowledged_at, "acknowledged"))
    candidates = [(at, how) for at, how in events if at]
    return min(candidates, key=lambda c: c[0]) if candidates else (None, None)


async def mark_read(
    tx: Tx, shown: Iterable[tuple[OutboxMessage, dict[str, Any]]], person_id: str, now: datetime
) -> None:
    """Messages (rows with their opened payloads) shown to `person_id` in an opened case: a served
    document shown to its recipient for the first time is read now (the first time stands, also
    when two tabs open the case at once)."""
    ids = [
        row.id
        for row, payload in shown
        if row.read_at is None and row.person_id == person_id and served_document(payload["text"])
    ]
    if ids:
        first = update(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.read_at.is_(None))
        await tx.session.execute(first.values(read_at=now).execution_options(synchronize_session=False))


def content_hash(payload: dict[str, Any]) -> str:
    """SHA-256 of what was served: the document's text key and every value filled into it."""
    served = {"text": payload["text"], "params": payload.get("params") or {}}
    return hashlib.sha256(json.dumps(served, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _address(channel: str | None, delivered_to: str | None) -> str | None:
    """Where it arrived, masked: the Telegram account's last digits, the web chat, or the web
    inbox of someone who does not use the web chat (no address of theirs)."""
    if channel == "web":
        return "web chat" if delivered_to else "web inbox, unused"
    if delivered_to:
        return f"{channel} ···{delivered_to[-4:]}"
    return channel


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
