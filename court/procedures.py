"""How a procedure joins the court.

Each procedure is a package (`filing/`, and the asynchronous trial, mediation and live hearings
after it) exposing one `register(procedures, settings)`. It adds to the engine's registry the
guards, actions, validators and formatters its flows name, and here the service calls only the
court can answer (with the case locked, in the command's transaction). The kernel's own calls
(case numbers, identity, fees) are registered the same way, by `court.kernel.register`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from court.documents.layout import CourtDocument
from court.invitations import Links
from court.outcomes import Outcome, Pending
from flows.context import DeadlineRule, plain_offset
from flows.effects import ServiceCall
from flows.events import Signal
from flows.library import FlowLibrary
from flows.registry import Registry
from storage.models import Case
from storage.store import Tx

IssueDocument = Callable[[Tx, Case, CourtDocument], Awaitable[dict[str, Any] | Outcome]]
"""The court issues a document of its own motion (the record, OLR 34): rendered, signed with the
court's key, stored and listed in `issued_documents`; what the served message names
(`sha256`, `signed_at`, `signer`, `pages`), or why it could not be issued."""


@dataclass(frozen=True)
class CallContext:
    """What a service call may use: the command's transaction and its locked case."""

    tx: Tx
    case: Case
    now: datetime
    pending: Pending  # after-commit work (payments to start)
    timezone: str
    payment_provider: str
    links: Links  # invitation code -> where the defendant follows it
    due: DeadlineRule = plain_offset  # the court's rule for when a period ends (CPL 85)
    number_hashes: Callable[[str], list[str]] | None = None  # resident ID number -> its look-up HMACs
    library: FlowLibrary | None = None  # the flows, to read a case's record (`asynchronous_trial.record`)
    issue: IssueDocument | None = None


ServiceCallHandler = Callable[[CallContext, ServiceCall], Awaitable[Signal | None]]
"""The court's answer to a service call, as a signal fed back to the engine (None: none now)."""


@dataclass
class Procedures:
    """The engine's registry and the service calls of every procedure the court runs."""

    registry: Registry = field(default_factory=Registry)
    calls: dict[str, ServiceCallHandler] = field(default_factory=dict)
    changes_participants: set[str] = field(default_factory=set)

    def service_call(self, name: str, handler: ServiceCallHandler, *, changes_participants: bool = False) -> None:
        """Add the handler for `name`; `changes_participants` marks a call after which a
        decision's later messages go to who takes part then."""
        if name in self.calls:
            raise ValueError(f"service call {name!r} is registered twice")
        self.calls[name] = handler
        if changes_participants:
            self.changes_participants.add(name)

    async def answer(self, ctx: CallContext, call: ServiceCall) -> Signal | None:
        handler = self.calls.get(call.name)
        if handler is None:
            raise ValueError(f"unknown service call {call.name!r}")
        return await handler(ctx, call)


class Register(Protocol):
    """A procedure package's entry point."""

    def __call__(self, procedures: Procedures, settings: Mapping[str, Any]) -> None: ...


def assemble(settings: Mapping[str, Any], packages: Iterable[Register]) -> Procedures:
    """One `Procedures` with every package registered, the kernel first."""
    from court import kernel

    procedures = Procedures()
    for register in (kernel.register, *packages):
        register(procedures, settings)
    return procedures
