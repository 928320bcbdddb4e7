"""Going live from the middle of an asynchronous stage, through the service layer (OLR 5, 21):
a party withdraws its consent to the asynchronous trial at any point (in the exchange's per-item
loop, between an inquiry round's questions, in a hearing stage), or the assigned judge orders a
live hearing with reasons; what was done stays valid and the record says so."""

from __future__ import annotations

from app.simulation import Simulation
from asynchronous_trial.record import read_record
from court.commands import OrderLiveHearing, WithdrawAsynchronousConsent
from court.outcomes import Outcome
from gateway.court import Court
from storage.models import Person
from tests.support.court import demo_person
from tests.support.hearing import hearing_granted, state_by_video
from tests.support.trial import case_in_trial, case_state, exchange_closed, upload


async def _lines(court: Court, person: Person, case_id: str) -> str:
    lines: list[str] = []
    await Simulation(court, "en", lines.append).prompt_for(person, case_id)
    return "\n".join(lines)


async def _withdraw(court: Court, person: Person, case_id: str) -> Outcome:
    return await court.service.withdraw_asynchronous_consent(WithdrawAsynchronousConsent(person.id, case_id, "test"))


async def _order(court: Court, person: Person, case_id: str, reasons: str) -> Outcome:
    return await court.service.order_live_hearing(OrderLiveHearing(person.id, case_id, reasons, "test"))


async def _exchange_open(court: Court, sim: Simulation) -> tuple[str, Person, Person]:
    """A trial v2 case whose parties agreed to the asynchronous exchange: (case, plaintiff, defendant)."""
    case_id, rep = await case_in_trial(court, sim)
    for value in ("dispute", "Delivered working.", "accept", "no"):
        await sim.answer(rep, case_id, value)
    await upload(court, rep, case_id, "courier_receipt.pdf", b"%PDF signed on delivery")
    for value in ("done", "submit"):
        await sim.answer(rep, case_id, value)
    plaintiff = await demo_person(court, "litigant_a")
    for value in ("done", "yes"):  # no more evidence in the evidence period; agreed to the asynchronous exchange
        for person in (plaintiff, rep):
            await sim.answer(person, case_id, value)
    assert (await case_state(court, case_id))["stage"] == "evidence_exchange"
    return case_id, plaintiff, rep


async def _inquiry_open(court: Court, sim: Simulation) -> tuple[str, Person, Person]:
    """A case whose exchange closed, whose judge chose an inquiry both parties agreed to: (case,
    plaintiff, judge), the judge writing the first round."""
    case_id, plaintiff, defendant = await exchange_closed(court, sim)
    judge = await demo_person(court, "judge")
    await sim.answer(judge, case_id, "inquiry")
    for person in (plaintiff, defendant):
        await sim.answer(person, case_id, "yes")
    assert (await case_state(court, case_id))["stage"] == "inquiry_questions"
    return case_id, plaintiff, judge


