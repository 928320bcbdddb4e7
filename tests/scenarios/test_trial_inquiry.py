"""The judge's inquiry rounds through the service layer, the clock jumped (DOMAIN §3, §10;
OLR 4, 5, 20(1), 21): consent asked once per case, rounds the judge writes, answers by text or
file in a window, "no answer" when it lapses, follow-ups, and only the assigned judge asks."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.simulation import Simulation
from court.commands import SubmitAnswer
from gateway.court import Court
from storage.models import Person
from tests.support.clock import FakeClock
from tests.support.court import demo_person
from tests.support.trial import answer_with_file, case_state, exchange_closed


async def _inquiry(
    court: Court, sim: Simulation, consent: tuple[str, str] = ("yes", "yes")
) -> tuple[str, Person, Person, Person]:
    """A case whose judge chose an inquiry after the exchange, each party asked for its consent
    and answering `consent`: (case, plaintiff, defendant, judge)."""
    case_id, plaintiff, defendant = await exchange_closed(court, sim)
    judge = await demo_person(court, "judge")
    await sim.answer(judge, case_id, "inquiry")
    for person, said in zip((plaintiff, defendant), consent, strict=True):
        await sim.answer(person, case_id, said)
        if (await case_state(court, case_id))["stage"] == "live_hearing_pending":
            break
    return case_id, plaintiff, defendant, judge


async def _round(sim: Simulation, judge: Person, case_id: str, to: str, *questions: str) -> None:
    """The judge writes a round (`questions`: one text per question step) and opens it."""
    for value in (to, *questions, "open"):
        await sim.answer(judge, case_id, value)


async def _lines(court: Court, person: Person, case_id: str) -> str:
    lines: list[str] = []
    await Simulation(court, "en", lines.append).prompt_for(person, case_id)
    return "\n".join(lines)


async def _data(court: Court, case_id: str) -> dict[str, Any]:
    return (await case_state(court, case_id))["data"]


async def _submit(court: Court, person: Person, case_id: str, step: str, seq: int, value: str) -> Any:
    return await court.service.submit_answer(SubmitAnswer(person.id, case_id, step, seq, value, "test"))


async def test_olr20_two_rounds_the_second_lapsing_for_one_party_records_no_answer_and_tells_the_judge(
    court: Court, clock: FakeClock
) -> None:
    """Round 1: the same questions to both, answered by text and by a voice message (hashed on
    receipt), closing when all have answered. Round 2 asks no consent again (OLR 4: once per
    case); its window closes at 23:59:59 court time with a reminder 24 hours before and the time
    left in every prompt; the defendant's silence is "no answer", the judge is told, nothing is
    admitted (DOMAIN §10.3-10.4). The rounds stay apart in the case data."""
    sim = Simulation(court, "en")
    case_id, plaintiff, defendant, judge = await _inquiry(court, sim)
    data = await _data(court, case_id)
    assert data["consent"]["inquiry"] == {"plaintiff": "yes", "defendant": "yes"}
    assert data["mode"]["inquiry"]["mode"] == "asynchronous"
    await _round(sim, judge, case_id, "both", "When was the phone delivered?\n2. Was it switched on?")
    state = await case_state(court, case_id)
    assert state["stage"] == "inquiry_round" and state["data"]["_status"] == "INQUIRY_ROUND"
    opened = await sim.prompt_for(plaintiff, case_id)
    assert opened is not None and opened["step"] == "inquiry_open_plaintiff"
    assert opened["due_at"] == state["data"]["_due"]["inquiry"]  # the countdown in the prompt
    assert "1.1. When was the phone delivered?\n1.2. Was it switched on?" in await _lines(court, plaintiff, case_id)
    for value in ("answer", "On 2 October.", "It never switched on."):
        await sim.answer(plaintiff, case_id, value)
    assert "inquiry round 1: the plaintiff has answered." in await _lines(court, judge, case_id)
    await sim.answer(defendant, case_id, "answer")
    question = await sim.prompt_for(defendant, case_id)
    assert question is not None and question["kind"] == "statement" and question["due_at"]
    voice = await answer_with_file(court, defendant, case_id, "voice-1.m4a", b"OggS a voice message")
    await sim.answer(defendant, case_id, "It worked when it left our warehouse.")
    data = await _data(court, case_id)
    first = data["inquiry"]["rounds"][0]
    assert first["closed"] == "answered" and (await case_state(court, case_id))["stage"] == "judge_review"
    by_id = {q["id"]: q for q in first["questions"]}
    assert by_id["1.1"]["to"] == "plaintiff" and by_id["1.1"]["answer"] == {"text": "On 2 October."}
    assert by_id["1.3"]["to"] == "defendant" and by_id["1.3"]["text"] == "When was the phone delivered?"
    assert by_id["1.3"]["answer"]["file"]["sha256"] == voice["sha256"] == by_id["1.3"]["sha256"]
    assert first["asked_by"]["person_id"] == judge.id and by_id["1.3"]["answered_at"]

    await sim.answer(judge, case_id, "inquiry")  # another round: consent is not asked again
    state = await case_state(court, case_id)
    assert state["stage"] == "inquiry_questions"
    await _round(sim, judge, case_id, "both", "Who signed for the parcel?")
    for value in ("answer", "My neighbour."):
        await sim.answer(plaintiff, case_id, value)
    due = datetime.fromisoformat((await _data(court, case_id))["_due"]["inquiry"])
    assert due.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M:%S") == "23:59:59"  # court time (CPL 85)
    clock.now = due - timedelta(hours=20)
    await court.sweeper.run_once()
    assert "Reminder: the inquiry round window ends" in await _lines(court, defendant, case_id)
    clock.now = due + timedelta(seconds=1)
    await court.sweeper.run_once()
    state = await case_state(court, case_id)
    second = state["data"]["inquiry"]["rounds"][1]
    assert state["stage"] == "judge_review" and second["number"] == 2 and second["closed"] == "lapsed"
    assert [q["answer"] for q in second["questions"]] == [{"text": "My neighbour."}, None]
    assert "no_answer" in second["questions"][1] and "no_answer" not in second["questions"][0]
    assert len(state["data"]["inquiry"]["rounds"][0]["questions"]) == 4  # round 1 untouched
    told = await _lines(court, judge, case_id)
    assert "inquiry round 2 is closed: its window ended." in told
    assert (
        "2.2 to the defendant: Who signed for the parcel?\n   No answer within the window. This admits nothing." in told
    )


async def test_olr20_different_questions_to_each_party_each_sees_only_its_own(court: Court) -> None:
    sim = Simulation(court, "en")
    case_id, plaintiff, defendant, judge = await _inquiry(court, sim)
    await _round(sim, judge, case_id, "each", "How much did you pay?", "When did you ship it?\nBy which courier?")
    round_ = (await _data(court, case_id))["inquiry"]["rounds"][0]
    assert [(q["id"], q["to"]) for q in round_["questions"]] == [
        ("1.1", "plaintiff"),
        ("1.2", "defendant"),
        ("1.3", "defendant"),
    ]
    shown = await _lines(court, plaintiff, case_id)
    assert "The judge asks you 1 question(s):\n1.1. How much did you pay?" in shown and "By which courier?" not in shown
    assert "The judge asks you 2 question(s):\n1.2. When did you ship it?\n1.3. By which courier?" in await _lines(
        court, defendant, case_id
    )


async def test_olr20_a_follow_up_to_one_answer_asks_that_party_only(court: Court) -> None:
    """The judge follows up the plaintiff's answer: a further question to the plaintiff alone,
    linked to the answer it follows; a number that is no answer is refused with the list."""
    sim = Simulation(court, "en")
    case_id, plaintiff, defendant, judge = await _inquiry(court, sim)
    await _round(sim, judge, case_id, "both", "When was it delivered?")
    for person, said in ((plaintiff, "On 2 October."), (defendant, "On 1 October.")):
        await sim.answer(person, case_id, "answer")
        await sim.answer(person, case_id, said)
    await sim.answer(judge, case_id, "inquiry")
    for value in ("follow_up", "9.9"):
        await sim.answer(judge, case_id, value)
    refused = await sim.prompt_for(judge, case_id)
    assert refused is not None and refused["step"] == "inquiry_follow_unknown"
    assert "“9.9” is not the number of an answer." in await _lines(court, judge, case_id)
    await _round(sim, judge, case_id, "1.1", "Morning or afternoon?")
    state = await case_state(court, case_id)
    assert state["stage"] == "inquiry_round_plaintiff"
    [asked] = state["data"]["inquiry"]["rounds"][1]["questions"]
    picked = {k: asked[k] for k in ("id", "to", "follows", "text")}
    assert picked == {"id": "2.1", "to": "plaintiff", "follows": "1.1", "text": "Morning or afternoon?"}
    assert "inquiry round 2 asks the other party only" in await _lines(court, defendant, case_id)
    await sim.answer(plaintiff, case_id, "answer")
    assert "This follows up your earlier answer: 1.1 to the plaintiff: When was it delivered?" in await _lines(
        court, plaintiff, case_id
    )
    await sim.answer(plaintiff, case_id, "In the morning.")
    state = await case_state(court, case_id)
    assert state["stage"] == "judge_review" and state["data"]["inquiry"]["rounds"][1]["closed"] == "answered"


async def test_olr20_an_empty_round_is_refused_and_says_what_to_do(court: Court) -> None:
    sim = Simulation(court, "en")
    case_id, _plaintiff, _defendant, judge = await _inquiry(court, sim)
    await sim.answer(judge, case_id, "both")
    prompt = await sim.prompt_for(judge, case_id)
    assert prompt is not None
    numbered_only = await _submit(court, judge, case_id, prompt["step"], prompt["seq"], "1.\n2.\n")
    assert numbered_only.error == "inquiry_no_questions"
    blank = await _submit(court, judge, case_id, prompt["step"], prompt["seq"], "  \n ")
    assert blank.error == "empty_text"
    too_many = "\n".join(f"Question {n}?" for n in range(21))
    assert (await _submit(court, judge, case_id, prompt["step"], prompt["seq"], too_many)).error == (
        "inquiry_too_many_questions"
    )
    assert (await case_state(court, case_id))["stage"] == "inquiry_questions"
    assert court.catalog.render("errors.inquiry_no_questions", "en").startswith("The round has no question.")


async def test_olr20_an_asynchronous_inquiry_refused_goes_to_a_live_hearing(court: Court) -> None:
    sim = Simulation(court, "en")
    case_id, plaintiff, _defendant, _judge = await _inquiry(court, sim, consent=("yes", "no"))
    state = await case_state(court, case_id)
    assert state["stage"] == "live_hearing_pending" and state["data"]["_status"] == "LIVE_HEARING_PENDING"
    assert state["data"]["mode"]["inquiry"] | {"at": ""} == {
        "mode": "live",
        "why": "refused",
        "by": "defendant",
        "at": "",
    }
    assert state["data"]["mode"]["evidence_exchange"]["mode"] == "asynchronous"  # per stage (OLR 4)
    shown = await _lines(court, plaintiff, case_id)
    assert (
        "the inquiry will take place at a live hearing, because the defendant did not agree to an asynchronous inquiry"
        in shown
    )
    assert "waits for a live hearing (LIVE_HEARING_PENDING)" in await _lines(
        court, await demo_person(court, "clerk"), case_id
    )


async def test_olr4_no_consent_to_the_inquiry_in_time_is_no_consent(court: Court, clock: FakeClock) -> None:
    sim = Simulation(court, "en")
    case_id, _plaintiff, _defendant, _judge = await _lapsing(court, sim)
    clock.jump(days=9)
    await court.sweeper.run_once()
    data = await _data(court, case_id)
    assert data["mode"]["inquiry"]["why"] == "lapsed" and "lapsed_at" in data["consent"]["inquiry"]


async def _lapsing(court: Court, sim: Simulation) -> tuple[str, Person, Person, Person]:
    """A second case at the inquiry's consent question, only the plaintiff having agreed."""
    case_id, plaintiff, defendant = await exchange_closed(court, sim)
    judge = await demo_person(court, "judge")
    await sim.answer(judge, case_id, "inquiry")
    await sim.answer(plaintiff, case_id, "yes")
    return case_id, plaintiff, defendant, judge


