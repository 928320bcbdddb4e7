"""Issue 12: clocks that run from effective service (CPL 90, OLR 31), rulings by the assigned
judge alone, and court extensions under CPL 85. Through the service layer, the clock jumped."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from app.simulation import PLAINTIFF_ANSWERS, Simulation
from court import accounts
from court.commands import (
    AcknowledgeService,
    ApplyForMoreTime,
    ConfirmPayment,
    DecideMoreTime,
    ExtendDeadline,
    JoinCase,
    OpenCase,
    ReassignJudge,
    SubmitAnswer,
    UploadEvidence,
)
from court.read_models import review_queue
from gateway.court import Court
from identity.models import IdentityProfile
from storage.models import OutboxMessage, Payment, Person
from tests.support.clock import FakeClock
from tests.support.court import demo_person
from tests.support.trial import case_state, latest_deadline


async def _lines(court: Court, person: Person, case_id: str) -> str:
    lines: list[str] = []
    await Simulation(court, "en", lines.append).prompt_for(person, case_id)
    return "\n".join(lines)


async def _fee_notice_id(court: Court, plaintiff: Person, case_id: str) -> int:
    found = await court.service.service_certificates(plaintiff.id, case_id)
    assert isinstance(found, list)
    return int(next(c for c in found if c["document"] == "document.fee_notice")["message_id"])


async def _extra_judge(court: Court, name: str) -> Person:
    async with court.store.tx() as tx:
        judge = Person(
            id=f"00000000-0000-4000-8000-{len(name):012d}",
            display_name=name,
            staff_role="judge",
            court_code=court.settings.court_code,
            created_at=court.clock(),
        )
        tx.add(judge)
    return judge


# -- item 2: clocks from effective service ---------------------------------------------------------


async def test_fm22_payment_period_runs_from_the_fee_notices_effective_service(court: Court, clock: FakeClock) -> None:
    """The plaintiff never uses the web chat, so the fee notice reaches no address of theirs: no
    clock runs and the court's queue shows it. Their acknowledgement days later starts the 7 days."""
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    case_id = await sim.file_case(plaintiff)
    await sim.accept(clerk, case_id)
    assert (await latest_deadline(court, case_id, "payment")).status == "unstarted"
    clock.jump(days=10)
    await _sweep(court)
    assert (await case_state(court, case_id))["stage"] == "fee_pending"  # not withdrawn: never served
    async with court.store.tx() as tx:
        queue = await review_queue(tx, court.settings.court_code, "en", court.catalog, court.library)
    [card] = [c for c in queue if c["case_id"] == case_id]
    assert card["not_served"] == ["payment"]

    said = await court.service.acknowledge_service(
        AcknowledgeService(plaintiff.id, await _fee_notice_id(court, plaintiff, case_id), "web")
    )
    assert said.ok
    await _sweep(court)
    deadline = await latest_deadline(court, case_id, "payment")
    assert deadline.status == "pending" and deadline.started_at == clock.now
    # served 2026-12-10 10:00 Shanghai: 7 days from the next day end 2026-12-17 (FM 22, CPL 85)
    assert deadline.due_at == datetime(2026, 12, 17, 15, 59, 59, tzinfo=UTC)
    assert (await case_state(court, case_id))["data"]["_due"]["payment"] == deadline.due_at.isoformat()
    assert "runs from then and ends" in await _lines(court, plaintiff, case_id)
    clock.jump(days=6)
    await _sweep(court)
    assert (await case_state(court, case_id))["stage"] == "fee_pending"  # still in time
    clock.jump(days=2)
    await _sweep(court)
    assert (await case_state(court, case_id))["stage"] != "fee_pending"


async def test_fm22_payment_period_from_arrival_at_an_address_the_plaintiff_uses(court: Court) -> None:
    """A notice delivered to the web chat the plaintiff uses takes effect on arrival (OLR 31(1))."""
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    async with court.store.tx() as tx:
        await accounts.use_channel(tx, plaintiff.id, accounts.WEB, plaintiff.id, court.clock())
    case_id = await sim.file_case(plaintiff)
    await sim.accept(clerk, case_id)
    await _sweep(court)
    deadline = await latest_deadline(court, case_id, "payment")
    assert deadline.status == "pending" and deadline.started_at is not None
    prompt = await sim.prompt_for(plaintiff, case_id)  # the fee question again, now with its countdown
    assert prompt is not None and prompt["step"] == "pay_fee" and deadline.due_at is not None
    assert prompt["due_at"] == deadline.due_at.isoformat()


