"""The ID card photo's outcome recorded; an unreadable card, three times: the clerk reads it by hand.

Issue 14. Each unreadable card photo (glare, blur: ``card_unreadable``) is a reference decision,
its photo kept sealed under the decision's id. At the third in an hour the person goes to the
clerk's manual identity review: their typed name and number are sealed into the profile (no face
template: none could be taken from the card), and a verification decision ``pending_review`` with
reason ``card_unreadable`` puts them in the queue (identity.review), the card photos kept
together under that decision's id for the clerk's screen (identity.photos.load_photos). Once a
card is read, the photos of earlier unreadable ones are no longer needed and are deleted (unless
the court keeps every picture, MICROCOURT_KEEP_SELFIES).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from identity.decisions import Check
from identity.faces import FaceProbe
from identity.models import IdentityDecision
from identity.photos import bundle_photos, drop_photos, keep_photos
from identity.records import REFERENCE, VERIFY, latest_verify_decision, profile_for_update, record_decision
from identity.reference import store_reference
from identity.settings import IdentitySettings
from storage.sealing import Sealer
from storage.store import Tx

__all__ = ["CARD_READS", "CARD_UNREADABLE", "CardRecorded", "file_card_photos", "record_card", "unreadable_reads"]

CARD_UNREADABLE = "card_unreadable"
CARD_READS = 3  # unreadable photos of a card in an hour before the clerk reads it by hand


@dataclass(frozen=True)
class CardRecorded:
    """What one card photo left in the record: its decision, the clerk's review it opened or
    joined, and the earlier unreadable reads whose photos go with that review or are done with."""

    decision_id: int
    reason: str | None
    review_id: int | None = None
    reads: list[int] = field(default_factory=list)


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
        decision_id = await store_reference(tx, person_id, name, number, number_hash, face, channel, now, settings)
        return CardRecorded(decision_id, None, reads=await unreadable_reads(tx, person_id))
    refused = record_decision(
        tx, person_id, REFERENCE, channel, Check("unusable", reason, None, "not_checked"), now, settings.tolerance
    )
    await tx.flush()
    if reason != CARD_UNREADABLE:
        return CardRecorded(refused.id, reason)
    reads = await unreadable_reads(tx, person_id, now)
    if len(reads) < CARD_READS:
        return CardRecorded(refused.id, reason)
    review_id = await _open_review(tx, person_id, name, number, number_hash, channel, now, settings)
    return CardRecorded(refused.id, reason, review_id, reads)


async def file_card_photos(
    photo_dir: Path, sealer: Sealer, person_id: str, photo: bytes, recorded: CardRecorded, keep_all: bool
) -> None:
    """An unreadable card's photo is kept (sealed) for the clerk who may have to read it, and at
    the review every such photo goes with the review's decision. A card read: its photo is kept
    only if the court keeps every picture (``keep_all``), and so are the earlier unreadable ones."""
    if recorded.reason == CARD_UNREADABLE or (recorded.reason is None and keep_all):
        await keep_photos(photo_dir, sealer, person_id, recorded.decision_id, [photo])
    if recorded.review_id is not None:
        await bundle_photos(photo_dir, sealer, person_id, recorded.reads, recorded.review_id)
    elif recorded.reason is None and not keep_all:
        await drop_photos(photo_dir, person_id, recorded.reads)


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
) -> int:
    """Put the person in the clerk's queue for their card, once: the review decision's id (the
    one already waiting, if any)."""
    latest = await latest_verify_decision(tx, person_id)
    if latest is not None and latest.outcome == "pending_review" and latest.reason == CARD_UNREADABLE:
        return latest.id
    profile = await profile_for_update(tx, person_id)
    profile.sealed = tx.sealer.seal({"name": name, "id_number": number, "card_review_at": now.isoformat()})
    profile.id_number_hash = number_hash
    review = Check("pending_review", CARD_UNREADABLE, None, "not_checked")
    row = record_decision(tx, person_id, VERIFY, channel, review, now, settings.tolerance)
    await tx.flush()
    return row.id
