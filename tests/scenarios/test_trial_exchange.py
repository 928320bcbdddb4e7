"""The trial's mode per stage and its evidence exchange through the service layer, the clock
jumped (DOMAIN §3, §8.3, §10.3-10.5; OLR 4, 5, 15, 20(1), 21)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.simulation import Simulation
from court.commands import SubmitAnswer
from gateway.court import Court
from storage.models import Person
from tests.support.clock import FakeClock
from tests.support.court import demo_person
from tests.support.trial import case_in_trial, case_state, upload


async def _answered(court: Court, sim: Simulation) -> tuple[str, Person, Person]:
    """A case whose defendant disputed the claims with one item of evidence: (case, plaintiff, defendant)."""
    case_id, rep = await case_in_trial(court, sim, version=1)  # the exchange as trial version 1 runs it
    for value in ("dispute", "Delivered working.", "accept", "no"):
        await sim.answer(rep, case_id, value)
    await upload(court, rep, case_id, "courier_receipt.pdf", b"%PDF signed on delivery")
    for value in ("done", "submit"):
        await sim.answer(rep, case_id, value)
    return case_id, await demo_person(court, "litigant_a"), rep


async def _lines(court: Court, person: Person, case_id: str) -> str:
    lines: list[str] = []
    await Simulation(court, "en", lines.append).prompt_for(person, case_id)
    return "\n".join(lines)


async def test_olr20_all_agree_the_exchange_runs_asynchronously_with_each_item_listed(court: Court) -> None:
    """Each party is asked; all agree: the exchange runs asynchronously; each side sees the other's
    items with SHA-256 and when received, and a countdown; both give opinions and the judge reads them."""
    sim = Simulation(court, "en")
    case_id, plaintiff, defendant = await _answered(court, sim)
    asked = await sim.prompt_for(plaintiff, case_id)
    assert (
        asked is not None and asked["step"] == "exchange_consent_plaintiff" and asked["deadline"] == "exchange_consent"
    )
    await sim.answer(plaintiff, case_id, "yes")
    assert (await case_state(court, case_id))["stage"] == "exchange_consent"  # the defendant has not said yet
    await sim.answer(defendant, case_id, "yes")
    state = await case_state(court, case_id)
    assert (
        state["stage"] == "evidence_exchange" and state["data"]["mode"]["evidence_exchange"]["mode"] == "asynchronous"
    )
    assert state["data"]["consent"]["evidence_exchange"] == {"plaintiff": "yes", "defendant": "yes"}
    prompt = await sim.prompt_for(plaintiff, case_id)
    assert prompt is not None and prompt["due_at"] == state["data"]["_due"]["exchange"]  # the countdown
    shown = await _lines(court, plaintiff, case_id)
    receipt = state["data"]["answer"]["evidence"][0]
    assert f"1. courier_receipt.pdf, SHA-256 {receipt['sha256']}, received 2026-" in shown
    assert "receipt.pdf, SHA-256 " in await _lines(court, defendant, case_id)  # the plaintiff's, to the defendant
    await sim.answer(plaintiff, case_id, "opinion")
    item = await sim.prompt_for(plaintiff, case_id)
    assert item is not None and item["step"] == "item_opinion_plaintiff"  # item by item (OLR 15)
    assert "item 1 of 1 of the other side's evidence: “courier_receipt.pdf”" in await _lines(court, plaintiff, case_id)
    for value in ("dispute", "The signature on the receipt is not mine.", "done"):
        await sim.answer(plaintiff, case_id, value)
    for value in ("opinion", "accept", "done"):
        await sim.answer(defendant, case_id, value)
    state = await case_state(court, case_id)
    assert state["stage"] == "exchange_closed"
    marked = {(r["side"], r["name"]): (r["opinion"], r["undisputed"]) for r in state["data"]["evidence_opinions"]}
    assert marked == {
        ("plaintiff", "receipt.pdf"): ("accept", True),
        ("defendant", "courier_receipt.pdf"): ("dispute", False),
    }
    told = await _lines(court, await demo_person(court, "clerk"), case_id)
    assert "the plaintiff's item 1 “receipt.pdf”: accepted by the other side, undisputed." in told
    assert "disputed by the other side: The signature on the receipt is not mine." in told


async def test_ep_an_item_may_be_answered_by_asking_for_the_original_and_counter_evidence(court: Court) -> None:
    """OLR 12-13: a reasonable doubt about a copy asks for the original; counter-evidence is
    attached, hashed on receipt, and listed to the judge."""
    sim = Simulation(court, "en")
    case_id, plaintiff, defendant = await _answered(court, sim)
    await sim.answer(plaintiff, case_id, "yes")
    await sim.answer(defendant, case_id, "yes")
    for value in ("opinion", "original", "The copy is cropped."):
        await sim.answer(plaintiff, case_id, value)
    await upload(court, plaintiff, case_id, "photo_of_box.pdf", b"%PDF the box, unopened")
    await sim.answer(plaintiff, case_id, "done")
    data = (await case_state(court, case_id))["data"]
    assert data["exchange"]["plaintiff"]["items"] == {"item_1": "original"}
    assert [f["name"] for f in data["exchange"]["plaintiff"]["evidence"]] == ["photo_of_box.pdf"]


async def test_olr20_one_refusal_sends_the_stage_to_a_live_hearing_the_clerk_sees(court: Court) -> None:
    sim = Simulation(court, "en")
    case_id, plaintiff, defendant = await _answered(court, sim)
    await sim.answer(plaintiff, case_id, "yes")
    await sim.answer(defendant, case_id, "no")
    state = await case_state(court, case_id)
    assert state["stage"] == "live_hearing_pending" and state["data"]["_status"] == "LIVE_HEARING_PENDING"
    assert state["data"]["mode"]["evidence_exchange"] | {"at": ""} == {
        "mode": "live",
        "why": "refused",
        "by": "defendant",
        "at": "",
    }
    assert "the defendant did not agree to an asynchronous exchange" in await _lines(court, plaintiff, case_id)
    assert "waits for a live hearing (LIVE_HEARING_PENDING)" in await _lines(
        court, await demo_person(court, "clerk"), case_id
    )


async def test_olr21_consent_withdrawn_mid_exchange_keeps_what_was_done(court: Court) -> None:
    """The plaintiff gave its opinion; the defendant then withdraws its consent (OLR 5): the stage
    goes live, and the plaintiff's opinion stays on the record (OLR 21)."""
    sim = Simulation(court, "en")
    case_id, plaintiff, defendant = await _answered(court, sim)
    await sim.answer(plaintiff, case_id, "yes")
    await sim.answer(defendant, case_id, "yes")
    for value in ("opinion", "dispute", "Not signed by me.", "done"):
        await sim.answer(plaintiff, case_id, value)
    await sim.answer(defendant, case_id, "withdraw")
    data = (await case_state(court, case_id))["data"]
    assert (
        data["mode"]["evidence_exchange"]["why"] == "withdrawn"
        and data["mode"]["evidence_exchange"]["by"] == "defendant"
    )
    assert data["consent"]["evidence_exchange"]["defendant"] == "withdrawn"
    assert data["exchange"]["plaintiff"]["reasons"] == {"item_1": "Not signed by me."}  # stays valid
    assert "the defendant withdrew their agreement" in await _lines(court, plaintiff, case_id)


