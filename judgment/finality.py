"""Finality (CPL 158, 165) and the period to apply for enforcement (CPL 250).

A judgment no party appealed in its period, or a small-claims judgment once served, is final:
`finality` records when; where the judgment orders money paid within a time (its
`performance_days`, stated in the order), the last day of that time, counted from finality on the
court calendar (CPL 85); and the last day a party may apply for enforcement: two years from the
last day of the time to perform, or, where the judgment sets none, from finality (CPL 250), the
last day again on the court calendar.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flows.context import FlowContext
from flows.durations import parse_duration
from flows.effects import Effect

ENFORCEMENT_PERIOD = "P24M"  # CPL 250: two years


def judgment_final(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """FINAL: the judgment took legal effect now; the last day to perform, and to apply for
    enforcement (CPL 250)."""
    issued = data.get("judgment", {})
    days = issued.get("performance_days")
    performance_until = ctx.due(ctx.now, parse_duration(f"P{days}D")).at if days else None
    counted_from: datetime = performance_until or ctx.now
    until = ctx.due(counted_from, parse_duration(ENFORCEMENT_PERIOD)).at
    data["finality"] = {
        "final_at": ctx.now.isoformat(),
        "performance_days": days,
        "performance_until": performance_until.isoformat() if performance_until else None,
        "enforcement_until": until.isoformat(),
        "rule": "CPL 165" if issued.get("small_claims") else "CPL 158",
    }
    return []


def finality(data: Mapping[str, Any]) -> dict[str, Any]:
    """What the parties are told: final since when, why, the last day to perform what it orders,
    and the last day to apply for enforcement, with what it is counted from."""
    final = data.get("finality", {})
    return {
        "case_number": data.get("case_number", ""),
        "title": data.get("judgment", {}).get("title", ""),
        "final_at": {"time": final.get("final_at", "")},
        "performance": performance(final),
        "enforcement_until": {"time": final.get("enforcement_until", "")},
        "counted": {
            "t": "appeal.enforcement_from_performance"
            if final.get("performance_until")
            else "appeal.enforcement_from_final"
        },
        "why": {"t": "appeal.final_small_claims" if final.get("rule") == "CPL 165" else "appeal.final_no_appeal"},
    }


def performance(final: Mapping[str, Any]) -> dict[str, Any] | str:
    """The sentence on the time to perform (empty where the judgment sets none)."""
    if not final.get("performance_until"):
        return ""
    params = {"days": final.get("performance_days"), "until": {"time": final["performance_until"]}}
    return {"t": "appeal.performance_until", "params": params}
