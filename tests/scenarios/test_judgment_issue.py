"""The judgment flow through the service layer: from DELIBERATION (handed over by trial v3) to a
judgment or ruling issued, signed by the court and served on every party, for each outcome
template; the fee allocated by FM 29; and each refusal (CPL 145-148, 157, 171; FM 15, 29)."""

from __future__ import annotations

import asyncio
import hashlib
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.cli import main
from app.simulation import Simulation
from court.commands import SignServedDocument
from court.documents import court_key
from court.documents.signing import Signed
from court.documents.verify import INTACT, verify
from court.e_service import certificates
from court.publication.publishing import publish
from gateway.court import Court
from judgment.draft import Edited
from storage.models import CaseEvent, IssuedDocument, OutboxMessage, Person
from tests.support.clock import FakeClock
from tests.support.hearing import HearingCase, closed_exchange
from tests.support.judgment import (
    ABROAD,
    deliberating,
    issue,
    judgment_issued,
    make_court_key,
    silent_defendant_deliberating,
)
from tests.support.trial import case_state, pin

ORDINARY = {
    "claim_amount": "150000",
    "small_claims_agreement": "no",
}  # FM 13: 3,300 yuan, not halved on the ordinary track


async def _served(court: Court, case_id: str) -> list[tuple[str, str]]:
    """(role, text key) of every message that served the judgment or ruling."""
    async with court.store.tx() as tx:
        rows = await tx.session.scalars(
            select(OutboxMessage).where(OutboxMessage.case_id == case_id).order_by(OutboxMessage.id)
        )
        texts = [(row.role, tx.sealer.open(row.payload)["text"]) for row in rows]
    return sorted((role, text) for role, text in texts if text.startswith("judgment.served"))


async def _download(court: Court, case: HearingCase, person_id: str, document: str) -> Signed:
    """The served document's PDF as the web chat downloads it (`served_document_pdf`)."""
    async with court.store.tx() as tx:
        found = await certificates(tx, case.case_id, person_id)
    assert isinstance(found, list)
    message = next(c for c in found if c["document"] == document)
    command = SignServedDocument(person_id, case.case_id, message["message_id"], "document", "zh")
    signed = await court.service.served_document_pdf(command, court.catalog)
    assert isinstance(signed, Signed), signed
    return signed


async def test_cpl145_granted_judgment_is_signed_recorded_and_served_on_every_party(court: Court) -> None:
    """Claims granted: the judgment is rendered, signed with the court's key (its SHA-256 in the
    case data, the event log and `issued_documents`), set as `judgment` in the case data in the
    contract's shape, and served on both parties; each party's download is the issued file, byte
    for byte, and it verifies (ESL 13). Small claims: final, no appeal (CPL 165)."""
    issued = await judgment_issued(court, Simulation(court, "zh"), "granted")
    judgment = issued.judgment
    assert (judgment["kind"], judgment["outcome"], judgment["locale"]) == ("judgment", "granted", "zh")
    assert (judgment["small_claims"], judgment["appealable"], judgment["appeal_days"]) == (True, False, None)
    assert (judgment["claimed_amount"], judgment["granted_amount"], judgment["fee"]) == ("3999.00", "3999.00", "25.00")
    assert judgment["fee_shares"] == [["defendant", "25.00"]]  # FM 29: the loser bears the fee
    assert judgment["issued_by"] == issued.case.judge.id and judgment["issued_at"]
    assert judgment["orders"] and judgment["reasoning"] and judgment["facts"] and judgment["title"] == "民事判决书"
    state = await case_state(court, issued.case_id)
    assert (state["flow_id"], state["stage"], state["data"]["_status"]) == (  # handed to the appeal flow
        "appeal",
        "small_claims_service",  # final once served (CPL 165)
        "JUDGMENT_SERVED",
    )
    assert await _served(court, issued.case_id) == [
        ("defendant", "judgment.served_judgment"),
        ("plaintiff", "judgment.served_judgment"),
    ]
    sha = judgment["document_sha256"]
    async with court.store.tx() as tx:
        row = await tx.session.scalar(select(IssuedDocument).where(IssuedDocument.case_id == issued.case_id))
        events = await tx.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == issued.case_id, CaseEvent.kind == "document_issued")
        )
        logged = [tx.sealer.open(event.detail) for event in events]
    assert row is not None and row.blob_key == sha and row.issued_by == issued.case.judge.id
    assert [(d["document"], d["sha256"]) for d in logged] == [("judgment", sha)]
    certs = court_key.certificates(court_key.key_dir(court.settings.data_dir))
    for person in (issued.case.plaintiff, issued.case.defendant):
        download = await _download(court, issued.case, person.id, "document.judgment")
        assert hashlib.sha256(download.pdf).hexdigest() == sha == download.sha256
        assert download.pdf == await court.service.blobs.get(sha)
        assert (await asyncio.to_thread(verify, download.pdf, certs)).code == INTACT


