"""The filing flow's formatters: case data -> the parameters of a text (ID numbers masked)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from filing.assessment import Assess, assess, total_claimed
from flows.durations import parse_duration
from identity.id_numbers import masked_id_number
from identity.names import same_name


def representative_params(data: Mapping[str, Any]) -> dict[str, Any]:
    defendant = data.get("defendant", {})
    joined = data.get("invitation", {}).get("joined_as") or {}
    return {
        **reference(data),
        "company": defendant.get("name", ""),
        "credit_code": defendant.get("credit_code", ""),
        "name": joined.get("name", ""),
        "id_masked": joined.get("id_masked", ""),
    }


def masked_address(address: str) -> str:
    """A domicile shown masked, as ID numbers are: the first part (province, city) is kept so the
    court's reader can place it, the rest (street, number) hidden."""
    text = address.strip()
    shown = min(6, len(text) // 2)
    return text[:shown] + "*" * min(8, len(text) - shown)


def _defendant(d: Mapping[str, Any]) -> str:
    ident = d.get("credit_code") or masked_id_number(d.get("id_number") or "")
    line = f"{d.get('name', '')} ({ident}), {d.get('phone', '')}, {d.get('e_address', '')}"
    return f"{line}, {masked_address(d['domicile'])}" if d.get("domicile") else line


def _claim_line(number: int, claim: Mapping[str, Any]) -> Any:
    """One claim of the summary: its amount, or that it asks for something other than money."""
    if claim.get("kind") == "non_monetary":
        return {"t": "filing.claim_non_monetary", "params": {"number": number, "text": claim.get("text", "")}}
    return f"{number}. {claim.get('text', '')}: {claim.get('amount', '?')}"


def summary_params(
    data: Mapping[str, Any], settings: Mapping[str, Any], assess_with: Assess = assess
) -> dict[str, Any]:
    """The parameters of `filing.summary_text`; ID numbers and domiciles masked."""
    plaintiff = data.get("plaintiff", {})
    track, fee = assess_with(data, settings)
    claims = [_claim_line(i, c) for i, c in enumerate(data.get("claims", []), 1)]
    evidence = [f"- {f['name']} (SHA-256 {f['sha256'][:16]}…)" for f in data.get("evidence", [])]
    phone = plaintiff.get("phone", "")
    return {
        "plaintiff_name": plaintiff.get("name", ""),
        "plaintiff_id": masked_id_number(plaintiff.get("id_number") or ""),
        "plaintiff_phone": f"{phone}, {masked_address(plaintiff['domicile'])}" if plaintiff.get("domicile") else phone,
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


def reference(data: Mapping[str, Any]) -> dict[str, Any]:
    due = data.get("_due", {})

    def end(kind: str) -> dict[str, Any]:
        """A period's end; one that runs from receipt and has not started says so (filing v4)."""
        if kind in data.get("_unstarted", {}):
            return {"t": "deadline.from_receipt"}
        return {"time": due.get(kind, "")}

    return {
        "reference": data.get("reference", ""),
        "case_number": data.get("case_number", ""),
        "review_due": {"time": due.get("review", "")},
        "correction_due": end("correction"),
        "payment_due": end("payment"),
        "representative_due": {"time": due.get("representative_proof", "")},
        "answer_period": {"t": f"filing.answer_period.{_answer_track(data)}"},
    }


def _answer_track(data: Mapping[str, Any]) -> str:
    """Small claims: the court sets the answer period, at most 15 days (Interp. 275); otherwise
    15 days from service (CPL 128)."""
    return "small_claims" if data.get("track") == "small_claims" else "standard"


def fee_notice(data: Mapping[str, Any]) -> dict[str, Any]:
    fee = data.get("fee", {})
    return {
        **reference(data),
        "fee": fee.get("due", "0"),
        "fee_explanation": fee.get("explain", {}) or "",
        "track": {"t": f"track.{data.get('track', 'ordinary')}"},
        "evidence_period": {"t": f"filing.evidence_period.{data.get('track', 'ordinary')}"},
        "provider": data.get("payment_provider", {"t": "payment.demo_provider"}),
    }


class Formatters:
    """The formatters that read the court's settings (upload limits, the small-claims ceiling).
    `assess_with` proposes the track and fee: filing v1-v3 charge every case as a property case,
    v4 names formatters built with `assess_by_case_type`."""

    def __init__(self, settings: Mapping[str, Any], assess_with: Assess = assess) -> None:
        self.settings = settings
        self.assess_with = assess_with

    def filing_summary(self, data: Mapping[str, Any]) -> dict[str, Any]:
        summary = {"t": "filing.summary_text", "params": summary_params(data, self.settings, self.assess_with)}
        return {**reference(data), "summary": summary}

    def correction_period(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The correction period the court sets (OLR 9, ICP 7 leave it to the court: setting
        `correction_period`, else the flow's 7 days), in words."""
        return {"period": period_words(str(self.settings.get("correction_period") or "P7D"))}

    def correction_summary(self, data: Mapping[str, Any]) -> dict[str, Any]:
        defects = data.get("review", {}).get("defects", "")
        return {**self.filing_summary(data), "defects": defects}

    def identity_mismatch_notice(self, data: Mapping[str, Any]) -> dict[str, Any]:
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
        return {**self.filing_summary(data), "situation": {"t": situation, "params": people}}

    def evidence_limits(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "max_mb": self.settings.get("max_upload_mb", 20),
            "accept": "PDF, JPG, PNG, DOC(X), XLS(X), TXT, MP3, MP4, ZIP",
        }

    def representative_documents(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Who is asked to prove what, and the documents they have sent so far."""
        return {**representative_params(data), **self.evidence_limits(data)}


def invitation_notice(data: Mapping[str, Any]) -> dict[str, Any]:
    invitation = data.get("invitation", {})
    defendant = data.get("defendant", {})
    return {
        **reference(data),
        "telegram_link": invitation.get("telegram_link") or "-",
        "web_link": invitation.get("web_link") or "-",
        "code": invitation.get("short_code") or invitation.get("code", ""),  # the short one to read out
        "e_address": defendant.get("e_address", ""),
        "defendant": defendant.get("name", ""),
        "link_due": {"time": data.get("_due", {}).get("defendant_link", "")},
    }


def refusal_notice(data: Mapping[str, Any]) -> dict[str, Any]:
    return {**reference(data), "reasons": data.get("review", {}).get("refusal", "")}


def representative_review(data: Mapping[str, Any]) -> dict[str, Any]:
    """What the court decides on: who joined for which company, with the documents they sent
    (opened from the web chat, each one's hash shown)."""
    sent = data.get("representative", {})
    files = [*sent.get("earlier_documents", []), *sent.get("documents", [])]
    return {
        **representative_params(data),
        "documents": [f"- {f['name']} (SHA-256 {f['sha256'][:16]}…)" for f in files],
        "attachments": [{"evidence_id": f["evidence_id"], "name": f["name"]} for f in files],
    }


def track_proposal(data: Mapping[str, Any]) -> dict[str, Any]:
    """The judge's track question (filing v4): what the filing proposed, and who decides."""
    return {
        **reference(data),
        "track": {"t": f"track.{data.get('track', 'ordinary')}"},
        "judge": data.get("judge", {}).get("name", ""),
    }


def notice_to_defendant(data: Mapping[str, Any]) -> dict[str, Any]:
    """Filing v4, to the plaintiff: when the court must send the defendant the notice of the claim
    (5 days from acceptance, CPL 128), or that this has passed and the court was told."""
    duty = data.get("_duties", {}).get("notice_to_defendant") or {}
    due = {"due_at": {"time": duty.get("due", "")}}
    if not duty:  # accepted before the court kept this period
        clause: dict[str, Any] = {"t": "filing.notice_due_law"}
    else:
        clause = {"t": "filing.notice_due_passed" if duty.get("overdue_at") else "filing.notice_due_by", "params": due}
    return {**reference(data), "notice_due": clause}


def fee_relief(data: Mapping[str, Any]) -> dict[str, Any]:
    """The judge's view of a fee-relief application (filing v4, FM 44-48)."""
    relief = data.get("fee_relief", {})
    return {
        **fee_notice(data),
        "kind": {"t": f"filing.relief_{relief.get('kind', 'waiver')}"},
        "reasons": relief.get("reasons", ""),
    }


def defendant_notice_params(data: Mapping[str, Any]) -> dict[str, Any]:
    """The notice to the defendant (filing v4, OLR 10): who sues, and how to take part online."""
    return {
        **invitation_notice(data),
        "plaintiff": data.get("plaintiff", {}).get("name", ""),
    }


def period_words(iso: str) -> dict[str, Any] | str:
    """An ISO-8601 period as the texts say it: in days, months or hours (`P7D`: "7 days"); any
    other mix as written."""
    period = parse_duration(iso)
    if period.months and not period.days and not period.clock:
        return {"t": "filing.period_months", "params": {"months": period.months}}
    if period.days and not period.months and not period.clock:
        return {"t": "filing.period_days", "params": {"days": period.days}}
    if period.is_hour_period:
        return {"t": "filing.period_hours", "params": {"hours": int(period.clock.total_seconds() // 3600)}}
    return iso
