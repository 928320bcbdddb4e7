"""Read models for the channels: a person's cases, a case as its reader sees it, the court's
review queue. `ReadModels` opens the transaction; the functions below it read inside one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from court import withdrawal, withdrawal_view
from court.cases import filed_as
from court.commands import ReadCase
from court.deadlines import UNSTARTED
from court.duties import overdue
from court.e_service import mark_read
from court.linking import aliases
from court.live import WITHDRAWN
from flows.library import FlowLibrary
from flows.texts import Catalog
from storage.models import Case, CaseEvent, Deadline, DeliveryProblem, OutboxMessage
from storage.store import Store, Tx

REVIEW_STAGES = ("filing_review", "correction_requested", "representative_review")  # in the court's queue

Card = dict[str, Any]


@dataclass(frozen=True)
class CaseView:
    """A case as its reader sees it: the card, the court's messages to them (payloads opened,
    not yet rendered) and their own answers placed among them."""

    card: Card
    messages: list[dict[str, Any]]
    answers: list[dict[str, Any]]


class ReadModels:
    """The reads channels share, each in a transaction of its own."""

    def __init__(self, store: Store, catalog: Catalog, library: FlowLibrary, clock: Callable[[], datetime]) -> None:
        self.store, self.catalog, self.library, self.clock = store, catalog, library, clock

    async def my_cases(self, person_id: str, locale: str) -> list[Card]:
        async with self.store.tx() as tx:
            return await my_cases(tx, person_id, locale, self.catalog, self.library, self.clock())

    async def court_cases(self, court_code: str, locale: str) -> list[Card]:
        async with self.store.tx() as tx:
            return await court_cases(tx, court_code, locale, self.catalog, self.library)

    async def review_queue(self, court_code: str, locale: str) -> list[Card]:
        async with self.store.tx() as tx:
            return await review_queue(tx, court_code, locale, self.catalog, self.library)

    async def delivery_problems(self, court_code: str) -> list[dict[str, Any]]:
        async with self.store.tx() as tx:
            return await delivery_problems(tx, court_code)

    async def newest_case(self, person_id: str) -> str | None:
        """The case the person joined or opened last, if any."""
        async with self.store.tx() as tx:
            mine = await tx.cases_of(person_id)
        return mine[0][0].id if mine else None

    async def join_link(self, person_id: str, case_id: str) -> str | None:
        """The web join link of the case's open invitation, for those who pass it on: the court
        and the plaintiff's side (None: not theirs to see, or no invitation open)."""
        async with self.store.tx() as tx:
            case = await tx.get_case(case_id)
            role = (await tx.access(person_id, case))[0] if case else None
            if case is None or role not in ("court", "plaintiff"):
                return None
            invitation = tx.open_state(case)["data"].get("invitation", {})
        if invitation.get("used_by") or not invitation.get("code"):
            return None
        link = invitation.get("web_link")
        return str(link) if link else None

    async def filed_as(self, person_id: str, case_id: str | None = None) -> tuple[str, str] | None:
        """The name and ID number the person gave as a filing's plaintiff (see court.cases)."""
        async with self.store.tx() as tx:
            return await filed_as(tx, person_id, case_id)

    async def earlier_option(self, person_id: str, case_id: str, seq: int, index: int) -> dict[str, Any] | None:
        """Option `index` of the prompt numbered `seq` that the person was sent in the case (an
        old button's meaning), or None: not theirs, no such prompt or option."""
        async with self.store.tx() as tx:
            case = await tx.get_case(case_id)
            role = (await tx.access(person_id, case))[0] if case else None
            if case is None or role is None:
                return None
            for row in reversed(await tx.history(case.id, person_id, role)):
                prompt = tx.sealer.open(row.payload).get("prompt")
                if prompt and prompt.get("seq") == seq:
                    options = prompt.get("options") or []
                    return dict(options[index]) if 0 <= index < len(options) else None
        return None

    async def read_case(self, cmd: ReadCase) -> CaseView | None:
        """The case as the person sees it (None: not theirs). A read with one legal effect,
        recorded in the same transaction: served documents shown to their recipient are read
        now (OLR 31(2))."""
        async with self.store.tx() as tx:
            case = await tx.get_case(cmd.case_id)
            role = (await tx.access(cmd.person_id, case))[0] if case else None
            if case is None or role is None:
                return None
            rows = await tx.history(case.id, cmd.person_id, role)
            shown = [(r, tx.sealer.open(r.payload)) for r in rows]
            await mark_read(tx, shown, cmd.person_id, self.clock())
            card = party_card(tx, case, role, cmd.locale, self.catalog, self.library, self.clock())
            answers = await my_answers(tx, case.id, cmd.person_id, rows, cmd.locale, self.catalog)
        return CaseView(card, [_message(row, payload) for row, payload in shown], answers)