@pytest.mark.parametrize(
    ("outcome", "granted", "shares"),
    [
        ("granted", None, [["defendant", "3300.00"]]),
        ("dismissed", None, [["plaintiff", "3300.00"]]),
        ("partly", "100000.00", [["plaintiff", "1100.00"], ["defendant", "2200.00"]]),
        ("partly", "33333.33", [["plaintiff", "2566.67"], ["defendant", "733.33"]]),
    ],
)
async def test_fm29_the_loser_bears_the_fee_and_partly_in_proportion(
    court: Court, outcome: str, granted: str | None, shares: list[list[str]]
) -> None:
    """FM 29 on an ordinary case claiming 150,000 yuan (fee 3,300, FM 13): granted, the defendant
    bears it; dismissed, the plaintiff; partly, in proportion to granted/claimed, rounded to the
    fen with the rest on the plaintiff. An ordinary judgment is appealable within 15 days (CPL 171)."""
    issued = await judgment_issued(court, Simulation(court, "zh"), outcome, granted, "ordinary", ORDINARY)
    judgment = issued.judgment
    assert (judgment["fee"], judgment["fee_shares"]) == ("3300.00", shares)
    assert (judgment["appealable"], judgment["appeal_days"], judgment["small_claims"]) == (True, 15, False)
    assert judgment["granted_amount"] == {"granted": "150000.00", "dismissed": "0.00"}.get(outcome, granted)
    if outcome == "partly":  # the draft's order pays what was granted
        assert any(f"{granted}元" in order for order in judgment["orders"])


async def test_cpl286_a_defendant_abroad_has_30_days_to_appeal(court: Court) -> None:
    """A party domiciled abroad: the judgment states 30 days to appeal (CPL 286), not 15; issued in
    English here, its PDF says so in English."""
    answers = {**ORDINARY, **ABROAD}
    issued = await judgment_issued(court, Simulation(court, "en"), "granted", None, "ordinary", answers, "en")
    judgment = issued.judgment
    assert (judgment["appeal_days"], judgment["appealable"], judgment["title"]) == (30, True, "Civil Judgment")
    pdf = await court.service.blobs.get(judgment["document_sha256"])
    text = " ".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "within 30 days of service" in text and "The court orders" in text


@pytest.mark.parametrize("outcome", ["withdrawn_treated", "withdrawal_approved"])
async def test_cpl146_148_a_ruling_on_withdrawal_ends_the_case_with_half_the_fee(court: Court, outcome: str) -> None:
    """A ruling treating the suit as withdrawn (CPL 146) or approving a withdrawal (CPL 148): not
    appealable (CPL 157), served on both parties as a ruling, the case WITHDRAWN; the plaintiff
    bears half the fee (FM 15), once halved: 1,650 of 3,300 on the ordinary track."""
    issued = await judgment_issued(court, Simulation(court, "zh"), outcome, None, "ordinary", ORDINARY)
    judgment = issued.judgment
    assert (judgment["kind"], judgment["appealable"], judgment["title"]) == ("ruling", False, "民事裁定书")
    assert (judgment["fee"], judgment["fee_shares"]) == ("1650.00", [["plaintiff", "1650.00"]])
    assert judgment["granted_amount"] is None
    state = await case_state(court, issued.case_id)
    assert (state["stage"], state["data"]["_status"]) == ("ruling_served", "WITHDRAWN")
    assert await _served(court, issued.case_id) == [
        ("defendant", "judgment.served_ruling"),
        ("plaintiff", "judgment.served_ruling"),
    ]


async def test_fm15_a_small_claims_withdrawal_is_not_halved_twice(court: Court) -> None:
    """Small claims already pay half (FM 16): a withdrawal ruling keeps that 25 yuan, not 12.50."""
    issued = await judgment_issued(court, Simulation(court, "zh"), "withdrawal_approved")
    assert (issued.judgment["fee"], issued.judgment["fee_shares"]) == ("25.00", [["plaintiff", "25.00"]])


