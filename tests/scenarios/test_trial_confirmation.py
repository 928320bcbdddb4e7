"""The parties' confirmation of the record (OLR 34, CPL 150) and the case's move to DELIBERATION,
through the service layer with the clock jumped."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.simulation import Simulation
from gateway.court import Court
from storage.models import Person
from tests.support.clock import FakeClock
from tests.support.hearing import answer, closed_exchange
from tests.support.trial import case_state


async def _lines(court: Court, person: Person, case_id: str) -> str:
    lines: list[str] = []
    await Simulation(court, "en", lines.append).prompt_for(person, case_id)
    return "\n".join(lines)


async def test_olr34_each_party_is_shown_the_transcript_and_the_judge_rules_on_each_correction(
    court: Court,
) -> None:
    """The judge closes the record; each party reads the transcript and asks for a correction
    within 5 days; the judge accepts one and refuses the other, each with a reason (only the
    assigned judge may); both parties are told, and the case waits at DELIBERATION."""
    sim = Simulation(court, "en")
    case = await closed_exchange(court, sim)
    cid = case.case_id
    await sim.answer(case.judge, cid, "close")
    state = await case_state(court, cid)
    assert state["stage"] == "record_confirm" and state["data"]["transcript"]["closed_at"]
    prompt = await sim.prompt_for(case.plaintiff, cid)
    assert prompt is not None and prompt["deadline"] == "record_confirmation"
    due = datetime.fromisoformat(state["data"]["_due"]["record_confirmation"])
    # 5 days from Monday 30 November end on Saturday 5 December, so on Monday 7 December (CPL 85, 150)
    assert court.clock().date().isoformat() == "2026-11-30"
    assert due.astimezone(ZoneInfo("Asia/Shanghai")).isoformat() == "2026-12-07T23:59:59+08:00"
    transcript = await _lines(court, case.plaintiff, cid)
    assert "— The evidence exchange —" in transcript and "“receipt.pdf”: accepted by the other side" in transcript
    for value in ("correct", "The receipt is dated 3 May, not 5 May."):
        await sim.answer(case.plaintiff, cid, value)
    for value in ("correct", "We admitted the claims in full, not in part."):
        await sim.answer(case.defendant, cid, value)
    state = await case_state(court, cid)
    assert state["stage"] == "record_corrections"
    assert [(c["by"], c["text"][:10]) for c in state["data"]["transcript"]["corrections"]] == [
        ("plaintiff", "The receipt is dated 3 May, not 5 May."[:10]),
        ("defendant", "We admitted the claims in full, not in part."[:10]),
    ]
    assert "the judge rules on each" in await _lines(court, case.defendant, cid)
    assert await answer(court, case.clerk, cid, "accept") == "judges_rule"  # a clerk never rules
    assert "correction 1 of 2, asked for by the plaintiff" in await _lines(court, case.judge, cid)
    for value in ("accept", "The receipt in the file says 3 May."):
        await sim.answer(case.judge, cid, value)
    for value in ("refuse", "The answer admitted the claims as recorded."):
        await sim.answer(case.judge, cid, value)
    state = await case_state(court, cid)
    assert state["stage"] == "deliberation" and state["data"]["_status"] == "DELIBERATION"
    ruled = state["data"]["transcript"]["corrections"]
    assert [(c["ruling"], c["judge"]) for c in ruled] == [("accept", case.judge.id), ("refuse", case.judge.id)]
    assert all(c["ruled_at"] and c["reason"] for c in ruled)
    told = await _lines(court, case.defendant, cid)
    assert "Accepted by the judge: The receipt in the file says 3 May." in told
    assert "Refused by the judge: The answer admitted the claims as recorded." in told
    assert "The judge is now deliberating" in told
    assert "ready for judgment (DELIBERATION)" in await _lines(court, case.clerk, cid)


async def test_cpl150_silence_by_the_deadline_leaves_the_record_as_compiled(court: Court, clock: FakeClock) -> None:
    """The plaintiff confirms; the defendant says nothing within the 5 days: the record stands as
    compiled and says so; with no correction to rule on the case goes straight to DELIBERATION."""
    sim = Simulation(court, "en")
    case = await closed_exchange(court, sim)
    cid = case.case_id
    await sim.answer(case.judge, cid, "close")
    await sim.answer(case.plaintiff, cid, "confirm")
    due = datetime.fromisoformat((await case_state(court, cid))["data"]["_due"]["record_confirmation"])
    clock.now = due - timedelta(hours=20)
    await court.sweeper.run_once()
    assert "Reminder: the period to confirm the record ends" in await _lines(court, case.defendant, cid)
    clock.now = due + timedelta(seconds=1)
    await court.sweeper.run_once()
    state = await case_state(court, cid)
    assert state["stage"] == "deliberation"
    confirmation = state["data"]["transcript"]["confirmation"]
    assert confirmation["defendant"]["no_answer"]["stands_as_compiled"] is True
    assert confirmation["plaintiff"]["answer"] == "confirm" and "no_answer" not in confirmation["plaintiff"]
    assert state["data"]["transcript"]["corrections"] == []
    told = await _lines(court, case.plaintiff, cid)
    assert "the plaintiff confirmed the transcript." in told
    assert "the defendant did not answer within 5 days: the record stands as compiled (CPL 150)." in told
