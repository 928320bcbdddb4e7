"""The case record (OLR 34, CPL 150): every question the court asked, every answer, opinion,
statement, file and ruling, every application and every "no answer", each with who acted (and for
whom), when, through which channel and the SHA-256 of what was said, grouped per stage and per party.

It is compiled, never written: from the case's event log (`case_events`, each act written by the
one write path, `court.service`), the questions the court sent (the outbox rows that asked
something) and the flow definitions. Nothing here knows a particular stage or step: an answer is
labelled with its step's text key, the stage it was asked in and whether the step is a ruling, so
every stage a flow defines (the exchange, inquiry rounds, the asynchronous hearing, the record's
confirmation) appears as it is added.

Hashes: a file's is its evidence SHA-256 (hashed on receipt, OLR 16); a text's is the SHA-256 of
its UTF-8; anything else (a question's text key and parameters, a ruling's decision) is hashed as
canonical JSON (sorted keys, UTF-8).

Who reads what (`for_role`): the court reads every entry. A party reads neither an act whose
detail names its role in `sealed_from` (a caucus, once mediation exists) nor the court's own
working questions (its rulings are on the record).
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select

from asynchronous_trial.formatters import PARTIES, opinions
from court.access import known_as
from court.documents.case_record import issued_record
from court.live import ORDERED, WENT_LIVE, WITHDRAWN
from flows.library import FlowLibrary
from flows.model import FlowDefinition, Step
from storage.models import Case, CaseEvent, OutboxMessage
from storage.store import Store, Tx

COURT = "court"
NOT_ASKED = ("wait", "identity")  # prompts that ask nothing: not questions on the record
# acts beside answers that belong on the record: event kind -> entry kind
ACTS = {
    "more_time_applied": "application",
    "more_time_decided": "ruling",
    "deadline_extended": "ruling",
    WITHDRAWN: "withdrawal",  # consent to the asynchronous trial withdrawn (OLR 5)
    ORDERED: "ruling",  # the judge's order for a live hearing (OLR 21)
}
GOING_LIVE = (WITHDRAWN, ORDERED)
"""Acts whose content is what sent the case live (`court.live.WENT_LIVE` in their detail)."""


@dataclass
class Entry:
    """One line of the record. `party` is the side it is filed under (the role asked, or the role
    that acted); `actor_id` is who acted (None: the court's flow itself)."""

    kind: str  # question | answer | ruling | file | application | no_answer | withdrawal | amendment
    stage: str
    party: str
    at: str
    sha256: str
    content: Any
    seq: int | None = None
    step: str | None = None
    text: str | None = None  # the step's text key (a question: the text it was asked in)
    ruling: bool = False
    actor_id: str | None = None
    on_behalf_of: str | None = None
    channel: str | None = None
    sealed_from: list[str] = field(default_factory=list)
    answered: bool | None = None  # questions: answered, still open, or lapsed unanswered
    open: bool | None = None
    lapsed: bool | None = None
    due_at: str | None = None
    number: int | None = None  # its number in the record the parties confirm (`number_entries`)
    amended_by: list[int] = field(default_factory=list)  # the amendments written in about it (OLR 34)


def sha256_of(content: Any) -> str:
    """A text's SHA-256 of its UTF-8; anything else's of its canonical JSON."""
    text = content if isinstance(content, str) else json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CaseFlows:
    """The flows a case went through (the current one first), to find its steps and stages."""

    def __init__(self, library: FlowLibrary, case: Case, state: dict[str, Any]) -> None:
        came_from = [(f["flow"], f["version"]) for f in reversed(state["data"].get("_flows", []))]
        self.flows: list[FlowDefinition] = []
        for key in [(case.flow_id, case.flow_version), *came_from]:
            if key in library.flows:
                self.flows.append(library.flows[key])

    def step(self, step_id: str | None) -> Step | None:
        return next((f.steps[step_id] for f in self.flows if step_id in f.steps), None)

    def status(self, stage_id: str) -> str:
        return next((f.stages[stage_id].status for f in self.flows if stage_id in f.stages), "")


class _Timeline:
    """The stage the case was in at each sequence number: each act's log row carries the state's
    sequence and stage after it, so what was asked at sequence `n` was asked in the stage of the
    first act that reached `n`."""

    def __init__(self, events: Sequence[tuple[CaseEvent, dict[str, Any]]], current: str) -> None:
        marks = [(e.seq, detail["stage"], e.id) for e, detail in events if e.seq and "stage" in detail]
        marks.sort(key=lambda m: (m[0], m[2]))
        self.seqs, self.marks, self.current = [m[0] for m in marks], marks, current

    def stage_at(self, seq: int) -> str:
        found = self._mark(seq)
        return found[1] if found else self.current

    def event_at(self, seq: int) -> int | None:
        """The id of the act that reached sequence `seq` (None: not logged)."""
        found = self._mark(seq)
        return found[2] if found else None

    def _mark(self, seq: int) -> tuple[int, str, int] | None:
        i = bisect_left(self.seqs, seq)
        return self.marks[i] if i < len(self.marks) else None


async def compile_entries(tx: Tx, case: Case, library: FlowLibrary) -> list[Entry]:
    """Every entry of the case's record, in the order it happened."""
    state = tx.open_state(case)
    flows = CaseFlows(library, case, state)
    rows = await tx.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id))
    events = [(e, tx.sealer.open(e.detail)) for e in rows]
    timeline = _Timeline(events, state["stage"])
    entries = [*_acts(events, flows, timeline)]
    answered = {(e.party, e.seq) for e in entries if e.kind in ("answer", "ruling", "file") and e.seq is not None}
    entries += await _questions(tx, case, state, flows, timeline, events, answered)
    entries += amendments(state["data"])
    # an answer after its question; an amendment after the rulings of its moment
    entries.sort(key=lambda e: (e.at, e.kind == "amendment", e.seq or 0, e.kind != "question"))
    return number_entries(entries)


