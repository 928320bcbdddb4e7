"""The defendant's invitation (OLR 10): a one-time code, issued when the case is served, that
binds the verified defendant's account to the case."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, update

from court.outcomes import Outcome
from flows.events import Signal
from flows.state import CaseState
from identity.id_numbers import masked_id_number
from identity.models import identity_matches, is_verified, verified_as
from storage.models import AgentMandate, Case, Participant
from storage.store import Tx

Links = Callable[[str], dict[str, str | None]]  # code -> where the defendant follows it


def invitation_code(case_id: str) -> str:
    """`j` + the case id (22 base64url characters) + 20 random characters: fits a /start payload."""
    case_part = base64.urlsafe_b64encode(uuid.UUID(case_id).bytes).decode().rstrip("=")
    return "j" + case_part + secrets.token_urlsafe(15)[:20]


def invitation_case(code: str) -> str | None:
    code = code.strip()
    if len(code) != 43 or not code.startswith("j"):
        return None
    try:
        return str(uuid.UUID(bytes=base64.urlsafe_b64decode(code[1:23] + "==")))
    except ValueError:
        return None


def invitation_links(code: str, bot: str | None, site: str | None) -> dict[str, str | None]:
    return {
        "telegram_link": f"https://t.me/{bot}?start={code}" if bot else None,
        "web_link": f"{site.rstrip('/')}/?join={code}" if site else None,
    }


def new_invitation(case_id: str, now: datetime, links: Links) -> dict[str, Any]:
    """A one-time code binding the defendant's account to the case; only its hash is kept."""
    code = invitation_code(case_id)
    return {"hash": _hash(code), "issued_at": now.isoformat(), "code": code, **links(code)}


async def join_refusal(
    tx: Tx, case: Case, state: CaseState, person_id: str, code: str, channel: str, now: datetime
) -> Outcome | None:
    """Why the person may not join the case by `code` (None: they may): verified, not already in
    the case on another side, the right person, in time. A verified person who is not the
    defendant is recorded."""
    invitation = state.data.get("invitation", {})
    if not hmac.compare_digest(invitation.get("hash", ""), _hash(code)):
        return Outcome(error="invitation_unknown")
    if invitation.get("used_by") or state.stage != "awaiting_defendant":
        return Outcome(case.id, "invitation_used")
    if not await is_verified(tx.session, person_id):
        return Outcome(case.id, "verify_first")
    if any(person_id in people for people in (await tx.participants(case.id)).values()):
        return Outcome(case.id, "already_in_case")  # e.g. the plaintiff, or the plaintiff's agent
    if not await identity_matches(tx, person_id, state.data.get("defendant", {})):
        await tx.log(
            case.id,
            state.seq,
            "join_refused",
            {"reason": "not_the_defendant"},
            now,
            actor_id=person_id,
            channel=channel,
        )
        return Outcome(case.id, "not_the_defendant")
    return None


async def joined_as(tx: Tx, person_id: str) -> dict[str, str]:
    """Who followed the invitation, as verified (the number masked): for a company defendant, the
    person now acting for it, whose authority the court checks."""
    found = await verified_as(tx, person_id)
    name, number = found if found else ("", "")
    return {"name": name, "id_masked": masked_id_number(number)}


def used_invitation(person_id: str, now: datetime) -> dict[str, Any]:
    """The invitation marked used by the defendant; the code itself is no longer kept."""
    return {"invitation.used_by": person_id, "invitation.used_at": now.isoformat(), "invitation.code": None}


async def release_defendant(tx: Tx, case_id: str, now: datetime) -> Signal:
    """Whoever joined for a company defendant leaves the case with any agent they appointed: the
    court did not admit them, or they did not prove their authority in time (CPL 51, 62). The
    invitation is open again for the company's real representative."""
    await tx.session.execute(delete(Participant).where(Participant.case_id == case_id, Participant.role == "defendant"))
    await tx.session.execute(
        update(AgentMandate)
        .where(
            AgentMandate.case_id == case_id,
            AgentMandate.party_role == "defendant",
            AgentMandate.status.in_(("invited", "pending_review", "accepted")),
        )
        .values(status="revoked", decided_at=now)
    )
    return Signal("representative_released")


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
