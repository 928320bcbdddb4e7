"""The ID card photo's outcome recorded; an unreadable card, three times: the clerk reads it by hand.

Issue 14. Each unreadable card photo (glare, blur: ``card_unreadable``) is a reference decision,
its photo held for the clerk with that decision (identity.review_pictures: the identity desk
shows each decision's pictures). At the third in an hour the person goes to
the clerk's manual identity review: their typed name and number are sealed into the profile (no
face template: none could be taken from the card), and a verification decision
``pending_review`` with reason ``card_unreadable`` puts them in the queue (identity.review).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from identity.decisions import Check
from identity.faces import FaceProbe
from identity.models import IdentityDecision
from identity.records import REFERENCE, VERIFY, latest_verify_decision, profile_for_update, record_decision
from identity.reference import store_reference
from identity.settings import IdentitySettings
from storage.store import Tx

__all__ = ["CARD_READS", "CARD_UNREADABLE", "CardRecorded", "record_card", "unreadable_reads"]

CARD_UNREADABLE = "card_unreadable"
CARD_READS = 3  # unreadable photos of a card in an hour before the clerk reads it by hand


@dataclass(frozen=True)
class CardRecorded:
    """What one card photo left in the record: its decision, and whether it sent the card to
    the clerk."""

    decision_id: int
    reason: str | None
    to_clerk: bool = False


async def record_card(
    tx: Tx,
    person_id: str,
    name: str,
    number: str,
    number_hash: str,
    face: FaceProbe,
    reason: str | None,
    channel: str,
    now: datetime,
    settings: IdentitySettings,
) -> CardRecorded:
    """The card's decision: the reference stored (``reason`` None), or refused, and at the third
    unreadable card in an hour the clerk's review."""
    if reason is None:
        accepted = await store_reference(tx, person_id, name, number, number_hash, face, channel, now, settings)
        await tx.flush()
        return CardRecorded(accepted.id, None)
    refused = record_decision(
        tx, person_id, REFERENCE, channel, Check("unusable", reason, None, "not_checked"), now, settings.tolerance
    )
    await tx.flush()
    if reason != CARD_UNREADABLE or len(await unreadable_reads(tx, person_id, now)) < CARD_READS:
        return CardRecorded(refused.id, reason)
    await _open_review(tx, person_id, name, number, number_hash, channel, now, settings)
    return CardRecorded(refused.id, reason, to_clerk=True)


async def unreadable_reads(tx: Tx, person_id: str, now: datetime | None = None) -> list[int]:
    """The ids of the person's reference decisions that could not read the card: those of the
    hour before ``now``, or all of them."""
    query = select(IdentityDecision.id).where(
        IdentityDecision.person_id == person_id,
        IdentityDecision.purpose == REFERENCE,
        IdentityDecision.reason == CARD_UNREADABLE,
    )
    if now is not None:
        query = query.where(IdentityDecision.at > now - timedelta(hours=1))
    return list(await tx.session.scalars(query.order_by(IdentityDecision.id)))


async def _open_review(
    tx: Tx,
    person_id: str,
    name: str,
    number: str,
    number_hash: str,
    channel: str,
    now: datetime,
    settings: IdentitySettings,
) -> None:
    """Put the person in the clerk's queue for their card, once."""
    latest = await latest_verify_decision(tx, person_id)
    if latest is not None and latest.outcome == "pending_review" and latest.reason == CARD_UNREADABLE:
        return
    profile = await profile_for_update(tx, person_id)
    profile.sealed = tx.sealer.seal({"name": name, "id_number": number, "card_review_at": now.isoformat()})
    profile.id_number_hash = number_hash
    review = Check("pending_review", CARD_UNREADABLE, None, "not_checked")
    record_decision(tx, person_id, VERIFY, channel, review, now, settings.tolerance)