async def test_olr5_olr21_consent_withdrawn_in_the_middle_of_the_per_item_loop_goes_live_and_keeps_the_opinions(
    court: Court,
) -> None:
    """The plaintiff gave its opinion on the defendant's evidence; the defendant, in the middle of
    going through the plaintiff's items one by one, withdraws its consent (OLR 5): the exchange goes
    live, the withdrawal is recorded (who, when, which stage) and the plaintiff's opinion stays (OLR 21)."""
    sim = Simulation(court, "en")
    case_id, plaintiff, defendant = await _exchange_open(court, sim)
    for value in ("opinion", "dispute", "Not signed by me.", "done"):
        await sim.answer(plaintiff, case_id, value)
    await sim.answer(defendant, case_id, "opinion")
    prompt = await sim.prompt_for(defendant, case_id)
    assert prompt is not None and prompt["step"] == "item_opinion_defendant"  # in the per-item loop
    assert (await _withdraw(court, defendant, case_id)).ok
    state = await case_state(court, case_id)
    assert state["stage"] == "live_hearing_pending"
    mode = state["data"]["mode"]["evidence_exchange"]
    assert mode["mode"] == "live" and mode["why"] == "withdrawn" and mode["by"] == "defendant"
    assert mode["stage"] == "evidence_exchange" and mode["kept"] == "OLR 21" and mode["at"]
    assert state["data"]["consent"]["evidence_exchange"]["defendant"] == "withdrawn"
    assert state["data"]["exchange"]["plaintiff"]["reasons"] == {"item_1": "Not signed by me."}  # stays valid
    assert "the defendant withdrew their agreement" in await _lines(court, plaintiff, case_id)
    assert "What was done so far stays valid (OLR 21)" in await _lines(court, defendant, case_id)
    clerk = await demo_person(court, "clerk")
    assert "waits for a live hearing" in await _lines(court, clerk, case_id)
    record = await read_record(court.store, court.library, plaintiff.id, case_id)  # said in the record (OLR 34)
    assert record is not None
    stages = {s["stage"]: s["parties"] for s in record["stages"]}
    withdrawal = next(e for e in stages["evidence_exchange"]["defendant"] if e["kind"] == "withdrawal")
    assert withdrawal["actor_id"] == defendant.id and withdrawal["sha256"] and withdrawal["at"]
    assert withdrawal["content"]["kept"] == "OLR 21" and withdrawal["content"]["stage"] == "evidence_exchange"


async def test_olr5_olr21_consent_withdrawn_after_one_of_two_inquiry_questions_keeps_the_answer(court: Court) -> None:
    """The plaintiff answered the first of its two questions and then withdraws its consent
    (OLR 5): the inquiry goes live, the round closes as it stands and the answer stays (OLR 21)."""
    sim = Simulation(court, "en")
    case_id, plaintiff, judge = await _inquiry_open(court, sim)
    for value in ("both", "When was it delivered?\nWho signed for it?", "open"):
        await sim.answer(judge, case_id, value)
    for value in ("answer", "On 2 October."):
        await sim.answer(plaintiff, case_id, value)
    prompt = await sim.prompt_for(plaintiff, case_id)
    assert prompt is not None and prompt["step"].startswith("inquiry_answer")  # the second question
    assert (await _withdraw(court, plaintiff, case_id)).ok
    state = await case_state(court, case_id)
    assert state["stage"] == "live_hearing_pending"
    mode = state["data"]["mode"]["inquiry"]
    assert (mode["why"], mode["by"], mode["stage"], mode["kept"]) == (
        "withdrawn",
        "plaintiff",
        "inquiry_round",
        "OLR 21",
    )
    round_ = state["data"]["inquiry"]["rounds"][0]
    assert round_["closed"] == "live" and round_["questions"][0]["answer"] == {"text": "On 2 October."}
    assert "The answers already given stay valid (OLR 21)." in await _lines(court, plaintiff, case_id)


async def test_olr5_olr21_consent_withdrawn_in_the_middle_of_a_hearing_stage_keeps_the_statement(court: Court) -> None:
    """In the court investigation the defendant has made its video statement; the plaintiff, in the
    middle of recording its own, withdraws its consent (OLR 5): the hearing goes live with the
    condition named, and the defendant's statement stays on the record (OLR 21)."""
    sim = Simulation(court, "en")
    case = await hearing_granted(court, sim)
    cid = case.case_id
    video = await state_by_video(court, case.defendant, cid, "defendant_investigation.mp4", b"\x00\x00video-1")
    await sim.answer(case.plaintiff, cid, "state")
    assert (await _withdraw(court, case.plaintiff, cid)).ok
    state = await case_state(court, cid)
    assert state["stage"] == "hearing_live_pending"
    failed = state["data"]["hearing"]["failed"]
    assert (failed["condition"], failed["why"], failed["by"], failed["stage"]) == (
        "consent",
        "withdrawn",
        "plaintiff",
        "hearing_investigation",
    )
    assert failed["kept"] == "OLR 21" and state["data"]["mode"]["hearing"]["mode"] == "live"
    kept = state["data"]["hearing"]["investigation"]["defendant"]["statement"]["file"]
    assert kept["sha256"] == video["sha256"]
    assert "the plaintiff withdrew their agreement during the hearing" in await _lines(court, case.defendant, cid)
    assert "what was done stays valid (OLR 21)" in await _lines(court, case.clerk, cid)


