"""Read models for the web chat: a person's cases and the court's review queue."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from flows.library import FlowLibrary
from flows.texts import Catalog
from storage.models import Case, DeliveryProblem
from storage.store import Tx

REVIEW_STAGES = ("filing_review", "correction_requested")


def case_card(tx: Tx, case: Case, role: str, locale: str, catalog: Catalog, library: FlowLibrary) -> dict[str, Any]:
    """What a case list shows: reference, number, status in words and the current countdown."""
    state = tx.open_state(case)
    flow = library.get(case.flow_id, case.flow_version)
    stage = flow.stages.get(state["stage"])
    due = None
    if stage is not None and stage.deadline is not None:
        due = state["data"].get("_due", {}).get(stage.deadline.kind)
    cursor = state["cursors"].get(role)
    waiting = cursor is None or flow.steps[cursor["step"]].input.kind == "wait"
    return {
        "open_seq": state["seq"] + 1 if waiting else cursor["seq"],
        "reference": case.reference,
        "case_number": case.case_number,
        "status": case.status,
        "status_text": catalog.render(f"status.{case.status}", locale),
        "role": role,
        "case_id": case.id,
        "prompt_text": catalog.render("cases.waiting" if waiting else "cases.your_turn", locale),
        "due_at": due,
    }


async def my_cases(tx: Tx, person_id: str, locale: str, catalog: Catalog, library: FlowLibrary) -> list[dict[str, Any]]:
    return [case_card(tx, c, role, locale, catalog, library) for c, role in await tx.cases_of(person_id)]


async def court_cases(
    tx: Tx, court_code: str, locale: str, catalog: Catalog, library: FlowLibrary, limit: int = 200
) -> list[dict[str, Any]]:
    """A court's cases, most recently changed first, as staff see them."""
    rows = await tx.session.scalars(
        select(Case).where(Case.court_code == court_code).order_by(Case.updated_at.desc()).limit(limit)
    )
    return [case_card(tx, case, "court", locale, catalog, library) for case in rows]


async def review_queue(
    tx: Tx, court_code: str, locale: str, catalog: Catalog, library: FlowLibrary
) -> list[dict[str, Any]]:
    items = []
    for case in await tx.cases_in_stage(court_code, REVIEW_STAGES):
        card = case_card(tx, case, "court", locale, catalog, library)
        card["plaintiff"] = tx.open_state(case)["data"].get("plaintiff", {}).get("name", "")
        items.append(card)
    return items


async def delivery_problems(tx: Tx, court_code: str) -> list[dict[str, Any]]:
    """Unresolved failed deliveries in this court's cases, newest first."""
    rows = await tx.session.execute(
        select(DeliveryProblem, Case.reference)
        .join(Case, Case.id == DeliveryProblem.case_id)
        .where(Case.court_code == court_code, DeliveryProblem.resolved_at.is_(None))
        .order_by(DeliveryProblem.at.desc())
        .limit(200)
    )
    return [
        {
            "id": p.id,
            "case_id": p.case_id,
            "reference": ref,
            "channel": p.channel,
            "reason": p.reason,
            "fallback": p.fallback,
            "at": p.at.isoformat(),
        }
        for p, ref in rows
    ]