def amendments(data: dict[str, Any]) -> list[Entry]:
    """Each correction the judge accepted, written into the record as an amendment (OLR 34, CPL
    150): what was corrected, at whose request and when, the judge's ruling and reason, when ruled.
    The entry it corrects stays as it was, marked amended (`number_entries`); nothing is overwritten."""
    written = []
    for n, correction in enumerate(data.get("transcript", {}).get("corrections", []), 1):
        if correction.get("ruling") != "accept" or not correction.get("ruled_at"):
            continue
        content = {
            "correction": n,
            "text": correction["text"],
            "asked_by": correction["by"],
            "asked_at": correction["at"],
            "amends": correction.get("amends"),
            "ruling": "accept",
            "reason": correction.get("reason", ""),
            "ruled_at": correction["ruled_at"],
        }
        entry = Entry("amendment", AMENDMENTS, correction["by"], correction["ruled_at"], sha256_of(content), content)
        entry.ruling, entry.actor_id, entry.channel = True, correction.get("judge"), COURT
        written.append(entry)
    return written


AMENDMENTS = "record_corrections"
"""The stage the amendments are filed under: where the judge ruled on the corrections."""


def in_common(entry: Entry) -> bool:
    """An entry both parties read: the record they confirm is one document for both."""
    return all(for_role([entry], role) for role in PARTIES)


def number_entries(entries: list[Entry]) -> list[Entry]:
    """Number the entries both parties read, in order (what a correction cites), and mark each
    entry an accepted correction amends with the amendment's number."""
    numbered = [e for e in entries if in_common(e)]
    for number, entry in enumerate(numbered, 1):
        entry.number = number
    for entry in numbered:
        cited = entry.content.get("amends") if entry.kind == "amendment" else None
        if isinstance(cited, int) and 0 < cited <= len(numbered) and entry.number is not None:
            numbered[cited - 1].amended_by.append(entry.number)
    return entries


