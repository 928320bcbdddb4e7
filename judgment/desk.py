"""The judge's desk for the judgment: draft by outcome, preview, issue. Reads the case with the
one authorization check (`court.access.ruling_refusal`: the assigned judge only) and issues
through the service layer's one write path (`CourtService.issue_document`)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from court import withdrawal
from court.access import case_for, ruling_refusal
from court.commands import IssueDocument, SaveJudgmentDraft
from court.documents.kinds import Header, judgment
from court.documents.layout import CourtDocument, render
from court.outcomes import Outcome
from court.service import CourtService
from flows.library import FlowLibrary
from flows.registry import Guard
from judgment.draft import PERFORMANCE_DAYS, Edited, Refused, drafted, issued
from storage.store import Tx

STATUS = "DELIBERATION"
FLOW = "judgment"
ISSUED_SIGNAL = "judgment_issued"


@dataclass(frozen=True)
class _Deliberating:
    """A case waiting for this judge's judgment: its data and what the document's header needs."""

    case_id: str
    data: dict[str, Any]
    case_number: str
    judge_name: str
    signal: str = ISSUED_SIGNAL
    status: str = STATUS


class JudgmentDesk:
    def __init__(self, service: CourtService, guards: Mapping[str, Guard]) -> None:
        self.service, self.guards = service, guards

    async def draft(
        self,
        person_id: str,
        case_id: str,
        outcome: str,
        locale: str,
        granted: str | None = None,
        days: int = PERFORMANCE_DAYS,
    ) -> dict[str, Any] | Outcome:
        """The draft for `outcome`, filled from the case, money to be paid within `days` of the
        judgment taking effect (refused as issuing would be)."""
        found = await self._deliberating(person_id, case_id, outcome)
        if isinstance(found, Outcome):
            return found
        try:
            return drafted(found.data, outcome, locale, granted, days)
        except Refused as refused:
            return Outcome(case_id, refused.code, refused.params)

    async def save_draft(self, person_id: str, case_id: str, content: dict[str, Any]) -> Outcome:
        """Keep what the judge is writing on the server (autosaved as they type), while the case
        waits for this document; `saved_at` in the outcome's params."""
        found = await self._deliberating(person_id, case_id, str(content.get("outcome") or ""))
        if isinstance(found, Outcome):
            return found
        return await self.service.save_judgment_draft(SaveJudgmentDraft(person_id, case_id, content))

    async def saved_draft(self, person_id: str, case_id: str) -> dict[str, Any] | Outcome | None:
        """What the judge last saved (None: nothing), to restore the desk in any browser."""
        return await self.service.judgment_draft(person_id, case_id)

    async def preview(self, person_id: str, case_id: str, edited: Edited) -> bytes | Outcome:
        """The document as it would be issued, unsigned and recorded nowhere."""
        document = await self._document(person_id, case_id, edited)
        if isinstance(document, Outcome):
            return document
        try:
            return await asyncio.to_thread(render, document[0])
        except Exception:  # the same failure issuing would meet: the judge sees it
            return Outcome(case_id, "document_failed", {"problem": "render"})

    async def issue(self, person_id: str, case_id: str, edited: Edited, channel: str) -> Outcome:
        """Render, sign, record and serve the judgment or ruling (CourtService.issue_document)."""
        made = await self._document(person_id, case_id, edited)
        if isinstance(made, Outcome):
            return made
        document, record, found = made
        command = IssueDocument(person_id, case_id, document, found.signal, FLOW, record, found.status, channel)
        return await self.service.issue_document(command)

    async def _document(
        self, person_id: str, case_id: str, edited: Edited
    ) -> tuple[CourtDocument, dict[str, Any], _Deliberating] | Outcome:
        found = await self._deliberating(person_id, case_id, edited.outcome)
        if isinstance(found, Outcome):
            return found
        now = self.service.clock()
        abroad = self.guards["defendant_abroad"](found.data, None)  # CPL 286: 30 days to appeal
        try:
            record, parts = issued(found.data, edited, person_id, now, abroad)
        except Refused as refused:
            return Outcome(case_id, refused.code, refused.params)
        header = Header(
            edited.locale, self.service.settings.court_name, found.case_number, self._today(now), found.judge_name
        )
        return judgment(header, parts), record, found

    def _today(self, now: datetime) -> date:
        return now.astimezone(ZoneInfo(self.service.settings.timezone)).date()

    async def _deliberating(self, person_id: str, case_id: str, outcome: str) -> _Deliberating | Outcome:
        async with self.service.store.tx() as tx:
            return await deliberating(tx, person_id, case_id, outcome, self.service.library)


async def deliberating(
    tx: Tx, person_id: str, case_id: str, outcome: str, library: FlowLibrary
) -> _Deliberating | Outcome:
    """The case, if it waits in the judgment flow for a judgment by this person, its assigned judge;
    or, for a ruling approving a pending application to withdraw (CPL 148), if it is at a trial
    stage that routes that ruling (`court.withdrawal.WITHDRAWAL_SIGNAL`)."""
    found = await case_for(tx, person_id, case_id)
    if isinstance(found, Outcome):
        return found
    case, role, _people = found
    refused = await ruling_refusal(tx, case, person_id, role, ruling=True)
    if refused is not None:
        return refused
    state = tx.open_state(case)
    judge = await tx.person(person_id)
    number, name = case.case_number or case.reference, (judge.display_name or "") if judge else ""
    if case.status == STATUS and state["flow_id"] == FLOW:
        return _Deliberating(case.id, state["data"], number, name)
    stage = library.get(case.flow_id, case.flow_version).stages.get(state["stage"])
    routes = stage is not None and withdrawal.WITHDRAWAL_SIGNAL in stage.on_signal
    if outcome == "withdrawal_approved" and routes and withdrawal.pending(state["data"]) is not None:
        return _Deliberating(case.id, state["data"], number, name, withdrawal.WITHDRAWAL_SIGNAL, case.status)
    return Outcome(case.id, "document_not_due", {"stage": {"t": f"status.{case.status}"}})
