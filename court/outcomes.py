"""What a command did, what a participant's act feeds the engine, and what waits for the commit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from court.accounts import Route
from flows.events import Event, Signal
from storage.outbox import Letter

if TYPE_CHECKING:
    from storage.models import Case
    from storage.store import Tx

AfterWrite = Callable[["Tx", "Case"], Awaitable[Signal | None]]
"""Work a service call leaves for after the command's act is written (in the same transaction,
the case still locked): it reads the case's log with that act on it; its signal, if any, is fed
to the case as the next event."""


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
    after_write: list[AfterWrite] = field(default_factory=list)