async def test_olr5_withdrawal_is_refused_outside_an_asynchronous_stage_and_changes_nothing(court: Court) -> None:
    """In the answer period and with the judge after the exchange nothing runs asynchronously: a
    withdrawal is refused with what to do (`not_asynchronous`), and a judge cannot withdraw a
    party's consent (it orders a live hearing instead)."""
    sim = Simulation(court, "en")
    case_id, rep = await case_in_trial(court, sim)
    assert (await case_state(court, case_id))["stage"] == "answer_period"
    assert (await _withdraw(court, rep, case_id)).error == "not_asynchronous"
    closed_id, plaintiff, _defendant = await exchange_closed(court, sim)
    before = await case_state(court, closed_id)
    assert before["stage"] == "exchange_closed"
    assert (await _withdraw(court, plaintiff, closed_id)).error == "not_asynchronous"
    judge = await demo_person(court, "judge")
    assert (await _withdraw(court, judge, closed_id)).error == "parties_withdraw"
    assert await case_state(court, closed_id) == before


async def test_olr21_the_assigned_judge_orders_a_live_hearing_mid_stage_another_judge_is_refused(
    court: Court,
) -> None:
    """A ruling (DOMAIN §1): in the middle of the hearing's debate another judge of the court, the
    clerk and a party are refused (judges_rule), an order without reasons is refused; the assigned
    judge's order sends the case live with the reasons recorded and told to the parties (OLR 21)."""
    sim = Simulation(court, "en")
    case = await hearing_granted(court, sim)
    cid = case.case_id
    for person in (case.plaintiff, case.defendant):
        await state_by_video(court, person, cid, f"{person.id}.mp4", person.id.encode())
    assert (await case_state(court, cid))["stage"] == "hearing_debate"
    async with court.store.tx() as tx:
        other = Person(
            id="00000000-0000-4000-8000-000000000098",
            display_name="钱法官 Judge Qian",
            staff_role="judge",
            court_code=court.settings.court_code,
            created_at=court.clock(),
        )
        tx.add(other)
    before = await case_state(court, cid)
    for person in (other, case.clerk, case.plaintiff):
        assert (await _order(court, person, cid, "A witness must be heard.")).error == "judges_rule"
    assert (await _order(court, case.judge, cid, "  ")).error == "live_reasons_needed"
    assert await case_state(court, cid) == before
    assert (await _order(court, case.judge, cid, "A witness must be heard in person.")).ok
    state = await case_state(court, cid)
    assert state["stage"] == "hearing_live_pending"
    failed = state["data"]["hearing"]["failed"]
    assert (failed["condition"], failed["why"], failed["by"], failed["judge"], failed["stage"]) == (
        "ordered",
        "ordered",
        "judge",
        case.judge.id,
        "hearing_debate",
    )
    assert "A witness must be heard in person." in await _lines(court, case.plaintiff, cid)
    record = await read_record(court.store, court.library, case.plaintiff.id, cid)
    assert record is not None
    stages = {s["stage"]: s["parties"] for s in record["stages"]}
    order = next(e for e in stages["hearing_debate"]["court"] if e["kind"] == "ruling")
    assert order["actor_id"] == case.judge.id and order["content"]["reasons"] == "A witness must be heard in person."
    assert state["data"]["hearing"]["investigation"]["plaintiff"]["statement"]  # stays valid (OLR 21)
