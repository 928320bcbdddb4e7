"""The asynchronous trial's first part through the service layer: the hand-over from filing and
the defendant's answer (DOMAIN §8.1; CPL 128, 130, 166), the clock jumped. Cases pinned to trial
version 1 keep its behaviour; version 2's answer is in test_trial_evidence_period.py."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app.simulation import Simulation
from court.commands import SubmitAnswer
from gateway.court import Court
from storage.models import Deadline
from tests.support.clock import FakeClock
from tests.support.court import demo_person
from tests.support.trial import case_in_trial, case_state, served_case, upload


async def _lines(court: Court, key: str, case_id: str) -> str:
    lines: list[str] = []
    await Simulation(court, "en", lines.append).prompt_for(await demo_person(court, key), case_id)
    return "\n".join(lines)


async def test_a_joined_defendant_hands_the_case_over_to_the_trial(court: Court) -> None:
    """Filing v4's `defendant_joined` (the defendant joined and consented) names `next_flow: trial`: the
    case continues there in the same command, pinned to the trial's newest version, with the filing's data; the
    defendant is shown the complaint."""
    sim = Simulation(court, "en")
    case_id, rep = await case_in_trial(court, sim)
    state = await case_state(court, case_id)
    newest = court.library.latest("trial").version
    assert (state["flow_id"], state["version"], state["stage"]) == ("trial", newest, "answer_period")
    assert state["data"]["_flows"] == [{"flow": "filing", "version": 4, "stage": "defendant_joined"}]
    assert state["data"]["case_number"] == "(2026)浙0192民初1号" and state["data"]["track"] == "small_claims"
    assert state["data"]["judge"]["person_id"] == (await demo_person(court, "judge")).id
    async with court.store.tx() as tx:
        case = await tx.get_case(case_id)
        assert case is not None and (case.flow_id, case.flow_version, case.status) == ("trial", newest, "ANSWER_PERIOD")
    lines: list[str] = []
    prompt = await Simulation(court, "en", lines.append).prompt_for(rep, case_id)
    assert prompt is not None and prompt["step"] == "answer_position" and prompt["deadline"] == "answer"
    assert prompt["due_at"] == state["data"]["_due"]["answer"]
    assert any("Refund for the faulty phone" in line and "CPL 128" in line for line in lines)


async def test_cpl128_the_defendant_disputes_objects_and_the_plaintiff_is_told(court: Court) -> None:
    """The defendant disputes with reasons, objects to jurisdiction inside the answer period (the
    objection waits for the judge: CPL 130), uploads evidence; the plaintiff and the court read it."""
    sim = Simulation(court, "en")
    case_id, rep = await case_in_trial(court, sim, version=1)
    for value in ("dispute", "The phone worked when delivered.", "object", "The seller is in Shanghai."):
        await sim.answer(rep, case_id, value)
    await sim.answer(rep, case_id, "no")
    evidence = await upload(court, rep, case_id, "courier_receipt.pdf", b"%PDF signed on delivery")
    await sim.answer(rep, case_id, "done")
    await sim.answer(rep, case_id, "submit")
    state = await case_state(court, case_id)
    assert state["stage"] == "exchange_consent"
    answer = state["data"]["answer"]
    assert answer["position"] == "dispute" and answer["objection"] == "The seller is in Shanghai."
    assert [f["sha256"] for f in answer["evidence"]] == [evidence["sha256"]]
    [ruling] = state["data"]["pending_rulings"]
    assert ruling["kind"] == "jurisdiction_objection" and ruling["rule"] == "CPL 130"
    told = await _lines(court, "litigant_a", case_id)
    assert "The defendant disputes the claims." in told and "The phone worked when delivered." in told
    assert "object to this court's jurisdiction (CPL 130): The seller is in Shanghai." in told
    assert "courier_receipt.pdf (SHA-256 " in told
    assert "The phone worked when delivered." in await _lines(court, "clerk", case_id)


async def test_cpl166_a_counterclaim_moves_a_small_claims_case_to_summary(court: Court) -> None:
    sim = Simulation(court, "en")
    case_id, rep = await case_in_trial(court, sim, version=1)
    for value in ("partly", "Only half the price is owed.", "accept", "yes", "Pay the delivery costs", "200"):
        await sim.answer(rep, case_id, value)
    await sim.answer(rep, case_id, "done")
    await sim.answer(rep, case_id, "submit")
    data = (await case_state(court, case_id))["data"]
    assert data["track"] == "summary" and data["counterclaim"]["amount"] == "200.00"
    assert [(c["from"], c["to"], c["rule"]) for c in data["track_changes"]] == [("small_claims", "summary", "CPL 166")]
    assert "moves from the small-claims track to summary procedure (CPL 166)" in await _lines(
        court, "litigant_a", case_id
    )


async def test_cpl128_an_admission_without_objection_or_counterclaim(court: Court) -> None:
    sim = Simulation(court, "en")
    case_id, rep = await case_in_trial(court, sim, version=1)
    for value in ("admit", "accept", "no", "done", "submit"):
        await sim.answer(rep, case_id, value)
    data = (await case_state(court, case_id))["data"]
    assert data["answer"]["position"] == "admit" and "pending_rulings" not in data and data["track"] == "small_claims"
    assert "The defendant admits the claims." in await _lines(court, "litigant_a", case_id)


async def test_cpl128_silence_is_recorded_as_no_answer_and_the_case_goes_on(court: Court, clock: FakeClock) -> None:
    """No answer in 15 days: a reminder first, then the record says "no answer" (never an
    admission), the plaintiff and the court are told, and the case goes on."""
    sim = Simulation(court, "en")
    case_id, rep = await case_in_trial(court, sim, version=1)
    due = datetime.fromisoformat((await case_state(court, case_id))["data"]["_due"]["answer"])
    assert due - clock() > timedelta(days=15)  # to 23:59:59 court time of the last day (CPL 85)
    clock.now = due - timedelta(hours=12)
    await court.sweeper.run_once()
    assert (await case_state(court, case_id))["stage"] == "answer_period"
    reminded: list[str] = []
    await Simulation(court, "en", reminded.append).prompt_for(rep, case_id)
    assert any("Reminder: the period for the defendant to answer ends" in line for line in reminded), reminded[-3:]
    clock.now = due + timedelta(seconds=1)
    await court.sweeper.run_once()
    state = await case_state(court, case_id)
    assert state["stage"] == "exchange_consent" and state["data"]["answer"]["position"] == "none"
    for who in ("litigant_a", "clerk"):
        assert "did not answer within the answer period. This is recorded; it is not an admission" in await _lines(
            court, who, case_id
        )
    async with court.store.tx() as tx:
        rows = await tx.session.scalars(select(Deadline).where(Deadline.case_id == case_id, Deadline.kind == "answer"))
        answer_row = rows.one()
    assert answer_row.status == "fired" and "CPL 128" in answer_row.rule


async def test_cpl130_a_jurisdiction_objection_after_the_answer_period_changes_nothing(
    court: Court, clock: FakeClock
) -> None:
    """The objection is only timely inside the answer period: once it has lapsed, the answer is
    refused as late (when the period closed, CPL 86 to apply for more time) and nothing is recorded."""
    sim = Simulation(court, "en")
    case_id, rep = await case_in_trial(court, sim, version=1)
    await sim.answer(rep, case_id, "admit")
    prompt = await sim.prompt_for(rep, case_id)
    assert prompt is not None and prompt["step"] == "answer_jurisdiction"
    clock.jump(days=16)
    await court.sweeper.run_once()
    late = await court.service.submit_answer(
        SubmitAnswer(rep.id, case_id, prompt["step"], prompt["seq"], "object", "test")
    )
    assert late.error == "period_closed" and late.params["kind"] == "answer"
    data = (await case_state(court, case_id))["data"]
    assert data["answer"]["position"] == "none" and "pending_rulings" not in data


async def test_olr10_a_defendant_served_offline_goes_on_to_the_trial(court: Court, clock: FakeClock) -> None:
    """Nobody joined within 3 days: served offline, and the case continues in the trial's answer
    period all the same (nobody online to answer: the period runs, then "no answer")."""
    sim = Simulation(court, "en")
    case_id, _code = await served_case(court, sim)
    await sim.answer(await demo_person(court, "clerk"), case_id, "served")  # the notice, served by the clerk
    clock.jump(days=4)
    await court.sweeper.run_once()
    state = await case_state(court, case_id)
    assert (state["flow_id"], state["stage"]) == ("trial", "answer_period")
    assert state["data"]["_flows"][-1]["stage"] == "offline_service"
    assert "did not join online within 3 days" in await _lines(court, "clerk", case_id)