async def test_olr10_link_period_runs_from_the_notices_service_not_from_the_invitation(
    court: Court, clock: FakeClock
) -> None:
    """Today the 3 days ran from the invitation's creation; now from the recorded service of the
    notice on the defendant. Unserved, nothing lapses."""
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    case_id = await sim.file_case(plaintiff)
    await sim.accept(clerk, case_id)
    await sim.answer(plaintiff, case_id, "pay")
    assert (await case_state(court, case_id))["stage"] == "awaiting_defendant"
    clock.jump(days=5)
    await _sweep(court)
    assert (await case_state(court, case_id))["stage"] == "awaiting_defendant"
    assert (await latest_deadline(court, case_id, "defendant_link")).status == "unstarted"
    await sim.answer(clerk, case_id, "served")
    deadline = await latest_deadline(court, case_id, "defendant_link")
    assert deadline.status == "pending" and deadline.started_at == clock.now
    assert "now ends" in await _lines(court, clerk, case_id)
    clock.jump(days=4)
    await _sweep(court)
    state = await case_state(court, case_id)  # served offline, the case goes on in the trial
    assert state["data"]["_flows"][-1]["stage"] == "offline_service" and state["stage"] == "answer_period"


# -- item 6: only the assigned judge rules ----------------------------------------------------------


async def test_only_the_assigned_judge_decides_the_track(court: Court) -> None:
    """A clerk prepares and serves; the judge assigned to the case decides the track, and the
    acceptance notice states that decision (DOMAIN §1, CPL 160, 165)."""
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    judge = await demo_person(court, "judge")
    case_id = await sim.file_case(plaintiff)
    await sim.answer(clerk, case_id, "accept")
    state = await case_state(court, case_id)
    assert state["stage"] == "track_decision" and state["data"]["judge"]["id"] == judge.id
    prompt = await sim.prompt_for(clerk, case_id)
    assert prompt is not None and prompt["step"] == "decide_track"
    refused = await court.service.submit_answer(
        SubmitAnswer(clerk.id, case_id, "decide_track", prompt["seq"], "ordinary", "web")
    )
    assert refused.error == "judges_rule"
    await sim.answer(judge, case_id, "ordinary")  # the filing proposed small claims
    state = await case_state(court, case_id)
    assert state["stage"] == "fee_pending" and state["data"]["track"] == "ordinary"
    assert state["data"]["track_proposed"] == "small_claims"
    assert "Track: ordinary procedure" in await _lines(court, plaintiff, case_id)


async def test_judges_are_assigned_round_robin_and_an_admin_may_reassign(court: Court) -> None:
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    admin, judge = await demo_person(court, "admin"), await demo_person(court, "judge")
    other = await _extra_judge(court, "钱法官 Judge Qian")
    assigned = []
    for _ in range(3):
        case_id = await sim.file_case(plaintiff)
        await sim.answer(clerk, case_id, "accept")
        assigned.append((await case_state(court, case_id))["data"]["judge"]["id"])
    assert assigned[0] != assigned[1] and assigned[2] == assigned[0]
    assert set(assigned) == {judge.id, other.id}

    first = assigned[0]
    newcomer = other.id if first == judge.id else judge.id
    refused = await court.service.reassign_judge(ReassignJudge(clerk.id, case_id, newcomer, "leave"))
    assert refused.error == "not_a_party"  # only an admin reassigns
    assert (await court.service.reassign_judge(ReassignJudge(admin.id, case_id, clerk.id, "x"))).error == (
        "not_a_judge_of_the_court"
    )
    assert (await court.service.reassign_judge(ReassignJudge(admin.id, case_id, newcomer, "leave"))).ok
    prompt = await sim.prompt_for(clerk, case_id)
    assert prompt is not None
    before = await court.service.submit_answer(
        SubmitAnswer(first, case_id, "decide_track", prompt["seq"], "summary", "web")
    )
    assert before.error == "judges_rule"
    now = await court.service.submit_answer(
        SubmitAnswer(newcomer, case_id, "decide_track", prompt["seq"], "summary", "web")
    )
    assert now.ok


