"""The filing flow's formatters: case data -> the parameters of a text (ID numbers masked)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from filing.assessment import assess, total_claimed
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
    }


def fee_notice(data: Mapping[str, Any]) -> dict[str, Any]:
    fee = data.get("fee", {})
    return {
        **reference(data),
        "fee": fee.get("due", "0"),
        "fee_explanation": fee.get("explain", {}) or "",
        "track": {"t": f"track.{data.get('track', 'ordinary')}"},
        "provider": data.get("payment_provider", {"t": "payment.demo_provider"}),
    }



class Formatters:
    """The formatters that read the court's settings (upload limits, the small-claims ceiling)."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.settings = settings

    def filing_summary(self, data: Mapping[str, Any]) -> dict[str, Any]:
        summary = {"t": "filing.summary_text", "params": summary_params(data, self.settings)}
        return {**reference(data), "summary": summary}

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
        "code": invitation.get("code", ""),
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
