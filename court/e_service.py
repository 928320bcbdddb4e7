"""Service of court documents (电子送达, CPL 90, OLR 29-31): which messages serve a document, the
recipient's acknowledgement, and the e-service certificate of each.

A document goes to a party through the channels the party uses with the court (a Telegram
account linked to them, the web chat's inbox), which their e-service consent covers (OLR 29).
Served to such an address, it is effective once it reaches the channel (CPL 90, OLR 31(1)): the
outbox row's `sent_at`. Telegram shows no read status, so the recipient may also say "received"
(a button under the document in either channel): recorded as the acknowledgement, further proof.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select

from court.linking import aliases
from court.outcomes import Outcome
from storage.models import ChannelAccount, OutboxMessage
from storage.store import Tx

SERVED = {
    "filing.acceptance_notice": "document.acceptance_notice",
    "filing.fee_notice_text": "document.fee_notice",
    "filing.evidence_notice": "document.evidence_notice",
    "filing.closed_refused": "document.refusal_ruling",
    "filing.defendant_welcome": "document.complaint_copy",
    "filing.representative_refused_defendant": "document.representative_refusal",
}
"""The messages that serve a court document on a party (text key -> the document's name)."""


def served_document(text_key: str) -> str | None:
    """The name key of the document a message serves, None for any other message."""
    return SERVED.get(text_key)


async def acknowledge(tx: Tx, person_id: str, message_id: int, channel: str, now: datetime) -> Outcome:
    """The recipient says they received a served document; once recorded, the first time stands."""
    row = await tx.session.get(OutboxMessage, message_id, with_for_update=not tx.sqlite)
    if row is None or row.person_id is None or row.person_id not in await aliases(tx, person_id):
        return Outcome(error="not_a_party")  # nobody else's documents, not even whether they exist
    document = served_document(tx.sealer.open(row.payload)["text"])
    if document is None:
        return Outcome(row.case_id, "not_a_served_document")
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
    found = []
    for row in await tx.session.scalars(query.order_by(OutboxMessage.id)):
        payload = tx.sealer.open(row.payload)
        document = served_document(payload["text"])
        if document is not None:
            found.append(await _certificate(tx, row, payload, document))
    return found


async def _certificate(tx: Tx, row: OutboxMessage, payload: dict[str, Any], document: str) -> dict[str, Any]:
    delivered = row.sent_at if row.status == "sent" else None
    return {
        "message_id": row.id,
        "document": document,
        "recipient_role": row.role,
        "recipient_id": row.person_id,
        "content_sha256": content_hash(payload),
        "issued_at": _iso(row.created_at),
        "channel": row.channel if delivered else None,
        "address": await _address(tx, row.person_id, row.channel) if delivered else None,
        "delivered_at": _iso(delivered),
        "effective_at": _iso(delivered),  # reached the recipient's channel (CPL 90, OLR 31(1))
        "effective_by": "delivered" if delivered else None,
        "acknowledged_at": _iso(row.acknowledged_at),
        "acknowledged_via": row.acknowledged_via,
        "status": row.status,
        "attempts": row.attempts,
    }


def content_hash(payload: dict[str, Any]) -> str:
    """SHA-256 of what was served: the document's text key and every value filled into it."""
    served = {"text": payload["text"], "params": payload.get("params") or {}}
    return hashlib.sha256(json.dumps(served, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


async def _address(tx: Tx, person_id: str | None, channel: str | None) -> str | None:
    """Where it went, masked: the Telegram account's last digits, or the web chat's inbox."""
    if channel != "telegram" or person_id is None:
        return "web chat" if channel == "web" else channel
    account = await tx.session.scalar(
        select(ChannelAccount.external_id).where(
            ChannelAccount.person_id == person_id, ChannelAccount.channel == channel
        )
    )
    return f"telegram ···{account[-4:]}" if account else "telegram"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