def _acts(events: Iterable[tuple[CaseEvent, dict[str, Any]]], flows: CaseFlows, timeline: _Timeline) -> Iterable[Entry]:
    """The acts on the record: answers and rulings, files, applications and decisions on them."""
    for event, detail in events:
        if event.kind == "answer":
            seq, step = int(detail.get("seq", 0)), flows.step(detail.get("step"))
            kind = "ruling" if step and step.ruling else "answer"
            yield _act(event, detail, kind, timeline.stage_at(seq), detail.get("value"), seq, step)
        elif event.kind == "evidence":
            asked = detail.get("seq")  # files received before the record named their step have none
            stage = timeline.stage_at(int(asked)) if asked is not None else str(detail.get("stage", ""))
            content = {k: detail.get(k) for k in ("evidence_id", "name", "size", "received_at")}
            entry = _act(event, detail, "file", stage, content, asked, flows.step(detail.get("step")))
            entry.sha256 = str(detail.get("sha256", ""))  # the file's, hashed on receipt (OLR 16)
            yield entry
        elif event.kind in ACTS:
            kind = ACTS[event.kind]
            content = detail.get("reason", "") if kind == "application" else dict(detail)
            stage = timeline.stage_at(event.seq)
            if event.kind in GOING_LIVE:  # filed under the stage it was made in, not the live one it led to
                content = dict(detail[WENT_LIVE])
                stage = content["stage"]
            yield _act(event, detail, kind, stage, content, None, None)


def _act(
    event: CaseEvent, detail: dict[str, Any], kind: str, stage: str, content: Any, seq: int | None, step: Step | None
) -> Entry:
    """An entry for an act of the log: who did it, for whom, when, through which channel."""
    return Entry(
        kind,
        stage,
        event.role or COURT,
        event.at.isoformat(),
        sha256_of(content),
        content,
        seq=seq,
        step=step.id if step else detail.get("step"),
        text=step.text if step else None,
        ruling=kind == "ruling",
        actor_id=event.actor_id,
        on_behalf_of=event.on_behalf_of,
        channel=event.channel,
        sealed_from=list(detail.get("sealed_from", [])),
    )


async def _questions(
    tx: Tx,
    case: Case,
    state: dict[str, Any],
    flows: CaseFlows,
    timeline: _Timeline,
    events: Sequence[tuple[CaseEvent, dict[str, Any]]],
    answered: set[tuple[str, int]],
) -> list[Entry]:
    """The questions the court asked each side (one per role and sequence, however many people
    hold the role), each marked answered, open (awaiting an answer now) or lapsed; a question whose
    window closed unanswered adds a "no answer" entry, which admits nothing (DOMAIN §10.4)."""
    rows = await tx.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.case_id == case.id, OutboxMessage.prompt_seq.is_not(None))
        .order_by(OutboxMessage.id)
    )
    asked: dict[tuple[str, int], tuple[OutboxMessage, dict[str, Any]]] = {}
    for row in rows:
        asked.setdefault((row.role, int(row.prompt_seq or 0)), (row, tx.sealer.open(row.payload)))
    fired = [(e.id, e, d) for e, d in events if e.kind == "deadline_fired"]
    by_role: dict[str, list[int]] = {}
    for role, seq in sorted(asked, key=lambda k: k[1]):
        by_role.setdefault(role, []).append(seq)
    entries = []
    for (role, seq), (row, payload) in asked.items():
        prompt = payload["prompt"]
        if prompt.get("kind") in NOT_ASKED:
            continue
        step = flows.step(prompt.get("step"))
        cursor = state["cursors"].get(role, {})
        question = Entry(
            "question",
            timeline.stage_at(seq),
            role,
            row.created_at.isoformat(),
            sha256_of({"text": payload["text"], "params": payload.get("params", {})}),
            {"text": payload["text"], "params": payload.get("params", {})},
            seq=seq,
            step=prompt.get("step"),
            text=payload["text"],
            ruling=bool(step and step.ruling),
            channel=COURT,
            sealed_from=list(payload.get("sealed_from", [])),
            due_at=prompt.get("due_at"),
        )
        question.answered = (role, seq) in answered
        question.open = not question.answered and cursor.get("seq") == seq
        window = prompt.get("deadline")  # the kind of the stage's own deadline, if it has one
        closed = question.answered or question.open or not window
        lapse = (
            None if closed else _lapse(timeline, [f for f in fired if f[2].get("kind") == window], by_role[role], seq)
        )
        question.lapsed = lapse is not None
        entries.append(question)
        if lapse is not None:
            event, detail = lapse
            content = {"deadline": detail.get("kind"), "due_at": detail.get("due_at")}
            entries.append(
                Entry(
                    "no_answer",
                    question.stage,
                    role,
                    event.at.isoformat(),
                    sha256_of(content),
                    content,
                    seq=seq,
                    step=question.step,
                    text=question.text,
                    channel=event.channel,
                    sealed_from=question.sealed_from,
                )
            )
    return entries


