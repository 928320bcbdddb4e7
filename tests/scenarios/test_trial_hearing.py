"""The asynchronous hearing (OLR 20(2)) through the service layer, the clock jumped: its guard,
each condition checked and recorded, its three stages with video statements, a window lapsing,
consent withdrawn mid-hearing (OLR 5, 21) (DOMAIN §10.2-10.5)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.simulation import Simulation
from asynchronous_trial.record import read_record
from gateway.court import Court
from storage.models import Person
from tests.support.clock import FakeClock
from tests.support.hearing import (
    HearingCase,
    answer,
    closed_exchange,
    hearing_granted,
    invited,
    send_video,
    state_by_video,
)
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
        ("track", "application", "consent", "difficulty", "exchange", "undisputed"), True
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
    assert state["stage"] == "record_confirm"
    assert "closed_at" in state["data"]["hearing"] and "closed_at" in state["data"]["transcript"]
    transcript = await _lines(court, case.defendant, cid)
    assert "— The asynchronous hearing —" in transcript and "Final statement" in transcript
    await sim.answer(case.plaintiff, cid, "confirm")
    await sim.answer(case.defendant, cid, "confirm")
    state = await case_state(court, cid)
    assert state["stage"] == "deliberation" and state["data"]["_status"] == "DELIBERATION"
    assert "the defendant confirmed the transcript." in await _lines(court, case.plaintiff, cid)
    record = await read_record(court.store, court.library, case.plaintiff.id, cid)  # OLR 34: on the record
    assert record is not None
    stages = {s["stage"]: s["parties"] for s in record["stages"]}
    filed = [e for e in stages["hearing_investigation"]["defendant"] if e["kind"] in ("file", "answer")]
    assert video["sha256"] in [e["sha256"] for e in filed]
    assert {"hearing_debate", "hearing_final", "record_confirm"} <= stages.keys()


async def _apply_and_agree(court: Court, sim: Simulation, case: HearingCase) -> None:
    for value in ("apply", "We live 2,000 km apart."):
        await sim.answer(case.plaintiff, case.case_id, value)
    await sim.answer(case.defendant, case.case_id, "agree")


async def _ordinary_track(court: Court, sim: Simulation) -> HearingCase:
    """The judge put the case on the ordinary track: the invitation goes straight to a live hearing."""
    return await invited(court, sim, track="ordinary")


async def _nobody_applied(court: Court, sim: Simulation) -> HearingCase:
    case = await invited(court, sim)
    await sim.answer(case.plaintiff, case.case_id, "agree")
    await sim.answer(case.defendant, case.case_id, "agree")
    return case


async def _defendant_refused(court: Court, sim: Simulation) -> HearingCase:
    case = await invited(court, sim)
    for value in ("apply", "We live 2,000 km apart."):
        await sim.answer(case.plaintiff, case.case_id, value)
    await sim.answer(case.defendant, case.case_id, "refuse")
    return case


async def _forget_the_exchange(court: Court, case_id: str) -> None:
    """As if the evidence exchange had not been held online: its record is taken away."""
    async with court.store.tx() as tx:
        row = await tx.get_case(case_id)
        assert row is not None
        raw = tx.open_state(row)
        del raw["data"]["evidence_opinions"]
        await tx.save_state(row, raw, row.status, court.clock())


async def _no_online_exchange(court: Court, sim: Simulation) -> HearingCase:
    """No online exchange (nor any inquiry): the invitation goes straight to a live hearing."""
    case = await closed_exchange(court, sim)
    await _forget_the_exchange(court, case.case_id)
    await sim.answer(case.judge, case.case_id, "hearing")
    return case


async def _judge_finds_no_difficulty(court: Court, sim: Simulation) -> HearingCase:
    case = await invited(court, sim)
    await _apply_and_agree(court, sim, case)
    await sim.answer(case.judge, case.case_id, "not_hard")
    return case


async def _judge_finds_a_dispute(court: Court, sim: Simulation) -> HearingCase:
    case = await invited(court, sim)
    await _apply_and_agree(court, sim, case)
    await sim.answer(case.judge, case.case_id, "hard")
    await sim.answer(case.judge, case.case_id, "disputed")
    return case


REFUSALS = {
    "track": (_ordinary_track, "the case is heard under ordinary procedure"),
    "application": (_nobody_applied, "no party applied for it in writing"),
    "consent": (_defendant_refused, "the defendant did not agree to it"),
    "difficulty": (_judge_finds_no_difficulty, "the parties can attend a hearing online at one time"),
    "exchange": (_no_online_exchange, "no online evidence exchange or inquiry has taken place"),
    "undisputed": (_judge_finds_a_dispute, "the judge found the main facts or evidence disputed"),
}


@pytest.mark.parametrize("condition", list(REFUSALS))
async def test_olr20_2_an_asynchronous_hearing_is_refused_when_one_condition_fails(
    court: Court, condition: str
) -> None:
    """OLR 20(2): small claims or summary, a written application, everyone's agreement, attending at
    one time genuinely hard, an online exchange or inquiry, the facts certified undisputed. One
    failing: the case waits for a live hearing, the condition named, recorded with when, and told
    to the parties and the clerk."""
    sim = Simulation(court, "en")
    build, told = REFUSALS[condition]
    case = await build(court, sim)
    state = await case_state(court, case.case_id)
    assert state["stage"] == "hearing_live_pending" and state["data"]["_status"] == "LIVE_HEARING_PENDING"
    hearing = state["data"]["hearing"]
    assert hearing["failed"]["condition"] == condition and hearing["failed"]["at"]
    assert hearing["conditions"][condition]["holds"] is False and hearing["conditions"][condition]["at"]
    assert state["data"]["mode"]["hearing"]["mode"] == "live"
    assert "mode" not in state["data"]["mode"]["evidence_exchange"] or (
        state["data"]["mode"]["evidence_exchange"]["mode"] == "asynchronous"  # the exchange's record untouched
    )
    for person in (case.plaintiff, case.defendant):
        assert "the hearing will be live, not asynchronous" in (shown := await _lines(court, person, case.case_id))
        assert told in shown
    to_clerk = await _lines(court, case.clerk, case.case_id)
    assert "waits for a live hearing (LIVE_HEARING_PENDING)" in to_clerk and told in to_clerk


async def test_olr5_olr21_consent_withdrawn_mid_hearing_sends_it_live_and_keeps_what_was_said(court: Court) -> None:
    """Both made their investigation statements; in the debate the defendant withdraws its
    agreement (OLR 5): the hearing goes live, the condition named; the statements stay (OLR 21)."""
    sim = Simulation(court, "en")
    case = await hearing_granted(court, sim)
    cid = case.case_id
    for person in (case.plaintiff, case.defendant):
        await state_by_video(court, person, cid, "investigation.mp4", b"\x01" + person.id.encode())
    await state_by_video(court, case.plaintiff, cid, "debate.mp4", b"\x02debate")
    await sim.answer(case.defendant, cid, "withdraw")
    state = await case_state(court, cid)
    assert state["stage"] == "hearing_live_pending"
    failed = state["data"]["hearing"]["failed"]
    assert (failed["condition"], failed["why"], failed["by"], failed["stage"]) == (
        "consent",
        "withdrawn",
        "defendant",
        "debate",
    )
    hearing = state["data"]["hearing"]
    assert all("file" in hearing["investigation"][role]["statement"] for role in ("plaintiff", "defendant"))
    assert "file" in hearing["debate"]["plaintiff"]["statement"]  # stays valid (OLR 21)
    shown = await _lines(court, case.plaintiff, cid)
    assert "the defendant withdrew their agreement during the hearing (OLR 5)" in shown and "OLR 21" in shown
    assert "the defendant withdrew their agreement" in await _lines(court, case.clerk, cid)


async def test_domain_10_4_a_hearing_window_lapsing_records_no_answer_for_the_silent_party(
    court: Court, clock: FakeClock
) -> None:
    """The court investigation's window closes at 23:59:59 court time with a reminder 24 hours
    before and one self-service extension offered; the defendant said nothing: "no answer" is
    recorded (it admits nothing), the judge is told, and the debate opens."""
    sim = Simulation(court, "en")
    case = await hearing_granted(court, sim)
    cid = case.case_id
    prompt = await sim.prompt_for(case.defendant, cid)
    assert prompt is not None and "_extend" in [o["value"] for o in prompt["options"]]
    await state_by_video(court, case.plaintiff, cid, "investigation.mp4", b"\x01plaintiff")
    due = datetime.fromisoformat((await case_state(court, cid))["data"]["_due"]["hearing_investigation"])
    assert due.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M:%S") == "23:59:59"  # court time (CPL 85)
    clock.now = due - timedelta(hours=20)
    await court.sweeper.run_once()
    assert "Reminder: the court investigation window ends" in await _lines(court, case.defendant, cid)
    clock.now = due + timedelta(seconds=1)
    await court.sweeper.run_once()
    state = await case_state(court, cid)
    assert state["stage"] == "hearing_debate"
    said = state["data"]["hearing"]["investigation"]
    assert "no_answer" in said["defendant"] and "no_answer" not in said["plaintiff"]
    assert "closed without a statement from the defendant" in await _lines(court, case.clerk, cid)
    debate = await _lines(court, case.plaintiff, cid)
    assert "the defendant: no statement in the window. This admits nothing." in debate


async def test_olr20_2_no_agreement_within_the_window_is_no_agreement(court: Court, clock: FakeClock) -> None:
    """The plaintiff applied; the defendant never answered the invitation: when its window closes
    the hearing is live, the defendant's silence recorded, never taken as agreement."""
    sim = Simulation(court, "en")
    case = await invited(court, sim)
    for value in ("apply", "We live 2,000 km apart."):
        await sim.answer(case.plaintiff, case.case_id, value)
    due = datetime.fromisoformat((await case_state(court, case.case_id))["data"]["_due"]["hearing_application"])
    clock.now = due + timedelta(seconds=1)
    await court.sweeper.run_once()
    state = await case_state(court, case.case_id)
    assert state["stage"] == "hearing_live_pending"
    hearing = state["data"]["hearing"]
    assert hearing["parties"]["defendant"]["lapsed_at"] and "lapsed_at" not in hearing["parties"]["plaintiff"]
    assert (hearing["failed"]["condition"], hearing["failed"]["why"], hearing["failed"]["by"]) == (
        "consent",
        "lapsed",
        "defendant",
    )
    assert "not every party applied or agreed within the time given" in await _lines(court, case.clerk, case.case_id)


async def test_olr20_2_an_online_inquiry_round_counts_as_the_exchange_or_inquiry_held(court: Court) -> None:
    """OLR 20(2)(3) asks for an online evidence exchange *or* inquiry: with no exchange on record,
    one inquiry round answered online is enough, and the invitation after it goes to the parties."""
    sim = Simulation(court, "en")
    case = await closed_exchange(court, sim)
    await _forget_the_exchange(court, case.case_id)
    await sim.answer(case.judge, case.case_id, "inquiry")
    for person in (case.plaintiff, case.defendant):
        await sim.answer(person, case.case_id, "yes")
    for value in ("plaintiff", "When did you pay?", "open"):  # the judge writes and opens a round
        await sim.answer(case.judge, case.case_id, value)
    for value in ("answer", "On 3 May."):
        await sim.answer(case.plaintiff, case.case_id, value)
    await sim.answer(case.judge, case.case_id, "hearing")
    state = await case_state(court, case.case_id)
    assert state["stage"] == "hearing_application"
    exchange = state["data"]["hearing"]["conditions"]["exchange"]
    assert (exchange["holds"], exchange["evidence_exchange"], exchange["inquiry"]) == (True, False, True)
