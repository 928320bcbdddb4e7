"""The round the judge is writing, read from the case data (`inquiry.draft`): whom it asks and
what, and the earlier answers a follow-up may follow. Pure reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from asynchronous_trial.formatters import PARTIES


def answered_questions(data: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Every question answered so far, by its id ("1.2"): those a follow-up may follow."""
    rounds = data.get("inquiry", {}).get("rounds", [])
    return {q["id"]: q for r in rounds for q in r["questions"] if q.get("answer") is not None}


def draft(data: Mapping[str, Any]) -> Mapping[str, Any]:
    written: Mapping[str, Any] = data.get("inquiry", {}).get("draft", {})
    return written


def followed(data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The answered question the judge's follow-up names ("1.2"), if there is one."""
    given = str(draft(data).get("follows") or "").strip().rstrip(".")
    return answered_questions(data).get(given)


def drafted(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The round the judge wrote, as questions (to whom, the text, what it follows), not numbered yet."""
    written = draft(data)
    to = written.get("to")
    if to == "follow_up":
        answer = followed(data)
        if answer is None:
            return []
        return [{"to": answer["to"], "text": t, "follows": answer["id"]} for t in written.get("follow_up") or []]
    shared = written.get("both") or []
    return [
        {"to": role, "text": text}
        for role in PARTIES
        for text in (shared if to == "both" else written.get(role) or [])
        if to in ("both", "each", role)
    ]


def addressees(data: Mapping[str, Any]) -> list[str]:
    """The parties the drafted round asks, in order."""
    asked = {q["to"] for q in drafted(data)}
    return [role for role in PARTIES if role in asked]
