"""Identity rows inside a transaction: a person's profile, its sealed content, and the decisions.

A decision row keeps numbers and an outcome only, never a picture or a template.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import func, select, text

from identity.decisions import Check
from identity.models import IdentityDecision, IdentityProfile
from identity.results import IdentityRefused
from storage.store import Tx

__all__ = [
    "CHECKING",
    "DELETE",
    "PENDING",
    "REFERENCE",
    "VERIFY",
    "attempts_in_last_hour",
    "id_number_holder",
    "latest_reverification",
    "latest_verify_decision",
    "live_profile",
    "lock_attempts",
    "profile_for_update",
    "profile_verified",
    "record_decision",
    "sealed_content",
]

log = logging.getLogger("microcourt.identity")

VERIFY, REFERENCE, DELETE = "verify", "reference", "delete"  # IdentityDecision.purpose
PENDING = "pending"  # IdentityProfile.method before any verification


def profile_verified(profile: IdentityProfile | None) -> bool:
    """Verified and not since deleted (the same rule as identity.models.is_verified)."""
    return profile is not None and profile.verified_at is not None and profile.deleted_at is None


def sealed_content(tx: Tx, profile: IdentityProfile | None) -> dict[str, Any]:
    """The sealed part of a profile, opened ({} when there is none)."""
    if profile is None:
        return {}
    opened = tx.sealer.open(profile.sealed)
    return cast(dict[str, Any], opened) if isinstance(opened, dict) else {}


async def live_profile(tx: Tx, person_id: str) -> IdentityProfile | None:
    """The person's profile unless its biometrics were deleted."""
    profile = await tx.session.get(IdentityProfile, person_id)
    return profile if profile is not None and profile.deleted_at is None else None


ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


CHECKING = Check("checking", None, None, "not_checked")
"""A reserved attempt whose comparison is under way, replaced by the decision when it is made.
One left so by a crash still counts as an attempt, and says what it is; it is never anyone's
latest decision."""


async def lock_attempts(tx: Tx, person_id: str) -> None:
    """Until this transaction ends, no other one counts or takes this person's attempts: a
    PostgreSQL advisory lock, across server processes. SQLite has one writer at a time already
    (every transaction begins IMMEDIATE)."""
    if tx.sqlite:
        return
    digest = hashlib.sha256(f"identity-attempts:{person_id}".encode()).digest()
    await tx.session.execute(ADVISORY_LOCK, {"key": int.from_bytes(digest[:8], "big", signed=True)})


async def profile_for_update(tx: Tx, person_id: str) -> IdentityProfile:
    """The person's profile, created empty (sealed ``{}``) on first use."""
    profile = await tx.session.get(IdentityProfile, person_id)
    if profile is not None:
        return profile
    if await tx.person(person_id) is None:
        raise IdentityRefused("unknown_person")
    profile = IdentityProfile(person_id=person_id, sealed=tx.sealer.seal({}), id_number_hash="", method=PENDING)
    tx.add(profile)
    return profile


async def id_number_holder(tx: Tx, number_hashes: Sequence[str], other_than: str | None = None) -> str | None:
    """Who holds the ID number with one of these hashes (one number's, under each data key),
    biometrics not deleted, leaving out ``other_than``."""
    query = select(IdentityProfile.person_id).where(
        IdentityProfile.id_number_hash.in_(number_hashes), IdentityProfile.deleted_at.is_(None)
    )
    if other_than is not None:
        query = query.where(IdentityProfile.person_id != other_than)
    return await tx.session.scalar(query)


async def attempts_in_last_hour(tx: Tx, person_id: str, purpose: str, now: datetime) -> int:
    """Decisions of ``purpose`` the person's own attempts made in the last hour.

    Clerk decisions and refusals are not counted.
    """
    found = await tx.session.scalar(
        select(func.count(IdentityDecision.id)).where(
            IdentityDecision.person_id == person_id,
            IdentityDecision.purpose == purpose,
            IdentityDecision.decided_by.is_(None),
            IdentityDecision.outcome != "refused",
            IdentityDecision.at > now - timedelta(hours=1),
        )
    )
    return int(found or 0)


async def latest_verify_decision(tx: Tx, person_id: str) -> IdentityDecision | None:
    """The newest verification decision about the person (their own or a clerk's); an attempt
    still being compared is not one yet."""
    return await tx.session.scalar(
        select(IdentityDecision)
        .where(
            IdentityDecision.person_id == person_id,
            IdentityDecision.purpose == VERIFY,
            IdentityDecision.outcome != CHECKING.outcome,
        )
        .order_by(IdentityDecision.id.desc())
        .limit(1)
    )


async def latest_reverification(tx: Tx, person_id: str, case_id: str, session_kind: str) -> IdentityDecision | None:
    """The newest re-verification of this person for this case and kind of session."""
    return await tx.session.scalar(
        select(IdentityDecision)
        .where(
            IdentityDecision.person_id == person_id,
            IdentityDecision.case_id == case_id,
            IdentityDecision.purpose == f"reverify:{session_kind}",
        )
        .order_by(IdentityDecision.id.desc())
        .limit(1)
    )


def record_decision(
    tx: Tx,
    person_id: str,
    purpose: str,
    channel: str,
    check: Check,
    now: datetime,
    tolerance: float,
    case_id: str | None = None,
    decided_by: str | None = None,
    override_reason: str | None = None,
) -> IdentityDecision:
    """Add one decision row: numbers and outcome only, never a picture or a template."""
    row = IdentityDecision(
        person_id=person_id,
        purpose=purpose,
        case_id=case_id,
        channel=channel[:20],
        distance=check.distance,
        tolerance=tolerance,
        liveness=check.liveness[:40],
        outcome=check.outcome,
        reason=check.reason,
        decided_by=decided_by,
        override_reason=override_reason,
        at=now,
    )
    tx.add(row)
    log.info("identity decision", extra={"code": f"{purpose}:{check.outcome}", "channel": channel})
    return row
