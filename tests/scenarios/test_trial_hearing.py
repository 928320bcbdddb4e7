"""The asynchronous hearing (OLR 20(2)) through the service layer, the clock jumped: its guard,
each condition checked and recorded, its three stages with video statements, a window lapsing,
consent withdrawn mid-hearing (OLR 5, 21) (DOMAIN §10.2-10.5)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.simulation import Simulation
from gateway.court import Court
from storage.models import Person
from tests.support.clock import FakeClock
from tests.support.hearing import answer, hearing_granted, invited, send_video, state_by_video
from tests.support.trial import case_state


async def _lines(court: Court, person: Person, case_id: str) -> str:
    lines: list[str] = []
    await Simulation(court, "en", lines.append).prompt_for(person, case_id)
    return "\n".join(lines)


async def test_olr20_2_an_asynchronous_hearing_runs_three_stages_of_video_statements_to_deliberation(
    court: Court,
) -> None:
    """Every condition holds and is recorded with when and who; court investigation → debate →
    final statement, each party sending a video (hashed on receipt); a typed text is refused
    (OLR 20(2) speaks of recorded video); then the record is closed and both confirm it."""
    sim = Simulation(court, "en")
    case = await hearing_granted(court, sim)
    cid = case.case_id
    data = (await case_state(court, cid))["data"]
    recorded = data["hearing"]["conditions"]
    assert {name: entry["holds"] for name, entry in recorded.items()} == dict.fromkeys(
        ("track", "application", "consent", "exchange", "undisputed"), True
    )
    assert recorded["application"]["by"] == "plaintiff" and "2,000 km" in recorded["application"]["reason"]
    assert recorded["undisputed"]["by"] == "judge" and recorded["undisputed"]["judge"] == case.judge.id
    assert all("at" in entry for entry in recorded.values())
    assert data["mode"]["hearing"]["mode"] == "asynchronous"
    prompt = await sim.prompt_for(case.plaintiff, cid)
    assert prompt is not None and prompt["deadline"] == "hearing_investigation"
    assert prompt["due_at"] == data["_due"]["hearing_investigation"]  # the countdown
    assert "every condition of OLR 20(2) holds" in await _lines(court, case.clerk, cid)
    await sim.answer(case.plaintiff, cid, "state")
    assert await answer(court, case.plaintiff, cid, "I paid and the phone never worked.") == "video_statement_required"
    video = await state_by_video(court, case.defendant, cid, "defendant_investigation.mp4", b"\x00\x00video-1")
    sent = await send_video(court, case.plaintiff, cid, "plaintiff_investigation.mp4", b"\x00\x00video-2")
    state = await case_state(court, cid)
    assert state["stage"] == "hearing_debate"
    said = state["data"]["hearing"]["investigation"]
    assert said["defendant"]["statement"] == {"file": video} and said["plaintiff"]["statement"] == {"file": sent}
    assert f"video “defendant_investigation.mp4”, SHA-256 {video['sha256']}" in await _lines(court, case.plaintiff, cid)
    for stage, n in (("debate", 3), ("final", 5)):
        for person in (case.plaintiff, case.defendant):
            await state_by_video(court, person, cid, f"{stage}.mp4", bytes([n, len(person.id)]) + person.id.encode())
    state = await case_state(court, cid)
    assert state["stage"] == "record_confirmation"
    assert "closed_at" in state["data"]["hearing"] and "closed_at" in state["data"]["record"]
    transcript = await _lines(court, case.defendant, cid)
    assert "— The asynchronous hearing —" in transcript and "Final statement" in transcript
    await sim.answer(case.plaintiff, cid, "confirm")
    await sim.answer(case.defendant, cid, "confirm")
    state = await case_state(court, cid)
    assert state["stage"] == "deliberation" and state["data"]["_status"] == "DELIBERATION"
    assert "the defendant confirmed the transcript." in await _lines(court, case.plaintiff, cid)

