"""The trial flow's guards: (case data, the answer just given) -> whether a route applies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from court.domicile import domiciled_abroad


def defendant_abroad(data: Mapping[str, Any], _value: Any) -> bool:
    """The defendant is domiciled abroad: 30 days to answer (CPL 285)."""
    return domiciled_abroad(data.get("defendant", {}))


def small_claims_track(data: Mapping[str, Any], _value: Any) -> bool:
    return data.get("track") == "small_claims"


def summary_track(data: Mapping[str, Any], _value: Any) -> bool:
    return data.get("track") == "summary"


def jurisdiction_objected(data: Mapping[str, Any], _value: Any) -> bool:
    """The answer objects to the court's jurisdiction: the judge rules first (CPL 130)."""
    return bool(data.get("answer", {}).get("jurisdiction") == "object")


def jurisdiction_upheld(data: Mapping[str, Any], _value: Any) -> bool:
    return bool(data.get("jurisdiction", {}).get("ruling") == "uphold")


def late_evidence_plaintiff(data: Mapping[str, Any], _value: Any) -> bool:
    """The plaintiff gave evidence in the exchange, after the evidence period (CPL 68)."""
    return bool(data.get("exchange", {}).get("plaintiff", {}).get("evidence"))


def late_evidence_defendant(data: Mapping[str, Any], _value: Any) -> bool:
    """The defendant gave evidence in the exchange, after the evidence period (CPL 68)."""
    return bool(data.get("exchange", {}).get("defendant", {}).get("evidence"))
