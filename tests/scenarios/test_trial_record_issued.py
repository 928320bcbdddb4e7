"""The record the parties confirm is the compiled record itself, issued by the court as a signed
PDF (OLR 34, CPL 150; trial v5): served on each party with the confirmation prompt naming it; an
accepted correction written in as an amendment, the original entry kept and marked; the final
record issued again when the confirmation settles, through the service layer with the clock jumped."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.simulation import Simulation
from asynchronous_trial.record import compile_entries, read_record
from court.e_service import ISSUED
from gateway.court import Court
from judgment.export import export_case
from storage.models import IssuedDocument, OutboxMessage, Person
from tests.support.clock import FakeClock
from tests.support.hearing import HearingCase, closed_exchange
from tests.support.judgment import make_court_key
from tests.support.services import require_service
from tests.support.trial import case_state


async def _closed(court: Court, sim: Simulation) -> HearingCase:
    """A case whose judge closed the record after the exchange, with the court's key in place."""
    make_court_key(court)
    case = await closed_exchange(court, sim)
    await sim.answer(case.judge, case.case_id, "close")
    return case


async def _served(court: Court, person: Person, case_id: str, text: str) -> list[dict[str, Any]]:
    """The parameters of each message with `text` sent to `person` in the case."""
    async with court.store.tx() as tx:
        rows = await tx.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.case_id == case_id, OutboxMessage.person_id == person.id)
            .order_by(OutboxMessage.id)
        )
        payloads = [tx.sealer.open(row.payload) for row in rows]
    return [p.get("params") or {} for p in payloads if p["text"] == text]


async def _lines(court: Court, person: Person, case_id: str) -> str:
    lines: list[str] = []
    await Simulation(court, "en", lines.append).prompt_for(person, case_id)
    return "\n".join(lines)


def _pdftotext(pdf: bytes, folder: Path) -> str:
    path = folder / "record.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


async def _pdf_text(court: Court, sha256: str, folder: Path) -> str:
    require_service("pdftotext", lambda: shutil.which("pdftotext") is not None)
    pdf = await court.service.blobs.get(sha256)
    return "".join((await asyncio.to_thread(_pdftotext, pdf, folder)).split())


async def _entries(court: Court, case_id: str) -> list[Any]:
    async with court.store.tx() as tx:
        case = await tx.get_case(case_id)
        assert case is not None
        return await compile_entries(tx, case, court.library)


async def test_olr34_the_parties_confirm_the_signed_compiled_record_served_on_each(
    court: Court, tmp_path: Path
) -> None:
    """The judge closes the record: the court issues the compiled record as a signed PDF (listed in
    issued_documents), serves it on each party (the signed file itself), and the prompt says what
    it is (pages, entries, SHA-256) and how to open it; both confirm: the final record is issued
    again and served, and the case goes to deliberation."""
    sim = Simulation(court, "zh")
    case = await _closed(court, sim)
    cid = case.case_id
    state = await case_state(court, cid)
    assert state["stage"] == "record_confirm"
    issued = state["data"]["transcript"]["issued"]
    entries = [e for e in await _entries(court, cid) if e.number is not None]
    assert issued["pages"] >= 1 and len(issued["sha256"]) == 64
    asked_since = {e.step for e in entries[issued["entries"] :]}  # the record holds all but the prompts to confirm it
    assert asked_since == {"record_confirm_plaintiff", "record_confirm_defendant"}
    async with court.store.tx() as tx:
        rows = list(await tx.session.scalars(select(IssuedDocument).where(IssuedDocument.case_id == cid)))
    assert [(r.kind, r.blob_key, r.issued_by) for r in rows] == [("record", issued["sha256"], case.judge.id)]
    for party in (case.plaintiff, case.defendant):
        (served,) = await _served(court, party, cid, "trial.record_issued")
        assert served[ISSUED]["sha256"] == issued["sha256"]
    prompt = await _lines(court, case.plaintiff, cid)
    assert f"{issued['pages']} pages, {issued['entries']} numbered entries, SHA-256 {issued['sha256']}" in prompt
    assert "download link in the web chat" in prompt and "— The evidence exchange —" in prompt
    text = await _pdf_text(court, issued["sha256"], tmp_path)
    assert "庭审笔录" in text and "原告：张三" in text and f"第{issued['entries']}条" in text
    await sim.answer(case.plaintiff, cid, "confirm")
    await sim.answer(case.defendant, cid, "confirm")
    state = await case_state(court, cid)
    assert state["data"]["_status"] == "DELIBERATION"
    settled = state["data"]["transcript"]["settled"]
    assert settled["amendments"] == 0 and settled["sha256"] != issued["sha256"]
    (served,) = await _served(court, case.defendant, cid, "trial.record_settled")
    assert served[ISSUED]["sha256"] == settled["sha256"]


