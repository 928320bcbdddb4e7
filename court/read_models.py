"""Read models for the web chat: a person's cases and the court's review queue."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from court.linking import aliases
from flows.library import FlowLibrary
from flows.texts import Catalog
from storage.models import Case, CaseEvent, DeliveryProblem, OutboxMessage
from storage.store import Tx

REVIEW_STAGES = ("filing_review", "correction_requested", "representative_review")  # in the court's queue


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
    """A court's cases, most recently changed first, as staff see them: filings it has received
    (a draft is the litigant's own until submitted, and drafts must not crowd real cases out)."""
    received = (Case.court_code == court_code, Case.received_at.is_not(None))
    rows = await tx.session.scalars(select(Case).where(*received).order_by(Case.updated_at.desc()).limit(limit))
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


async def my_answers(
    tx: Tx, case_id: str, person_id: str, history: Sequence[OutboxMessage], locale: str, catalog: Catalog
) -> list[dict[str, Any]]:
    """The person's own answers in a case, each placed after the court message it answered."""
    prompts: dict[int, tuple[int, dict[str, Any]]] = {}
    for row in history:
        prompt = tx.sealer.open(row.payload).get("prompt")
        if prompt:
            prompts[int(prompt["seq"])] = (row.id, prompt)
    events = await tx.session.scalars(
        select(CaseEvent)
        .where(
            CaseEvent.case_id == case_id,
            CaseEvent.actor_id.in_(await aliases(tx, person_id)),  # incl. accounts linked since
            CaseEvent.kind.in_(("answer", "evidence")),
        )
        .order_by(CaseEvent.id)
    )
    answers = []
    for event in events:
        detail = tx.sealer.open(event.detail)
        if event.kind == "evidence":
            after = max((row.id for row in history if row.created_at <= event.at), default=0)
            answers.append({"after_id": after, "text": str(detail.get("name", ""))})
            continue
        after_id, prompt = prompts.get(int(detail.get("seq", -1)), (0, {}))
        answers.append({"after_id": after_id, "text": _label(prompt, detail.get("value"), locale, catalog)})
    return answers


def _label(prompt: dict[str, Any], value: Any, locale: str, catalog: Catalog) -> str:
    """A button's label in the reader's language, or the text as typed."""
    for option in prompt.get("options", []):
        if option["value"] == value:
            return catalog.render(option["text"], locale)
    return str(value)
