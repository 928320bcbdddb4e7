"""The person hears the clerk's decision on their identity, in the channel they use (issue 14: a
Telegram-only litigant whose check went to the clerk waited forever).

The message is a row of the outbox, written in the decision's transaction, in the person's most
recently active case at the clerk's court: the dispatcher sends it where the person's messages go
(Telegram, the web chat). Someone with no case there yet sees the result in the identity panel
(web chat, mini-app). A pass then moves their waiting cases on, as a verification does.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from court.postbag import KICK
from storage.store import Tx

if TYPE_CHECKING:
    from court.service import CourtService

TOLD = {"verified": "identity.review_verified", "rejected": "identity.review_rejected"}


class IdentityReviewNotices:
    """``identity.service.ReviewListener`` for the court: tell, then move cases on."""

    def __init__(self, service: CourtService) -> None:
        self.service = service

    async def queue_review_notice(
        self, tx: Tx, person_id: str, court_code: str, outcome: str, reason: str, now: datetime
    ) -> None:
        """The message saying the decision and its reason, queued in the decision's transaction."""
        found = next(((c, r) for c, r in await tx.cases_of(person_id) if c.court_code == court_code), None)
        if found is None:
            return
        case, role = found
        payload = {"text": TOLD[outcome], "params": {"reason": reason}}
        tx.outbox(case.id, role, person_id, payload, now, case.court_code)

    async def review_decided(self, person_id: str, outcome: str) -> int:
        """After commit: wake the dispatcher for the message; a pass moves the cases on."""
        if self.service.after_commit is not None:
            await self.service.after_commit(KICK)
        return await self.service.identity_verified(person_id) if outcome == "verified" else 0
