"""Commands: what channels, the sweeper and the console ask the service layer to do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OpenCase:
    person_id: str
    flow_id: str
    channel: str
    idempotency_key: str | None = None


@dataclass(frozen=True)
class SubmitAnswer:
    person_id: str
    case_id: str
    step: str
    seq: int
    value: Any
    channel: str
    idempotency_key: str | None = None  # e.g. a Telegram update_id: a repeat changes nothing


@dataclass(frozen=True)
class UploadEvidence:
    person_id: str
    case_id: str
    step: str
    seq: int
    name: str
    content_type: str
    content: bytes
    channel: str
    idempotency_key: str | None = None


@dataclass(frozen=True)
class ConfirmPayment:
    payment_id: str
    provider_ref: str


@dataclass(frozen=True)
class ExtendDeadline:
    """Move a pending deadline later in one operation (the judge's or a self-service extension)."""

    person_id: str
    case_id: str
    kind: str
    days: int
    reason: str