def case_card(tx: Tx, case: Case, role: str, locale: str, catalog: Catalog, library: FlowLibrary) -> dict[str, Any]:
    """What a case list shows: reference, number, status in words and the current countdown."""
    state = tx.open_state(case)
    flow = library.get(case.flow_id, case.flow_version)
    stage = flow.stages.get(state["stage"])
    due = None
    if stage is not None and stage.deadline is not None:
        due = state["data"].get("_due", {}).get(stage.deadline.kind_for(role))
    cursor = state["cursors"].get(role)
    waiting = cursor is None or flow.steps[cursor["step"]].input.kind == "wait"
    extra: dict[str, Any] = {}
    if role == "court":
        # periods waiting for their document to be effectively served (CPL 90, OLR 31): the clerk
        # serves it another way, or records that it was; and whether the judge must rule now
        extra["not_served"] = sorted(state["data"].get("_unstarted", {}))
        extra["judge_id"] = case.judge_id
        extra["for_judge"] = bool(cursor and flow.steps[cursor["step"]].ruling)
        applications = state["data"].get("_more_time", {})  # CPL 86: for the judge to decide
        extra["more_time"] = sorted(n for n, a in applications.items() if a.get("status") == "pending")
        extra["withdrawal"] = withdrawal.pending(state["data"]) is not None  # CPL 148: for the judge to decide
        extra["overdue"] = overdue(state["data"])  # the court's own duties it is late with (CPL 128)
    return {
        **extra,
        "open_seq": state["seq"] + 1 if waiting else cursor["seq"],
        "reference": case.reference,
        "case_number": case.case_number,
        "status": case.status,
        "status_text": catalog.render(f"status.{case.status}", locale),
        "role": role,
        "case_id": case.id,
        "prompt_text": catalog.render("cases.waiting" if waiting else "cases.your_turn", locale),
        "due_at": due,
        "asynchronous": stage is not None and WITHDRAWN in stage.on_signal,  # may go live from here (OLR 5, 21)
        "withdrawable": withdrawal.refusal(role, state, case.status) is None,  # the plaintiff may apply (CPL 148)
        "enforcement": enforcement(state["data"], locale, catalog),
    }


def enforcement(data: dict[str, Any], locale: str, catalog: Catalog) -> dict[str, Any] | None:
    """A final judgment's last day to perform (where it sets a time, CPL 85) and to apply for
    enforcement (CPL 250), as `judgment.finality` recorded them, with the line that says so."""
    final = data.get("finality")
    if not final:
        return None
    dates = {key: final.get(key) for key in ("final_at", "performance_until", "enforcement_until")}
    key = "cases.enforcement" if dates["performance_until"] else "cases.enforcement_no_period"
    params = {name: {"time": value or ""} for name, value in dates.items()}
    return {**dates, "text": catalog.render(key, locale, params)}


def party_card(
    tx: Tx, case: Case, role: str, locale: str, catalog: Catalog, library: FlowLibrary, now: datetime
) -> dict[str, Any]:
    """The card as a party (or the court) sees it in its own list, with what it may do now that
    depends on the time: the defendant's view on a pending withdrawal (`withdrawal_view`, Interp. 238)."""
    card = case_card(tx, case, role, locale, catalog, library)
    application = withdrawal.pending(tx.open_state(case)["data"])
    card["withdrawal_view"] = withdrawal_view.open_for(role, application, now)
    return card


