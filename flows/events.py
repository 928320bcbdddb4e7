"""Events fed to `advance()`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Start:
    """Open a new case on the flow's start stage."""


@dataclass(frozen=True)
class Answer:
    """A participant's answer to the prompt it was shown (step and seq quoted back)."""

    role: str
    step: str
    seq: int
    value: Any


@dataclass(frozen=True)
class DeadlineReached:
    """The sweeper found a deadline row due (`reminder` for its early warning)."""

    kind: str
    stage_seq: int
    reminder: bool = False


@dataclass(frozen=True)
class Signal:
    """Something outside the conversation happened (payment confirmed, number allocated)."""

    name: str
    payload: dict[str, Any] = field(default_factory=dict)


Event = Start | Answer | DeadlineReached | Signal
