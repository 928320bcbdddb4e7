"""Finality (CPL 158, 165) and the period to apply for enforcement (CPL 250).

A judgment no party appealed in its period, or a small-claims judgment once served, is final:
`finality` records when, and the last day a party may apply for enforcement, two years counted
on the court calendar from that day (CPL 250, CPL 85). Where the judgment sets a time to
perform, the law counts the two years from that time's last day; the judgment's orders say so
and the court's notice names the period from finality, the earliest it can end.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flows.context import FlowContext
from flows.durations import parse_duration
from flows.effects import Effect

ENFORCEMENT_PERIOD = "P24M"  # CPL 250: two years


def judgment_final(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """FINAL: the judgment took legal effect now; the last day to apply for enforcement."""
    until = ctx.due(ctx.now, parse_duration(ENFORCEMENT_PERIOD)).at
    small_claims = bool(data.get("judgment", {}).get("small_claims"))
    data["finality"] = {
        "final_at": ctx.now.isoformat(),
        "enforcement_until": until.isoformat(),
        "rule": "CPL 165" if small_claims else "CPL 158",
    }
    return []


def finality(data: Mapping[str, Any]) -> dict[str, Any]:
    """What the parties are told: final since when, why, and the last day to apply for enforcement."""
    final = data.get("finality", {})
    return {
        "case_number": data.get("case_number", ""),
        "title": data.get("judgment", {}).get("title", ""),
        "final_at": {"time": final.get("final_at", "")},
        "enforcement_until": {"time": final.get("enforcement_until", "")},
        "why": {"t": "appeal.final_small_claims" if final.get("rule") == "CPL 165" else "appeal.final_no_appeal"},
    }
