"""OLR 7(3), OMR 17: a stage that names roles to `reverify` blocks their acts until a fresh
identity check passes; a failed re-check blocks them and alerts the court. Registered with the
engine as a stage hook, an answer check and the `identity_rechecked` signal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flows.context import FlowContext
from flows.effects import Effect, Message
from flows.model import Stage
from flows.registry import InputError, Registry

PENDING, PASSED, FAILED = "pending", "passed", "failed"


def register(registry: Registry) -> None:
    registry.stage_hooks.append(ask_on_entry)
    registry.answer_checks.append(refuse_until_rechecked)
    registry.signals["identity_rechecked"] = rechecked


def ask_on_entry(data: dict[str, Any], stage: Stage, ctx: FlowContext) -> list[Effect]:
    """Entering a stage resets the re-checks to what it asks for, and asks each role."""
    data["_reverify"] = {role: PENDING for role in stage.reverify}
    return [Message(role, "reverify.needed", {}) for role in stage.reverify]


def refuse_until_rechecked(data: Mapping[str, Any], role: str) -> None:
    """No act before a fresh identity check passes."""
    status = data.get("_reverify", {}).get(role)
    if status == PENDING:
        raise InputError("reverify_first")
    if status == FAILED:
        raise InputError("reverify_failed")


def rechecked(data: dict[str, Any], payload: Mapping[str, Any], ctx: FlowContext) -> list[Effect]:
    """The result of a session's identity re-check, for a role the stage asked."""
    role, passed = str(payload.get("role")), bool(payload.get("passed"))
    if data.get("_reverify", {}).get(role) not in (PENDING, FAILED):
        raise InputError("unexpected_signal", signal="identity_rechecked")
    data["_reverify"][role] = PASSED if passed else FAILED
    if passed:
        return []
    return [Message("court", "reverify.failed_alert", {"role": {"t": f"agency.role.{role}"}})]
