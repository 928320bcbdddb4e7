"""The court moving a pending deadline: the row and its reminder move, the case's copy of the due
time follows, and the extension is recorded."""

from __future__ import annotations

from datetime import datetime, timedelta

from court.commands import ExtendDeadline
from court.outcomes import Outcome
from storage.models import Case
from storage.store import Tx


async def extend(tx: Tx, case: Case, role: str, cmd: ExtendDeadline, now: datetime) -> Outcome:
    """Extend the case's pending deadline of `cmd.kind` on the locked case; only the court may."""
    if role != "court":
        return Outcome(case.id, "not_a_party")
    deadline = await tx.pending_deadline(case.id, cmd.kind)
    if deadline is None:
        return Outcome(case.id, "stale_deadline")
    deadline.extended_from = deadline.extended_from or deadline.due_at
    deadline.due_at = deadline.due_at + timedelta(days=cmd.days)
    if deadline.remind_at is not None:
        deadline.remind_at, deadline.reminded_at = deadline.remind_at + timedelta(days=cmd.days), None
    raw = tx.open_state(case)
    raw["data"].setdefault("_due", {})[cmd.kind] = deadline.due_at.isoformat()
    await tx.save_state(case, raw, case.status, now)
    await tx.log(
        case.id,
        raw["seq"],
        "deadline_extended",
        {"kind": cmd.kind, "days": cmd.days, "reason": cmd.reason, "due_at": deadline.due_at.isoformat()},
        now,
        actor_id=cmd.person_id,
        role=role,
    )
    return Outcome(case.id)
