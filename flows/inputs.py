"""Built-in checks for each input kind, before any named validator runs."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flows.model import InputSpec, Step
from flows.registry import InputError

_AMOUNT_NOISE = re.compile(r"[,，\s元¥￥]|RMB|CNY|yuan", re.IGNORECASE)
DONE = "done"
SUBMIT = "submit"
CONTINUE = "continue"


def check_input(step: Step, raw: Any) -> Any:
    """Return the answer normalised for `step`, or raise InputError."""
    spec = step.input
    kind = spec.kind
    if kind in ("wait", "identity"):
        raise InputError("nothing_to_answer")
    if kind == "info":
        return _one_of(raw, {CONTINUE})
    if kind == "choice":
        return _one_of(raw, {o.value for o in spec.options})
    if kind == "summary":
        return _one_of(raw, {SUBMIT} | {f"edit:{t.step}" for t in step.edit_targets})
    if kind == "files":
        return _file_or_done(raw, spec)
    if kind == "amount":
        return _amount(raw, spec)
    if kind == "statement":
        return _statement(raw, spec)
    return _text(raw, spec)


def _one_of(raw: Any, allowed: set[str]) -> str:
    if not isinstance(raw, str) or raw not in allowed:
        raise InputError("choose_an_option")
    return raw


def _text(raw: Any, spec: InputSpec) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise InputError("empty_text")
    text = raw.strip()
    if len(text) > spec.max_length:
        raise InputError("too_long", limit=spec.max_length, length=len(text))
    return text


def _amount(raw: Any, spec: InputSpec) -> str:
    text = _AMOUNT_NOISE.sub("", str(raw)) if isinstance(raw, (str, int)) else ""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InputError("not_an_amount") from None
    if not value.is_finite():
        raise InputError("not_an_amount")
    if value <= 0:
        raise InputError("amount_not_positive")
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InputError("amount_too_precise")
    if spec.max_amount is not None and value > Decimal(spec.max_amount):
        raise InputError("amount_too_large", limit=spec.max_amount)
    return str(value.quantize(Decimal("0.01")))


def _statement(raw: Any, spec: InputSpec) -> dict[str, Any]:
    """A text, or one uploaded file (the evidence record the court made on receipt)."""
    if isinstance(raw, dict) and {"evidence_id", "name", "sha256"} <= raw.keys():
        return {"file": raw}
    if isinstance(raw, str) and raw.strip():
        return {"text": _text(raw, spec)}
    raise InputError("say_or_send")


def _file_or_done(raw: Any, spec: InputSpec) -> Any:
    if raw == DONE:
        return DONE
    if not isinstance(raw, dict) or not {"evidence_id", "name", "sha256"} <= raw.keys():
        raise InputError("upload_a_file")
    return raw
