"""What the judgment flow's texts show, and its guard. Pure reads of the case data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from court.e_service import ISSUED


def judgment_reference(data: Mapping[str, Any]) -> dict[str, Any]:
    return {"case_number": data.get("case_number") or data.get("reference") or ""}


def judgment_served(data: Mapping[str, Any]) -> dict[str, Any]:
    """The served judgment or ruling: its orders, who bears the fee, the appeal notice, and the
    signed file it serves (`issued_document`: what the download and Telegram's document are)."""
    issued: Mapping[str, Any] = data.get("judgment") or {}
    days = issued.get("appeal_days")
    appeal = {"t": "judgment.appeal_days", "params": {"days": days}} if days else {"t": "judgment.appeal_final"}
    return {
        **judgment_reference(data),
        "title": {"t": f"document.{issued.get('kind', 'judgment')}"},
        "orders": [f"{n}. {order}" for n, order in enumerate(issued.get("orders") or [], 1)],
        "fees": [
            {"t": "judgment.fee_share", "params": {"party": {"t": f"role.{role}"}, "amount": amount}}
            for role, amount in issued.get("fee_shares") or []
        ],
        "appeal": appeal,
        "sha256": issued.get("document_sha256", ""),
        ISSUED: {
            "sha256": issued.get("document_sha256", ""),
            "signed_at": issued.get("document_signed_at", ""),
            "signer": issued.get("document_signer", ""),
        },
    }


def is_ruling(data: Mapping[str, Any], _value: Any) -> bool:
    """The document issued is a ruling (on a withdrawal): the case ends where it is served."""
    return bool((data.get("judgment") or {}).get("kind") == "ruling")
