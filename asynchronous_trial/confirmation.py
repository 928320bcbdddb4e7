"""The parties' confirmation of the record (OLR 34, CPL 150), then deliberation.

When the record is closed (after the hearing's final statement, or when the judge closes it) each
party is shown the transcript (`record_transcript`) and confirms it, or asks for corrections, within
5 days. Each correction goes to the judge, who accepts or refuses it with a reason (a ruling per
correction, `correction_ruling`). A party that says nothing by the deadline leaves the record as
compiled, and the record says so. Then the case waits at DELIBERATION for the judgment; the parties
are told how the record was settled.

Everything lands under `transcript` in the case data (`record` is left to the record compiler):
`closed_at`, `confirmation.<party>` (its answer and when, or `no_answer`), `corrections` (who asked,
what, when; the judge's ruling, reason and when), `settled_at`. Pure: no I/O, no clock but the
context's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from asynchronous_trial.formatters import PARTIES, answer_notice, exchange_notice, trial_reference
from asynchronous_trial.hearing import statement_lines
from court.e_service import ISSUED
from flows.context import FlowContext
from flows.effects import Effect, Message, ServiceCall


def closed(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The record is closed (after the final statement, or by the judge): it goes to the parties
    to confirm, and the judge is told."""
    now = ctx.now.isoformat()
    data["transcript"] = {"closed_at": now, "confirmation": {}, "corrections": []}
    if "granted_at" in data.get("hearing", {}):
        data["hearing"]["closed_at"] = now
    return [Message("court", "trial.record_closed_court", trial_reference(data))]


