"""The track and fee a filing proposes (CPL 165; FM 13, FM 16), from its claims."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from court.fees import FeeBreakdown, FeeError, FeeSettings, property_fee, propose_track

DEFAULT_SMALL_CLAIMS_CEILING = "50000"


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


def fee_on_track(data: Mapping[str, Any], settings: Mapping[str, Any], track: str) -> FeeBreakdown | None:
    """The fee for the claims so far on the track the judge decided (FM 13, FM 16)."""
    total = total_claimed(data)
    if total <= 0:
        return None
    try:
        return property_fee(total, track=track, settings=FeeSettings())
    except FeeError:
        return None
