"""Who the judge of a case is: the one place the trial asks.

The judge is the one assigned to the case when the court took it up (`cases.judge_id`, set
round-robin by `court.judges` and changed only by an admin); only that judge rules in the case
(`court.access.ruling_refusal`). A case from before judges were assigned has none: any of its
court's judges may rule there, so the trial names the court's first judge for its notices.
"""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Case, Person
from storage.store import Tx


async def judge_of(tx: Tx, case: Case) -> Person | None:
    """The judge who rules on `case`: its assigned judge, else (a case from before judges were
    assigned) the court's first judge; None if its court has no judge yet."""
    if case.judge_id is not None:
        return await tx.person(case.judge_id)
    found = await tx.session.scalars(
        select(Person)
        .where(Person.staff_role == "judge", Person.court_code == case.court_code, Person.merged_into.is_(None))
        .order_by(Person.created_at, Person.id)
        .limit(1)
    )
    return found.first()
