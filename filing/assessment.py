"""The track and fee a filing proposes (CPL 165-166; FM 13, FM 16), from its case type and claims.

Filing versions 1 to 3 charged every case as a property case (`assess`, kept for the cases still
running on them). From version 4 the case type and the kind of each claim decide (`assess_by_case_type`):
the FM 13 fee kind, and which tracks the court may propose to the judge, who decides.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from court.fees import FeeBreakdown, FeeError, FeeSettings, property_fee, propose_track

DEFAULT_SMALL_CLAIMS_CEILING = "50000"

IP_CASE_TYPES = frozenset({"online_copyright_ownership", "online_copyright_infringement", "domain_name"})
"""Intellectual-property civil cases (a domain-name dispute is one): with an amount in dispute
they pay the property bands, without one the IP per-case fee (FM 13(3))."""

NO_SMALL_CLAIMS: Mapping[str, str] = {
    "administrative": "ALL",  # administrative cases follow the Administrative Litigation Law: no small claims
    "public_interest": "CPL 166(6), Interp. 257",  # not suited to small claims
    "online_copyright_ownership": "CPL 166(1)",  # a title (ownership) case
}
"""Case types the small-claims procedure never hears, with the rule that excludes them."""


class Fee(Protocol):
    """What a filing shows of its fee: a single FM 13 kind or several added up."""

    @property
    def fee_due(self) -> Decimal: ...
    @property
    def full_fee(self) -> Decimal: ...
    @property
    def rule(self) -> str: ...
    @property
    def reductions(self) -> list[str]: ...
    def explain(self, locale: Any) -> str: ...


Assess = Callable[[Mapping[str, Any], Mapping[str, Any]], "tuple[str, Fee | None]"]


@dataclass(frozen=True)
class AssessedFee:
    """The fee of a filing whose claims are of more than one FM 13 kind (money and non-money
    claims in one civil case): each kind charged by its own rule, the fees added up."""

    parts: tuple[FeeBreakdown, ...]

    @property
    def fee_due(self) -> Decimal:
        return sum((p.fee_due for p in self.parts), Decimal(0))

    @property
    def full_fee(self) -> Decimal:
        return sum((p.full_fee for p in self.parts), Decimal(0))

    @property
    def rule(self) -> str:
        return " + ".join(p.rule for p in self.parts)

    @property
    def reductions(self) -> list[str]:
        return list(dict.fromkeys(r for p in self.parts for r in p.reductions))

    def explain(self, locale: Any) -> str:
        return "\n".join(p.explain(locale) for p in self.parts)


def total_claimed(data: Mapping[str, Any]) -> Decimal:
    """The money claimed, summed over the claims that have an amount."""
    return sum((Decimal(c.get("amount") or 0) for c in data.get("claims", [])), Decimal(0))


def has_non_monetary_claim(data: Mapping[str, Any]) -> bool:
    """Whether a claim asks for something other than money (an apology, a take-down, a transfer)."""
    return any(c.get("kind") == "non_monetary" for c in data.get("claims", []))


def _ceiling(settings: Mapping[str, Any]) -> Decimal:
    return Decimal(str(settings.get("small_claims_ceiling", DEFAULT_SMALL_CLAIMS_CEILING)))


def _guide(settings: Mapping[str, Any]) -> Decimal | None:
    guide = settings.get("summary_guide")
    return Decimal(str(guide)) if guide else None


def assess(data: Mapping[str, Any], settings: Mapping[str, Any]) -> tuple[str, FeeBreakdown | None]:
    """Filing v1-v3: the proposed track (CPL 165) and a property-case fee (FM 13, FM 16)."""
    total = total_claimed(data)
    if total <= 0:
        return "ordinary", None
    track = propose_track(total, small_claims_ceiling=_ceiling(settings), summary_guide=_guide(settings))
    try:
        return track, property_fee(total, track=track, settings=FeeSettings())
    except FeeError:
        return track, None


def small_claims_excluded(data: Mapping[str, Any]) -> str | None:
    """The rule that keeps this filing off the small-claims track, or None. Small claims hear only
    simple money claims (CPL 165), never the case types of CPL 166 and Interp. 257."""
    excluded = NO_SMALL_CLAIMS.get(str(data.get("case_type", "")))
    if excluded:
        return excluded
    return "CPL 165" if has_non_monetary_claim(data) else None


NO_SUMMARY: Mapping[str, str] = {
    "public_interest": "Interp. 257(5)",  # a case involving the public interest is never summary
}
"""Case types the summary procedure never hears, with the rule that excludes them."""


def track_refusal(data: Mapping[str, Any], settings: Mapping[str, Any], track: str) -> tuple[str, str] | None:
    """Why `track` cannot hear this filing, as (reason, rule), or None when it can (filing v4: the
    judge is offered only the tracks possible). Small claims hear simple money claims up to the
    ceiling, or up to four times it (200% of the wage figure) when the parties agreed (CPL 165),
    never the case types of CPL 166 and the Administrative Litigation Law; summary procedure never
    a case involving the public interest (Interp. 257); ordinary procedure hears any case."""
    case_type = str(data.get("case_type", ""))
    if track == "summary" and case_type in NO_SUMMARY:
        return case_type, NO_SUMMARY[case_type]
    if track != "small_claims":
        return None
    if case_type in NO_SMALL_CLAIMS:
        return case_type, NO_SMALL_CLAIMS[case_type]
    if has_non_monetary_claim(data):
        return "not_money", "CPL 165"
    agreed = data.get("small_claims_agreement") == "yes"
    if total_claimed(data) > _ceiling(settings) * (4 if agreed else 1):
        return ("above_agreed_limit", "CPL 165(2)") if agreed else ("above_ceiling", "CPL 165")
    return None


def small_claims_by_agreement_possible(data: Mapping[str, Any], settings: Mapping[str, Any]) -> bool:
    """CPL 165(2): above the ceiling but within 200% of the wage figure (four times the 50%
    ceiling), the parties may agree to small claims; only then is the plaintiff asked."""
    total, ceiling = total_claimed(data), _ceiling(settings)
    return small_claims_excluded(data) is None and ceiling < total <= ceiling * 4


def proposed_track(data: Mapping[str, Any], settings: Mapping[str, Any]) -> str:
    """The track proposed to the judge (CPL 160, 165-166); the judge decides."""
    total = total_claimed(data)
    if data.get("case_type") in ("administrative", *NO_SUMMARY) or total <= 0:
        return "ordinary"
    return propose_track(
        total,
        small_claims_ceiling=_ceiling(settings),
        simple_money_claim=small_claims_excluded(data) is None,
        summary_guide=_guide(settings),
        small_claims_agreed=data.get("small_claims_agreement") == "yes",
    )


def fee_kinds(data: Mapping[str, Any]) -> list[tuple[str, Decimal]]:
    """The FM 13 kinds a filing is charged as, each with the money it is charged on."""
    case_type, money = data.get("case_type"), total_claimed(data)
    if case_type == "administrative":  # FM 13(5): per case, whatever is claimed
        return [("administrative", Decimal(0))]
    if case_type == "online_personal_rights" and data.get("rights_kind") == "personality":
        return [("personal_rights", money)]  # FM 13(2)(2): per case, plus a share of damages
    if case_type in IP_CASE_TYPES:  # FM 13(3)
        return [("property", money)] if money > 0 else [("ip_no_amount", Decimal(0))]
    kinds: list[tuple[str, Decimal]] = []
    if money > 0:
        kinds.append(("property", money))  # FM 13(1)
    if has_non_monetary_claim(data):
        kinds.append(("non_property", Decimal(0)))  # FM 13(2)(3)
    return kinds


def assess_by_case_type(data: Mapping[str, Any], settings: Mapping[str, Any]) -> tuple[str, Fee | None]:
    """Filing v4: the proposed track and the fee by case type and claim kind (FM 13, FM 16)."""
    track = proposed_track(data, settings)
    return track, fee_on_track(data, settings, track)


def fee_on_track(data: Mapping[str, Any], settings: Mapping[str, Any], track: str) -> Fee | None:
    """The fee by case type and claim kind on `track` (FM 13; FM 16 halves it for summary and
    small-claims cases): the proposed track at submission, then the one the judge decided."""
    try:
        parts = tuple(property_fee(amount, track=track, case_kind=kind) for kind, amount in fee_kinds(data))
    except FeeError:
        return None
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else AssessedFee(parts)