def answered(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """A party confirmed the transcript or asked for a correction: timed, and a correction listed
    for the judge's ruling."""
    transcript = data.setdefault("transcript", {})
    for role in PARTIES:
        said = transcript.setdefault("confirmation", {}).get(role, {})
        if said.get("answer") and "at" not in said:
            said["at"] = ctx.now.isoformat()
        if said.get("correction") and not said.get("listed"):
            said["listed"] = True
            corrections = transcript.setdefault("corrections", [])
            asked = {"by": role, "text": said["correction"], "at": ctx.now.isoformat()}
            corrections.append({**asked, "amends": cited_entry(said["correction"])})
    return []


CITED = re.compile(r"^\s*(?:#|No\.?\s*|第)?\s*(\d{1,5})\s*条?\s*[:：.、)）]")


def cited_entry(correction: str) -> int | None:
    """The entry of the issued record a correction names first ("12: ...", "No. 12: ...",
    "第12条：..."), so that the amendment marks it; None if it names none (a missing entry)."""
    found = CITED.match(correction)
    return int(found.group(1)) if found else None


def issue(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The court issues the closed record as a signed PDF (trial v5, `record_issue`)."""
    return [ServiceCall("issue_record")]


def settle(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The confirmation settled: the court issues the final record, amendments written in."""
    return [ServiceCall("issue_record", {"settled": True})]


def served(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The issued record is served on each party (OLR 31), before they are asked to confirm it."""
    if not data.get("transcript", {}).get("issued", {}).get("sha256"):
        return []
    params = record_served(data)
    return [Message(role, "trial.record_issued", params) for role in PARTIES]


def silence(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The 5 days ended (CPL 150): for each party that neither confirmed nor asked for a correction,
    the record stands as compiled, and says so."""
    confirmation = data.setdefault("transcript", {}).setdefault("confirmation", {})
    for role in PARTIES:
        said = confirmation.setdefault(role, {})
        if said.get("answer") != "confirm" and not said.get("correction"):
            said["no_answer"] = {"at": ctx.now.isoformat(), "stands_as_compiled": True}
    return []


def corrections_to_parties(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The corrections asked for go to the judge; both parties are told which (none: nothing to say,
    the case goes straight on to deliberation)."""
    corrections = data.get("transcript", {}).get("corrections", [])
    if not corrections:
        return []
    params = {**trial_reference(data), "corrections": correction_lines(data)}
    return [Message(role, "trial.corrections_to_judge", params) for role in PARTIES]


def ruled(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The judge ruled on a correction: its ruling, reason, judge and time kept with it."""
    transcript = data.get("transcript", {})
    rulings, reasons = transcript.get("rulings", {}), transcript.get("ruling_reasons", {})
    for n, correction in enumerate(transcript.get("corrections", []), 1):
        key = f"item_{n}"
        if key in reasons and "ruled_at" not in correction:
            correction.update(ruling=rulings.get(key), reason=reasons[key], ruled_at=ctx.now.isoformat())
            correction["judge"] = data.get("judge", {}).get("person_id")
    return []


def deliberation(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The record is settled; the case waits for the judgment, and the judge is told how it settled."""
    data.setdefault("transcript", {})["settled_at"] = ctx.now.isoformat()
    told: list[Effect] = [Message("court", "trial.deliberation_court", record_outcome(data))]
    if data["transcript"].get("settled", {}).get("sha256"):  # trial v5: the final record, served
        params = record_served(data, "settled")
        told += [Message(role, "trial.record_settled", params) for role in PARTIES]
    return told


# -- what the texts show ------------------------------------------------------------------------


def transcript_lines(data: Mapping[str, Any]) -> list[Any]:
    """The short summary of the record: the answer, each item's opinions, the hearing's
    statements. Up to trial v4 it is what the parties confirm; from v5 they confirm the issued
    compiled record (`record_issue`) and this is the summary shown with it."""
    lines: list[Any] = [{"t": "trial.transcript_part.answer"}, *answer_notice(data)["answer"]]
    lines += [{"t": "trial.transcript_part.exchange"}, *exchange_notice(data)["opinions"]]
    hearing = statement_lines(data)
    if hearing:
        lines += [{"t": "trial.transcript_part.hearing"}, *hearing]
    return lines


def record_transcript(data: Mapping[str, Any]) -> dict[str, Any]:
    """The confirmation prompt's parameters: the transcript and the 5 days' end."""
    due = {"time": data.get("_due", {}).get("record_confirmation", "")}
    return {**trial_reference(data), "transcript": transcript_lines(data), "due": due}


def record_served(data: Mapping[str, Any], version: str = "issued") -> dict[str, Any]:
    """The issued record as served: its pages, entries, amendments and SHA-256, and the signed
    file itself (`issued_document`: what the download and Telegram's document are)."""
    issued: Mapping[str, Any] = data.get("transcript", {}).get(version, {})
    return {
        **trial_reference(data),
        "pages": issued.get("pages", ""),
        "entries": issued.get("entries", ""),
        "amendments": issued.get("amendments", 0),
        "sha256": issued.get("sha256", ""),
        ISSUED: {k: issued.get(k, "") for k in ("sha256", "signed_at", "signer")},
    }


def record_issued_transcript(data: Mapping[str, Any]) -> dict[str, Any]:
    """The confirmation prompt of trial v5: what the issued record is (pages, entries, SHA-256)
    and how to open it, or that it could not be issued; then the short summary and the 5 days' end."""
    issued = data.get("transcript", {}).get("issued", {})
    if issued.get("sha256"):
        fields = {k: issued.get(k, "") for k in ("pages", "entries", "sha256")}
        document: dict[str, Any] = {"t": "trial.record_document.issued", "params": fields}
    else:
        document = {"t": "trial.record_document.not_issued"}
    return {**record_transcript(data), "document": document}


def correction_lines(data: Mapping[str, Any]) -> list[Any]:
    """Each correction asked for, with who asked and, once ruled, the judge's ruling and reason."""
    lines: list[Any] = []
    for n, correction in enumerate(data.get("transcript", {}).get("corrections", []), 1):
        params = {"n": n, "who": {"t": f"role.{correction['by']}"}, "text": correction["text"]}
        ruling = correction.get("ruling") or "pending"
        lines.append(
            {"t": f"trial.correction_line.{ruling}", "params": {**params, "reason": correction.get("reason", "")}}
        )
    return lines


def correction_item(data: Mapping[str, Any]) -> dict[str, Any]:
    """The correction a ruling step asks about (`_item`, set by the engine's `for_each`)."""
    item = data.get("_item", {})
    value = item.get("value", {})
    who = {"t": f"role.{value['by']}"} if value.get("by") else ""
    numbered = {"n": item.get("number", ""), "of": item.get("of", "")}
    return {**trial_reference(data), **numbered, "who": who, "text": value.get("text", "")}


def record_outcome(data: Mapping[str, Any]) -> dict[str, Any]:
    """How the record was settled: per party, confirmed, corrections asked for (with the judge's
    rulings), or silent so that the record stands as compiled."""
    confirmation = data.get("transcript", {}).get("confirmation", {})
    lines: list[Any] = []
    for role in PARTIES:
        said = confirmation.get(role, {})
        how = "none" if "no_answer" in said else "confirm" if said.get("answer") == "confirm" else "correct"
        lines.append({"t": f"trial.confirmation_line.{how}", "params": {"who": {"t": f"role.{role}"}}})
    return {**trial_reference(data), "outcome": [*lines, *correction_lines(data)]}
