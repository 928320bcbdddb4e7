"""The filing flow's guards: (case data, the answer just given) -> whether a transition applies."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from filing.assessment import small_claims_by_agreement_possible, track_refusal


def defendant_is_company(data: Mapping[str, Any], value: Any) -> bool:
    return bool(data.get("defendant", {}).get("kind") == "company")


def routed_elsewhere(data: Mapping[str, Any], value: Any) -> bool:
    return data.get("case_type") == "other" and data.get("routing") == "route"


def small_claims_agreement_possible(settings: Mapping[str, Any]) -> Callable[[Mapping[str, Any], Any], bool]:
    """CPL 165(2): the guard asking whether the parties agreed to small claims, which is reachable
    only for a simple money claim above the ceiling and within four times it (200% of the wage)."""

    def guard(data: Mapping[str, Any], value: Any) -> bool:
        return small_claims_by_agreement_possible(data, settings)

    return guard


def track_possible(settings: Mapping[str, Any]) -> Callable[[Mapping[str, Any], Any], bool]:
    """The guard on each track the judge may choose (filing v4): offered only when the case type,
    the claims and the amount allow it (CPL 165, 166, Interp. 257)."""

    def guard(data: Mapping[str, Any], value: Any) -> bool:
        return track_refusal(data, settings, str(value)) is None

    return guard
