"""The filing flow's guards: (case data, the answer just given) -> whether a transition applies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def defendant_is_company(data: Mapping[str, Any], value: Any) -> bool:
    return bool(data.get("defendant", {}).get("kind") == "company")


def routed_elsewhere(data: Mapping[str, Any], value: Any) -> bool:
    return data.get("case_type") == "other" and data.get("routing") == "route"
