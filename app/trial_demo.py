"""`microcourt demo trial`: one complete asynchronous case, with simulated people, through the real
service layer and with the clock jumped instead of waited for: filing, the trial to DELIBERATION,
the judgment issued (signed) and served, each party's appeal period passing, FINAL.

The people follow a script: for each question (a flow step) what they answer. When nobody has
anything left to answer, the clock jumps to the case's next deadline and the sweeper fires it, as
a court's would days later. A step the script leaves out stops the demo with its name, so the
script stays true to the flows it plays.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from app.simulation import Simulation
from asynchronous_trial.record import read_record
from court.commands import AcknowledgeService, JoinCase, SignServedDocument, UploadEvidence
from court.documents import court_key
from court.documents.case_record import case_record
from court.documents.layout import render
from court.documents.signing import Signed, sign
from court.outcomes import Outcome
from gateway.court import Court
from judgment.draft import Edited
from storage.models import Deadline, Person

SILENT = object()  # the person lets this question's window lapse
FILE = "file:"  # an answer that is a file: `file:name.ext`, uploaded and hashed like evidence
END_STATUS = "DELIBERATION"
FINAL_STATUS = "FINAL"
SERVED_JUDGMENT = "judgment.served_judgment"


# What each side answers, by step. A list is answered in turn (one item per time it is asked).
DEFENDANT: dict[str, Any] = {
    "representative_documents": [FILE + "business_licence.pdf", "done"],
    "defendant_online": "yes",
    "defendant_e_service": "yes",
    "defendant_address_confirm": "confirm",
    "answer_position": "dispute",
    "answer_statement": "手机签收时完好，故障系买家摔落所致。The phone worked on delivery; the buyer dropped it.",
    "answer_jurisdiction": "accept",
    "answer_counterclaim": "no",
    "answer_evidence": [FILE + "courier_receipt.pdf", "done"],
    "answer_summary": "submit",
    "evidence_period_defendant": "done",
    "exchange_consent_defendant": "yes",
    "exchange_defendant": "opinion",
    "item_opinion_defendant": "accept",
    "counter_evidence_defendant": "done",
    "inquiry_consent_defendant": "yes",
    "inquiry_open_defendant": ["answer", SILENT],  # the second round lapses for the defendant
    "inquiry_answer_defendant": "出库前经质检合格，记录见附件。It passed inspection before dispatch.",
    "hearing_apply_defendant": "agree",  # the asynchronous hearing (OLR 20(2)): the plaintiff applies
    "investigation_defendant": "state",
    "investigation_statement_defendant": FILE + "defendant_investigation.mp4",
    "debate_defendant": "state",
    "debate_statement_defendant": FILE + "defendant_debate.mp4",
    "final_defendant": SILENT,  # its final statement's window lapses: "no answer"
    "record_confirm_defendant": "confirm",
    "appeal_offer_defendant": SILENT,  # no appeal: its period passes (CPL 171)
}
PLAINTIFF: dict[str, Any] = {
    "evidence_period_plaintiff": "done",
    "exchange_consent_plaintiff": "yes",
    "exchange_plaintiff": "opinion",
    "item_opinion_plaintiff": "dispute",
    "item_reasons_plaintiff": "签收单上的签名不是我的。The signature on the receipt is not mine.",
    "counter_evidence_plaintiff": [FILE + "unboxing_video.mp4", "done"],
    "late_reason_plaintiff": "视频在举证期限后才从旧手机中找回。I found the video on my old phone too late.",
    "inquiry_consent_plaintiff": "yes",
    "inquiry_open_plaintiff": "answer",
    "inquiry_answer_plaintiff": [FILE + "voice-answer.ogg", "同意更换新机。I would accept a replacement."],
    "hearing_apply_plaintiff": "apply",
    "hearing_reason_plaintiff": "我在外地工作，难以与被告同时在线。I work away and cannot be online at one time.",
    "investigation_plaintiff": "state",
    "investigation_statement_plaintiff": FILE + "plaintiff_investigation.webm",
    "debate_plaintiff": "state",
    "debate_statement_plaintiff": FILE + "plaintiff_debate.webm",
    "final_plaintiff": "state",
    "final_statement_plaintiff": FILE + "plaintiff_final.webm",
    "record_confirm_plaintiff": "correct",
    "record_correction_plaintiff": "笔录中购买日期应为5月3日。The purchase date in the record should be 3 May.",
    "appeal_offer_plaintiff": SILENT,  # no appeal: its period passes (CPL 171)
}
COURT: dict[str, Any] = {  # the court's side: the clerk's checks and the assigned judge's rulings
    "serve_defendant_notice": "served",
    "watch_answer": SILENT,  # the complaint copy was served in the chat: nothing to record
    "rule_late_evidence": "admit",  # the unboxing video came after the evidence period (CPL 68)
    "late_ruling_reasons": "予以采纳，并对逾期举证予以训诫。Admitted; the party is reprimanded for the delay.",
    "representative_decision": "admit",
    "next_act": ["inquiry", "inquiry", "hearing", "close"],
    "inquiry_to": ["each", "both"],
    "inquiry_questions_plaintiff": "收货时是否当场验机？Did you check the phone when it was delivered?",
    "inquiry_questions_defendant": "发货前是否检测？Was the phone tested before dispatch? Send the test log.",
    "inquiry_questions_both": "双方是否愿意以更换新机的方式和解？Would either side settle by a replacement phone?",
    "inquiry_confirm": "open",
    "hearing_difficulty": "hard",
    "hearing_certify": "undisputed",
    "correction_ruling": "accept",
    "correction_reason": "与购物凭证一致。It matches the receipt.",
    "watch_appeal": SILENT,  # the judgment reached both parties in the chat: no service to record
}


@dataclass
class Person_:
    """One simulated participant: who they are and their answers, consumed as asked."""

    person: Person
    answers: dict[str, Any]
    asked: set[tuple[str, int]] = field(default_factory=set)

    def next_answer(self, step: str) -> Any:
        if step not in self.answers:
            raise LookupError(f"the demo script has no answer for step {step!r} ({self.person.display_name})")
        value = self.answers[step]
        if isinstance(value, list):
            return value.pop(0) if len(value) > 1 else value[0]
        return value


class TrialDemo:
    """Plays a case from filing through the judgment to FINAL and keeps what was said."""

    def __init__(self, court: Court, jump: Callable[[timedelta], None], locale: str, printer: Callable[[str], None]):
        self.court, self.jump, self.locale = court, jump, locale
        self.sim = Simulation(court, locale, printer)
        self.say = printer

    async def run(self, people: Mapping[str, Person]) -> str:
        case_id = await self._filed(people)
        cast = [
            Person_(people["judge"], _copy(COURT)),
            Person_(people["defendant"], _copy(DEFENDANT)),
            Person_(people["plaintiff"], _copy(PLAINTIFF)),
        ]
        await self._play(cast, case_id, END_STATUS)
        await self._judgment(people, case_id)
        await self._play(cast, case_id, FINAL_STATUS)  # nobody appeals: each party's period passes
        return case_id

    async def _play(self, cast: list[Person_], case_id: str, until: str) -> None:
        """Everyone answers what they are asked; when nobody has anything to answer, the clock jumps."""
        while await self._status(case_id) != until:
            acted = False
            for who in cast:
                acted |= await self._act(who, case_id)
            if not acted and not await self._next_deadline(case_id):
                raise RuntimeError(f"the case stopped at {await self._status(case_id)} with nothing due")
        for who in cast:  # the last messages, e.g. that the case waits for the judgment
            await self.sim.prompt_for(who.person, case_id)

    async def _judgment(self, people: Mapping[str, Person], case_id: str) -> None:
        """The judge drafts the judgment as the template fills it (claims granted, FM 29) and issues
        it: signed by the court and served; each party then says it received it (OLR 31(2))."""
        judge = people["judge"]
        draft = await self.court.judgments.draft(judge.id, case_id, "granted", self.locale)
        if isinstance(draft, Outcome):
            raise RuntimeError(f"drafting the judgment: {draft.error}")
        edited = Edited("granted", self.locale, draft["facts"], draft["reasoning"], draft["orders"])
        self.say(f"[{judge.display_name}] ⚖ issues the judgment")
        issued = await self.court.judgments.issue(judge.id, case_id, edited, "simulation")
        if not issued.ok:
            raise RuntimeError(f"issuing the judgment: {issued.error}")
        await self.court.dispatcher.settle()
        for role in ("plaintiff", "defendant"):
            person = people[role]
            for message_id in await served_judgment(self.court, case_id, person, role):
                self.say(f"[{person.display_name}] ✓ received")
                await self.court.service.acknowledge_service(AcknowledgeService(person.id, message_id, "simulation"))
        await self.court.sweeper.run_once()  # each party's appeal period starts from its service (CPL 171)
        await self.court.dispatcher.settle()

    async def _filed(self, people: Mapping[str, Person]) -> str:
        """The standard filing, accepted and paid; the company defendant's representative joins."""
        case_id = await self.sim.file_case(people["plaintiff"])
        await self.sim.accept(people["clerk"], case_id, "summary")  # appealable (small claims are final)
        await self.sim.answer(people["plaintiff"], case_id, "pay")
        await self.sim.answer(people["clerk"], case_id, "served")  # the notice and invitation, sent outside the chat
        async with self.court.store.tx() as tx:
            case = await tx.get_case(case_id)
            assert case is not None
            code = tx.open_state(case)["data"]["invitation"]["short_code"]
        self.say(f"[{people['defendant'].display_name}] /join {code}")
        joined = await self.court.service.join_case(JoinCase(people["defendant"].id, code, "simulation"))
        if not joined.ok:
            raise RuntimeError(f"joining: {joined.error}")
        return case_id

    async def _act(self, who: Person_, case_id: str) -> bool:
        """Answer the person's open question, if there is one they have not answered yet."""
        prompt = await self.sim.prompt_for(who.person, case_id)
        if prompt is None or prompt["kind"] in ("wait", "identity"):
            return False
        asked = (prompt["step"], int(prompt["seq"]))
        if asked in who.asked:
            return False
        value = who.next_answer(prompt["step"])
        if value is SILENT:
            who.asked.add(asked)
            return False
        if isinstance(value, str) and value.startswith(FILE):
            await self._upload(who.person, case_id, prompt, value.removeprefix(FILE))
            if prompt["kind"] == "statement":  # the file is the answer; a files step waits for "done"
                who.asked.add(asked)
        else:
            await self.sim.answer(who.person, case_id, value)
            who.asked.add(asked)
        return True

    async def _upload(self, person: Person, case_id: str, prompt: Mapping[str, Any], name: str) -> None:
        self.say(f"[{person.display_name}] 📎 {name}")
        content = f"demo file {name}".encode()
        step, seq = prompt["step"], prompt["seq"]
        sent = UploadEvidence(person.id, case_id, step, seq, name, "application/octet-stream", content, "simulation")
        outcome = await self.court.service.upload_evidence(sent)
        if not outcome.ok:
            raise RuntimeError(f"{prompt['step']}: {outcome.error}")

    async def _status(self, case_id: str) -> str:
        async with self.court.store.tx() as tx:
            case = await tx.get_case(case_id)
            assert case is not None
            return case.status

    async def _next_deadline(self, case_id: str) -> bool:
        """Jump to the case's next pending deadline and let the sweeper fire it (False: none)."""
        await self.court.dispatcher.settle()
        async with self.court.store.tx() as tx:
            due: datetime | None = await tx.session.scalar(
                select(func.min(Deadline.due_at)).where(Deadline.case_id == case_id, Deadline.status == "pending")
            )
        if due is None:
            return False
        wait = due - self.court.clock() + timedelta(seconds=1)
        if wait > timedelta(0):
            self.say(f"⏩ {wait.days} days later")
            self.jump(wait)
        await self.court.sweeper.run_once()
        await self.court.dispatcher.settle()
        return True


