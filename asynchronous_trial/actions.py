"""The trial flow's actions: they update the case data they are given and return effects.
Pure: no I/O, no clock but the context's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from asynchronous_trial import inquiry
from asynchronous_trial.formatters import (
    NO_ANSWER,
    PARTIES,
    answer_notice,
    evidence_of,
    exchange_notice,
    mode_notice,
    opinions,
)
from flows.context import FlowContext
from flows.effects import Effect, Message, ServiceCall
from flows.registry import Action


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


def answer_to_court(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The court reads what the defendant said, or that it said nothing."""
    return [Message("court", "trial.review_answer", answer_notice(data))]


def consent_lapsed_for(stage: str) -> Action:
    """The action recording that the consent window for `stage` closed before everyone agreed:
    consent is not presumed (OLR 4, 20(1))."""

    def lapsed(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
        data.setdefault("consent", {}).setdefault(stage, {})["lapsed_at"] = ctx.now.isoformat()
        return []

    return lapsed


consent_lapsed = consent_lapsed_for("evidence_exchange")

CHOICES_OF = {"evidence_exchange": "exchange", "inquiry": "inquiry"}
"""Where each stage keeps a party's choice to go on or to withdraw (`<section>.<role>.choice`)."""


def mode_live(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The stage whose mode is in question (`mode_stage`: the evidence exchange unless a later
    stage asked, e.g. the inquiry) will not run asynchronously: recorded with who refused or
    withdrew, or that not everyone agreed in time, or that the judge ordered it (OLR 5, 20(1));
    what was done before stays valid (OLR 21). The clerk is told."""
    stage = data.get("mode_stage", "evidence_exchange")
    consent = data.get("consent", {}).get(stage, {})
    said = data.get(CHOICES_OF[stage], {})
    withdrew = next((r for r in PARTIES if said.get(r, {}).get("choice") == "withdraw"), None)
    refused = next((r for r in PARTIES if consent.get(r) == "no"), None)
    if withdrew:
        why, by = "withdrawn", withdrew
        consent[withdrew] = "withdrawn"
    elif refused:
        why, by = "refused", refused
    elif "lapsed_at" in consent:  # the consent window closed (`consent_lapsed_for`)
        why, by = "lapsed", None
    else:
        why, by = "ordered", None
    data.setdefault("consent", {})[stage] = consent
    data.setdefault("mode", {})[stage] = {"mode": "live", "why": why, "by": by, "at": ctx.now.isoformat()}
    if stage == "inquiry":
        inquiry.interrupted(data, ctx)
    return [Message("court", "trial.live_hearing_court", mode_notice(data))]


def mode_asynchronous_for(stage: str) -> Action:
    """The action recording that every party agreed: `stage` runs asynchronously (OLR 20(1)),
    recorded when it first does (a later inquiry round does not ask again)."""

    def asynchronous(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
        modes = data.setdefault("mode", {})
        if modes.get(stage, {}).get("mode") != "asynchronous":
            modes[stage] = {"mode": "asynchronous", "at": ctx.now.isoformat()}
        return []

    return asynchronous


mode_asynchronous = mode_asynchronous_for("evidence_exchange")


def exchange_silence(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The exchange window closed: each party that left items of the other side unanswered is
    recorded as "no answer" on them, which admits nothing (DOMAIN §10.4)."""
    for role, other in (("plaintiff", "defendant"), ("defendant", "plaintiff")):
        said = data.setdefault("exchange", {}).setdefault(role, {})
        answered = said.get("items", {})
        missing = [n for n in range(1, len(evidence_of(data, other)) + 1) if f"item_{n}" not in answered]
        if missing or said.get("choice") != "opinion":
            said["no_answer"] = {"at": ctx.now.isoformat(), "items": missing}
    return []


def exchange_closed(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Each item's opinions settled into the record, undisputed items marked; the judge reads them."""
    data["evidence_opinions"] = opinions(data)
    return [Message("court", "trial.exchange_to_court", exchange_notice(data))]
