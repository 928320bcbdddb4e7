"""An ID card the reader cannot read, three times: the clerk reads it by hand (issue 14).

Each unreadable card photo (glare, blur: ``card_unreadable``) is a reference decision, its photo
kept sealed under the decision's id. At the third in an hour the person goes to the clerk's
manual identity review: their typed name and number are sealed into the profile (no face
template: none could be taken from the card), and a verification decision ``pending_review``
with reason ``card_unreadable`` puts them in the queue (identity.review), the card photos kept
together under that decision's id for the clerk's screen (identity.photos.load_photos).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from identity.decisions import Check
from identity.models import IdentityDecision
from identity.records import REFERENCE, VERIFY, latest_verify_decision, profile_for_update, record_decision
from identity.settings import IdentitySettings
from storage.store import Tx

__all__ = ["CARD_READS", "CARD_UNREADABLE", "open_card_review", "unreadable_reads"]

CARD_UNREADABLE = "card_unreadable"
CARD_READS = 3  # unreadable photos of a card in an hour before the clerk reads it by hand


async def unreadable_reads(tx: Tx, person_id: str, now: datetime) -> list[int]:
    """The ids of the person's reference decisions of the last hour that could not read the card."""
    found = await tx.session.scalars(
        select(IdentityDecision.id)
        .where(
            IdentityDecision.person_id == person_id,
            IdentityDecision.purpose == REFERENCE,
            IdentityDecision.reason == CARD_UNREADABLE,
            IdentityDecision.at > now - timedelta(hours=1),
        )
        .order_by(IdentityDecision.id)
    )
    return list(found)


async def open_card_review(
    tx: Tx,
    person_id: str,
    name: str,
    number: str,
    number_hash: str,
    channel: str,
    now: datetime,
    settings: IdentitySettings,
) -> tuple[int, bool]:
    """Put the person in the clerk's queue for their card, once; returns the review decision's id
    and whether it was opened now (False: it was already waiting)."""
    latest = await latest_verify_decision(tx, person_id)
    if latest is not None and latest.outcome == "pending_review" and latest.reason == CARD_UNREADABLE:
        return latest.id, False
    profile = await profile_for_update(tx, person_id)
    profile.sealed = tx.sealer.seal({"name": name, "id_number": number, "card_review_at": now.isoformat()})
    profile.id_number_hash = number_hash
    review = Check("pending_review", CARD_UNREADABLE, None, "not_checked")
    row = record_decision(tx, person_id, VERIFY, channel, review, now, settings.tolerance)
    await tx.flush()
    return row.id, True
