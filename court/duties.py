"""The court's own duties in a case (a flow's `duty:`), such as sending the defendant the notice
of the claim within 5 days of acceptance (CPL 128): done when the court sends the document they
wait for, in the chat or by the clerk's record of serving it; overdue ones are in the court's queue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update

from flows.engine import discharge_duties, open_duties
from storage.models import Case, Deadline
from storage.outbox import Letter
from storage.store import Tx

DONE = "done"  # a duty's row once the court did what it asks


async def settle_duties(
    tx: Tx, case: Case, saved: dict[str, Any], status: str, letters: Sequence[Letter], now: datetime
) -> None:
    """After a command saved the case's state `saved` and wrote its messages: the open duties
    whose document one of them sends are done now (recorded in the case), and the rows of every
    duty done or ended by the command are closed."""
    data = saved["data"]
    sent = {
        (str(letter.payload.get("text")), letter.role)
        for letter in letters
        if letter.case_id == case.id and letter.person_id is not None
    }
    done = [kind for document, role in sorted(sent) for kind in discharge_duties(data, document, role, now)]
    if done:
        await tx.save_state(case, saved, status, now)
        await tx.log(case.id, saved["seq"], "duty_done", {"kinds": done}, now, channel="court")
    at = now.isoformat()  # done or ended by this command (here, or in the engine on the clerk's record)
    finished = [k for k, d in data.get("_duties", {}).items() if at in (d.get("done_at"), d.get("ended_at"))]
    if finished:
        await tx.session.execute(
            update(Deadline)
            .where(Deadline.case_id == case.id, Deadline.kind.in_(finished), Deadline.status == "pending")
            .values(status=DONE)
            .execution_options(synchronize_session=False)
        )


def overdue(data: dict[str, Any]) -> list[str]:
    """The kinds of the court's duties in the case that lapsed and are still not done."""
    return sorted(kind for kind, duty in open_duties(data).items() if duty.get("overdue_at"))