async def test_olr9_refusal_is_explained_and_returned_before_any_ruling(court: Court) -> None:
    """The clerk explains and returns; the plaintiff may accept that (returned, no ruling) or
    insist, and then only the assigned judge rules."""
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    judge = await demo_person(court, "judge")
    case_id = await sim.file_case(plaintiff)
    await sim.answer(clerk, case_id, "refuse")
    await sim.answer(clerk, case_id, "Sue in the defendant's domicile")
    assert (await case_state(court, case_id))["stage"] == "refusal_explained"
    assert "insist on your filing" in await _lines(court, plaintiff, case_id)
    await sim.answer(plaintiff, case_id, "accept")
    assert (await case_state(court, case_id))["stage"] == "returned"  # no ruling was needed

    case_id = await sim.file_case(plaintiff)
    await sim.answer(clerk, case_id, "refuse")
    await sim.answer(clerk, case_id, "Sue in the defendant's domicile")
    await sim.answer(plaintiff, case_id, "insist")
    prompt = await sim.prompt_for(clerk, case_id)
    assert prompt is not None and prompt["step"] == "rule_on_filing"
    refused = await court.service.submit_answer(
        SubmitAnswer(clerk.id, case_id, "rule_on_filing", prompt["seq"], "refuse", "web")
    )
    assert refused.error == "judges_rule"
    await sim.answer(judge, case_id, "refuse")
    await sim.answer(judge, case_id, "No jurisdiction")
    assert (await case_state(court, case_id))["stage"] == "not_accepted"


# -- item 3: extensions under CPL 85 -----------------------------------------------------------------


async def _paying_case(court: Court, clock: FakeClock) -> tuple[Simulation, str, Person, Person, Person]:
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    async with court.store.tx() as tx:
        await accounts.use_channel(tx, plaintiff.id, accounts.WEB, plaintiff.id, court.clock())
    case_id = await sim.file_case(plaintiff)
    await sim.accept(clerk, case_id)
    await _sweep(court)  # the payment period starts from the notice's arrival
    return sim, case_id, plaintiff, clerk, await demo_person(court, "judge")


async def test_cpl85_extension_lands_on_a_working_day_and_everyone_is_told(court: Court, clock: FakeClock) -> None:
    clock.now = datetime(2026, 9, 20, 2, 0, tzinfo=UTC)
    _sim, case_id, plaintiff, _clerk, judge = await _paying_case(court, clock)
    due = (await latest_deadline(court, case_id, "payment")).due_at
    assert due == datetime(2026, 9, 28, 15, 59, 59, tzinfo=UTC)  # 27 September is a Sunday: Monday 28th
    for days in (0, -3):
        refused = await court.service.extend_deadline(ExtendDeadline(judge.id, case_id, "payment", days, "x"))
        assert refused.error == "extension_not_positive"
    done = await court.service.extend_deadline(ExtendDeadline(judge.id, case_id, "payment", 4, "hospital stay"))
    assert done.ok
    # 28 September + 4 = 2 October, National Day: the period ends on the next working day (CPL 85)
    assert (await latest_deadline(court, case_id, "payment")).due_at == datetime(2026, 10, 8, 15, 59, 59, tzinfo=UTC)
    assert "The judge extended the fee payment period" in await _lines(court, plaintiff, case_id)


async def test_cpl86_only_the_assigned_judge_extends(court: Court, clock: FakeClock) -> None:
    _sim, case_id, _plaintiff, clerk, _judge = await _paying_case(court, clock)
    refused = await court.service.extend_deadline(ExtendDeadline(clerk.id, case_id, "payment", 3, "x"))
    assert refused.error == "judges_rule"


# -- item 5: treated as withdrawn is the judge's ruling; fee relief -----------------------------------


async def _fee_due(court: Court, clock: FakeClock) -> tuple[Simulation, str, Person, Person]:
    """An accepted case whose fee notice reached the plaintiff, its 7 days running."""
    sim, case_id, plaintiff, _clerk, judge = await _paying_case(court, clock)
    return sim, case_id, plaintiff, judge


async def _unpaid_payment(court: Court, case_id: str) -> str:
    """A payment the provider has not confirmed yet (a real provider answers later)."""
    async with court.store.tx() as tx:
        row = Payment(id=str(uuid.uuid4()), case_id=case_id, amount="25.00", provider="bank", created_at=court.clock())
        tx.add(row)
    return row.id