async def my_cases(
    tx: Tx, person_id: str, locale: str, catalog: Catalog, library: FlowLibrary, now: datetime
) -> list[dict[str, Any]]:
    return [party_card(tx, c, role, locale, catalog, library, now) for c, role in await tx.cases_of(person_id)]


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
    """The court's queue: filings to review, rulings for the judge (`for_judge`), cases whose period
    waits for a document that has not been effectively served (`not_served`), applications for
    more time for the judge (`more_time`, CPL 86), and cases where the court is late with a duty
    of its own (`overdue`, e.g. sending the defendant's notice within 5 days: CPL 128)."""
    items = []
    waiting = await tx.session.scalars(
        select(Case)
        .join(Deadline, Deadline.case_id == Case.id)
        .where(Case.court_code == court_code, Deadline.status == UNSTARTED)
        .distinct()
    )
    applied = await _applied(tx, court_code, "more_time_applied")
    lapsed = await tx.session.scalars(
        select(Case)
        .join(Deadline, Deadline.case_id == Case.id)
        .where(Case.court_code == court_code, Deadline.status == "fired", Deadline.kind.in_(_duty_kinds(library)))
        .distinct()
    )
    found = [*await tx.cases_in_stage(court_code, (*REVIEW_STAGES, *_ruling_stages(library))), *waiting]
    found += [case for case in applied if _pending_applications(tx, case)]
    found += [
        case
        for case in await _applied(tx, court_code, "withdrawal_applied")
        if withdrawal.pending(tx.open_state(case)["data"])
    ]
    found += [case for case in lapsed if overdue(tx.open_state(case)["data"])]
    cases = {case.id: case for case in found}
    for case in cases.values():
        card = case_card(tx, case, "court", locale, catalog, library)
        card["plaintiff"] = tx.open_state(case)["data"].get("plaintiff", {}).get("name", "")
        items.append(card)
    return items


async def _applied(tx: Tx, court_code: str, kind: str) -> Sequence[Case]:
    """The court's cases in which an application of `kind` was ever logged."""
    rows = await tx.session.scalars(
        select(Case)
        .join(CaseEvent, CaseEvent.case_id == Case.id)
        .where(Case.court_code == court_code, CaseEvent.kind == kind)
        .distinct()
    )
    return list(rows)


def _ruling_stages(library: FlowLibrary) -> list[str]:
    """Stages where the court's question is a ruling: in the queue for the judge."""
    found = set()
    for flow in library.flows.values():
        for stage in flow.stages.values():
            step = flow.steps.get(stage.entry.get("court", ""))
            if step is not None and step.ruling:
                found.add(stage.id)
    return sorted(found)


def _duty_kinds(library: FlowLibrary) -> list[str]:
    """The kinds of the court's own duties in any flow (`duty:`)."""
    return sorted({s.duty.kind for f in library.flows.values() for s in f.stages.values() if s.duty is not None})


def _pending_applications(tx: Tx, case: Case) -> bool:
    """Whether the case has an application for more time the judge has not decided (CPL 86)."""
    applications = tx.open_state(case)["data"].get("_more_time", {})
    return any(a.get("status") == "pending" for a in applications.values())


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


def _message(row: OutboxMessage, payload: dict[str, Any]) -> dict[str, Any]:
    """An outbox row as the channels' frames carry it."""
    acknowledged = row.acknowledged_at.isoformat() if row.acknowledged_at else None
    at = row.created_at.isoformat()
    return {"id": row.id, "case_id": row.case_id, "at": at, "acknowledged_at": acknowledged, **payload}


def _label(prompt: dict[str, Any], value: Any, locale: str, catalog: Catalog) -> str:
    """A button's label in the reader's language, or the text as typed."""
    for option in prompt.get("options", []):
        if option["value"] == value:
            return catalog.render(option["text"], locale)
    return str(value)
