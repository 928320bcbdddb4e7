"""Issue 12's last items in filing version 4: the court's own duty to send the defendant's notice
within 5 days of acceptance (CPL 128), the correction period as a court setting (OLR 9, ICP 7),
and the judge's track choices limited by the case type (CPL 165, 166, Interp. 257). Through the
service layer, the clock jumped."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update

from app.simulation import Simulation
from court.commands import AcknowledgeService, ExtendDeadline, SubmitAnswer
from court.read_models import review_queue
from gateway.court import Court
from storage.models import Deadline, Person
from tests.support.clock import FakeClock
from tests.support.court import court_settings, demo_person, started_court
from tests.support.trial import case_state, latest_deadline


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
        deadline = await latest_deadline(court, case_id, "correction")
        assert deadline.status == "unstarted" and deadline.duration == "P10D"
        notice = await court.service.service_certificates(plaintiff.id, case_id)
        assert isinstance(notice, list)
        [served] = [c for c in notice if c["document"] == "document.correction_notice"]
        acknowledged = AcknowledgeService(plaintiff.id, int(served["message_id"]), "web")
        assert (await court.service.acknowledge_service(acknowledged)).ok
        await _sweep(court)
        deadline = await latest_deadline(court, case_id, "correction")
        # served 2026-11-30 10:00 Shanghai: 10 days from the next day end on Thursday 10 December
        assert deadline.due_at == datetime(2026, 12, 10, 15, 59, 59, tzinfo=UTC)
    finally:
        await court.close()


# -- the court sends the defendant's notice within 5 days of acceptance (CPL 128) -------------------


async def _queue_card(court: Court, case_id: str) -> dict[str, Any] | None:
    async with court.store.tx() as tx:
        queue = await review_queue(tx, court.settings.court_code, "en", court.catalog, court.library)
    return next((c for c in queue if c["case_id"] == case_id), None)


async def test_cpl128_the_notice_to_the_defendant_is_the_courts_duty_within_5_days_of_acceptance(
    court: Court, clock: FakeClock
) -> None:
    """CPL 128: from acceptance (the judge's track decision) the court has 5 days to send the
    defendant's notice. Not sent by then: the clerk is told and the case is overdue in the court's
    queue, while the case itself stays where it is; once the clerk serves and records the notice,
    the duty is done and the case leaves the queue."""
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    case_id = await sim.file_case(plaintiff)
    await sim.accept(clerk, case_id)  # accepted 2026-11-30 10:00 court time: 5 days end 5 December
    duty = await latest_deadline(court, case_id, "notice_to_defendant")
    assert duty.status == "pending" and duty.rule == "CPL 128"
    assert duty.due_at == datetime(2026, 12, 7, 15, 59, 59, tzinfo=UTC)  # 5 December is a Saturday (CPL 85)
    clock.jump(days=8)
    await _sweep(court)
    assert (await case_state(court, case_id))["stage"] == "fee_pending"  # a duty of the court, not a ruling
    assert "has not sent the defendant the notice of the claim within 5 days of acceptance" in await _lines(
        court, clerk, case_id
    )
    card = await _queue_card(court, case_id)
    assert card is not None and card["overdue"] == ["notice_to_defendant"]

    await sim.answer(plaintiff, case_id, "pay")
    assert "ended 2026-12-07 23:59" in await _lines(court, plaintiff, case_id)  # told truly: it has passed
    await sim.answer(clerk, case_id, "served")  # served outside the chat and recorded (OLR 10)
    state = await case_state(court, case_id)
    assert state["data"]["_duties"]["notice_to_defendant"]["done_at"] == clock.now.isoformat()
    card = await _queue_card(court, case_id)
    assert card is None or card["overdue"] == []


async def test_cpl128_a_notice_sent_in_time_fulfils_the_duty_and_nobody_is_told_of_a_delay(
    court: Court, clock: FakeClock
) -> None:
    """CPL 128: paid and served within the 5 days, the duty is done, its row closed, and passing
    its end later tells nobody anything. The plaintiff is told by when the court must send the
    notice, counted from acceptance (not from payment)."""
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    case_id = await sim.file_case(plaintiff)
    await sim.accept(clerk, case_id)
    clock.jump(days=2)
    await sim.answer(plaintiff, case_id, "pay")
    told = await _lines(court, plaintiff, case_id)
    assert "5 days from acceptance to send it (CPL 128): until 2026-12-07 23:59" in told
    assert "立案之日起5日内发送" in await _lines(court, plaintiff, case_id, "zh")
    await sim.answer(clerk, case_id, "served")
    assert (await latest_deadline(court, case_id, "notice_to_defendant")).status == "done"
    clock.jump(days=10)
    await _sweep(court)
    assert "has not sent the defendant" not in await _lines(court, clerk, case_id)
    assert "overdue_at" not in (await case_state(court, case_id))["data"]["_duties"]["notice_to_defendant"]


async def test_cpl128_the_duty_ends_with_the_case_and_is_no_partys_period(court: Court, clock: FakeClock) -> None:
    """The court's duty is not a period a party may ask more time for (CPL 86) nor one the judge
    extends; a case treated as withdrawn (Interp. 213) ends it, and its row with it."""
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    judge = await demo_person(court, "judge")
    case_id = await sim.file_case(plaintiff)
    await sim.accept(clerk, case_id)
    refused = await court.service.extend_deadline(ExtendDeadline(judge.id, case_id, "notice_to_defendant", 3, "x"))
    assert refused.error == "stale_deadline"
    async with court.store.tx() as tx:  # the fee notice took effect at once: the payment period runs
        await tx.session.execute(
            update(Deadline)
            .where(Deadline.case_id == case_id, Deadline.kind == "payment")
            .values(status="pending", due_at=clock.now + timedelta(days=1))
        )
    clock.jump(days=2)
    await _sweep(court)
    assert (await case_state(court, case_id))["stage"] == "withdrawal_ruling"
    await sim.answer(judge, case_id, "issue")
    assert (await case_state(court, case_id))["stage"] == "withdrawn"
    assert (await latest_deadline(court, case_id, "notice_to_defendant")).status == "cancelled"
    assert "ended_at" in (await case_state(court, case_id))["data"]["_duties"]["notice_to_defendant"]


# -- the judge's track choices follow the case type (CPL 165, 166, Interp. 257) ---------------------


async def _judge_prompt(court: Court, sim: Simulation, clerk: Person, case_id: str) -> tuple[Person, dict[str, Any]]:
    await sim.answer(clerk, case_id, "accept")
    async with court.store.tx() as tx:
        case = await tx.get_case(case_id)
        assert case is not None and case.judge_id is not None
        judge = await tx.person(case.judge_id)
    assert judge is not None
    prompt = await sim.prompt_for(judge, case_id)
    assert prompt is not None and prompt["step"] == "decide_track"
    return judge, prompt


async def test_cpl166_the_judge_is_offered_only_the_tracks_an_administrative_case_allows(court: Court) -> None:
    """CPL 166 and the Administrative Litigation Law: an administrative case is never heard as
    small claims, so the judge is not offered it; sent anyway (an old button, a crafted request),
    it is refused with the reason in the judge's language, and nothing changes."""
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    case_id = await sim.file_case(plaintiff, answers={"case_type": "administrative"})
    judge, prompt = await _judge_prompt(court, sim, clerk, case_id)
    assert [o["value"] for o in prompt["options"]] == ["summary", "ordinary"]
    sent = SubmitAnswer(judge.id, case_id, "decide_track", prompt["seq"], "small_claims", "web")
    refused = await court.service.submit_answer(sent)
    assert refused.error == "track_not_possible" and refused.params["rule"] == "ALL"
    for locale, words in (("en", "has no small-claims procedure"), ("zh", "没有小额诉讼程序")):
        said = court.catalog.render(f"errors.{refused.error}", locale, refused.params)
        assert words in said and ("Choose one of the procedures offered" in said or "请在所列程序中选择" in said)
    assert (await case_state(court, case_id))["stage"] == "track_decision"
    await sim.answer(judge, case_id, "summary")
    assert (await case_state(court, case_id))["data"]["track"] == "summary"


async def test_interp257_a_public_interest_suit_is_offered_only_the_ordinary_procedure(court: Court) -> None:
    """Interp. 257(5): a case involving the public interest is not heard in summary procedure, and
    CPL 166 keeps it from small claims: the judge is offered the ordinary procedure alone."""
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    case_id = await sim.file_case(plaintiff, answers={"case_type": "public_interest"})
    judge, prompt = await _judge_prompt(court, sim, clerk, case_id)
    assert [o["value"] for o in prompt["options"]] == ["ordinary"]
    sent = SubmitAnswer(judge.id, case_id, "decide_track", prompt["seq"], "summary", "web")
    refused = await court.service.submit_answer(sent)
    assert refused.error == "track_not_possible" and refused.params["rule"] == "Interp. 257(5)"


async def test_cpl165_a_money_claim_under_the_ceiling_offers_every_track_and_one_above_it_no_small_claims(
    court: Court,
) -> None:
    """CPL 165: a simple money claim within the small-claims ceiling may go any way the judge
    decides; above it (and without the parties' agreement) small claims is not offered."""
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    case_id = await sim.file_case(plaintiff)
    _judge, prompt = await _judge_prompt(court, sim, clerk, case_id)
    assert [o["value"] for o in prompt["options"]] == ["small_claims", "summary", "ordinary"]
    above = await sim.file_case(plaintiff, answers={"claim_amount": "80000", "small_claims_agreement": "no"})
    _judge, prompt = await _judge_prompt(court, sim, clerk, above)
    assert [o["value"] for o in prompt["options"]] == ["summary", "ordinary"]
