"""Inline-button payloads within Telegram's 64-byte limit, carrying the prompt's seq.

`a:<case id, base64url>:<seq, base36>:<option index, base36>` — the seq makes a button from an
earlier prompt stale; the option index is resolved against the prompt it was drawn from.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass

LIMIT = 64


@dataclass(frozen=True)
class ButtonPress:
    case_id: str
    seq: int
    option: int


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


def short_case_id(case_id: str) -> str:
    """A case id in 22 characters, to fit a button's 64 bytes."""
    return base64.urlsafe_b64encode(uuid.UUID(case_id).bytes).decode().rstrip("=")


def long_case_id(short: str) -> str | None:
    """The case id a button carries (`short_case_id`), or None for anything else."""
    try:
        return str(uuid.UUID(bytes=base64.urlsafe_b64decode(short + "==")))
    except ValueError:
        return None


def encode(press: ButtonPress) -> str:
    data = f"a:{short_case_id(press.case_id)}:{_b36(press.seq)}:{_b36(press.option)}"
    if len(data.encode()) > LIMIT:  # pragma: no cover - a UUID and two numbers always fit
        raise ValueError("callback data over 64 bytes")
    return data


def decode(data: str) -> ButtonPress | None:
    """The press a payload stands for, or None for anything we did not produce."""
    try:
        kind, case, seq, option = data.split(":")
        if kind != "a":
            return None
        case_id = str(uuid.UUID(bytes=base64.urlsafe_b64decode(case + "==")))
        return ButtonPress(case_id, int(seq, 36), int(option, 36))
    except (ValueError, TypeError):
        return None
