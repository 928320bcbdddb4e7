"""The record (笔录) of a case as a court document, from the case's data and its event log: the
parties by role and name, then every event in order with its time, who acted and what happened."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from court.access import known_as
from court.documents.kinds import Header, RecordEntry, record
from court.documents.layout import CourtDocument
from court.outcomes import Outcome
from flows.texts import Catalog
from storage.models import CaseEvent, Participant
from storage.store import Tx


async def case_record(
    tx: Tx, case_id: str, person_id: str, locale: str, catalog: Catalog, court_name: str, today: date
) -> CourtDocument | Outcome:
    """The record for someone who takes part in the case (the court, a party, an agent)."""
    case = await tx.get_case(case_id)
    if case is None or (await tx.access(person_id, case))[0] is None:
        return Outcome(case_id, "not_a_party")
    participants = await tx.session.scalars(
        select(Participant).where(Participant.case_id == case_id).order_by(Participant.role)
    )
    parties = [f"{participant.role}: {await known_as(tx, participant.person_id)}" for participant in participants]
    events = await tx.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))
    entries = [
        RecordEntry(
            catalog.local_time(event.at.isoformat()),
            await known_as(tx, event.actor_id) if event.actor_id else court_name,
            _what(event.kind, tx.sealer.open(event.detail), catalog, locale),
        )
        for event in events
    ]
    header = Header(locale, court_name, case.case_number or case.reference, today)
    return record(header, parties, entries)


def issued_record(data: dict[str, Any]) -> dict[str, Any] | None:
    """The newest record the court issued signed in the case's data (trial v5, OLR 34): the
    settled one with its amendments once the confirmation settled, the one the parties confirm
    before; None if none was (`sha256`, `signed_at`, `signer`, `pages`, `entries`, `amendments`)."""
    transcript = data.get("transcript") or {}
    return next((dict(transcript[k]) for k in ("settled", "issued") if (transcript.get(k) or {}).get("sha256")), None)


def _what(kind: str, detail: dict[str, Any], catalog: Catalog, locale: str) -> str:
    """The event's kind, with the document it concerns or the step it answered where it names one."""
    what = kind.replace("_", " ")
    if isinstance(detail.get("document"), str) and detail["document"].startswith("document."):
        return f"{what}: {catalog.render(detail['document'], locale)}"
    if isinstance(detail.get("step"), str):
        return f"{what}: {detail['step']}"
    return what