async def test_olr21_consent_withdrawn_mid_round_goes_live_and_keeps_the_answers(court: Court) -> None:
    """The plaintiff answered; the defendant then withdraws its consent (OLR 5): the inquiry goes
    live, the round closes as it stands and the plaintiff's answer stays on the record (OLR 21)."""
    sim = Simulation(court, "en")
    case_id, plaintiff, defendant, judge = await _inquiry(court, sim)
    await _round(sim, judge, case_id, "both", "When was it delivered?")
    for value in ("answer", "On 2 October."):
        await sim.answer(plaintiff, case_id, value)
    await sim.answer(defendant, case_id, "withdraw")
    state = await case_state(court, case_id)
    data = state["data"]
    assert state["stage"] == "live_hearing_pending"
    assert data["mode"]["inquiry"] | {"at": ""} == {
        "mode": "live",
        "why": "withdrawn",
        "by": "defendant",
        "at": "",
        "kept": "OLR 21",
    }
    assert data["consent"]["inquiry"]["defendant"] == "withdrawn"
    round_ = data["inquiry"]["rounds"][0]
    assert round_["closed"] == "live" and round_["questions"][0]["answer"] == {"text": "On 2 October."}
    assert "The answers already given stay valid (OLR 21)." in await _lines(court, plaintiff, case_id)


