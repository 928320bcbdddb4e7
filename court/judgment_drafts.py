"""The judgment the case's judge is writing, kept on the server (`judgment_drafts`): one per case,
sealed like the case itself, replaced at each save and cleared when a document is issued
(`CourtService.issue_document`). Who may save or read it is `court.access.ruling_refusal`'s
answer (the case's assigned judge); these functions run inside the service's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete

from storage.models import JudgmentDraft
from storage.store import Tx

MAX_SEALED_CHARS = 200_000
"""What one draft may hold, as JSON (a long judgment is some 20,000 characters)."""


async def save(tx: Tx, case_id: str, person_id: str, content: dict[str, Any], now: datetime) -> datetime:
    """Replace the case's draft with `content`, saved by `person_id` now; when it was saved."""
    row = await tx.session.get(JudgmentDraft, case_id)
    sealed = tx.sealer.seal(content)
    if row is None:
        tx.add(JudgmentDraft(case_id=case_id, saved_by=person_id, content=sealed, saved_at=now))
    else:
        row.saved_by, row.content, row.saved_at = person_id, sealed, now
    return now


async def read(tx: Tx, case_id: str) -> dict[str, Any] | None:
    """The case's draft, opened, with when it was saved (None: none is kept)."""
    row = await tx.session.get(JudgmentDraft, case_id)
    if row is None:
        return None
    return {"draft": tx.sealer.open(row.content), "saved_at": row.saved_at.isoformat()}


async def clear(tx: Tx, case_id: str) -> None:
    """The document is issued: its draft is not kept."""
    await tx.session.execute(delete(JudgmentDraft).where(JudgmentDraft.case_id == case_id))
