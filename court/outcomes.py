"""What a command did, what a participant's act feeds the engine, and what waits for the commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from court.accounts import Route
from flows.events import Event
from storage.outbox import Letter


@dataclass(frozen=True)
class Outcome:
    """What a command did. `error` is a text key under `errors.`; nothing changed if set."""

    case_id: str | None = None
    error: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class NotAnAnswer(Exception):
    """A channel's reading of raw input: it does not answer the prompt shown (nothing is written)."""

    def __init__(self, reason: str, prompt: dict[str, Any] | None) -> None:
        super().__init__(reason)
        self.reason, self.prompt = reason, prompt


@dataclass(frozen=True)
class Act:
    """What a participant's act feeds the engine, records, and adds as rows if it is accepted."""

    event: Event
    detail: dict[str, Any]
    rows: list[Any] = field(default_factory=list)


@dataclass
class Pending:
    """Work to start only after the transaction commits.

    `inline`: this command sends its own messages after commit (they are written leased).
    """

    inline: bool = True
    payments: list[tuple[str, str, str]] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)
    routes: dict[str, Route] = field(default_factory=dict)
    queued: bool = False