async def _edited(court: Court, case: HearingCase, outcome: str, **changes: Any) -> Edited:
    draft = await court.judgments.draft(case.judge.id, case.case_id, outcome, "zh")
    assert isinstance(draft, dict), draft
    values = {"facts": draft["facts"], "reasoning": draft["reasoning"], "orders": draft["orders"], **changes}
    return Edited(outcome, "zh", values["facts"], values["reasoning"], values["orders"], values.get("granted"))


async def test_issuing_is_refused_with_reasons_and_nothing_is_served(court: Court) -> None:
    """Refused, each with its reason and nothing written or served: an empty order; a judge not
    assigned to the case, and a clerk (only the assigned judge rules); a default judgment against a
    defendant who answered (CPL 147); a partly granted amount missing or not below the claim. Issued once, the
    case is no longer at DELIBERATION: a second issue is refused."""
    case = await deliberating(court, Simulation(court, "zh"))
    make_court_key(court)
    judges = court.judgments
    edited = await _edited(court, case, "granted", orders=["  ", ""])
    assert (await judges.issue(case.judge.id, case.case_id, edited, "test")).error == "judgment_orders_empty"
    other = await _other_judge(court)
    edited = await _edited(court, case, "granted")
    assert (await judges.issue(other, case.case_id, edited, "test")).error == "judges_rule"
    assert (await judges.issue(case.clerk.id, case.case_id, edited, "test")).error == "judges_rule"
    refused = await judges.draft(case.judge.id, case.case_id, "default", "zh")
    assert not isinstance(refused, dict) and refused.error == "judgment_default_needs_absence"
    no_amount = await judges.draft(case.judge.id, case.case_id, "partly", "zh")
    assert not isinstance(no_amount, dict) and no_amount.error == "judgment_granted_amount"
    too_much = Edited("partly", "zh", [], ["r"], ["o"], "3999")
    refused_amount = await judges.issue(case.judge.id, case.case_id, too_much, "test")
    assert (refused_amount.error, refused_amount.params) == ("judgment_granted_amount", {"claimed": "3999.00"})
    assert await _served(court, case.case_id) == []
    assert (await case_state(court, case.case_id))["stage"] == "deliberation"
    assert (await judges.issue(case.judge.id, case.case_id, edited, "test")).ok
    again = await judges.issue(case.judge.id, case.case_id, edited, "test")
    assert again.error == "document_not_due"


async def test_a_case_not_at_deliberation_is_refused(court: Court) -> None:
    """A case still in the trial (before DELIBERATION) has no judgment to issue yet."""
    case = await closed_exchange(court, Simulation(court, "zh"))
    refused = await court.judgments.draft(case.judge.id, case.case_id, "granted", "zh")
    assert not isinstance(refused, dict) and refused.error == "document_not_due"


