"""The channels' side of linking accounts (court.linking does the merge itself).

After a merge the merged record's open web tabs are told to sign in again (their session now
names the kept person); then (`after_merge`) drafts that waited for an identity check the kept
record has already passed move on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.bootstrap import Court
from bot.webchat.sender import person_channel
from court.linking import Linked, link_people
from identity.photos import move_photos
from storage.store import Tx

RELINKED = "relinked"


async def merge_accounts(
    court: Court, issuer: str, redeemer: str, bind: Callable[[Tx, str], Awaitable[None]]
) -> Linked:
    """Link the redeemer's account to the issuer's person; `bind` attaches the redeeming
    channel (its account or session) to the person kept, in the same transaction."""
    async with court.store.tx() as tx:
        linked = await link_people(tx, issuer, redeemer, court.clock())
        if linked.person_id is not None:
            await bind(tx, linked.person_id)
    if linked.merged is not None and linked.person_id is not None:
        await court.pubsub.publish(person_channel(linked.merged), {"type": RELINKED})
        if court.identity.photo_dir is not None:  # kept selfies follow the decisions they belong to
            await move_photos(court.identity.photo_dir, linked.merged, linked.person_id)
    return linked


async def after_merge(court: Court, linked: Linked) -> None:
    """Once the redeeming channel listens as the kept person: drafts that waited for an identity
    check the kept person has passed go on (their next prompts reach that channel)."""
    if linked.merged is not None and linked.person_id is not None and linked.cases_moved:
        await court.service.identity_verified(linked.person_id)
