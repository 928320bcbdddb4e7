"""The filing flow's actions: they update the case data they are given and return effects
(messages, service calls). Pure: no I/O, no clock but the context's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from filing.assessment import Assess, assess, assess_by_case_type, fee_on_track
from filing.formatters import defendant_notice_params, fee_notice, representative_params
from flows.context import FlowContext
from flows.effects import Effect, Message, ServiceCall
from flows.registry import InputError


def finalize_filing(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Record the track and fee proposed at submission (FM 13, FM 16, CPL 165). Filing v1-v3:
    every case charged as a property case."""
    return _finalize(data, ctx, assess)


def finalize_typed_filing(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Filing v4: the track proposed to the judge and the fee follow the case type and the kind
    of each claim (FM 13; CPL 165-166, Interp. 257)."""
    return _finalize(data, ctx, assess_by_case_type)


def _finalize(data: dict[str, Any], ctx: FlowContext, assess_with: Assess) -> list[Effect]:
    track, fee = assess_with(data, ctx.settings)
    data["track"] = track
    data["fee"] = {
        "due": str(fee.fee_due) if fee else "0",
        "full": str(fee.full_fee) if fee else "0",
        "explain": {loc: fee.explain(loc) for loc in ("zh", "en")} if fee else {},
    }
    data["submitted_at"] = ctx.now.isoformat()
    data.setdefault("submissions", 0)
    data["submissions"] += 1
    return []


def request_case_number(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Ask the service for the next `(YEAR)COURT民初SEQ号` number (DOMAIN §4.5)."""
    return [ServiceCall("allocate_case_number", {"category": "民初"})]


CASE_NUMBER_CATEGORIES: Mapping[str, str] = {"administrative": "行初"}
"""Case-number categories by case type (the courts' case-number rules: 民初 civil first
instance, 行初 administrative first instance); every other Internet-court type is civil."""


def request_typed_case_number(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Filing v4: the case number's category follows the case type (行初 for an administrative
    case, 民初 for a civil one)."""
    category = CASE_NUMBER_CATEGORIES.get(str(data.get("case_type", "")), "民初")
    return [ServiceCall("allocate_case_number", {"category": category})]


def check_identity(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Ask whether the plaintiff is verified (OLR 7); the answer comes as `identity_verified`.
    Filing v1 only: it does not ask whose identity was verified."""
    return [ServiceCall("check_identity", {"role": "plaintiff"})]


def check_plaintiff_identity(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Ask whether the plaintiff is verified as the person the complaint names (OLR 7, ICP 6):
    the answer comes as `identity_verified`, or `identity_mismatch` when the verified name or
    resident ID number is not the one typed in the complaint."""
    return [ServiceCall("check_identity", {"role": "plaintiff", **_named_plaintiff(data)})]


def recheck_plaintiff_identity(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The same question, asked again while the plaintiff is told of a mismatch (filing v3): no
    answer unless something changed, i.e. they are now verified as the person named, or as
    someone other than the one they were told of."""
    known = data.get("identity_check", {}).get("verified")
    return [ServiceCall("check_identity", {"role": "plaintiff", **_named_plaintiff(data), "known": known})]


def _named_plaintiff(data: Mapping[str, Any]) -> dict[str, Any]:
    plaintiff = data.get("plaintiff", {})
    return {"name": plaintiff.get("name"), "id_number": plaintiff.get("id_number")}


def invite_defendant(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Ask the service for a one-time invitation that binds the defendant's account (OLR 10)."""
    return [ServiceCall("invite_defendant", {"role": "defendant"})]


def request_payment(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Ask the payment port to collect the fee (FM 22)."""
    return [ServiceCall("request_payment", {"amount": data["fee"]["due"]})]


def acceptance_notices(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Acceptance, fee and evidence notices served on acceptance (ICP 7, DOMAIN §4.3)."""
    params = fee_notice(data)
    return [
        Message("plaintiff", "filing.acceptance_notice", params),
        Message("plaintiff", "filing.fee_notice_text", params),
        Message("plaintiff", "filing.evidence_notice", params),
    ]


def representative_check(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """A company defendant joined through a verified person: the court is asked to check that
    person's authority to act for it (business licence; legal representative or authorisation)."""
    if data.get("defendant", {}).get("kind") != "company":
        return []
    return [Message("court", "filing.representative_joined", representative_params(data))]


def representative_asked(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Filing v3: the court and the plaintiff are told who joined for a company defendant; that
    person proves their authority before acting for it, and the court then decides (CPL 51, 62).
    Sent back for more documents, nobody needs telling again."""
    if data.get("representative", {}).get("missing"):
        return []
    params = representative_params(data)
    return [Message(role, f"filing.representative_asked_{role}", params) for role in ("court", "plaintiff")]


def representative_more_requested(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The court asks the representative for what is missing; they have the proof period again.
    What they sent so far is kept apart, so the new round needs a new file and has its own limit."""
    representative = data.setdefault("representative", {})
    earlier = [*representative.get("earlier_documents", []), *representative.pop("documents", [])]
    representative["earlier_documents"] = earlier
    params = {**representative_params(data), "missing": representative.get("missing", "")}
    return [Message("defendant", "filing.representative_more_requested", params)]


def representative_lapsed(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """No proof in time (OLR 10): everyone told, each in their own words, before the person leaves."""
    params = representative_params(data)
    roles = ("defendant", "plaintiff", "court")
    return [Message(role, f"filing.representative_lapsed_{role}", params) for role in roles]


def release_defendant(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The person who joined for the company, and any agent they appointed, leave the case; the
    attempt is kept in the case's record (a refusal then serves the company a new invitation)."""
    invitation = data.setdefault("invitation", {})
    attempt = {
        **data.pop("representative", {}),
        "joined_as": invitation.get("joined_as"),
        "ended_at": ctx.now.isoformat(),
    }
    data.setdefault("representatives_not_admitted", []).append(attempt)
    invitation.update(used_by=None, used_at=None, joined_as=None)
    return [ServiceCall("release_defendant", {"role": "defendant"})]


def representative_refused(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Everyone told that the court did not admit the company's representative, and why. The
    person refused is still told: a command's messages go to whoever took part when it began."""
    params = {**representative_params(data), "reasons": data.get("representative", {}).get("refusal", "")}
    return [Message(role, f"filing.representative_refused_{role}", params) for role in ("defendant", "plaintiff")]


def record_defendant_consent(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Filing v4: the defendant's own answers when joining, to taking part online (OLR 10) and to
    electronic service at a confirmed address (OLR 29, 30), kept in the case record once complete
    with how consent arose; the court is told which way they chose. Asked after every answer of
    theirs, it records nothing until the answers are complete, and never twice."""
    if "e_service_consent" in data.get("defendant", {}):
        return []
    answers = data.get("defendant_consent", {})
    online = answers.get("online")
    e_service = "no" if online == "no" else answers.get("e_service")
    if online is None or e_service is None:
        return []
    address = None
    if e_service == "yes":
        given = data.get("defendant", {}).get("e_address") if answers.get("address_answer") == "confirm" else None
        address = answers.get("address") or given
        if not address:
            return []
    is_online, serves = online == "yes", e_service == "yes"
    record = {
        "online": is_online,
        "e_service": serves,
        "address": address,
        "how": "said yes when joining the case (OLR 29)" if serves else "declined when joining the case",
        "at": ctx.now.isoformat(),
    }
    data.setdefault("defendant", {})["e_service_consent"] = record
    domicile = data["defendant"].get("domicile", "")
    params = {**representative_params(data), "address": address or "", "domicile": domicile}
    text = (
        "filing.defendant_consented"
        if serves
        else ("filing.defendant_declined_e_service" if is_online else "filing.defendant_declined_online")
    )
    return [Message("court", text, params)]


def withdraw_e_service_consent(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Filing v4: the defendant withdraws consent to electronic service (OLR 4-5 let a party change
    its mind): recorded in the case, and the court told to serve further documents another way."""
    consent = data.setdefault("defendant", {}).setdefault("e_service_consent", {})
    if consent.get("withdrawn_at"):
        return []
    consent["withdrawn_at"] = ctx.now.isoformat()
    params = {**representative_params(data), "domicile": data["defendant"].get("domicile", "")}
    return [Message("court", "filing.defendant_withdrew_e_service", params)]


def record_defendant_notice(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Filing v4: the clerk served the notice and invitation on the defendant outside the chat (at
    the address the plaintiff gave) and records it: the 3 days run from now (OLR 10)."""
    data.setdefault("invitation", {})["notice_served_at"] = ctx.now.isoformat()
    return [ServiceCall("record_service", {"kind": "defendant_link"})]


def track_decided(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Filing v4: the judge decided the track the filing proposed (CPL 160, 165); the fee follows
    the decided track (FM 16 halves it for summary and small-claims cases)."""
    data["track_proposed"] = data.get("track")
    data["track"] = data.get("track_decision") or data.get("track")
    fee = fee_on_track(data, ctx.settings, data["track"])
    data["fee"] = {
        "due": str(fee.fee_due) if fee else "0",
        "full": str(fee.full_fee) if fee else "0",
        "explain": {loc: fee.explain(loc) for loc in ("zh", "en")} if fee else {},
    }
    return []


def pay_if_chosen(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Filing v4: the fee prompt offers paying or applying for relief; only paying asks the provider."""
    return request_payment(data, ctx) if data.get("fee_choice") == "pay" else []


def fee_relief_decided(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Filing v4: the judge's decision on deferral, reduction or waiver (FM 44-48), served on the
    plaintiff. Waived: nothing to pay; deferred: paid later, the case goes on now."""
    relief = data.setdefault("fee_relief", {})
    decision = relief.get("decision")
    relief["decided_at"] = ctx.now.isoformat()
    if decision == "waive":
        data.setdefault("fee", {})["due"] = "0"
    if decision == "defer":
        data.setdefault("fee", {})["deferred"] = True
    if decision == "reduce":  # the amount follows, then the new fee notice
        return []
    return [Message("plaintiff", "filing.fee_relief_decision", _relief_params(data, str(decision)))]


def fee_reduced(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Filing v4: the judge reduced the fee to the amount given (FM 44-48); a new notice follows."""
    relief = data.setdefault("fee_relief", {})
    data.setdefault("fee", {})["due"] = str(relief.get("reduced_to"))
    return [Message("plaintiff", "filing.fee_relief_decision", _relief_params(data, "reduce"))]


def _relief_params(data: Mapping[str, Any], decision: str) -> dict[str, Any]:
    params = fee_notice(data)
    return {**params, "decision": {"t": f"filing.relief_decided.{decision}", "params": {"fee": params["fee"]}}}


def fee_notice_again(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Filing v4: a new fee notice after the judge's decision; its service starts a new period (FM 22)."""
    return [Message("plaintiff", "filing.fee_notice_text", fee_notice(data))]


def defendant_notice(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Filing v4: serve the notice and invitation on the defendant (OLR 10): in the chat when the
    court knows them, else by the clerk (see `serve_defendant_notice`)."""
    defendant = data.get("defendant", {})
    number = defendant.get("id_number") if defendant.get("kind") != "company" else None
    return [ServiceCall("serve_defendant_notice", {"id_number": number, "notice": defendant_notice_params(data)})]


def e_service_consent_withdrawn(data: dict[str, Any], payload: Mapping[str, Any], ctx: FlowContext) -> list[Effect]:
    """The `e_service_consent_withdrawn` signal, taken at any stage (the trial's too): only a
    defendant who gave consent when joining (filing v4) has one to withdraw."""
    consent = data.get("defendant", {}).get("e_service_consent")
    if payload.get("role") != "defendant" or not consent or not consent.get("e_service"):
        raise InputError("no_e_service_consent")
    return withdraw_e_service_consent(data, ctx)