async def test_a_stale_button_or_a_second_answer_to_a_closed_question_changes_nothing(court: Court) -> None:
    """Answering a question already answered, or one of a closed round, is refused and says so;
    the record keeps the first answer."""
    sim = Simulation(court, "en")
    case_id, plaintiff, defendant, judge = await _inquiry(court, sim)
    await _round(sim, judge, case_id, "both", "When was it delivered?\nWho signed?")
    await sim.answer(plaintiff, case_id, "answer")
    first = await sim.prompt_for(plaintiff, case_id)
    assert first is not None
    await sim.answer(plaintiff, case_id, "On 2 October.")
    again = await _submit(court, plaintiff, case_id, first["step"], first["seq"], "On 3 October.")
    assert again.error == "stale_step"
    await sim.answer(plaintiff, case_id, "Nobody.")
    for value in ("answer", "On 1 October.", "Our courier."):
        await sim.answer(defendant, case_id, value)
    before = await case_state(court, case_id)
    assert before["stage"] == "judge_review"
    closed = await _submit(court, plaintiff, case_id, first["step"], first["seq"], "On 3 October.")
    assert closed.error in ("stale_step", "not_your_turn")
    assert await case_state(court, case_id) == before
    assert before["data"]["inquiry"]["rounds"][0]["questions"][0]["answer"] == {"text": "On 2 October."}
    assert "nothing was changed" in court.catalog.render(f"errors.{again.error}", "en").lower()


