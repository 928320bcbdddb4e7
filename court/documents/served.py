"""A served document, or its e-service certificate, as a court PDF for download: the court sees
every one, a party those served on them (the same authorization as `e_service.certificates`).

A document the court issued as a signed file (a judgment, a ruling: `CourtService.issue_document`)
is served by a message that names that file (`issued_document` in its parameters): its download
is that file, byte for byte, never a new rendering of the message."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from court import e_service
from court.documents.kinds import Header, JurisdictionRuling, jurisdiction_ruling, service_certificate
from court.documents.layout import CourtDocument, Section
from court.outcomes import Outcome
from court.texts import text
from flows.texts import Catalog
from storage.models import OutboxMessage
from storage.store import Tx

PARTIES = ("plaintiff", "defendant")
CERTIFICATE = "certificate"
JURISDICTION = "document.jurisdiction_ruling"
"""Laid out as the court's rulings are (CPL 130, with its appeal notice, CPL 171), not as the
message that served it: the case data holds the objection, the decision and the reasons."""


@dataclass(frozen=True)
class IssuedCopy:
    """The signed file a message served, as the court stored it when it issued it."""

    sha256: str
    signed_at: datetime
    signer: str


def _jurisdiction(data: Mapping[str, Any], locale: str, catalog: Catalog) -> JurisdictionRuling:
    ruling, names = data.get("jurisdiction") or {}, {r: (data.get(r) or {}).get("name", "") for r in PARTIES}
    parties = [
        text("documents.party_line", locale, role=catalog.render(f"role.{r}", locale), name=names[r]) for r in PARTIES
    ]
    return JurisdictionRuling(
        parties,
        names["defendant"],
        str((data.get("answer") or {}).get("objection", "")),
        "uphold" if ruling.get("ruling") == "uphold" else "dismiss",
        str(ruling.get("court", "")),
        str(ruling.get("reasons", "")),
    )


async def served_document(
    tx: Tx, person_id: str, case_id: str, message_id: int, part: str, locale: str, catalog: Catalog, court_name: str
) -> CourtDocument | IssuedCopy | Outcome:
    """The document served by outbox message `message_id` (`part` "document"), or its
    certificate (`part` "certificate"), laid out in `locale`; the signed file itself if the court
    issued one (`IssuedCopy`); an Outcome refusal otherwise."""
    found = await e_service.certificates(tx, case_id, person_id)
    if isinstance(found, Outcome):
        return found
    certificate = next((c for c in found if c["message_id"] == message_id), None)
    case = await tx.get_case(case_id)
    row = await tx.session.get(OutboxMessage, message_id)
    if certificate is None or case is None or row is None:
        return Outcome(case_id, "not_a_party")  # nothing about documents served on others
    name = catalog.render(certificate["document"], locale)
    header = Header(
        locale, court_name, case.case_number or case.reference, date.fromisoformat(certificate["issued_at"][:10])
    )
    if part == CERTIFICATE:
        return service_certificate(header, certificate, name)
    payload = tx.sealer.open(row.payload)
    issued = (payload.get("params") or {}).get(e_service.ISSUED)
    if isinstance(issued, dict):
        return IssuedCopy(issued["sha256"], datetime.fromisoformat(issued["signed_at"]), issued["signer"])
    if certificate["document"] == JURISDICTION:
        judge = await tx.person(case.judge_id) if case.judge_id else None
        signed_by = replace(header, judge=(judge.display_name or None) if judge else None)
        return jurisdiction_ruling(signed_by, _jurisdiction(tx.open_state(case)["data"], locale, catalog))
    body = catalog.render(payload["text"], locale, payload.get("params") or {})
    return CourtDocument(
        kind=certificate["document"].removeprefix("document."),
        locale=locale,
        court_name=court_name,
        case_number=header.case_number,
        title=name,
        sections=(Section(None, tuple(p for p in body.split("\n\n") if p.strip())),),
        issued_on=header.issued_on,
    )
