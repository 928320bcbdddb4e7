"""The reference a face is checked against: the ID card's face template, with the name and number.

The photo must be of the person's resident ID card, its number and name the ones typed
(identity.card); the face on the card is the reference.

All three are sealed in the person's profile (PIPL 28); the ID number is also kept as a keyed
hash, for look-ups without the plain number. Taking a reference needs the person's consent and
counts against their attempts per hour.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from identity.decisions import Check
from identity.faces import FaceProbe
from identity.id_numbers import InvalidIdNumber, parse_resident_id
from identity.models import IdentityDecision, IdentityProfile
from identity.records import (
    PENDING,
    REFERENCE,
    attempts_in_last_hour,
    id_number_holder,
    profile_for_update,
    profile_verified,
    record_decision,
)
from identity.results import IdentityRefused
from identity.settings import IdentitySettings
from storage.store import Tx

__all__ = ["check_reference_allowed", "store_reference", "valid_id_number"]


def valid_id_number(raw: str, now: datetime, settings: IdentitySettings) -> str:
    """The normalised resident ID number, checked against the court's date (DOMAIN §2.2)."""
    today = now.astimezone(ZoneInfo(settings.timezone)).date()
    try:
        return parse_resident_id(raw, today).number
    except InvalidIdNumber as exc:
        raise IdentityRefused(exc.code) from None


async def check_reference_allowed(
    tx: Tx, person_id: str, number_hashes: Sequence[str], now: datetime, settings: IdentitySettings
) -> None:
    """Consent given, not yet verified, attempts left, ID number not someone else's."""
    profile = await tx.session.get(IdentityProfile, person_id)
    if profile is None or profile.consent_at is None:
        raise IdentityRefused("consent_required")
    if profile_verified(profile):
        raise IdentityRefused("already_verified")
    if await attempts_in_last_hour(tx, person_id, REFERENCE, now) >= settings.attempts_per_hour:
        raise IdentityRefused("too_many_attempts")
    if await id_number_holder(tx, number_hashes, other_than=person_id) is not None:
        raise IdentityRefused("id_number_in_use")


async def store_reference(
    tx: Tx,
    person_id: str,
    name: str,
    number: str,
    number_hash: str,
    probe: FaceProbe,
    channel: str,
    now: datetime,
    settings: IdentitySettings,
) -> IdentityDecision:
    """Seal name, ID number and template into the profile; record the accepted reference."""
    profile = await profile_for_update(tx, person_id)
    template = list(probe.encoding or ())
    profile.sealed = tx.sealer.seal(
        {"name": name, "id_number": number, "template": template, "reference_at": now.isoformat()}
    )
    profile.id_number_hash = number_hash
    profile.method, profile.verified_at, profile.deleted_at = PENDING, None, None
    accepted = Check("accepted", None, None, "not_checked")
    return record_decision(tx, person_id, REFERENCE, channel, accepted, now, settings.tolerance)