async def test_only_the_assigned_judge_writes_a_round(court: Court) -> None:
    """DOMAIN §1: asking questions is the assigned judge's act; another judge of the court, a
    clerk or a party is refused (judges_rule) and nothing changes."""
    sim = Simulation(court, "en")
    case_id, plaintiff, _defendant, judge = await _inquiry(court, sim)
    async with court.store.tx() as tx:
        other = Person(
            id="00000000-0000-4000-8000-000000000099",
            display_name="钱法官 Judge Qian",
            staff_role="judge",
            court_code=court.settings.court_code,
            created_at=court.clock(),
        )
        tx.add(other)
    prompt = await sim.prompt_for(judge, case_id)
    assert prompt is not None and prompt["step"] == "inquiry_to"
    before = await case_state(court, case_id)
    for person in (other, await demo_person(court, "clerk")):
        refused = await _submit(court, person, case_id, prompt["step"], prompt["seq"], "both")
        assert refused.error == "judges_rule"
    party = await _submit(court, plaintiff, case_id, prompt["step"], prompt["seq"], "both")
    assert not party.ok
    assert await case_state(court, case_id) == before
    assert (await _submit(court, judge, case_id, prompt["step"], prompt["seq"], "both")).ok


async def test_olr21_the_judge_sends_the_case_to_a_live_hearing_after_a_round_and_the_round_stays(court: Court) -> None:
    """After a round the judge may move to a live hearing: the record says the judge ordered it
    (not a refusal, not a lapse), and the closed round stays valid (OLR 21)."""
    sim = Simulation(court, "en")
    case_id, plaintiff, defendant, judge = await _inquiry(court, sim)
    await _round(sim, judge, case_id, "plaintiff", "When did you pay?")
    for value in ("answer", "On 3 May."):
        await sim.answer(plaintiff, case_id, value)
    await sim.answer(judge, case_id, "live")
    data = await _data(court, case_id)
    assert data["mode"]["inquiry"] | {"at": ""} == {
        "mode": "live",
        "why": "ordered",
        "by": None,
        "at": "",
        "kept": "OLR 21",
    }
    assert data["inquiry"]["rounds"][0]["closed"] == "answered"
    assert "the judge decided that the case goes on at a live hearing." in await _lines(court, defendant, case_id)
