"""The trial flow's formatters: case data -> the parameters of a text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from court.domicile import domiciled_abroad

NO_ANSWER = "none"
"""`answer.position` when the answer period ended without an answer: recorded, never an admission."""
PARTIES = ("plaintiff", "defendant")


def trial_reference(data: Mapping[str, Any]) -> dict[str, Any]:
    """The case, the parties and the judge, and when the answer period ends."""
    return {
        "case_number": data.get("case_number", ""),
        "plaintiff_name": data.get("plaintiff", {}).get("name", ""),
        "defendant_name": data.get("defendant", {}).get("name", ""),
        "judge": data.get("judge", {}).get("name") or {"t": "trial.judge_unnamed"},
        "answer_due": period_end(data, "answer"),
        "answer_days": 30 if domiciled_abroad(data.get("defendant", {})) else 15,
        "exchange_due": {"time": data.get("_due", {}).get("exchange", "")},
        "evidence_due": {"time": data.get("_due", {}).get("evidence", "")},
    }


def period_end(data: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """A period's end; one that runs from a document's service and has not started says so."""
    if kind in data.get("_unstarted", {}):
        return {"t": "deadline.from_receipt"}
    return {"time": data.get("_due", {}).get(kind, "")}


def evidence_period_notice(data: Mapping[str, Any]) -> dict[str, Any]:
    """The evidence period: its end, its track, and each side's evidence so far (CPL 68; EP 51)."""
    return {
        **answer_notice(data),
        "track": {"t": f"track.{data.get('track', 'ordinary')}"},
        "plaintiff_items": _items(evidence_of(data, "plaintiff")),
        "defendant_items": _items(evidence_of(data, "defendant")),
    }


def jurisdiction_notice(data: Mapping[str, Any]) -> dict[str, Any]:
    """The judge's ruling on a jurisdiction objection (CPL 130), as served on the parties."""
    ruling = data.get("jurisdiction", {})
    return {
        **trial_reference(data),
        "objection": data.get("answer", {}).get("objection", ""),
        "decision": {
            "t": f"trial.jurisdiction_decision.{ruling.get('ruling', 'dismiss')}",
            "params": {"court": ruling.get("court", "")},
        },
        "court": ruling.get("court", ""),
        "reasons": ruling.get("reasons", ""),
    }


def _late_question(data: Mapping[str, Any], role: str) -> dict[str, Any]:
    files = data.get("exchange", {}).get(role, {}).get("evidence") or []
    return {**trial_reference(data), "files": ", ".join(f["name"] for f in files)}


def late_question_plaintiff(data: Mapping[str, Any]) -> dict[str, Any]:
    """The judge's question to the plaintiff: why its evidence comes after the evidence period."""
    return _late_question(data, "plaintiff")


def late_question_defendant(data: Mapping[str, Any]) -> dict[str, Any]:
    """The judge's question to the defendant: why its evidence comes after the evidence period."""
    return _late_question(data, "defendant")


def late_item(data: Mapping[str, Any]) -> dict[str, Any]:
    """The late item the judge rules on (`_item` of `for_each: late_evidence`), with the reason given."""
    item = data.get("_item", {})
    value = item.get("value", {})
    return {
        **trial_reference(data),
        "n": item.get("number", ""),
        "of": item.get("of", ""),
        "who": {"t": f"role.{value.get('role', 'plaintiff')}"},
        "name": value.get("name", ""),
        "sha256": value.get("sha256", ""),
        "received": {"time": value.get("received_at", "")},
        "reason": value.get("reason") or {"t": "trial.late_no_reason"},
    }


def claims(data: Mapping[str, Any]) -> dict[str, Any]:
    """What the defendant answers: the plaintiff's claims (the whole complaint was served on it
    as filing's `defendant_welcome`)."""
    listed = [f"{i}. {c.get('text', '')}: {c.get('amount', '?')}" for i, c in enumerate(data.get("claims", []), 1)]
    return {**trial_reference(data), "claims": listed}


def answer_notice(data: Mapping[str, Any]) -> dict[str, Any]:
    """What the defendant said (or that it said nothing), as the plaintiff and the court read it."""
    answer = data.get("answer", {})
    position = answer.get("position", NO_ANSWER)
    counterclaim = data.get("counterclaim", {})
    lines: list[Any] = [{"t": f"trial.position.{position}"}]
    if answer.get("statement"):
        lines.append({"t": "trial.answer_line.statement", "params": {"text": answer["statement"]}})
    if answer.get("jurisdiction") == "object":
        lines.append({"t": "trial.answer_line.objection", "params": {"text": answer.get("objection", "")}})
    if counterclaim.get("claim"):
        params = {"text": counterclaim["claim"], "amount": counterclaim.get("amount") or "-"}
        lines.append({"t": "trial.answer_line.counterclaim", "params": params})
    for change in data.get("track_changes", []):
        lines.append({"t": "trial.answer_line.track_change", "params": {"rule": change["rule"]}})
    files = answer.get("evidence") or []
    if files:
        names = ", ".join(f"{f['name']} (SHA-256 {f['sha256'][:16]}…)" for f in files)
        lines.append({"t": "trial.answer_line.evidence", "params": {"files": names}})
    return {**trial_reference(data), "answer": lines}


