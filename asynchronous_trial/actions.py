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
    evidence_period_notice,
    exchange_notice,
    jurisdiction_notice,
    mode_notice,
    opinions,
    trial_reference,
)
from court.fees import FeeError, parse_amount, property_fee
from court.live import WENT_LIVE
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
    went = data.get(WENT_LIVE, {})  # a withdrawal or the judge's order, by signal, from any point of the stage
    if went:
        why, by = went["why"], went.get("by")
        if why == "withdrawn":
            consent[by] = "withdrawn"
    elif withdrew:
        why, by = "withdrawn", withdrew
        consent[withdrew] = "withdrawn"
    elif refused:
        why, by = "refused", refused
    elif "lapsed_at" in consent:  # the consent window closed (`consent_lapsed_for`)
        why, by = "lapsed", None
    else:
        why, by = "ordered", None
    data.setdefault("consent", {})[stage] = consent
    data.setdefault("mode", {})[stage] = {"mode": "live", "why": why, "by": by, "at": ctx.now.isoformat(), **went}
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


def record_complaint_service(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The clerk served the complaint copy outside the chat and records it: the answer period
    runs from now (CPL 128). Recorded service of a copy already served in the chat changes nothing."""
    data.setdefault("complaint_copy", {})["service_recorded_at"] = ctx.now.isoformat()
    return [ServiceCall("record_service", {"kind": "answer"})]


def counterclaim_fee(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """A counterclaim pays half the FM 13 fee on its amount (FM 18); one halving only, even when
    the track would halve it too (FM 16; DOMAIN §5). Recorded in the case and told to the
    defendant, who pays it like the plaintiff's fee (FM 22: within 7 days of the notice)."""
    counterclaim = data.get("counterclaim", {})
    if not counterclaim.get("claim"):
        return []
    try:
        fee = property_fee(
            parse_amount(str(counterclaim.get("amount") or "0")), track=data.get("track", "ordinary"), counterclaim=True
        )
    except FeeError:  # no amount: a non-property counterclaim is for the court to charge
        return []
    counterclaim["fee"] = {
        "full_fee": str(fee.full_fee),
        "fee_due": str(fee.fee_due),
        "rule": "; ".join([fee.rule, *fee.reductions]),
        "not_applied": list(fee.grounds_not_applied),
        "assessed_at": ctx.now.isoformat(),
    }
    params = {
        **trial_reference(data),
        "fee": str(fee.fee_due),
        "full_fee": str(fee.full_fee),
        "rule": counterclaim["fee"]["rule"],
    }
    return [
        Message("defendant", "trial.counterclaim_fee", params),
        Message("court", "trial.counterclaim_fee_court", params),
    ]


def jurisdiction_ruled(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The judge's ruling on the objection (CPL 130), recorded and served on both parties."""
    ruling = data.setdefault("jurisdiction", {})
    ruling.update(rule="CPL 130", ruled_at=ctx.now.isoformat(), judge=data.get("judge", {}).get("person_id"))
    data["pending_rulings"] = [r for r in data.get("pending_rulings", []) if r.get("kind") != "jurisdiction_objection"]
    params = jurisdiction_notice(data)
    served = [Message(role, "trial.jurisdiction_ruling", params) for role in PARTIES]
    return [*served, Message("court", "trial.jurisdiction_ruling_court", params)]


def evidence_period_opened(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The court is told that the evidence period runs, and until when (CPL 68; EP 51)."""
    data.setdefault("evidence_period", {})["opened_at"] = ctx.now.isoformat()
    return [Message("court", "trial.evidence_period_court", evidence_period_notice(data))]


def _extension_applied(role: str) -> Any:
    def applied(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
        """A party asks, before the evidence period ends, for more time (EP 54): recorded as an
        application the assigned judge grants (with the days) or refuses with reasons
        (`DecideMoreTime`); a grant moves the one period, so it applies to every party."""
        reason = data.get("evidence_period", {}).get(f"{role}_reasons", "")
        applications = data.setdefault("_more_time", {})
        number = str(len(applications) + 1)
        applications[number] = {
            "kind": "evidence",
            "role": role,
            "reason": reason,
            "applied_at": ctx.now.isoformat(),
            "status": "pending",
            "rule": "EP 54",
        }
        params = {**trial_reference(data), "application": number, "who": {"t": f"role.{role}"}, "reason": reason}
        return [
            ServiceCall("more_time_applied", {"application": number, "kind": "evidence"}),
            Message(role, "trial.extension_applied", params),
            Message("court", "trial.extension_to_judge", params),
        ]

    return applied


extension_applied_plaintiff = _extension_applied("plaintiff")
extension_applied_defendant = _extension_applied("defendant")


def late_evidence_to_judge(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The exchange is over: the evidence each party gave after the evidence period, with the
    reason it gave when asked, is put before the judge, one item at a time (CPL 68)."""
    late = []
    for role in PARTIES:
        said = data.get("exchange", {}).get(role, {})
        for item in said.get("evidence") or []:
            late.append({**item, "role": role, "reason": said.get("late_reason", "")})
    data["late_evidence"] = late
    return []


def late_evidence_ruled(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The judge ruled on one late item (CPL 68, Interp. 101-102): excluded with reasons, or
    admitted with a reprimand; the item is marked and both parties are told."""
    rulings = data.get("late_rulings", {})
    decided = data.setdefault("late_evidence_rulings", [])
    effects: list[Effect] = []
    for key, reasons in rulings.get("reasons", {}).items():
        n = int(key.removeprefix("item_"))
        if any(r["n"] == n for r in decided):
            continue
        item = data["late_evidence"][n - 1]
        decision = rulings.get("decision", {}).get(key, "exclude")
        item["late_ruling"] = "admitted" if decision == "admit" else "excluded"
        for given in data.get("exchange", {}).get(item["role"], {}).get("evidence") or []:
            if given.get("sha256") == item["sha256"]:
                given["late_ruling"] = item["late_ruling"]
        decided.append(
            {
                "n": n,
                "decision": decision,
                "reasons": reasons,
                "at": ctx.now.isoformat(),
                "rule": "CPL 68, Interp. 101-102",
                "sha256": item["sha256"],
                "role": item["role"],
            }
        )
        params = {
            **trial_reference(data),
            "name": item["name"],
            "who": {"t": f"role.{item['role']}"},
            "reasons": reasons,
        }
        text = f"trial.late_{'admitted' if decision == 'admit' else 'excluded'}"
        effects.extend(Message(role, text, params) for role in (*PARTIES, "court"))
    return effects
