"""The named guards, validators, actions and formatters the filing flow refers to.

All pure: they read and update the case data they are given and return effects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from court.fees import FeeBreakdown, FeeError, FeeSettings, property_fee, propose_track
from flows.context import FlowContext
from flows.effects import Effect, Message, ServiceCall
from flows.model import InputSpec
from flows.registry import InputError, Registry
from identity.id_numbers import (
    InvalidCreditCode,
    InvalidIdNumber,
    masked_id_number,
    parse_credit_code,
    parse_resident_id,
)
from identity.names import same_name

_MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

DEFAULT_SMALL_CLAIMS_CEILING = "50000"


def _court_today(ctx: FlowContext) -> date:
    return ctx.now.astimezone(ZoneInfo(ctx.settings.get("timezone", "Asia/Shanghai"))).date()


def resident_id(value: Any, spec: InputSpec, ctx: FlowContext) -> str:
    """GB 11643-1999 (DOMAIN §2.2): region, real past birth date, MOD 11-2 check character."""
    try:
        return parse_resident_id(value, _court_today(ctx)).number
    except InvalidIdNumber as error:
        raise InputError(error.code) from None


def credit_code(value: Any, spec: InputSpec, ctx: FlowContext) -> str:
    """GB 32100-2015 unified social credit code."""
    try:
        return parse_credit_code(value)
    except InvalidCreditCode as error:
        raise InputError(error.code) from None


def phone(value: Any, spec: InputSpec, ctx: FlowContext) -> str:
    number = re.sub(r"[\s()]", "", value)
    if not (_MOBILE.match(number) or _LANDLINE.match(number)):
        raise InputError("phone")
    return number


def e_address(value: Any, spec: InputSpec, ctx: FlowContext) -> str:
    """An e-service address (OLR 30): an email address or a mobile number."""
    address = str(value).strip()
    if _EMAIL.match(address) or _MOBILE.match(re.sub(r"\s", "", address)):
        return address
    raise InputError("e_address")


def total_claimed(data: Mapping[str, Any]) -> Decimal:
    return sum((Decimal(c.get("amount") or 0) for c in data.get("claims", [])), Decimal(0))


def assess(data: Mapping[str, Any], settings: Mapping[str, Any]) -> tuple[str, FeeBreakdown | None]:
    """The proposed track (CPL 165) and the fee (FM 13, FM 16) for the claims so far."""
    total = total_claimed(data)
    if total <= 0:
        return "ordinary", None
    ceiling = Decimal(str(settings.get("small_claims_ceiling", DEFAULT_SMALL_CLAIMS_CEILING)))
    guide = settings.get("summary_guide")
    track = propose_track(total, small_claims_ceiling=ceiling, summary_guide=Decimal(str(guide)) if guide else None)
    try:
        return track, property_fee(total, track=track, settings=FeeSettings())
    except FeeError:
        return track, None


def finalize_filing(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Record the track and fee proposed at submission (FM 13, FM 16, CPL 165)."""
    track, fee = assess(data, ctx.settings)
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
    return [Message("court", "filing.representative_joined", _representative(data))]