def _lapse(
    timeline: _Timeline, fired: Sequence[tuple[int, CaseEvent, dict[str, Any]]], seqs: list[int], seq: int
) -> tuple[CaseEvent, dict[str, Any]] | None:
    """The deadline that closed an unanswered question: its stage's own (`fired` holds only
    those; a court duty that lapses meanwhile closes no party's question), fired after it was
    asked and no later than the role's next question."""
    asked_by = timeline.event_at(seq) or 0
    later = [s for s in seqs if s > seq]
    until = (timeline.event_at(later[0]) if later else None) or float("inf")
    return next(((e, d) for eid, e, d in fired if asked_by < eid <= until), None)


def for_role(entries: Iterable[Entry], role: str) -> list[Entry]:
    """The entries a reader in `role` may see: the court every one; a party none sealed from it,
    and not the court's own questions (its working prompts: its rulings are on the record)."""
    if role == COURT:
        return list(entries)
    return [e for e in entries if role not in e.sealed_from and not (e.kind == "question" and e.party == COURT)]


async def case_record(tx: Tx, case: Case, role: str, library: FlowLibrary) -> dict[str, Any]:
    """The record as its reader in `role` sees it: the parties, every stage in order with its
    entries per party, and the evidence with each side's opinion on it (OLR 15)."""
    entries = for_role(await compile_entries(tx, case, library), role)
    state = tx.open_state(case)
    flows = CaseFlows(library, case, state)
    stages: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for entry in entries:
        stages.setdefault(entry.stage, {}).setdefault(entry.party, []).append(asdict(entry))
    people = await tx.participants(case.id)
    named = {p for ids in people.values() for p in ids}
    named |= {i for e in entries for i in (e.actor_id, e.on_behalf_of) if i}
    return {
        "case_id": case.id,
        "reference": case.reference,
        "case_number": case.case_number,
        "stage": state["stage"],
        "judge_id": case.judge_id,
        "parties": {r: ids for r, ids in people.items()},
        "people": {person_id: await known_as(tx, person_id) for person_id in sorted(named)},
        "stages": [
            {"stage": stage, "status": flows.status(stage), "parties": parties} for stage, parties in stages.items()
        ],
        "evidence": state["data"].get("evidence_opinions") or opinions(state["data"]),
        "issued": issued_record(state["data"]),
    }


async def read_record(store: Store, library: FlowLibrary, person_id: str, case_id: str) -> dict[str, Any] | None:
    """The record of a case for the person reading it: its parties (and their agents) and the
    court's clerks and judges (`Tx.access`); None for anyone else, as for a case that does not exist."""
    async with store.tx() as tx:
        case = await tx.get_case(case_id)
        role = (await tx.access(person_id, case))[0] if case else None
        if case is None or role is None:
            return None
        return await case_record(tx, case, role, library)