WHY_TEXTS = {"evidence_exchange": "trial.live_why", "inquiry": "trial.inquiry.live_why"}
"""Where the texts saying why a stage goes live are, per stage (`why` is the last key)."""


def mode_notice(data: Mapping[str, Any]) -> dict[str, Any]:
    """Why the stage in question (`mode_stage`, the evidence exchange unless a later stage asked)
    is not asynchronous: who refused or withdrew, that not everyone agreed in time, or that the
    judge ordered a live hearing."""
    stage = data.get("mode_stage", "evidence_exchange")
    mode = data.get("mode", {}).get(stage, {})
    who = mode.get("by")
    reason = mode.get("why", "lapsed")
    key = "trial.inquiry.live_ordered" if reason == "ordered" else f"{WHY_TEXTS[stage]}.{reason}"
    if mode.get("reasons"):  # the judge's order from the middle of a stage, with its reasons
        key = "trial.live_ordered_reasons"
    params = {"who": {"t": f"role.{who}"} if who in PARTIES else "", "reasons": mode.get("reasons", "")}
    why = {"t": key, "params": params}
    return {**trial_reference(data), "why": why, "stage": {"t": f"trial.mode_stage.{stage}"}}


def _items(files: list[Mapping[str, Any]]) -> list[Any]:
    """Evidence items as listed to the other side: name, SHA-256 and when the court received it."""
    return [
        {
            "t": "trial.evidence_item",
            "params": {
                "n": i,
                "name": f["name"],
                "sha256": f["sha256"],
                "received": {"time": f.get("received_at", "")},
            },
        }
        for i, f in enumerate(files, 1)
    ] or [{"t": "trial.no_items"}]


def evidence_of(data: Mapping[str, Any], role: str) -> list[Mapping[str, Any]]:
    """The evidence a party has put before the court so far."""
    if role == "plaintiff":
        return list(data.get("evidence", []))
    return list(data.get("answer", {}).get("evidence") or [])


def evidence_of_plaintiff(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **trial_reference(data),
        "side": {"t": "role.plaintiff"},
        "items": _items(evidence_of(data, "plaintiff")),
    }


def evidence_of_defendant(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **trial_reference(data),
        "side": {"t": "role.defendant"},
        "items": _items(evidence_of(data, "defendant")),
    }


def evidence_item(data: Mapping[str, Any]) -> dict[str, Any]:
    """The item a per-item step asks about (`_item`, set by the engine's `for_each`)."""
    item = data.get("_item", {})
    value = item.get("value", {})
    return {
        **trial_reference(data),
        "n": item.get("number", ""),
        "of": item.get("of", ""),
        "name": value.get("name", ""),
        "sha256": value.get("sha256", ""),
        "received": {"time": value.get("received_at", "")},
    }


def opinions(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every item of each side's evidence with the other side's opinion on it (OLR 15): an item the
    other side accepted is undisputed; one it did not answer is "no answer", which admits nothing."""
    rows = []
    for side, other in (("plaintiff", "defendant"), ("defendant", "plaintiff")):
        said = data.get("exchange", {}).get(other, {})
        for n, item in enumerate(evidence_of(data, side), 1):
            opinion = said.get("items", {}).get(f"item_{n}", NO_ANSWER)
            rows.append(
                {
                    "side": side,
                    "n": n,
                    "evidence_id": item.get("evidence_id"),
                    "name": item["name"],
                    "sha256": item["sha256"],
                    "opinion": opinion,
                    "reasons": said.get("reasons", {}).get(f"item_{n}", ""),
                    "undisputed": opinion == "accept",
                }
            )
    return rows


def exchange_notice(data: Mapping[str, Any]) -> dict[str, Any]:
    """The other side's opinion on each item, and the counter-evidence each party attached."""
    lines: list[Any] = []
    for row in data.get("evidence_opinions") or opinions(data):
        params = {"side": {"t": f"role.{row['side']}"}, "n": row["n"], "name": row["name"]}
        params["reasons"] = row["reasons"]
        lines.append({"t": f"trial.opinion_line.{row['opinion']}", "params": params})
    for role in PARTIES:
        files = data.get("exchange", {}).get(role, {}).get("evidence") or []
        if files:
            names = ", ".join(f"{f['name']} (SHA-256 {f['sha256'][:16]}…)" for f in files)
            lines.append({"t": "trial.counter_line", "params": {"who": {"t": f"role.{role}"}, "files": names}})
    return {**trial_reference(data), "opinions": lines or [{"t": "trial.no_items"}]}
