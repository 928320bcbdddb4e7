"""The trial flow's actions: they update the case data they are given and return effects.
Pure: no I/O, no clock but the context's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flows.context import FlowContext
from flows.effects import Effect, ServiceCall

NO_ANSWER = "none"
"""`answer.position` when the answer period ended without an answer: recorded, never an admission."""


def name_judge(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Ask the court who the case's judge is; the answer comes as the `judge_named` signal."""
    return [ServiceCall("name_judge")]


def judge_named(data: dict[str, Any], payload: Mapping[str, Any], ctx: FlowContext) -> list[Effect]:
    """Record the judge the court named (a signal any trial stage takes)."""
    data["judge"] = {"person_id": payload["person_id"], "name": payload.get("name", "")}
    return []


def answer_filed(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The defendant submits its answer (CPL 128). A jurisdiction objection made here is timely
    and waits for the judge's ruling (CPL 130); a counterclaim takes the case off the small-claims
    track onto summary procedure (CPL 166)."""
    answer = data.setdefault("answer", {})
    answer["filed_at"] = ctx.now.isoformat()
    if answer.get("jurisdiction") == "object":
        ruling = {"kind": "jurisdiction_objection", "rule": "CPL 130", "filed_at": answer["filed_at"]}
        data.setdefault("pending_rulings", []).append(ruling)
    if data.get("counterclaim", {}).get("claim"):
        data["counterclaim"]["filed_at"] = answer["filed_at"]
        if data.get("track") == "small_claims":
            change = {"from": "small_claims", "to": "summary", "why": "counterclaim", "rule": "CPL 166"}
            data.setdefault("track_changes", []).append({**change, "at": answer["filed_at"]})
            data["track"] = "summary"
    return []


def record_no_answer(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The answer period ended without an answer: the record says so and the case goes on
    (CPL 128). Silence admits nothing (DOMAIN §10.4)."""
    data["answer"] = {"position": NO_ANSWER, "recorded_at": ctx.now.isoformat()}
    return []