async def test_interp213_lapsed_fee_puts_the_case_before_the_judge_who_issues_the_ruling(
    court: Court, clock: FakeClock
) -> None:
    sim, case_id, plaintiff, judge = await _fee_due(court, clock)
    clock.jump(days=9)
    await _sweep(court)
    assert (await case_state(court, case_id))["stage"] == "withdrawal_ruling"  # not closed by a timer
    assert "Draft ruling" in await _lines(court, judge, case_id)
    clerk = await demo_person(court, "clerk")
    prompt = await sim.prompt_for(clerk, case_id)
    assert prompt is not None and prompt["step"] == "rule_withdrawal"
    refused = await court.service.submit_answer(
        SubmitAnswer(clerk.id, case_id, "rule_withdrawal", prompt["seq"], "issue", "web")
    )
    assert refused.error == "judges_rule"
    await sim.answer(judge, case_id, "issue")
    assert (await case_state(court, case_id))["stage"] == "withdrawn"
    found = await court.service.service_certificates(plaintiff.id, case_id)
    assert isinstance(found, list) and "document.withdrawal_ruling" in [c["document"] for c in found]

    late = await _unpaid_payment(court, case_id)  # the money arrives after the ruling
    await court.service.confirm_payment(ConfirmPayment(late, "BANK-1"))
    async with court.store.tx() as tx:
        payment = await tx.session.get(Payment, late)
    assert payment is not None and payment.status == "refund_due"  # never kept while the case closes
    assert "refund it in full" in await _lines(court, plaintiff, case_id)


async def test_interp213_payment_after_the_period_but_before_the_ruling_counts(court: Court, clock: FakeClock) -> None:
    _sim, case_id, _plaintiff, _judge = await _fee_due(court, clock)
    clock.jump(days=9)
    await _sweep(court)
    assert (await case_state(court, case_id))["stage"] == "withdrawal_ruling"
    late = await _unpaid_payment(court, case_id)
    assert (await court.service.confirm_payment(ConfirmPayment(late, "BANK-2"))).ok
    assert (await case_state(court, case_id))["stage"] == "awaiting_defendant"  # the case goes on


async def test_fm44_fee_waiver_application_stops_the_clock_and_the_judge_decides(
    court: Court, clock: FakeClock
) -> None:
    sim, case_id, plaintiff, judge = await _fee_due(court, clock)
    await sim.answer(plaintiff, case_id, "relief")
    await sim.answer(plaintiff, case_id, "waiver")
    await sim.answer(plaintiff, case_id, "Unemployed since May; proof of minimum living allowance attached")
    assert (await case_state(court, case_id))["stage"] == "fee_relief_review"
    assert (await latest_deadline(court, case_id, "payment")).status == "cancelled"  # no clock while the judge decides
    clock.jump(days=30)
    await _sweep(court)
    assert (await case_state(court, case_id))["stage"] == "fee_relief_review"
    await sim.answer(judge, case_id, "waive")
    state = await case_state(court, case_id)
    assert state["stage"] == "awaiting_defendant" and state["data"]["fee"]["due"] == "0"
    assert "the fee is waived" in await _lines(court, plaintiff, case_id)


async def test_fm44_refused_relief_brings_a_new_fee_notice_and_a_new_period_from_its_service(
    court: Court, clock: FakeClock
) -> None:
    sim, case_id, plaintiff, judge = await _fee_due(court, clock)
    await sim.answer(plaintiff, case_id, "relief")
    await sim.answer(plaintiff, case_id, "deferral")
    await sim.answer(plaintiff, case_id, "Salary paid late this month")
    clock.jump(days=20)
    await sim.answer(judge, case_id, "refuse")
    assert (await case_state(court, case_id))["stage"] == "fee_pending_again"
    await _sweep(court)
    deadline = await latest_deadline(court, case_id, "payment")
    assert deadline.status == "pending" and deadline.started_at == clock.now
    clock.jump(days=6)
    await _sweep(court)
    assert (await case_state(court, case_id))["stage"] == "fee_pending_again"


# -- item 3: more time after an obstacle (CPL 86) ------------------------------------------------------