async def test_cpl150_an_accepted_correction_is_written_in_as_an_amendment_and_the_original_kept(
    court: Court, tmp_path: Path
) -> None:
    """The plaintiff asks to correct an entry, citing its number; the defendant confirms; the judge
    accepts with a reason: the record holds an amendment (what, at whose request, the ruling and
    reason, when), the cited entry is unchanged and marked amended; the final record, issued
    again, says so; the record read (GET /record), the workspace and the case export are that one."""
    sim = Simulation(court, "zh")
    case = await _closed(court, sim)
    cid = case.case_id
    before = [e for e in await _entries(court, cid) if e.number is not None]
    cited = next(e for e in before if e.kind == "answer" and e.party == "defendant")
    await sim.answer(case.plaintiff, cid, "correct")
    await sim.answer(case.plaintiff, cid, f"{cited.number}: 被告的答辩日期应为5月3日")
    await sim.answer(case.defendant, cid, "confirm")
    for value in ("accept", "卷宗中的收据显示为5月3日。"):
        await sim.answer(case.judge, cid, value)
    state = await case_state(court, cid)
    assert state["data"]["_status"] == "DELIBERATION"
    after = await _entries(court, cid)
    (amendment,) = [e for e in after if e.kind == "amendment"]
    assert amendment.content["amends"] == cited.number and amendment.content["asked_by"] == "plaintiff"
    assert amendment.content["reason"] == "卷宗中的收据显示为5月3日。" and amendment.actor_id == case.judge.id
    original = next(e for e in after if e.number == cited.number)
    assert (original.content, original.sha256) == (cited.content, cited.sha256)  # kept as first recorded
    assert original.amended_by == [amendment.number]
    settled = state["data"]["transcript"]["settled"]
    assert settled["amendments"] == 1 and settled["entries"] == len([e for e in after if e.number is not None])
    text = await _pdf_text(court, settled["sha256"], tmp_path)
    assert "被告的答辩日期应为5月3日" in text and f"已补正：见第{amendment.number}条" in text
    record = await read_record(court.store, court.library, case.plaintiff.id, cid)
    assert record is not None and record["issued"]["sha256"] == settled["sha256"]
    view = await court.workspace.case_view(case.judge.id, cid, "zh")  # the judge's workspace
    assert view is not None
    shown = [e for stage in view["record"]["stages"] for side in stage["parties"].values() for e in side]
    (written,) = [e for e in shown if e["kind"] == "amendment"]
    assert (
        f"（补正第{cited.number}条）" in written["label"] and "法官准许：卷宗中的收据显示为5月3日。" in written["label"]
    )
    assert [e["amended_by"] for e in shown if e["number"] == cited.number] == [[amendment.number]]
    out = tmp_path / "export"  # `microcourt case export`: the settled record, byte for byte
    await export_case(court.store, court.service.blobs.get, cid, out, court.catalog, "demo court", None, court.clock())
    assert hashlib.sha256((out / "record.pdf").read_bytes()).hexdigest() == settled["sha256"]


async def test_cpl150_a_refused_correction_is_not_written_into_the_record(court: Court) -> None:
    """The judge refuses the correction with a reason: no amendment, nothing marked amended; the
    ruling is on the record and the final record is issued with no amendments."""
    sim = Simulation(court, "en")
    case = await _closed(court, sim)
    cid = case.case_id
    await sim.answer(case.defendant, cid, "correct")
    await sim.answer(case.defendant, cid, "3: we admitted the claims in full")
    await sim.answer(case.plaintiff, cid, "confirm")
    for value in ("refuse", "The answer is recorded as given."):
        await sim.answer(case.judge, cid, value)
    state = await case_state(court, cid)
    assert state["data"]["transcript"]["corrections"][0]["amends"] == 3
    entries = await _entries(court, cid)
    assert not [e for e in entries if e.kind == "amendment" or e.amended_by]
    assert state["data"]["transcript"]["settled"]["amendments"] == 0
    assert "Refused by the judge: The answer is recorded as given." in await _lines(court, case.plaintiff, cid)


async def test_cpl150_silence_the_record_stands_and_the_final_record_is_issued(court: Court, clock: FakeClock) -> None:
    """Neither party answers within the 5 days: the record stands as compiled and the final record
    is issued and served on both when the period lapses (the sweeper)."""
    sim = Simulation(court, "en")
    case = await _closed(court, sim)
    cid = case.case_id
    due = datetime.fromisoformat((await case_state(court, cid))["data"]["_due"]["record_confirmation"])
    clock.now = due + timedelta(seconds=1)
    await court.sweeper.run_once()
    state = await case_state(court, cid)
    assert state["data"]["_status"] == "DELIBERATION"
    transcript = state["data"]["transcript"]
    assert all(transcript["confirmation"][r]["no_answer"]["stands_as_compiled"] for r in ("plaintiff", "defendant"))
    assert transcript["settled"]["sha256"] and transcript["settled"]["amendments"] == 0
    for party in (case.plaintiff, case.defendant):
        (served,) = await _served(court, party, cid, "trial.record_settled")
        assert served["sha256"] == transcript["settled"]["sha256"]
