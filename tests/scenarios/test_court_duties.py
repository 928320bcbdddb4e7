"""Issue 12's last items in filing version 4: the court's own duty to send the defendant's notice
within 5 days of acceptance (CPL 128), the correction period as a court setting (OLR 9, ICP 7),
and the judge's track choices limited by the case type (CPL 165, 166, Interp. 257). Through the
service layer, the clock jumped."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.simulation import Simulation
from court.commands import AcknowledgeService
from gateway.court import Court
from storage.models import Deadline, Person
from tests.support.clock import FakeClock
from tests.support.court import court_settings, demo_person, started_court


async def _state(court: Court, case_id: str) -> dict[str, Any]:
    async with court.store.tx() as tx:
        case = await tx.get_case(case_id)
        assert case is not None
        return tx.open_state(case)


async def _deadline(court: Court, case_id: str, kind: str) -> Deadline:
    async with court.store.tx() as tx:
        found = await tx.session.scalar(
            select(Deadline).where(Deadline.case_id == case_id, Deadline.kind == kind).order_by(Deadline.id.desc())
        )
    assert found is not None
    return found


async def _lines(court: Court, person: Person, case_id: str, locale: str = "en") -> str:
    lines: list[str] = []
    await Simulation(court, locale, lines.append).prompt_for(person, case_id)
    return "\n".join(lines)


async def _sweep(court: Court) -> int:
    await court.dispatcher.settle()
    return await court.sweeper.run_once()


# -- the correction period is the court's (OLR 9, ICP 7) --------------------------------------------


async def test_olr9_icp7_the_correction_period_is_the_courts_setting(tmp_path: Path, clock: FakeClock) -> None:
    """OLR 9 and ICP 7 leave the correction period to the court: with MICROCOURT_CORRECTION_PERIOD
    at 10 days the clerk is told 10 days, and the plaintiff's period, from the correction notice's
    service, ends 10 days later; no text attributes '7 days' to OLR 9."""
    court = await started_court(replace(court_settings(tmp_path), correction_period="P10D"), clock)
    try:
        sim = Simulation(court, "en")
        plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
        case_id = await sim.file_case(plaintiff)
        await sim.answer(clerk, case_id, "correct")
        told = await _lines(court, clerk, case_id)
        assert "the correction period this court sets, 10 days" in told and "(7 days)" not in told
        assert "本院确定的补正期限（10日" in await _lines(court, clerk, case_id, "zh")
        await sim.answer(clerk, case_id, "1. The order screenshot is missing")
        deadline = await _deadline(court, case_id, "correction")
        assert deadline.status == "unstarted" and deadline.duration == "P10D"
        notice = await court.service.service_certificates(plaintiff.id, case_id)
        assert isinstance(notice, list)
        [served] = [c for c in notice if c["document"] == "document.correction_notice"]
        acknowledged = AcknowledgeService(plaintiff.id, int(served["message_id"]), "web")
        assert (await court.service.acknowledge_service(acknowledged)).ok
        await _sweep(court)
        deadline = await _deadline(court, case_id, "correction")
        # served 2026-11-30 10:00 Shanghai: 10 days from the next day end on Thursday 10 December
        assert deadline.due_at == datetime(2026, 12, 10, 15, 59, 59, tzinfo=UTC)
    finally:
        await court.close()
