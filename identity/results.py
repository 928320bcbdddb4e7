"""What the identity service answers: its results, and the refusal of a request."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from identity.liveness import ChallengeKind

__all__ = [
    "HistoryEntry",
    "IdentityRefused",
    "IdentityStatus",
    "IssuedChallenge",
    "Outcome",
    "QueueItem",
    "Reverification",
    "Verification",
]

Outcome = Literal["verified", "pending_review", "failed", "refused"]


class IdentityRefused(Exception):
    """The request cannot go ahead; ``code`` is a text key (see ``explain``), nothing recorded."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code, self.params = code, params


@dataclass(frozen=True)
class IdentityStatus:
    """Where a person stands: what the mini-app shows and what to do next."""

    verified: bool
    method: str | None
    consent: bool
    reference: bool
    attempts_left: int
    in_review: bool


@dataclass(frozen=True)
class IssuedChallenge:
    """A liveness challenge: the actions to record, in order; the nonce is single-use and bound
    to the person."""

    nonce: str
    actions: tuple[ChallengeKind, ...]
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Verification:
    """The outcome of one verification attempt (a recorded decision)."""

    outcome: Outcome
    reason: str | None
    distance: float | None
    liveness: str
    attempts_left: int
    queued: bool = False  # the person is now in the clerk's manual-check queue
    moved_cases: int = 0  # cases that left identity_check because of this


@dataclass(frozen=True)
class Reverification:
    """A re-verification at the start of a session (OLR 7(3)), as recorded."""

    passed: bool
    reason: str | None
    distance: float | None
    at: datetime


@dataclass(frozen=True)
class QueueItem:
    """A person waiting for a clerk's manual identity check."""

    person_id: str
    display_name: str
    name: str
    id_masked: str
    since: datetime
    outcome: str
    reason: str | None
    distance: float | None
    channel: str
    cases: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class HistoryEntry:
    """One decision that led to (or ended) a manual check: a reference given, a check, a clerk's
    decision. Numbers and outcome only; its pictures, if held, are named by ``decision_id``."""

    decision_id: int
    at: datetime
    purpose: str
    channel: str
    outcome: str
    reason: str | None
    liveness: str
    distance: float | None
    tolerance: float
    decided_by: str | None
    override_reason: str | None
