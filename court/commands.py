"""Commands: what channels, the sweeper and the console ask the service layer to do."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from court.documents.layout import CourtDocument


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


@dataclass(frozen=True)
class ApplyForMoreTime:
    """A party asks for more time after an obstacle kept them from a period (CPL 86). `kind`: the
    deadline's kind; None: the case's current (or last) deadline. `obstacle_ended`: ISO date."""

    person_id: str
    case_id: str
    obstacle_ended: str
    reason: str
    channel: str
    kind: str | None = None


@dataclass(frozen=True)
class DecideMoreTime:
    """The judge decides an application for more time (CPL 86): `days` more when granted."""

    person_id: str
    case_id: str
    application: str
    grant: bool
    days: int = 0
    reason: str = ""


@dataclass(frozen=True)
class ApplyToWithdraw:
    """The plaintiff applies to withdraw its suit (CPL 148) at any stage of the trial or at
    DELIBERATION, with optional reasons; the assigned judge approves (a ruling) or refuses."""

    person_id: str
    case_id: str
    reasons: str
    channel: str


@dataclass(frozen=True)
class StateWithdrawalView:
    """The defendant (or its agent) says whether it agrees to the plaintiff's pending application
    to withdraw (`view`: "agree" or "object", an objection with reasons), within the period the
    court gives (SPC Interp. of the CPL Art. 238(2)); the judge decides either way."""

    person_id: str
    case_id: str
    view: str
    reasons: str
    channel: str


@dataclass(frozen=True)
class RefuseWithdrawal:
    """The assigned judge refuses the pending application to withdraw, with reasons (CPL 148)."""

    person_id: str
    case_id: str
    reasons: str


@dataclass(frozen=True)
class UnpublishJudgment:
    """The case's judge withdraws its published judgment from the public on an OLR 27 ground
    (`court.publication.GROUNDS`), with reasons."""

    person_id: str
    case_id: str
    ground: str
    reason: str
    channel: str


@dataclass(frozen=True)
class ReassignJudge:
    """An admin of the case's court gives the case to another of its judges."""

    person_id: str
    case_id: str
    judge_id: str
    reason: str


# -- people and their channel accounts (court.people) ---------------------------------------


@dataclass(frozen=True)
class RecordContact:
    """A channel account wrote in: its person, created on first contact, marked used now."""

    channel: str
    external_id: str
    locale: str
    display_name: str = ""


@dataclass(frozen=True)
class RecordChannelUse:
    """The person just used this channel: the court's prompts follow the channel used last."""

    person_id: str
    channel: str
    external_id: str


@dataclass(frozen=True)
class SetLocale:
    person_id: str
    locale: str


@dataclass(frozen=True)
class ClaimInput:
    """Claim an inbound update that changes no case (a command, a menu): once per key."""

    channel: str
    key: str


@dataclass(frozen=True)
class LinkAccounts:
    """Merge the redeemer of a link code into its issuer. The account it was redeemed on
    (`channel`, `external_id`) is bound to the person kept; on the web, `session_token` too."""

    issuer: str
    redeemer: str
    channel: str
    external_id: str
    session_token: str | None = None


@dataclass(frozen=True)
class ReadCase:
    """A person opens a case: its history is shown and served documents in it are read (OLR 31(2))."""

    person_id: str
    case_id: str
    locale: str


# -- web sessions (court.sessions) ------------------------------------------------------------


@dataclass(frozen=True)
class StartDemoSession:
    demo_key: str


@dataclass(frozen=True)
class StartNewcomerSession:
    locale: str


@dataclass(frozen=True)
class StartAccountSession:
    """A session for the person behind a channel account (the mini-app opened from Telegram)."""

    channel: str
    external_id: str
    locale: str
    display_name: str = ""


@dataclass(frozen=True)
class RedeemSigninLink:
    token: str


@dataclass(frozen=True)
class EndSession:
    token: str | None


# -- case commands that name the prompt or document by what the person saw --------------------


@dataclass(frozen=True)
class AnswerPrompt:
    """Answer the prompt the person was last shown (read under the case lock). `interpret` turns
    the raw input into the answer's value, or raises court.outcomes.NotAnAnswer."""

    person_id: str
    case_id: str
    channel: str
    interpret: Callable[[dict[str, Any] | None], Any]
    idempotency_key: str | None = None


@dataclass(frozen=True)
class JoinCase:
    """The defendant follows the court's invitation (OLR 10)."""

    person_id: str
    code: str
    channel: str


@dataclass(frozen=True)
class SignServedDocument:
    """A served document (`part` "document") or its e-service certificate ("certificate") as a
    PDF the court signs, for the party it was served on or the court (issue 16)."""

    person_id: str
    case_id: str
    message_id: int
    part: str
    locale: str


@dataclass(frozen=True)
class AcknowledgeService:
    """The recipient of a served document says they received it (OLR 31)."""

    person_id: str
    message_id: int
    channel: str


@dataclass(frozen=True)
class WithdrawEServiceConsent:
    """A party withdraws its consent to electronic service (OLR 4-5: it may change its mind);
    later documents are served another way."""

    person_id: str
    case_id: str
    channel: str


@dataclass(frozen=True)
class WithdrawAsynchronousConsent:
    """A party withdraws its consent to the asynchronous trial at any point of an asynchronous
    stage (OLR 5): the stage goes on at a live hearing; what was done stays valid (OLR 21)."""

    person_id: str
    case_id: str
    channel: str


@dataclass(frozen=True)
class OrderLiveHearing:
    """The assigned judge sends the case from an asynchronous stage to a live hearing, with
    reasons (a ruling; OLR 21: what was done stays valid)."""

    person_id: str
    case_id: str
    reasons: str
    channel: str


@dataclass(frozen=True)
class IssueDocument:
    """The assigned judge issues a court document that moves the case (a judgment, a ruling):
    rendered, signed by the court, stored, and fed to the case as the signal `signal` with
    `record` (and the signed file's SHA-256, `document_sha256`) set under `data_key` in the case
    data. Only while the case is at `status`; nothing is written if it cannot be made."""

    person_id: str
    case_id: str
    document: CourtDocument
    signal: str
    data_key: str
    record: dict[str, Any]
    status: str
    channel: str


@dataclass(frozen=True)
class SaveJudgmentDraft:
    """The case's judge saves the judgment or ruling it is writing (`content`: what the desk holds,
    checked by `judgment.desk`), replacing the case's one draft, until a document is issued."""

    person_id: str
    case_id: str
    content: dict[str, Any]
