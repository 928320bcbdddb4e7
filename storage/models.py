"""The database schema. Case state and personal data are sealed (encrypted) before they land."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from storage.sealed_column import SealedText

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC instants on every database (SQLite hands back naive values otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: store UTC-aware instants only")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


UTC_TIME = UtcDateTime()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Person(Base):
    """Someone who uses the court: a litigant, or court staff (`staff_role`)."""

    __tablename__ = "people"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    display_name: Mapped[str] = mapped_column(SealedText, default="")  # sealed: at most 100 characters
    locale: Mapped[str] = mapped_column(String(5), default="zh")
    staff_role: Mapped[str | None] = mapped_column(String(10))
    court_code: Mapped[str | None] = mapped_column(String(20))
    demo_key: Mapped[str | None] = mapped_column(String(30), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTC_TIME)
    # linking two accounts of one person merges them (court.linking): this record then lives on
    # in `merged_into`, kept for the acts it did before
    merged_into: Mapped[str | None] = mapped_column(ForeignKey("people.id"), index=True)
    merged_at: Mapped[datetime | None] = mapped_column(UTC_TIME)


class WebSession(Base):
    __tablename__ = "web_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTC_TIME)
    expires_at: Mapped[datetime] = mapped_column(UTC_TIME)


class ChannelAccount(Base):
    """A chat account (web session, Telegram user) bound to a person; never the business key."""

    __tablename__ = "channel_accounts"
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    last_used_at: Mapped[datetime] = mapped_column(UTC_TIME)
    unreachable_at: Mapped[datetime | None] = mapped_column(UTC_TIME)
    unreachable_reason: Mapped[str | None] = mapped_column(String(200))


class ProcessedInput(Base):
    """An inbound delivery already applied (a Telegram `update_id`): a repeat changes nothing."""

    __tablename__ = "processed_inputs"
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTC_TIME)


class DeliveryProblem(Base):
    """The clerk's queue of failed deliveries: who could not be reached, where, and why."""

    __tablename__ = "delivery_problems"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    case_id: Mapped[str | None] = mapped_column(String(36))
    channel: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(200))
    fallback: Mapped[str | None] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTC_TIME)
    resolved_at: Mapped[datetime | None] = mapped_column(UTC_TIME)


class Case(Base):
    __tablename__ = "cases"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    court_code: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    case_number: Mapped[str | None] = mapped_column(String(60), unique=True)
    flow_id: Mapped[str] = mapped_column(String(40))
    flow_version: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(Text)  # sealed JSON of flows.state.CaseState
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTC_TIME)
    updated_at: Mapped[datetime] = mapped_column(UTC_TIME)
    # when the court first received the filing (the case's first message to the court); a filing
    # sent back to its plaintiff (a correction that no longer matches the verified identity)
    # stays received: the court keeps what it had
    received_at: Mapped[datetime | None] = mapped_column(UTC_TIME, nullable=True)
    # the judge the case is assigned to (only they rule in it), and since when (court.judges)
    judge_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), nullable=True, index=True)
    judge_assigned_at: Mapped[datetime | None] = mapped_column(UTC_TIME, nullable=True)


class Participant(Base):
    __tablename__ = "case_participants"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True, index=True)


class InvitationCode(Base):
    """The short form of a defendant's invitation (OLR 10): the hash of a code like `K7MQ-2XPD`,
    pointing at its case, so that a code read out by phone or typed from paper finds the case.
    Only the hash is kept; the row goes when the invitation is used or replaced."""

    __tablename__ = "invitation_codes"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(UTC_TIME)


class CaseNumberCounter(Base):
    """`(YEAR)COURT民初SEQ号`: SEQ per court, year and category, never repeated (DOMAIN §4.5)."""

    __tablename__ = "case_number_counters"
    court_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(10), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Deadline(Base):
    """A procedural deadline as a row; the sweeper claims due rows and fires them once."""

    __tablename__ = "deadlines"
    __table_args__ = (
        UniqueConstraint("case_id", "kind", "stage_seq", name="uq_deadlines_case_kind_stage"),
        Index("ix_deadlines_pending_due", "status", "due_at"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    stage: Mapped[str] = mapped_column(String(40))
    stage_seq: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime | None] = mapped_column(UTC_TIME)  # None while unstarted
    remind_at: Mapped[datetime | None] = mapped_column(UTC_TIME)
    reminded_at: Mapped[datetime | None] = mapped_column(UTC_TIME)
    # unstarted|pending|fired|cancelled|stale; unstarted: waiting for a served document to take effect
    status: Mapped[str] = mapped_column(String(12), default="pending")
    starts_on: Mapped[str | None] = mapped_column(String(80))  # the served document's text key
    served_to: Mapped[str | None] = mapped_column(String(20))  # the role it is served on
    duration: Mapped[str | None] = mapped_column(String(20))  # ISO-8601, counted once it starts
    remind_before: Mapped[str | None] = mapped_column(String(20))
    served_messages: Mapped[str] = mapped_column(Text, default="")  # outbox ids serving it, comma-separated
    started_at: Mapped[datetime | None] = mapped_column(UTC_TIME)  # when its document's service took effect
    fired_at: Mapped[datetime | None] = mapped_column(UTC_TIME)
    fired_by: Mapped[str | None] = mapped_column(String(60))
    lag_seconds: Mapped[float | None]
    extended_from: Mapped[datetime | None] = mapped_column(UTC_TIME)
    rule: Mapped[str] = mapped_column(String(60), default="")
    warnings: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str | None] = mapped_column(Text)