def representative_asked(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Filing v3: the court and the plaintiff are told who joined for a company defendant; that
    person proves their authority before acting for it, and the court then decides (CPL 51, 62).
    Sent back for more documents, nobody needs telling again."""
    if data.get("representative", {}).get("missing"):
        return []
    params = _representative(data)
    return [Message(role, f"filing.representative_asked_{role}", params) for role in ("court", "plaintiff")]


def representative_more_requested(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The court asks the representative for what is missing; they have the proof period again.
    What they sent so far is kept apart, so the new round needs a new file and has its own limit."""
    representative = data.setdefault("representative", {})
    earlier = [*representative.get("earlier_documents", []), *representative.pop("documents", [])]
    representative["earlier_documents"] = earlier
    params = {**_representative(data), "missing": representative.get("missing", "")}
    return [Message("defendant", "filing.representative_more_requested", params)]


def representative_lapsed(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """No proof in time (OLR 10): everyone told, each in their own words, before the person leaves."""
    params = _representative(data)
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
    params = {**_representative(data), "reasons": data.get("representative", {}).get("refusal", "")}
    return [Message(role, f"filing.representative_refused_{role}", params) for role in ("defendant", "plaintiff")]


def _representative(data: Mapping[str, Any]) -> dict[str, Any]:
    defendant = data.get("defendant", {})
    joined = data.get("invitation", {}).get("joined_as") or {}
    return {
        **_reference(data),
        "company": defendant.get("name", ""),
        "credit_code": defendant.get("credit_code", ""),
        "name": joined.get("name", ""),
        "id_masked": joined.get("id_masked", ""),
    }


def defendant_is_company(data: Mapping[str, Any], value: Any) -> bool:
    return bool(data.get("defendant", {}).get("kind") == "company")


def routed_elsewhere(data: Mapping[str, Any], value: Any) -> bool:
    return data.get("case_type") == "other" and data.get("routing") == "route"


def _defendant(d: Mapping[str, Any]) -> str:
    ident = d.get("credit_code") or masked_id_number(d.get("id_number") or "")
    return f"{d.get('name', '')} ({ident}), {d.get('phone', '')}, {d.get('e_address', '')}"


def summary_params(data: Mapping[str, Any], settings: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters of `filing.summary_text`; ID numbers masked."""
    plaintiff = data.get("plaintiff", {})
    track, fee = assess(data, settings)
    claims = [f"{i}. {c.get('text', '')}: {c.get('amount', '?')}" for i, c in enumerate(data.get("claims", []), 1)]
    evidence = [f"- {f['name']} (SHA-256 {f['sha256'][:16]}…)" for f in data.get("evidence", [])]
    return {
        "plaintiff_name": plaintiff.get("name", ""),
        "plaintiff_id": masked_id_number(plaintiff.get("id_number") or ""),
        "plaintiff_phone": plaintiff.get("phone", ""),
        "case_type": {"t": f"case_type.{data.get('case_type', 'other')}"},
        "defendant": _defendant(data.get("defendant", {})),
        "claims": claims,
        "total": str(total_claimed(data)),
        "facts": data.get("facts", ""),
        "evidence": evidence or [{"t": "filing.no_evidence"}],
        "track": {"t": f"track.{track}"},
        "fee": str(fee.fee_due) if fee else "0",
        "fee_rule": "; ".join([fee.rule, *fee.reductions]) if fee else "",
    }


def _reference(data: Mapping[str, Any]) -> dict[str, Any]:
    due = data.get("_due", {})
    return {
        "reference": data.get("reference", ""),
        "case_number": data.get("case_number", ""),
        "review_due": {"time": due.get("review", "")},
        "correction_due": {"time": due.get("correction", "")},
        "payment_due": {"time": due.get("payment", "")},
        "representative_due": {"time": due.get("representative_proof", "")},
    }


def fee_notice(data: Mapping[str, Any]) -> dict[str, Any]:
    fee = data.get("fee", {})
    return {
        **_reference(data),
        "fee": fee.get("due", "0"),
        "fee_explanation": fee.get("explain", {}) or "",
        "track": {"t": f"track.{data.get('track', 'ordinary')}"},
        "provider": data.get("payment_provider", {"t": "payment.demo_provider"}),
    }


def build_registry(settings: Mapping[str, Any]) -> Registry:
    """The registry for the shipped flows. `settings` feed the formatters (limits, ceilings)."""
    registry = Registry()
    registry.validators.update(resident_id=resident_id, credit_code=credit_code, phone=phone, e_address=e_address)
    registry.guards.update(defendant_is_company=defendant_is_company, routed_elsewhere=routed_elsewhere)
    registry.actions.update(
        finalize_filing=finalize_filing,
        request_case_number=request_case_number,
        check_identity=check_identity,
        check_plaintiff_identity=check_plaintiff_identity,
        recheck_plaintiff_identity=recheck_plaintiff_identity,
        invite_defendant=invite_defendant,
        request_payment=request_payment,
        acceptance_notices=acceptance_notices,
        representative_check=representative_check,
        representative_asked=representative_asked,
        release_defendant=release_defendant,
        representative_refused=representative_refused,
        representative_more_requested=representative_more_requested,
        representative_lapsed=representative_lapsed,
    )

    def filing_summary(data: Mapping[str, Any]) -> dict[str, Any]:
        return {
            **_reference(data),
            "summary": {"t": "filing.summary_text", "params": summary_params(data, settings)},
        }

    def correction_summary(data: Mapping[str, Any]) -> dict[str, Any]:
        defects = data.get("review", {}).get("defects", "")
        return {**filing_summary(data), "defects": defects}

    def identity_mismatch_notice(data: Mapping[str, Any]) -> dict[str, Any]:
        """Who the filing names and who is verified; once corrected to match, says so."""
        plaintiff = data.get("plaintiff", {})
        verified = data.get("identity_check", {}).get("verified") or {}
        named = (str(plaintiff.get("name", "")), str(plaintiff.get("id_number", "")))
        known = (str(verified.get("name", "")), str(verified.get("id_number", "")))
        corrected = named[1] == known[1] and same_name(named[0], known[0])
        people = {
            "plaintiff_name": named[0],
            "plaintiff_id": masked_id_number(named[1]),
            "verified_name": known[0],
            "verified_id": masked_id_number(known[1]),
        }
        situation = "filing.identity_corrected" if corrected else "filing.identity_differs"
        return {**filing_summary(data), "situation": {"t": situation, "params": people}}

    def evidence_limits(data: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "max_mb": settings.get("max_upload_mb", 20),
            "accept": "PDF, JPG, PNG, DOC(X), XLS(X), TXT, MP3, MP4, ZIP",
        }

    def invitation_notice(data: Mapping[str, Any]) -> dict[str, Any]:
        invitation = data.get("invitation", {})
        defendant = data.get("defendant", {})
        return {
            **_reference(data),
            "telegram_link": invitation.get("telegram_link") or "-",
            "web_link": invitation.get("web_link") or "-",
            "code": invitation.get("code", ""),
            "e_address": defendant.get("e_address", ""),
            "defendant": defendant.get("name", ""),
            "link_due": {"time": data.get("_due", {}).get("defendant_link", "")},
        }

    def refusal_notice(data: Mapping[str, Any]) -> dict[str, Any]:
        return {**_reference(data), "reasons": data.get("review", {}).get("refusal", "")}

    def representative_documents(data: Mapping[str, Any]) -> dict[str, Any]:
        """Who is asked to prove what, and the documents they have sent so far."""
        return {**_representative(data), **evidence_limits(data)}

    def representative_review(data: Mapping[str, Any]) -> dict[str, Any]:
        """What the court decides on: who joined for which company, with the documents they sent
        (opened from the web chat, each one's hash shown)."""
        sent = data.get("representative", {})
        files = [*sent.get("earlier_documents", []), *sent.get("documents", [])]
        return {
            **_representative(data),
            "documents": [f"- {f['name']} (SHA-256 {f['sha256'][:16]}…)" for f in files],
            "attachments": [{"evidence_id": f["evidence_id"], "name": f["name"]} for f in files],
        }

    registry.formatters.update(
        representative_documents=representative_documents,
        representative_review=representative_review,
        filing_summary=filing_summary,
        correction_summary=correction_summary,
        identity_mismatch_notice=identity_mismatch_notice,
        evidence_limits=evidence_limits,
        refusal_notice=refusal_notice,
        invitation_notice=invitation_notice,
        fee_notice=fee_notice,
        filing_reference=_reference,
    )
    return registry