async def served_judgment(court: Court, case_id: str, person: Person, role: str) -> list[int]:
    """The messages that served the judgment on `person` (as `role`)."""
    async with court.store.tx() as tx:
        rows = await tx.history(case_id, person.id, role)
        return [row.id for row in rows if tx.sealer.open(row.payload).get("text") == SERVED_JUDGMENT]


def make_court_key(court: Court) -> None:
    """The court's signing key (`microcourt court-key init`), for a demo court that has none."""
    directory = court_key.key_dir(court.settings.data_dir)
    if not (directory / court_key.KEY_FILE).exists():
        settings = court.settings
        court_key.init(directory, court.store.sealer, settings.court_name, settings.court_code, court.clock())


async def write_documents(court: Court, plaintiff: Person, judge: Person, case_id: str, out: Path) -> list[Path]:
    """`judgment.pdf` (the signed judgment as it was served on the plaintiff) and `record.pdf` (the
    case record, signed by the court) in `out`."""
    [message_id, *_] = await served_judgment(court, case_id, plaintiff, "plaintiff")
    served = await court.service.served_document_pdf(
        SignServedDocument(plaintiff.id, case_id, message_id, "document", "zh"), court.catalog
    )
    if not isinstance(served, Signed):
        raise RuntimeError(f"the judgment: {served.error}")
    async with court.store.tx() as tx:
        record = await case_record(
            tx, case_id, judge.id, "zh", court.catalog, court.settings.court_name, court.clock().date()
        )
    if isinstance(record, Outcome):
        raise RuntimeError(f"the record: {record.error}")
    key = await asyncio.to_thread(court_key.load, court_key.key_dir(court.settings.data_dir), court.store.sealer)
    now = court.clock()
    signed_record = await asyncio.to_thread(lambda: sign(render(record), key, "record", now))
    paths = [out / "judgment.pdf", out / "record.pdf"]
    for path, pdf in zip(paths, (served.pdf, signed_record.pdf), strict=True):
        await asyncio.to_thread(_write_bytes, path, pdf)
    return paths


def _write_bytes(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _copy(script: Mapping[str, Any]) -> dict[str, Any]:
    return {step: list(value) if isinstance(value, list) else value for step, value in script.items()}


async def write_record(court: Court, judge: Person, case_id: str, out: Path) -> Path:
    """The case's record as the judge reads it (GET /api/cases/{id}/record), as JSON in `out`."""
    record = await read_record(court.store, court.library, judge.id, case_id)
    path = out / f"record-{case_id}.json"
    text = json.dumps(record, ensure_ascii=False, indent=2, default=str)
    await asyncio.to_thread(_write, path, text)
    return path


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
