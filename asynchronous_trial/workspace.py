"""The judge's workspace, as read models: the cases assigned to a judge, most urgent first, and one
case as the judge works on it (the record by stage, the evidence with both sides' opinions, the
ruling the flow asks of the court now, applications for more time). Read only: rulings go through
the service layer's commands (`CourtService.submit_answer`, `decide_more_time`).

Who may read: the court's clerks and judges, in cases their court has received (`Tx.access` gives
them the `court` role); only the case's assigned judge may rule (`court.access.ruling_refusal`,
which `may_rule` asks in advance so the page can say so before anyone tries)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from asynchronous_trial.record import COURT, CaseFlows, case_record, read_record
from court import withdrawal, withdrawal_view
from court.access import prompt_of, ruling_refusal
from court.linking import aliases
from court.live import ORDERED
from court.read_models import enforcement
from court.withdrawal import WITHDRAWAL_SIGNAL
from flows.library import FlowLibrary
from flows.texts import Catalog
from storage.models import Case, Deadline, Evidence
from storage.store import Store, Tx

MEDIA = ("video", "audio")
FAR = "9999"  # sorts after every instant: a case with nothing due


class Workspace:
    """The workspace's reads, each in a transaction of its own."""

    def __init__(self, store: Store, library: FlowLibrary, catalog: Catalog, clock: Callable[[], datetime]) -> None:
        self.store, self.library, self.catalog, self.clock = store, library, catalog, clock

    async def my_cases(self, person_id: str, locale: str) -> list[dict[str, Any]]:
        """The cases assigned to the judge: those waiting for the judge's ruling or decision first,
        then by the next deadline, soonest first."""
        async with self.store.tx() as tx:
            mine = await aliases(tx, person_id)
            cases = await tx.session.scalars(select(Case).where(Case.judge_id.in_(mine)))
            rows = [await self._row(tx, case, locale) for case in cases]
        return sorted(rows, key=lambda r: (not r["for_judge"], r["next_deadline"] or FAR, r["reference"]))

    async def record(self, person_id: str, case_id: str) -> dict[str, Any] | None:
        """The case record for its reader (None: not theirs), see `asynchronous_trial.record`."""
        return await read_record(self.store, self.library, person_id, case_id)

    async def case_view(self, person_id: str, case_id: str, locale: str) -> dict[str, Any] | None:
        """One case as the court works on it (None: the person is not the court in it)."""
        async with self.store.tx() as tx:
            case = await tx.get_case(case_id)
            role = (await tx.access(person_id, case))[0] if case else None
            if case is None or role != COURT:
                return None
            refusal = await ruling_refusal(tx, case, person_id, COURT, ruling=True)
            state = tx.open_state(case)
            flows = CaseFlows(self.library, case, state)
            record = await case_record(tx, case, COURT, self.library)
            self._label_entries(record, flows, locale)
            return {
                "case": await self._row(tx, case, locale),
                "may_rule": refusal is None,
                "may_order_live": refusal is None and self._asynchronous(case, state),
                "refusal": self.catalog.render(f"errors.{refusal.error}", locale) if refusal else None,
                "record": record,
                "evidence": await self._evidence(tx, case, record, locale),
                "prompt": await self._prompt(tx, case, person_id, state, flows, locale),
                "applications": self._applications(state, record["people"], locale),
                "withdrawal": self._withdrawal(case, state, locale),
                "lapsed": await self._lapsed(tx, case, locale),
            }

    def _asynchronous(self, case: Case, state: Mapping[str, Any]) -> bool:
        """Whether the case is in an asynchronous stage, which the judge may send live (OLR 21)."""
        stage = self.library.get(case.flow_id, case.flow_version).stages.get(state.get("stage", ""))
        return stage is not None and ORDERED in stage.on_signal

    async def _row(self, tx: Tx, case: Case, locale: str) -> dict[str, Any]:
        """A case as the list shows it: reference, parties, stage, next deadline, what waits for the judge."""
        state = tx.open_state(case)
        data, flow = state["data"], self.library.get(case.flow_id, case.flow_version)
        cursor = state["cursors"].get(COURT)
        asks_ruling = bool(cursor and flow.steps[cursor["step"]].ruling)
        applications = [n for n, a in data.get("_more_time", {}).items() if a.get("status") == "pending"]
        due = await tx.session.scalar(
            select(Deadline.due_at)
            .where(Deadline.case_id == case.id, Deadline.status == "pending")
            .order_by(Deadline.due_at)
            .limit(1)
        )
        return {
            "case_id": case.id,
            "reference": case.reference,
            "case_number": case.case_number,
            "plaintiff": data.get("plaintiff", {}).get("name", ""),
            "defendant": data.get("defendant", {}).get("name", ""),
            "stage": state["stage"],
            "status_text": self.catalog.render(f"status.{case.status}", locale),
            "next_deadline": due.isoformat() if due else None,
            "asks_ruling": asks_ruling,
            "applications": len(applications),
            "withdrawal": withdrawal.pending(data) is not None,  # CPL 148: the judge approves or refuses
            "for_judge": asks_ruling or bool(applications) or withdrawal.pending(data) is not None,
            "judge_id": case.judge_id,
            "enforcement": enforcement(data, locale, self.catalog),  # final: CPL 85, 250
        }

    def _withdrawal(self, case: Case, state: Mapping[str, Any], locale: str) -> dict[str, Any] | None:
        """The plaintiff's pending application to withdraw (CPL 148): its reasons, when and at which
        stage it was made, and whether the ruling approving it may be issued at this stage (the
        judgment desk: at DELIBERATION, or at a trial stage that routes it, trial v4); beside it the
        defendant's view and its period (`view_status`: given, running or lapsed) and, once the
        debate has ended (DELIBERATION), that an objection is a ground to refuse (Interp. 238(2))."""
        application = withdrawal.pending(state["data"])
        if application is None:
            return None
        stage = self.library.get(case.flow_id, case.flow_version).stages.get(state.get("stage", ""))
        deliberating = state["flow_id"] == "judgment" and case.status == "DELIBERATION"
        return {
            "reasons": application["reasons"],
            "applied_at": application["applied_at"],
            "stage_text": self.catalog.render(f"status.{application['stage']}", locale),
            "may_approve": deliberating or (stage is not None and WITHDRAWAL_SIGNAL in stage.on_signal),
            **self._defendant_view(application, deliberating),
        }

    def _defendant_view(self, application: Mapping[str, Any], debate_ended: bool) -> dict[str, Any]:
        """The defendant's view on the application (Interp. 238(2)), as the judge reads it: it never
        decides for the judge; after the debate an objection is a ground on which to refuse."""
        view: Mapping[str, Any] = application.get("view") or {}
        return {
            "view": {"view": view["view"], "reasons": view["reasons"], "at": view["at"]} if view else None,
            "view_until": application.get("view_until"),
            "view_status": withdrawal_view.status(application, self.clock()),
            "defendant_told": application.get("told", 0) > 0,
            "debate_ended": debate_ended,
            "objection_ground": debate_ended and view.get("view") == "object",
        }

    def _label_entries(self, record: dict[str, Any], flows: CaseFlows, locale: str) -> None:
        """Each entry in words: a question as it was asked, an answer as the option's label."""
        for stage in record["stages"]:
            stage["status_text"] = self.catalog.render(f"status.{stage['status']}", locale) if stage["status"] else ""
            for entries in stage["parties"].values():
                for entry in entries:
                    entry["label"] = self._entry_label(entry, flows, locale)

    def _entry_label(self, entry: Mapping[str, Any], flows: CaseFlows, locale: str) -> str:
        content = entry["content"]
        if entry["kind"] == "question":
            return self.catalog.render(content["text"], locale, content.get("params"))
        step = flows.step(entry.get("step"))
        if entry["kind"] in ("answer", "ruling") and step is not None:
            option = next((o for o in step.input.options if o.value == content), None)
            if option is not None:
                return self.catalog.render(option.text, locale)
        if entry["kind"] == "file":
            return str(content.get("name", ""))
        if entry["kind"] == "no_answer":
            return self.catalog.render("trial.position.none", locale)
        if entry["kind"] == "amendment":  # an accepted correction written in (OLR 34, CPL 150)
            params = {**content, "who": {"t": f"role.{content['asked_by']}"}, "amends": content.get("amends") or "-"}
            return self.catalog.render("trial.amendment_entry", locale, params)
        if isinstance(content, dict) and content.get("kept"):  # gone live from an asynchronous stage (OLR 5, 21)
            stage = {"t": f"status.{flows.status(content.get('stage', ''))}"}
            params = {"stage": stage, "reasons": content.get("reasons", "")}
            return self.catalog.render(f"trial.went_live.{content['why']}", locale, params)
        if isinstance(content, dict):
            return str(content.get("reason", ""))
        return "" if content is None else str(content)

    async def _evidence(self, tx: Tx, case: Case, record: dict[str, Any], locale: str) -> list[dict[str, Any]]:
        """Every file received in the case, with its side, whether it plays in the page, and the
        other side's opinion on it (OLR 15)."""
        sides = {person: role for role, ids in record["parties"].items() for person in ids}
        opinions: dict[str, list[dict[str, Any]]] = {}
        for row in record["evidence"]:
            params = {"side": {"t": f"role.{row['side']}"}, "n": row["n"], "name": row["name"]}
            text = self.catalog.render(
                f"trial.opinion_line.{row['opinion']}", locale, {**params, "reasons": row["reasons"]}
            )
            opinions.setdefault(str(row.get("evidence_id")), []).append({**row, "text": text})
        files = await tx.session.scalars(
            select(Evidence).where(Evidence.case_id == case.id).order_by(Evidence.received_at, Evidence.id)
        )
        return [
            {
                "evidence_id": f.id,
                "name": f.name,
                "content_type": f.content_type,
                "size": f.size,
                "sha256": f.sha256,
                "received_at": f.received_at.isoformat(),
                "side": sides.get(f.uploader_id, ""),
                "url": f"/api/cases/{case.id}/files/{f.id}",
                "media": next((m for m in MEDIA if f.content_type.startswith(f"{m}/")), None),
                "opinions": opinions.get(f.id, []),
            }
            for f in files
        ]

    async def _prompt(
        self, tx: Tx, case: Case, person_id: str, state: dict[str, Any], flows: CaseFlows, locale: str
    ) -> dict[str, Any] | None:
        """What the flow asks of the court now (None: nothing), in words, with its deadline and rule."""
        cursor = state["cursors"].get(COURT)
        shown = await prompt_of(tx, case, person_id, COURT)
        if cursor is None or shown is None or shown["prompt"]["seq"] != cursor["seq"]:
            return None
        prompt = shown["prompt"]
        if prompt["kind"] in ("wait", "identity"):
            return None
        step = flows.step(prompt["step"])
        rule = None
        if prompt.get("deadline"):
            rule = await tx.session.scalar(
                select(Deadline.rule).where(
                    Deadline.case_id == case.id, Deadline.kind == prompt["deadline"], Deadline.status == "pending"
                )
            )
        return {
            "step": prompt["step"],
            "seq": prompt["seq"],
            "kind": prompt["kind"],
            "ruling": bool(step and step.ruling),
            "text": self.catalog.render(shown["text"], locale, shown.get("params")),
            "options": [
                {"value": o["value"], "label": self.catalog.render(o["text"], locale)}
                for o in prompt.get("options", [])
            ],
            "max_length": prompt.get("max_length"),
            "due_at": prompt.get("due_at"),
            "deadline": self.catalog.render(f"deadline.kind.{prompt['deadline']}", locale)
            if prompt.get("deadline")
            else None,
            "rule": rule or None,
        }

    def _applications(self, state: dict[str, Any], people: Mapping[str, str], locale: str) -> list[dict[str, Any]]:
        """Applications for more time the judge has not decided (CPL 86)."""
        pending = state["data"].get("_more_time", {})
        return [
            {
                "application": number,
                "deadline": self.catalog.render(f"deadline.kind.{a['kind']}", locale),
                "role": a["role"],
                "by": people.get(a["by"], ""),
                "reason": a["reason"],
                "obstacle_ended": a["obstacle_ended"],
                "applied_at": a["applied_at"],
            }
            for number, a in pending.items()
            if a.get("status") == "pending"
        ]

    async def _lapsed(self, tx: Tx, case: Case, locale: str) -> list[dict[str, Any]]:
        """The windows that closed by lapsing (fired), newest first."""
        rows = await tx.session.scalars(
            select(Deadline)
            .where(Deadline.case_id == case.id, Deadline.status == "fired")
            .order_by(Deadline.fired_at.desc())
        )
        return [
            {
                "deadline": self.catalog.render(f"deadline.kind.{d.kind}", locale),
                "due_at": d.due_at.isoformat() if d.due_at else None,
                "fired_at": d.fired_at.isoformat() if d.fired_at else None,
                "rule": d.rule or None,
            }
            for d in rows
            if self.catalog.has(f"deadline.kind.{d.kind}", locale)  # a period, not the court's own machinery
        ]