async def test_a_document_that_cannot_be_made_is_an_error_and_nothing_is_served(
    court: Court, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No court key, or a PDF that fails to render: the judge is told, the case stays at
    DELIBERATION, nothing is stored, nothing is served."""
    case = await deliberating(court, Simulation(court, "zh"))
    edited = await _edited(court, case, "granted")
    assert (await court.judgments.issue(case.judge.id, case.case_id, edited, "test")).error == "court_key_missing"
    make_court_key(court)

    def broken(_document: object) -> bytes:
        raise ValueError("layout failed")

    monkeypatch.setattr("court.service.render", broken)
    failed = await court.judgments.issue(case.judge.id, case.case_id, edited, "test")
    assert (failed.error, failed.params) == ("document_failed", {"problem": "ValueError"})
    state = await case_state(court, case.case_id)
    assert state["stage"] == "deliberation" and "judgment" not in state["data"]
    assert await _served(court, case.case_id) == []
    async with court.store.tx() as tx:
        assert await tx.session.scalar(select(IssuedDocument).where(IssuedDocument.case_id == case.case_id)) is None


async def _other_judge(court: Court) -> str:
    """A second judge of the same court, not assigned to the case."""
    async with court.store.tx() as tx:
        tx.add(
            Person(
                id="00000000-0000-4000-8000-000000000002",
                display_name="钱法官",
                staff_role="judge",
                court_code=court.settings.court_code,
                created_at=court.clock(),
            )
        )
    return "00000000-0000-4000-8000-000000000002"


async def test_issue_builder_takes_a_case_from_deliberation(court: Court) -> None:
    """`tests.support.judgment.issue` works on a case built by `deliberating`."""
    case = await deliberating(court, Simulation(court, "zh"))
    issued = await issue(court, case, "dismissed")
    assert issued.judgment["fee_shares"] == [["plaintiff", "25.00"]]


async def test_cpl147_a_default_judgment_against_a_defendant_who_never_took_part(
    court: Court, clock: FakeClock
) -> None:
    """The defendant joined, agreed to the asynchronous trial and then let every window pass: a
    default judgment (CPL 147) is drafted with its own reasoning, grants the claim, puts the fee
    on the defendant (FM 29) and is served on both; the record's "no answer" is in the facts."""
    case = await silent_defendant_deliberating(court, Simulation(court, "zh"), clock)
    draft = await court.judgments.draft(case.judge.id, case.case_id, "default", "zh")
    assert isinstance(draft, dict), draft
    assert "第147条缺席判决" in draft["reasoning"][0] and "被告未在答辩期内提交答辩状。" in draft["facts"]
    issued = await issue(court, case, "default")
    judgment = issued.judgment
    assert (judgment["outcome"], judgment["kind"], judgment["granted_amount"]) == ("default", "judgment", "3999.00")
    assert judgment["fee_shares"] == [["defendant", "25.00"]]
    assert await _served(court, case.case_id) == [
        ("defendant", "judgment.served_judgment"),
        ("plaintiff", "judgment.served_judgment"),
    ]


async def test_a_trial_v2_case_stays_pinned_at_its_deliberation(court: Court) -> None:
    """A case that began on trial v2 keeps it (flows are pinned): its record settles at v2's final
    DELIBERATION and it is not handed to the judgment flow, so the desk has nothing to issue there."""
    sim = Simulation(court, "zh")
    case = await closed_exchange(court, sim)
    await pin(court, case.case_id, 2)
    await sim.answer(case.judge, case.case_id, "close")
    for party in (case.plaintiff, case.defendant):
        await sim.answer(party, case.case_id, "confirm")
    state = await case_state(court, case.case_id)
    assert (state["flow_id"], state["version"], state["stage"]) == ("trial", 2, "deliberation")
    refused = await court.judgments.draft(case.judge.id, case.case_id, "granted", "zh")
    assert not isinstance(refused, dict) and refused.error == "document_not_due"


async def test_domain_12_4_the_issued_judgment_object_is_what_openness_publishes(court: Court) -> None:
    """The contract between the judgment and openness: the `judgment` object an issue leaves in the
    case data publishes (court.publication.publishing.publish) with the parties' names masked and
    the orders kept, as the appeal flow's final stage will ask."""
    issued = await judgment_issued(court, Simulation(court, "zh"), "granted")
    async with court.store.tx() as tx:
        row = await publish(tx, issued.case_id, court.clock())
    assert row is not None and (row.kind, row.title) == ("judgment", "民事判决书")
    assert "张三" not in row.masked_text and "张某" in row.masked_text and "3999.00元" in row.masked_text


async def test_esl13_the_signing_time_is_the_courts_clock_as_verify_reports_it(
    court: Court, clock: FakeClock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ESL 13: the court signs at the time its own clock gives, not the machine's: with the fake
    clock jumped to a known instant, the issued judgment's signature states that instant, and
    `microcourt documents verify` (as /verify, the same `verify`) reports it."""
    case = await deliberating(court, Simulation(court, "zh"))
    make_court_key(court)
    clock.now = datetime(2031, 5, 17, 6, 30, 45, 123456, tzinfo=UTC)  # years from any wall clock
    issued = await issue(court, case)
    at = datetime(2031, 5, 17, 6, 30, 45, tzinfo=UTC)  # a signature's time carries whole seconds
    assert issued.judgment["document_signed_at"] == at.isoformat()
    pdf = await court.service.blobs.get(issued.judgment["document_sha256"])
    certs = court_key.certificates(court_key.key_dir(court.settings.data_dir))
    verdict = await asyncio.to_thread(verify, pdf, certs)
    assert verdict.code == INTACT and verdict.signed_at == at
    (tmp_path / "judgment.pdf").write_bytes(pdf)
    certificates = str(court_key.key_dir(court.settings.data_dir))
    code = await asyncio.to_thread(
        main, ["documents", "verify", str(tmp_path / "judgment.pdf"), "--certificates", certificates]
    )
    assert code == 0 and "2031-05-17T06:30:45+00:00" in capsys.readouterr().out