async def test_cpl86_a_party_applies_within_10_days_after_the_obstacle_and_the_judge_decides(
    court: Court, clock: FakeClock
) -> None:
    _sim, case_id, plaintiff, clerk, judge = await _paying_case(court, clock)
    clock.jump(days=2)  # 2026-12-02
    too_late = ApplyForMoreTime(plaintiff.id, case_id, "2026-11-10", "in hospital", "web")
    assert (await court.service.apply_for_more_time(too_late)).error == "more_time_too_late"
    future = ApplyForMoreTime(plaintiff.id, case_id, "2026-12-09", "in hospital", "web")
    assert (await court.service.apply_for_more_time(future)).error == "more_time_obstacle_not_over"
    no_reason = ApplyForMoreTime(plaintiff.id, case_id, "2026-12-01", " ", "web")
    assert (await court.service.apply_for_more_time(no_reason)).error == "more_time_reason_needed"
    applied = await court.service.apply_for_more_time(
        ApplyForMoreTime(plaintiff.id, case_id, "2026-12-01", "In hospital from 20 to 30 November", "telegram")
    )
    assert applied.ok and applied.params["application"] == "1"
    async with court.store.tx() as tx:
        queue = await review_queue(tx, court.settings.court_code, "en", court.catalog, court.library)
    [card] = [c for c in queue if c["case_id"] == case_id]
    assert card["more_time"] == ["1"]  # before the judge
    assert "In hospital from 20 to 30 November" in await _lines(court, clerk, case_id)

    before = (await latest_deadline(court, case_id, "payment")).due_at
    assert before is not None
    decided = DecideMoreTime(clerk.id, case_id, "1", grant=True, days=5, reason="medical certificate")
    assert (await court.service.decide_more_time(decided)).error == "judges_rule"
    decided = DecideMoreTime(judge.id, case_id, "1", grant=True, days=5, reason="medical certificate")
    assert (await court.service.decide_more_time(decided)).ok
    after = (await latest_deadline(court, case_id, "payment")).due_at
    assert after is not None and (after - before).days >= 5
    assert "granted" in await _lines(court, plaintiff, case_id)
    assert (await court.service.decide_more_time(decided)).error == "stale_step"  # decided once
    async with court.store.tx() as tx:
        queue = await review_queue(tx, court.settings.court_code, "en", court.catalog, court.library)
    assert not [c for c in queue if c["case_id"] == case_id and c["more_time"]]


async def test_cpl128_the_answer_period_runs_from_the_complaint_copys_effective_service(
    court: Court, clock: FakeClock
) -> None:
    """No answer period runs while the admitted defendant is asked for consent; once they consent,
    the complaint copy is served (with its certificate) and the case moves to the trial, whose 15
    days to answer run from when the copy took effect, here their "received" two days later, to
    23:59:59 court time (CPL 128, 90, 85)."""
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    rep = await demo_person(court, "litigant_b")
    case_id = await sim.file_case(plaintiff)
    await sim.accept(clerk, case_id)
    await sim.answer(plaintiff, case_id, "pay")
    code = (await case_state(court, case_id))["data"]["invitation"]["code"]
    assert (await court.service.join_case(JoinCase(rep.id, code, "test"))).ok
    prompt = await sim.prompt_for(rep, case_id)
    assert prompt is not None
    proof = UploadEvidence(rep.id, case_id, prompt["step"], prompt["seq"], "l.pdf", "application/pdf", b"%PDF", "t")
    assert (await court.service.upload_evidence(proof)).ok
    await sim.answer(rep, case_id, "done")
    await sim.answer(clerk, case_id, "admit")
    assert (await case_state(court, case_id))["stage"] == "defendant_consent"
    async with court.store.tx() as tx:
        assert await tx.pending_deadline(case_id, "answer") is None  # asked for consent: no period yet
    clock.jump(days=3)
    for answer in ("yes", "yes", "confirm"):  # online, e-service, the address (OLR 10, 29, 30)
        await sim.answer(rep, case_id, answer)
    found = await court.service.service_certificates(rep.id, case_id)
    assert isinstance(found, list)
    [copy] = [c for c in found if c["document"] == "document.complaint_copy"]
    state = await case_state(court, case_id)
    assert (state["flow_id"], state["stage"]) == ("trial", "answer_period")
    assert (await latest_deadline(court, case_id, "answer")).status == "unstarted"
    clock.jump(days=2)
    assert (await court.service.acknowledge_service(AcknowledgeService(rep.id, copy["message_id"], "web"))).ok
    await _sweep(court)
    deadline = await latest_deadline(court, case_id, "answer")
    assert deadline.status == "pending" and deadline.started_at == clock.now
    assert deadline.due_at == datetime(2026, 12, 21, 15, 59, 59, tzinfo=UTC)  # 5 Dec + 15 days: Sunday, so Monday


