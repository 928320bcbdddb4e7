"""The defendant's invitation (OLR 10): a one-time code, issued when the case is served, that
binds the verified defendant's account to the case.

It comes in two forms with the same security: the long code in the links (`?join=`, Telegram's
`/start`), and a short code like `K7MQ-2XPD` that a plaintiff can read out by phone or write on
paper, with a QR code of the web link beside it. Either works once, only while the defendant may
still join (the stage and the joining period), and only for the verified defendant; guessing is
rate-limited where a person tries a code (gateway.limits). The short code has 40 random bits: at
the limit of 10 tries an hour, finding a live code by guessing takes longer than any case lives."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import re
import secrets
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import segno
from sqlalchemy import delete, select, update

from court.outcomes import Outcome
from flows.events import Signal
from flows.state import CaseState
from identity.id_numbers import masked_id_number
from identity.models import identity_matches, is_verified, verified_as
from storage.models import AgentMandate, Case, InvitationCode, Participant
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


SHORT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: nothing to misread aloud
SHORT_LENGTH = 8
_SEPARATORS = re.compile(r"[\s\-‐-―－_.·]")


def short_code() -> str:
    """Eight characters in two groups of four, e.g. `K7MQ-2XPD` (40 random bits)."""
    chars = "".join(secrets.choice(SHORT_ALPHABET) for _ in range(SHORT_LENGTH))
    return f"{chars[:4]}-{chars[4:]}"


def normal_short_code(raw: str) -> str | None:
    """The short code as typed (any case, spaces or dashes anywhere) in its one spelling, or None
    when it cannot be one."""
    text = _SEPARATORS.sub("", raw).upper()
    if len(text) != SHORT_LENGTH or any(c not in SHORT_ALPHABET for c in text):
        return None
    return f"{text[:4]}-{text[4:]}"


async def short_code_case(tx: Tx, raw: str) -> str | None:
    """The case a short code was issued for (None: not a code the court issued, or used up)."""
    code = normal_short_code(raw)
    if code is None:
        return None
    return await tx.session.scalar(select(InvitationCode.case_id).where(InvitationCode.code_hash == _hash(code)))


async def keep_short_code(tx: Tx, case_id: str, invitation: dict[str, Any], now: datetime) -> None:
    """The case's short code, and only its newest, can be looked up (a new invitation replaces it)."""
    await forget_short_codes(tx, case_id)
    tx.add(InvitationCode(code_hash=invitation["short_hash"], case_id=case_id, issued_at=now))


async def forget_short_codes(tx: Tx, case_id: str) -> None:
    await tx.session.execute(delete(InvitationCode).where(InvitationCode.case_id == case_id))


def join_link_qr(link: str) -> str:
    """An SVG QR code of the join link, to print beside the short code."""
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="svg", scale=6, border=2, title="join")
    return out.getvalue().decode()


def invitation_links(code: str, bot: str | None, site: str | None) -> dict[str, str | None]:
    return {
        "telegram_link": f"https://t.me/{bot}?start={code}" if bot else None,
        "web_link": f"{site.rstrip('/')}/?join={code}" if site else None,
    }


def new_invitation(case_id: str, now: datetime, links: Links) -> dict[str, Any]:
    """A one-time code, long and short, binding the defendant's account to the case; the codes
    are kept (sealed with the case) only until used, and the lookup holds only hashes."""
    code, short = invitation_code(case_id), short_code()
    return {
        "hash": _hash(code),
        "short_hash": _hash(short),
        "issued_at": now.isoformat(),
        "code": code,
        "short_code": short,
        **links(code),
    }


async def join_refusal(
    tx: Tx, case: Case, state: CaseState, person_id: str, code: str, channel: str, now: datetime
) -> Outcome | None:
    """Why the person may not join the case by `code` (None: they may): verified, not already in
    the case on another side, the right person, in time. A verified person who is not the
    defendant is recorded."""
    invitation = state.data.get("invitation", {})
    if not _matches(invitation, code):
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
    return {
        "invitation.used_by": person_id,
        "invitation.used_at": now.isoformat(),
        "invitation.code": None,
        "invitation.short_code": None,
    }


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


def _matches(invitation: dict[str, Any], code: str) -> bool:
    """Whether `code` is this invitation's long code or (as typed) its short one."""
    long_ok = hmac.compare_digest(invitation.get("hash", ""), _hash(code.strip()))
    short = normal_short_code(code)
    short_ok = short is not None and hmac.compare_digest(invitation.get("short_hash", ""), _hash(short))
    return long_ok or short_ok


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