class OutboxMessage(Base):
    """A message to send, committed with the state change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_available", "status", "available_at"),
        Index("ix_outbox_person_case_prompt", "person_id", "case_id", "prompt_seq"),
        Index("ix_outbox_person_status", "person_id", "status"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))  # indexed below, twice
    payload: Mapped[str] = mapped_column(Text)  # sealed JSON: text key, params, prompt
    prompt_seq: Mapped[int | None] = mapped_column(Integer)  # set when the message asks something
    status: Mapped[str] = mapped_column(String(14), default="pending")  # pending|sent|undeliverable
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTC_TIME)
    available_at: Mapped[datetime] = mapped_column(UTC_TIME)
    sent_at: Mapped[datetime | None] = mapped_column(UTC_TIME)
    channel: Mapped[str | None] = mapped_column(String(20))
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)  # of a split message, on `channel`
    # where a served court document arrived (the account; see court.routing.Delivery.address)
    delivered_to: Mapped[str | None] = mapped_column(String(100))
    # a served court document first shown to its recipient in an opened case (web chat or the
    # mini-app in Telegram): a read receipt, which presumes service where it arrived elsewhere
    read_at: Mapped[datetime | None] = mapped_column(UTC_TIME)
    # a court document served on the person: when and where they said they received it (OLR 31)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTC_TIME)
    acknowledged_via: Mapped[str | None] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)


class CaseEvent(Base):
    """The case record: every act, with who did it, for whom, when and through which channel."""

    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[str | None] = mapped_column(String(36))
    on_behalf_of: Mapped[str | None] = mapped_column(String(36))
    role: Mapped[str | None] = mapped_column(String(20))
    channel: Mapped[str | None] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text)  # sealed JSON
    at: Mapped[datetime] = mapped_column(UTC_TIME)


class Evidence(Base):
    """An uploaded file: hashed on receipt and chained to the case's previous item (OLR 16)."""

    __tablename__ = "evidence"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    uploader_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    name: Mapped[str] = mapped_column(SealedText)  # sealed: file names name people; at most 255 characters
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    chain_hash: Mapped[str] = mapped_column(String(64))
    blob_key: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(UTC_TIME)


class IssuedDocument(Base):
    """A court document the judge issued as a signed PDF (a judgment, a ruling): the stored file
    (`blob_key`, its SHA-256) that every party is served and downloads, byte for byte."""

    __tablename__ = "issued_documents"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # judgment | ruling
    blob_key: Mapped[str] = mapped_column(String(100))  # the signed file's SHA-256
    signer: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[datetime] = mapped_column(UTC_TIME)
    issued_by: Mapped[str] = mapped_column(ForeignKey("people.id"))
    issued_at: Mapped[datetime] = mapped_column(UTC_TIME)


class JudgmentDraft(Base):
    """The judgment or ruling the case's judge is writing at the judgment desk, saved as they type:
    one per case, cleared when a document is issued (`court.judgment_drafts`). Sealed: it names
    the parties and says what the court makes of them."""

    __tablename__ = "judgment_drafts"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    saved_by: Mapped[str] = mapped_column(ForeignKey("people.id"))
    content: Mapped[str] = mapped_column(Text)  # sealed JSON: outcome, language, amounts, the texts
    saved_at: Mapped[datetime] = mapped_column(UTC_TIME)


class Payment(Base):
    __tablename__ = "payments"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    amount: Mapped[str] = mapped_column(String(20))
    provider: Mapped[str] = mapped_column(String(30))
    provider_ref: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending|confirmed|failed|refund_due
    created_at: Mapped[datetime] = mapped_column(UTC_TIME)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTC_TIME)


class AgentMandate(Base):
    """A lawyer or other agent acting for a party, once the clerk accepts the power of attorney."""

    __tablename__ = "agent_mandates"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    party_role: Mapped[str] = mapped_column(String(20))
    party_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    agent_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16))  # invited|pending_review|accepted|refused|revoked
    poa_sha256: Mapped[str | None] = mapped_column(String(64))
    poa_name: Mapped[str | None] = mapped_column(SealedText)  # sealed, at most 255 characters
    created_at: Mapped[datetime] = mapped_column(UTC_TIME)
    decided_by: Mapped[str | None] = mapped_column(String(36))
    decided_at: Mapped[datetime | None] = mapped_column(UTC_TIME)
    reason: Mapped[str | None] = mapped_column(SealedText)  # the clerk's words about the people: sealed


class PublishedJudgment(Base):
    """A final judgment as the public reads it, masked (DOMAIN §12.4; court.publication): one per
    case. Unpublished by the case's judge on an OLR 27 ground, it stays here, hidden, with why."""

    __tablename__ = "published_judgments"
    __table_args__ = (Index("ix_published_judgments_cause_decided", "cause", "decided_on"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), unique=True)
    case_number: Mapped[str] = mapped_column(String(60), index=True)
    court_code: Mapped[str] = mapped_column(String(20))
    cause: Mapped[str] = mapped_column(String(40))  # the case type (filing's `case_type`)
    kind: Mapped[str] = mapped_column(String(10))  # judgment | ruling
    decided_on: Mapped[date] = mapped_column(Date)  # the day it was issued, court time
    locale: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(200))
    masked_text: Mapped[str] = mapped_column(Text)  # public: nothing personal is left in it
    published_at: Mapped[datetime] = mapped_column(UTC_TIME)
    unpublished_at: Mapped[datetime | None] = mapped_column(UTC_TIME)
    unpublished_by: Mapped[str | None] = mapped_column(String(36))
    unpublish_ground: Mapped[str | None] = mapped_column(String(30))  # one of court.publication.GROUNDS
    unpublish_reason: Mapped[str | None] = mapped_column(SealedText)  # the judge's words: sealed
