"""Identity records. Biometric templates and ID numbers are sealed; decisions keep no image."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import UTC_TIME, Base
from storage.sealed_column import SealedText


class IdentityProfile(Base):
    """A person's verified identity (OLR 7, ICP 6): who they are and the sealed reference."""

    __tablename__ = "identity_profiles"
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    sealed: Mapped[str] = mapped_column(Text)  # name, ID number, face template (sealed JSON)
    id_number_hash: Mapped[str] = mapped_column(String(64), index=True)  # HMAC, for look-ups only
    method: Mapped[str] = mapped_column(String(30))  # face_liveness | face_selfie | clerk_override
    verified_at: Mapped[datetime | None] = mapped_column(UTC_TIME)
    consent_at: Mapped[datetime | None] = mapped_column(UTC_TIME)
    deleted_at: Mapped[datetime | None] = mapped_column(UTC_TIME)


class IdentityDecision(Base):
    """Every face decision: who, when, distance, tolerance, liveness, outcome, any override."""

    __tablename__ = "identity_decisions"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(30))  # verify | reverify:<session kind>
    case_id: Mapped[str | None] = mapped_column(String(36))
    channel: Mapped[str] = mapped_column(String(20))
    distance: Mapped[float | None] = mapped_column(Float)
    tolerance: Mapped[float] = mapped_column(Float)
    liveness: Mapped[str] = mapped_column(String(40))  # passed:<kind> | failed:<reason> | not_checked
    outcome: Mapped[str] = mapped_column(String(20))  # match | no_match | unusable | override_*
    reason: Mapped[str | None] = mapped_column(String(40))
    decided_by: Mapped[str | None] = mapped_column(String(36))  # a clerk, for manual checks
    override_reason: Mapped[str | None] = mapped_column(SealedText)  # the clerk's words about the person
    at: Mapped[datetime] = mapped_column(UTC_TIME)


async def is_verified(session: object, person_id: str) -> bool:
    """Whether the person has a live verified identity (not deleted)."""
    from sqlalchemy.ext.asyncio import AsyncSession

    assert isinstance(session, AsyncSession)
    profile = await session.get(IdentityProfile, person_id)
    return profile is not None and profile.verified_at is not None and profile.deleted_at is None


async def verified_as(tx: object, person_id: str) -> tuple[str, str] | None:
    """The name and resident ID number a person was verified with (None: not verified)."""
    from storage.store import Tx

    assert isinstance(tx, Tx)
    profile = await tx.session.get(IdentityProfile, person_id)
    if profile is None or profile.verified_at is None or profile.deleted_at is not None:
        return None
    sealed = tx.sealer.open(profile.sealed)
    return str(sealed.get("name", "")), str(sealed.get("id_number", ""))


async def identity_matches(tx: object, person_id: str, party: dict) -> bool:  # type: ignore[type-arg]
    """Whether a verified person is the party named in a filing (same resident ID number).

    A company party is represented by a verified person; the clerk checks the authority.
    """
    from storage.store import Tx

    assert isinstance(tx, Tx)
    profile = await tx.session.get(IdentityProfile, person_id)
    if profile is None or profile.verified_at is None:
        return False
    if party.get("kind") == "company":
        return True
    sealed = tx.sealer.open(profile.sealed)
    return bool(party.get("id_number")) and sealed.get("id_number") == party.get("id_number")
