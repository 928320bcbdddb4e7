"""The trial flow's formatters: case data -> the parameters of a text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from asynchronous_trial.actions import NO_ANSWER


def trial_reference(data: Mapping[str, Any]) -> dict[str, Any]:
    """The case, the parties and the judge, and when the answer period ends."""
    return {
        "case_number": data.get("case_number", ""),
        "plaintiff_name": data.get("plaintiff", {}).get("name", ""),
        "defendant_name": data.get("defendant", {}).get("name", ""),
        "judge": data.get("judge", {}).get("name") or {"t": "trial.judge_unnamed"},
        "answer_due": {"time": data.get("_due", {}).get("answer", "")},
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