async def test_domain_10_4_a_lapsed_exchange_window_records_no_answer_for_the_silent_party(
    court: Court, clock: FakeClock
) -> None:
    """The window closes at 23:59:59 court time on its last day, with a reminder 24 hours before;
    the party that said nothing is recorded as "no answer", the judge is told, nothing is admitted."""
    sim = Simulation(court, "en")
    case_id, plaintiff, defendant = await _answered(court, sim)
    await sim.answer(plaintiff, case_id, "yes")
    await sim.answer(defendant, case_id, "yes")
    for value in ("opinion", "accept", "done"):
        await sim.answer(plaintiff, case_id, value)
    due = datetime.fromisoformat((await case_state(court, case_id))["data"]["_due"]["exchange"])
    assert due.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M:%S") == "23:59:59"  # court time (CPL 85)
    clock.now = due - timedelta(hours=20)
    await court.sweeper.run_once()
    assert "Reminder: the evidence exchange window ends" in await _lines(court, defendant, case_id)
    clock.now = due + timedelta(seconds=1)
    await court.sweeper.run_once()
    data = (await case_state(court, case_id))["data"]
    assert (await case_state(court, case_id))["stage"] == "exchange_closed"
    assert (
        data["exchange"]["defendant"]["no_answer"]["items"] == [1] and "no_answer" not in data["exchange"]["plaintiff"]
    )
    told = await _lines(court, await demo_person(court, "clerk"), case_id)
    assert "the plaintiff's item 1 “receipt.pdf”: no answer from the other side. This admits nothing." in told
    assert "the defendant's item 1 “courier_receipt.pdf”: accepted by the other side, undisputed." in told


async def test_olr4_no_consent_in_time_is_no_consent(court: Court, clock: FakeClock) -> None:
    sim = Simulation(court, "en")
    case_id, plaintiff, _defendant = await _answered(court, sim)
    await sim.answer(plaintiff, case_id, "yes")
    clock.jump(days=9)
    await court.sweeper.run_once()
    data = (await case_state(court, case_id))["data"]
    assert data["mode"]["evidence_exchange"]["why"] == "lapsed" and "lapsed_at" in data["consent"]["evidence_exchange"]


async def test_domain_10_3_one_self_service_extension_after_a_warning_moves_the_window_for_all(
    court: Court, clock: FakeClock
) -> None:
    """A party may once extend the exchange window by 7 days, after being warned that it delays the
    case: the row and its reminder move, everyone is told, and a second request points to the judge."""
    sim = Simulation(court, "en")
    case_id, plaintiff, defendant = await _answered(court, sim)
    await sim.answer(plaintiff, case_id, "yes")
    await sim.answer(defendant, case_id, "yes")
    due = datetime.fromisoformat((await case_state(court, case_id))["data"]["_due"]["exchange"])
    await sim.answer(defendant, case_id, "_extend")
    assert "This delays the case." in await _lines(court, defendant, case_id)
    await sim.answer(defendant, case_id, "_extend_confirm")
    moved = datetime.fromisoformat((await case_state(court, case_id))["data"]["_due"]["exchange"])
    assert moved - due == timedelta(days=7)
    async with court.store.tx() as tx:
        row = await tx.pending_deadline(case_id, "exchange")
    assert row is not None and row.due_at == moved and row.extended_from == due
    assert row.remind_at == moved - timedelta(hours=24)
    assert "was extended at the request of the defendant" in await _lines(court, plaintiff, case_id)
    prompt = await sim.prompt_for(defendant, case_id)
    assert prompt is not None and prompt["due_at"] == moved.isoformat()  # the countdown follows
    refused = await court.service.submit_answer(
        SubmitAnswer(defendant.id, case_id, prompt["step"], prompt["seq"], "_extend", "test")
    )
    assert refused.error == "extension_unavailable"
    clock.now = due + timedelta(hours=1)  # the first closing time passes: nothing closes
    await court.sweeper.run_once()
    assert (await case_state(court, case_id))["stage"] == "evidence_exchange"
