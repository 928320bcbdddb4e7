"""Who the judge of a case is: the one place the trial asks.

Until judge assignment lands (issue 12: `cases` get an assigned judge, and only the assigned judge
rules), the judge of a case is the court's judge: the first staff member with the judge role at the
case's court. When merging, point `judge_of` at the case's assigned judge; nothing else changes.
"""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Case, Person
from storage.store import Tx


async def judge_of(tx: Tx, case: Case) -> Person | None:
    """The judge who rules on `case` (None if its court has no judge yet)."""
    found = await tx.session.scalars(
        select(Person)
        .where(Person.staff_role == "judge", Person.court_code == case.court_code)
        .order_by(Person.created_at, Person.id)
        .limit(1)
    )
    return found.first()
