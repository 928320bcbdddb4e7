"""Served documents downloaded as PDFs the court signs (issue 16 item 3): the party served and the
court get them, nobody else; each signing is in the case record with the file's SHA-256."""

from __future__ import annotations

import asyncio
import hashlib
import io
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from app.simulation import Simulation
from court.commands import SignServedDocument
from court.documents import court_key
from court.documents.case_record import case_record
from court.documents.layout import render
from court.documents.signing import Signed
from court.documents.verify import INTACT, verify
from court.outcomes import Outcome
from gateway.court import Court
from storage.models import CaseEvent
from tests.support.clock import FakeClock
from tests.support.court import demo_person


async def test_olr31_served_notice_and_its_certificate_download_signed_for_party_and_court(
    court: Court, clock: FakeClock
) -> None:
    """OLR 31, ESL 13: the acceptance notice served on the plaintiff, and its e-service
    certificate, come as court-signed PDFs for the plaintiff and the clerk; another person is
    refused; without a court key nothing is issued; each PDF's SHA-256 is in the case record."""
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    other = await demo_person(court, "litigant_b")
    sim = Simulation(court, "zh")
    case_id = await sim.file_case(plaintiff)
    await sim.accept(clerk, case_id)
    certificates = await court.service.service_certificates(clerk.id, case_id)
    assert isinstance(certificates, list)
    notice = certificates[0]
    assert notice["document"] == "document.acceptance_notice"

    def asked(person_id: str, part: str) -> SignServedDocument:
        return SignServedDocument(person_id, case_id, notice["message_id"], part, "zh")

    missing = await court.service.served_document_pdf(asked(plaintiff.id, "document"), court.catalog)
    assert not isinstance(missing, Signed) and missing.error == "court_key_missing"

    directory = court_key.key_dir(court.settings.data_dir)
    court_key.init(directory, court.store.sealer, court.settings.court_name, court.settings.court_code, clock())
    signed = []
    for person, part in ((plaintiff, "document"), (clerk, "document"), (plaintiff, "certificate")):
        pdf = await court.service.served_document_pdf(asked(person.id, part), court.catalog)
        assert isinstance(pdf, Signed)
        verdict = await asyncio.to_thread(verify, pdf.pdf, court_key.certificates(directory))
        assert verdict.code == INTACT
        signed.append(pdf)
    words = "".join(p.extract_text() for p in PdfReader(io.BytesIO(signed[0].pdf)).pages).replace(" ", "")
    assert "受理案件通知书" in words and court.settings.court_name.replace(" ", "") in words
    certificate_words = "".join(p.extract_text() for p in PdfReader(io.BytesIO(signed[2].pdf)).pages)
    assert "电子送达凭证" in certificate_words and notice["content_sha256"] in certificate_words.replace("\n", "")

    refused = await court.service.served_document_pdf(asked(other.id, "document"), court.catalog)
    assert not isinstance(refused, Signed) and refused.error == "not_a_party"

    async with court.store.tx() as tx:
        rows = await tx.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == "document_signed")
        )
        logged = [tx.sealer.open(row.detail) for row in rows]
    assert [entry["sha256"] for entry in logged] == [hashlib.sha256(s.pdf).hexdigest() for s in signed]
    assert all(entry["signer"] == court.settings.court_name for entry in logged)


async def test_olr34_record_pdf_lists_the_parties_and_every_event_in_order(court: Court, clock: FakeClock) -> None:
    """OLR 34, CPL 150: the record of a case, from its data and event log, names the parties and
    each event in order with its time and actor; only those taking part in the case get it."""
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    other = await demo_person(court, "litigant_b")
    sim = Simulation(court, "zh")
    case_id = await sim.file_case(plaintiff)
    await sim.accept(clerk, case_id)
    async with court.store.tx() as tx:
        document = await case_record(
            tx, case_id, clerk.id, "zh", court.catalog, court.settings.court_name, date(2026, 12, 6)
        )
        refused = await case_record(
            tx, case_id, other.id, "zh", court.catalog, court.settings.court_name, date(2026, 12, 6)
        )
        kinds = list(
            await tx.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))
        )
    assert isinstance(refused, Outcome) and refused.error == "not_a_party"
    assert not isinstance(document, Outcome) and document.title == "庭审笔录"
    [parties, events] = document.sections
    assert any("张三" in line for line in parties.paragraphs)
    assert len(events.paragraphs) == len(kinds) > 2
    assert all(kind.replace("_", " ") in line for kind, line in zip(kinds, events.paragraphs, strict=True))
    words = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render(document))).pages).replace(" ", "")
    assert "庭审笔录" in words and "张三" in words
