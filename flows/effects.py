"""What `advance()` asks the world to do. The service layer turns each into a row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Prompt:
    """The question a message asks: answering it must quote `step` and `seq`."""

    step: str
    seq: int
    input: dict[str, Any]
    deadline: str | None = None  # the stage deadline's kind, for the countdown


@dataclass(frozen=True)
class Message:
    """A message to whoever holds `role` in the case, rendered later in their language."""

    role: str
    text: str
    params: dict[str, Any] = field(default_factory=dict)
    prompt: Prompt | None = None


@dataclass(frozen=True)
class ScheduleDeadline:
    """A stage's deadline. With `starts_on` it is unstarted (`due_at` None): the court starts it
    when that served document's service on `served_to` takes effect (CPL 90, OLR 31), counting
    `duration` from then with `remind_before` as its reminder."""

    kind: str
    stage: str
    stage_seq: int
    due_at: datetime | None
    remind_at: datetime | None
    rule: str
    warnings: tuple[str, ...] = ()
    starts_on: str | None = None
    served_to: str | None = None
    duration: str = ""
    remind_before: str | None = None


@dataclass(frozen=True)
class CancelDeadlines:
    """Cancel the case's pending deadlines set before `before_stage_seq`, except the court's open
    duties of the kinds in `keep` (they outlive their stage)."""

    before_stage_seq: int
    keep: tuple[str, ...] = ()


@dataclass(frozen=True)
class MoveDeadline:
    """Move the pending deadline `kind` of stage `stage_seq` to `due_at` (a self-service extension)."""

    kind: str
    stage_seq: int
    due_at: datetime
    remind_at: datetime | None


@dataclass(frozen=True)
class ServiceCall:
    """Work only the service layer can do (a sequence number, a payment); may answer by signal."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ContinueInFlow:
    """The case leaves this flow and continues in the newest version of flow `flow_id`, which the
    kernel starts with the case's data carried over (a stage's `next_flow`)."""

    flow_id: str


Effect = Message | ScheduleDeadline | CancelDeadlines | MoveDeadline | ServiceCall | ContinueInFlow