async def test_a_ruling_waiting_for_the_judge_is_in_the_courts_queue(court: Court) -> None:
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    case_id = await sim.file_case(plaintiff)
    await sim.answer(clerk, case_id, "accept")
    async with court.store.tx() as tx:
        queue = await review_queue(tx, court.settings.court_code, "en", court.catalog, court.library)
    [card] = [c for c in queue if c["case_id"] == case_id]
    assert card["for_judge"] is True and card["judge_id"] == (await demo_person(court, "judge")).id


async def test_olr10_a_defendant_known_to_the_court_is_served_the_notice_in_the_chat(
    court: Court, clock: FakeClock
) -> None:
    """Where the court has an address (the defendant verified here before), the notice and
    invitation are a served document in the chat, and the 3 days start when it takes effect."""
    answers = {
        **PLAINTIFF_ANSWERS,
        "defendant_kind": "person",
        "defendant_name": "李四",
        "defendant_id": "31010419850615004X",
    }
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    defendant = await demo_person(court, "litigant_b")
    async with court.store.tx() as tx:  # verified here as 李四 with this number (the demo marks none)
        profile = await tx.session.get(IdentityProfile, defendant.id)
        assert profile is not None
        profile.id_number_hash = court.identity.number_hashes("31010419850615004X")[0]
    case_id = str((await court.service.open_case(OpenCase(plaintiff.id, "filing", "test"))).case_id)
    while (prompt := await sim.prompt_for(plaintiff, case_id)) and prompt["step"] != "evidence":
        await sim.answer(plaintiff, case_id, answers[prompt["step"]])
    assert prompt is not None
    upload = UploadEvidence(plaintiff.id, case_id, "evidence", prompt["seq"], "r.pdf", "application/pdf", b"%PDF", "t")
    assert (await court.service.upload_evidence(upload)).ok
    await sim.answer(plaintiff, case_id, "done")
    await sim.answer(plaintiff, case_id, "submit")
    await sim.accept(clerk, case_id)
    await sim.answer(plaintiff, case_id, "pay")
    assert (await case_state(court, case_id))["stage"] == "awaiting_defendant"
    assert "served on them in the chat" in await _lines(court, clerk, case_id)
    async with court.store.tx() as tx:
        rows = await tx.session.scalars(select(OutboxMessage).where(OutboxMessage.person_id == defendant.id))
        [notice] = [r for r in rows if tx.sealer.open(r.payload)["text"] == "filing.defendant_notice"]
    clock.jump(days=2)
    said = await court.service.acknowledge_service(AcknowledgeService(defendant.id, notice.id, "web"))
    assert said.ok  # the recipient confirms, though not yet a party
    await _sweep(court)
    deadline = await latest_deadline(court, case_id, "defendant_link")
    assert deadline.status == "pending" and deadline.started_at == clock.now


async def test_a_case_from_before_judges_were_assigned_takes_any_judge_of_the_court_not_a_clerk(
    court: Court, clock: FakeClock
) -> None:
    """A running case pinned to version 3 has no judge: a clerk still cannot extend its period,
    one of the court's judges can."""
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    judge = await demo_person(court, "judge")
    case_id = await sim.file_case(plaintiff)
    async with court.store.tx() as tx:  # as if filed before version 4 existed
        case = await tx.get_case(case_id)
        assert case is not None
        raw = tx.open_state(case)
        raw["version"] = 3
        case.flow_version = 3
        await tx.save_state(case, raw, case.status, clock.now)
    await sim.answer(clerk, case_id, "accept")
    assert (await case_state(court, case_id))["stage"] == "fee_pending"  # version 3: no track decision
    refused = await court.service.extend_deadline(ExtendDeadline(clerk.id, case_id, "payment", 3, "x"))
    assert refused.error == "judges_rule"
    assert (await court.service.extend_deadline(ExtendDeadline(judge.id, case_id, "payment", 3, "x"))).ok


async def _sweep(court: Court) -> int:
    """A sweep once the messages already committed have been delivered: a period starts from a
    document's arrival, which the dispatcher records after the command that wrote it returns."""
    await court.dispatcher.settle()
    return await court.sweeper.run_once()
