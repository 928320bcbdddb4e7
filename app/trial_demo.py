"""`microcourt demo trial`: one complete asynchronous case, with simulated people, through the real
service layer and with the clock jumped instead of waited for.

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
from court.commands import JoinCase, UploadEvidence
from gateway.court import Court
from storage.models import Deadline, Person

SILENT = object()  # the person lets this question's window lapse
FILE = "file:"  # an answer that is a file: `file:name.ext`, uploaded and hashed like evidence
END_STATUS = "DELIBERATION"


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
    """Plays a case from filing to DELIBERATION and keeps what was said."""

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
        while await self._status(case_id) != END_STATUS:
            acted = False
            for who in cast:
                acted |= await self._act(who, case_id)
            if not acted and not await self._next_deadline(case_id):
                raise RuntimeError(f"the case stopped at {await self._status(case_id)} with nothing due")
        for who in cast:  # the last messages, e.g. that the case waits for the judgment
            await self.sim.prompt_for(who.person, case_id)
        return case_id

    async def _filed(self, people: Mapping[str, Person]) -> str:
        """The standard filing, accepted and paid; the company defendant's representative joins."""
        case_id = await self.sim.file_case(people["plaintiff"])
        await self.sim.accept(people["clerk"], case_id)
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
