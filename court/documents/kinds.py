"""The court's documents, each built from what the case hands in: the acceptance notice, the fee
notice, a service certificate, the record, and a judgment or ruling from its parts. The numbers
(fees, fee shares) come in computed; nothing here decides anything."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from court.documents.layout import CourtDocument, Section
from court.texts import text


@dataclass(frozen=True)
class Header:
    """What every document of a case carries."""

    locale: str
    court_name: str
    case_number: str  # (YEAR)CODE民初SEQ号
    issued_on: date
    judge: str | None = None
    clerk: str | None = None


@dataclass(frozen=True)
class JudgmentParts:
    """A judgment or ruling as the judge hands it in. `fee_shares`: who bears how much of
    `fee` (FM 29), computed elsewhere. `appeal_days` None: final (small claims, CPL 165);
    `appealable` False: no appeal lies at all (a ruling on a withdrawal, CPL 157)."""

    parties: Sequence[str]
    claims: Sequence[str]
    reasoning: Sequence[str]
    orders: Sequence[str]
    fee: Decimal
    fee_shares: Sequence[tuple[str, Decimal]]
    appeal_court: str
    appeal_days: int | None = 15  # CPL 171: 15 for a judgment, 10 for a ruling, 30 abroad (CPL 286)
    ruling: bool = False
    facts: Sequence[str] = ()  # what the court found (本院查明), before its reasoning
    appealable: bool = True


def _document(header: Header, kind: str, sections: Iterable[Section], appeal: str | None = None) -> CourtDocument:
    return CourtDocument(
        kind=kind,
        locale=header.locale,
        court_name=header.court_name,
        case_number=header.case_number,
        title=text(f"documents.title_{kind}", header.locale),
        sections=tuple(sections),
        issued_on=header.issued_on,
        judge=header.judge,
        clerk=header.clerk,
        appeal_notice=appeal,
    )


def acceptance_notice(header: Header, plaintiff: str, defendant: str, cause: str, track: str) -> CourtDocument:
    body = text(
        "documents.acceptance_body",
        header.locale,
        plaintiff=plaintiff,
        defendant=defendant,
        cause=cause,
        track=track,
        date=header.issued_on.isoformat(),
    )
    return _document(header, "acceptance_notice", [Section(None, (body,))])


def fee_notice(header: Header, fee: Decimal) -> CourtDocument:
    return _document(header, "fee_notice", [Section(None, (text("documents.fee_body", header.locale, fee=fee),))])


CERTIFICATE_ROWS = (
    ("document", "document"),
    ("recipient", "recipient_name"),
    ("channel", "channel"),
    ("address", "address"),
    ("sent", "issued_at"),
    ("delivered", "delivered_at"),
    ("effective", "effective_at"),
    ("effective_by", "effective_by"),
    ("sha256", "content_sha256"),
)


def service_certificate(header: Header, certificate: Mapping[str, Any], document_name: str) -> CourtDocument:
    """One served document's e-service certificate (OLR 31, DOMAIN §7.3), from
    `court.e_service.certificates`; `document_name` is the document's name in the header's language."""
    values = {**certificate, "document": document_name}
    rows = tuple(
        text(
            "documents.certificate_row",
            header.locale,
            label=text(f"documents.certificate_{label}", header.locale),
            value=values.get(key) or "—",
        )
        for label, key in CERTIFICATE_ROWS
    )
    return _document(header, "service_certificate", [Section(None, rows)])


@dataclass(frozen=True)
class RecordEntry:
    at: str  # court-local time, as shown
    actor: str
    what: str


def record(header: Header, parties: Sequence[str], entries: Sequence[RecordEntry]) -> CourtDocument:
    """The record (笔录) of a case: its parties, then every event of its log in order."""
    lines = tuple(text("documents.record_event", header.locale, time=e.at, actor=e.actor, what=e.what) for e in entries)
    sections = [
        Section(text("documents.parties", header.locale), tuple(parties)),
        Section(text("documents.record_heading", header.locale), lines),
    ]
    return _document(header, "record", sections)


def judgment(header: Header, parts: JudgmentParts) -> CourtDocument:
    """A judgment (or ruling) from its parts, with the fee allocation and the appeal notice."""
    locale, kind = header.locale, "ruling" if parts.ruling else "judgment"
    kind_word = text(f"documents.kind_{kind}", locale)
    fees = (
        text("documents.fee_total", locale, fee=parts.fee),
        *tuple(text("documents.fee_share", locale, party=party, amount=amount) for party, amount in parts.fee_shares),
    )
    sections = [
        Section(text("documents.parties", locale), tuple(parts.parties)),
        Section(text("documents.claims", locale), _numbered(parts.claims)),
        *([Section(text("documents.facts", locale), tuple(parts.facts))] if parts.facts else []),
        Section(text("documents.reasoning", locale), tuple(parts.reasoning)),
        Section(text(f"documents.orders{'_ruling' if parts.ruling else ''}", locale), _numbered(parts.orders)),
        Section(text("documents.fee_allocation", locale), fees),
    ]
    if not parts.appealable:
        appeal = text("documents.appeal_none", locale, kind=kind_word)
    elif parts.appeal_days is None:
        appeal = text("documents.appeal_final", locale, kind=kind_word)
    else:
        appeal = text(
            "documents.appeal_notice", locale, kind=kind_word, days=parts.appeal_days, court=parts.appeal_court
        )
    return replace(_document(header, kind, sections, appeal), extra={"case_number": header.case_number})


@dataclass(frozen=True)
class JurisdictionRuling:
    """The judge's ruling on an objection to jurisdiction (CPL 130) as served: the objection, the
    decision (`dismiss`, or `uphold` with the `court` the case goes to) and the judge's reasons."""

    parties: Sequence[str]
    defendant: str
    objection: str
    decision: str
    court: str
    reasons: str


def jurisdiction_ruling(header: Header, ruling: JurisdictionRuling) -> CourtDocument:
    """A ruling on jurisdiction laid out as the court's rulings are, with its appeal notice: 10 days
    from service to the court above (CPL 171)."""
    locale = header.locale
    order = text(
        f"documents.jurisdiction_order_{ruling.decision}", locale, defendant=ruling.defendant, court=ruling.court
    )
    sections = [
        Section(text("documents.parties", locale), tuple(ruling.parties)),
        Section(text("documents.objection", locale), (ruling.objection,)),
        Section(text("documents.reasoning", locale), tuple(p for p in ruling.reasons.split("\n") if p.strip())),
        Section(text("documents.orders_ruling", locale), _numbered((order,))),
    ]
    kind_word = text("documents.kind_ruling", locale)
    court = text("documents.appeal_court_above", locale)
    appeal = text("documents.appeal_notice", locale, kind=kind_word, days=RULING_APPEAL_DAYS, court=court)
    return replace(_document(header, "ruling", sections, appeal), extra={"case_number": header.case_number})


RULING_APPEAL_DAYS = 10  # CPL 171: an appealable ruling, 10 days from service


def _numbered(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(f"{i}. {item}" for i, item in enumerate(items, 1))
