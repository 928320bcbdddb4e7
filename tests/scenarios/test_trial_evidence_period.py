"""Trial version 2's first part through the service layer, the clock jumped: the answer period
from the complaint copy's effective service (CPL 128, 285), late answers (CPL 86), the
counterclaim's fee (FM 18), the judge's ruling on a jurisdiction objection (CPL 130), the evidence
period per track with extensions for everyone (CPL 68; EP 51, 54), late evidence (CPL 68, Interp.
101-102), and rulings only by the case's assigned judge."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.simulation import Simulation
from court.commands import AcknowledgeService, ApplyForMoreTime, DecideMoreTime, SubmitAnswer, UploadEvidence
from court.read_models import review_queue
from gateway.court import Court
from storage.models import Deadline, OutboxMessage, Person
from tests.support.clock import FakeClock
from tests.support.court import demo_person
from tests.support.trial import case_in_trial, case_state, sweep, upload


async def _lines(court: Court, person: Person, case_id: str) -> str:
    lines: list[str] = []
    await Simulation(court, "en", lines.append).prompt_for(person, case_id)
    return "\n".join(lines)


async def _deadline(court: Court, case_id: str, kind: str) -> Deadline:
    async with court.store.tx() as tx:
        found = await tx.session.scalar(
            select(Deadline).where(Deadline.case_id == case_id, Deadline.kind == kind).order_by(Deadline.id.desc())
        )
    assert found is not None
    return found


async def _court_card(court: Court, case_id: str) -> dict[str, Any]:
    async with court.store.tx() as tx:
        queue = await review_queue(tx, court.settings.court_code, "en", court.catalog, court.library)
    [card] = [c for c in queue if c["case_id"] == case_id]
    return card


async def _answer(court: Court, sim: Simulation, rep: Person, case_id: str, *values: str) -> None:
    for value in values:
        await sim.answer(rep, case_id, value)


async def _judge(court: Court) -> Person:
    return await demo_person(court, "judge")


async def _extra_judge(court: Court) -> Person:
    """A second judge of the court, first in the round-robin's order but added after the demo judge."""
    async with court.store.tx() as tx:
        judge = Person(
            id="00000000-0000-4000-8000-000000000002",
            display_name="Judge Two",
            staff_role="judge",
            court_code=court.settings.court_code,
            created_at=court.clock(),
        )
        tx.add(judge)
    return judge


# -- the answer period (CPL 128, 285) ----------------------------------------------------------


async def test_cpl128_the_answer_period_starts_only_at_the_complaint_copys_effective_service(
    court: Court, clock: FakeClock
) -> None:
    """The defendant uses no address the court can reach: the complaint copy (a served document,
    with its certificate) is not yet effective, so no answer period runs and the clerk's queue
    shows it; days later the defendant says "received" and the 15 days run from then."""
    sim = Simulation(court, "en")
    case_id, rep = await case_in_trial(court, sim, served=False)
    state = await case_state(court, case_id)
    assert (state["version"], state["stage"]) == (court.library.latest("trial").version, "answer_period")
    assert (await _deadline(court, case_id, "answer")).status == "unstarted"
    assert "answer" in (await _court_card(court, case_id))["not_served"]
    certificates = await court.service.service_certificates(rep.id, case_id)
    assert isinstance(certificates, list)
    [copy] = [c for c in certificates if c["document"] == "document.complaint_copy"]
    assert copy["effective_at"] is None
    clock.jump(days=20)
    await sweep(court)
    assert (await case_state(court, case_id))["stage"] == "answer_period"  # nothing lapsed: never served
    said = await court.service.acknowledge_service(AcknowledgeService(rep.id, int(copy["message_id"]), "web"))
    assert said.ok
    await sweep(court)
    deadline = await _deadline(court, case_id, "answer")
    assert deadline.status == "pending" and deadline.started_at == clock.now
    assert deadline.due_at is not None and timedelta(days=15) < deadline.due_at - clock.now < timedelta(days=16)
    assert "runs from then and ends" in await _lines(court, rep, case_id)
    assert "answer" not in (await case_state(court, case_id))["data"]["_unstarted"]


async def test_cpl128_a_copy_served_outside_the_chat_is_recorded_and_the_period_runs_from_then(
    court: Court, clock: FakeClock
) -> None:
    sim = Simulation(court, "en")
    case_id, _rep = await case_in_trial(court, sim, served=False)
    clock.jump(days=2)
    await sim.answer(await demo_person(court, "clerk"), case_id, "served")
    deadline = await _deadline(court, case_id, "answer")
    assert deadline.status == "pending" and deadline.started_at == clock.now
    assert (await case_state(court, case_id))["data"]["_due"]["answer"] == deadline.due_at.isoformat()  # type: ignore[union-attr]


async def test_cpl285_a_defendant_domiciled_abroad_has_30_days_to_answer(court: Court) -> None:
    sim = Simulation(court, "en")
    abroad = {"defendant_domicile": "1 Raffles Place, Singapore 048616"}
    case_id, rep = await case_in_trial(court, sim, answers=abroad)
    deadline = await _deadline(court, case_id, "answer")
    assert deadline.due_at is not None and deadline.started_at is not None
    assert timedelta(days=30) < deadline.due_at - deadline.started_at < timedelta(days=31)
    assert "(30 days from when the complaint copy reached you, CPL 128, 285)" in await _lines(court, rep, case_id)
    home_id, _home_rep = await case_in_trial(court, sim)  # 福建省福州市…: at home, 15 days
    home = await _deadline(court, home_id, "answer")
    assert home.due_at is not None and home.started_at is not None
    assert timedelta(days=15) < home.due_at - home.started_at < timedelta(days=16)


async def test_cpl128_a_defendant_who_never_answers_is_recorded_and_the_case_goes_on(
    court: Court, clock: FakeClock
) -> None:
    sim = Simulation(court, "en")
    case_id, _rep = await case_in_trial(court, sim)
    clock.now = datetime.fromisoformat((await case_state(court, case_id))["data"]["_due"]["answer"])
    clock.jump(seconds=1)
    await sweep(court)
    state = await case_state(court, case_id)
    assert state["stage"] == "evidence_period" and state["data"]["answer"]["position"] == "none"
    assert "it is not an admission" in await _lines(court, await demo_person(court, "clerk"), case_id)


async def test_cpl86_a_late_answer_is_refused_with_when_the_period_closed_and_what_to_do(
    court: Court, clock: FakeClock
) -> None:
    """After the answer period the defendant's answer is refused: when it closed, and that the
    judge may give more time on an application (CPL 86), which the assigned judge decides."""
    sim = Simulation(court, "en")
    case_id, rep = await case_in_trial(court, sim)
    prompt = await sim.prompt_for(rep, case_id)
    assert prompt is not None and prompt["step"] == "answer_position"
    due = (await case_state(court, case_id))["data"]["_due"]["answer"]
    clock.jump(days=17)
    await sweep(court)
    late = await court.service.submit_answer(
        SubmitAnswer(rep.id, case_id, "answer_position", prompt["seq"], "dispute", "t")
    )
    assert late.error == "period_closed" and late.params["closed_at"] == {"time": due}
    text = court.catalog.render("errors.period_closed", "en", late.params)
    assert "period for the defendant to answer closed" in text and "CPL 86" in text
    assert (await case_state(court, case_id))["data"]["answer"]["position"] == "none"
    ended = clock.now.date().isoformat()
    applied = await court.service.apply_for_more_time(ApplyForMoreTime(rep.id, case_id, ended, "In hospital", "web"))
    assert applied.ok
    decided = DecideMoreTime((await _judge(court)).id, case_id, applied.params["application"], False, 0, "No proof")
    assert (await court.service.decide_more_time(decided)).ok
    assert "refused" in await _lines(court, rep, case_id)


# -- the counterclaim's fee (FM 18) -------------------------------------------------------------


async def test_fm18_a_counterclaim_pays_half_the_fee_once_and_the_defendant_is_told(court: Court) -> None:
    """20,000 yuan: 50 + 2.5% of 10,000 = 300 in full; halved once (FM 18, not again for summary
    procedure: one halving, DOMAIN §5) = 150, recorded in the case and told to the defendant."""
    sim = Simulation(court, "en")
    case_id, rep = await case_in_trial(court, sim)
    await _answer(court, sim, rep, case_id, "partly", "Half is owed.", "accept", "yes", "Pay for repairs", "20000")
    await _answer(court, sim, rep, case_id, "done", "submit")
    data = (await case_state(court, case_id))["data"]
    fee = data["counterclaim"]["fee"]
    assert data["track"] == "summary" and (fee["full_fee"], fee["fee_due"]) == ("300.00", "150.00")
    assert "half fee" in fee["rule"] and len(fee["not_applied"]) == 1  # FM 16 and FM 18: one halving
    assert "the court fee for your counterclaim is 150.00 yuan" in await _lines(court, rep, case_id)


# -- the jurisdiction objection (CPL 130) -------------------------------------------------------


async def _objected(court: Court, sim: Simulation) -> tuple[str, Person]:
    case_id, rep = await case_in_trial(court, sim)
    await _answer(court, sim, rep, case_id, "dispute", "Worked on delivery.", "object", "We are in Shanghai.")
    await _answer(court, sim, rep, case_id, "no", "done", "submit")
    assert (await case_state(court, case_id))["stage"] == "jurisdiction_ruling"
    return case_id, rep


async def _served_rulings(court: Court, case_id: str, person: Person) -> list[dict[str, Any]]:
    found = await court.service.service_certificates(person.id, case_id)
    assert isinstance(found, list)
    return [c for c in found if c["document"] == "document.jurisdiction_ruling"]


async def test_cpl130_a_jurisdiction_objection_dismissed_by_the_judge_the_case_goes_on(court: Court) -> None:
    sim = Simulation(court, "en")
    case_id, rep = await _objected(court, sim)
    judge, plaintiff = await _judge(court), await demo_person(court, "litigant_a")
    assert (await _court_card(court, case_id))["for_judge"] is True
    await _answer(court, sim, judge, case_id, "dismiss", "The contract names this court (CPL 35).")
    state = await case_state(court, case_id)
    assert state["stage"] == "evidence_period"
    ruling = state["data"]["jurisdiction"]
    assert (ruling["ruling"], ruling["rule"], ruling["judge"]) == ("dismiss", "CPL 130", judge.id)
    assert not state["data"]["pending_rulings"]
    for party in (plaintiff, rep):  # served on both, each with its certificate
        assert len(await _served_rulings(court, case_id, party)) == 1
        told = await _lines(court, party, case_id)
        assert "The objection is dismissed" in told and "The contract names this court" in told


async def test_cpl130_an_upheld_objection_transfers_the_case_and_it_ends_here(court: Court) -> None:
    sim = Simulation(court, "en")
    case_id, rep = await _objected(court, sim)
    await _answer(court, sim, await _judge(court), case_id, "uphold", "上海市浦东新区人民法院", "Defendant's domicile.")
    state = await case_state(court, case_id)
    assert state["stage"] == "transferred" and court.library.get("trial", 2).stages["transferred"].final
    async with court.store.tx() as tx:
        case = await tx.get_case(case_id)
        assert case is not None and case.status == "TRANSFERRED"
    for party in (await demo_person(court, "litigant_a"), rep):
        assert len(await _served_rulings(court, case_id, party)) == 1
        assert "transferred to 上海市浦东新区人民法院" in await _lines(court, party, case_id)


async def test_a_ruling_by_a_judge_not_assigned_to_the_case_is_refused(court: Court) -> None:
    """Two judges: the case's judge is the one assigned at acceptance (round-robin), named in the
    case data; the other judge's ruling in the trial is refused."""
    assigned = await _extra_judge(court)  # first in the round-robin's order
    sim = Simulation(court, "en")
    case_id, _rep = await _objected(court, sim)
    data = (await case_state(court, case_id))["data"]
    assert data["judge"]["person_id"] == assigned.id
    other = await _judge(court)
    prompt = await sim.prompt_for(other, case_id)
    assert prompt is not None and prompt["step"] == "rule_jurisdiction"
    refused = await court.service.submit_answer(
        SubmitAnswer(other.id, case_id, prompt["step"], prompt["seq"], "uphold", "t")
    )
    assert refused.error == "judges_rule"
    assert (await case_state(court, case_id))["stage"] == "jurisdiction_ruling"
    await _answer(court, sim, assigned, case_id, "dismiss", "This court has jurisdiction.")
    assert (await case_state(court, case_id))["stage"] == "evidence_period"


# -- the evidence period (CPL 68; EP 51, 54) ----------------------------------------------------


async def _in_evidence_period(court: Court, sim: Simulation) -> tuple[str, Person, Person]:
    case_id, rep = await case_in_trial(court, sim)
    await _answer(court, sim, rep, case_id, "admit", "accept", "no", "done", "submit")
    assert (await case_state(court, case_id))["stage"] == "evidence_period"
    return case_id, await demo_person(court, "litigant_a"), rep


async def test_ep51_the_small_claims_evidence_period_is_7_days_with_a_countdown_and_a_reminder(
    court: Court, clock: FakeClock
) -> None:
    """Both sides may add evidence (hashed on receipt) until the track's period ends; then the case goes on."""
    sim = Simulation(court, "en")
    case_id, plaintiff, rep = await _in_evidence_period(court, sim)
    deadline = await _deadline(court, case_id, "evidence")
    assert deadline.due_at is not None and deadline.rule == "CPL 68, EP 51"
    assert timedelta(days=7) < deadline.due_at - clock.now < timedelta(days=8)
    prompt = await sim.prompt_for(rep, case_id)
    assert prompt is not None and prompt["due_at"] == deadline.due_at.isoformat() and prompt["deadline"] == "evidence"
    await sim.answer(rep, case_id, "add")
    added = await upload(court, rep, case_id, "invoice.pdf", b"%PDF invoice")
    await sim.answer(rep, case_id, "done")
    assert [f["sha256"] for f in (await case_state(court, case_id))["data"]["answer"]["evidence"]] == [added["sha256"]]
    clock.now = deadline.due_at - timedelta(hours=12)
    await sweep(court)
    assert "Reminder: the evidence period ends" in await _lines(court, plaintiff, case_id)
    await sim.answer(plaintiff, case_id, "add")
    asked = await sim.prompt_for(plaintiff, case_id)
    assert asked is not None and asked["step"] == "more_evidence_plaintiff"
    clock.now = deadline.due_at + timedelta(seconds=1)
    await sweep(court)
    assert (await case_state(court, case_id))["stage"] == "exchange_consent"
    late = UploadEvidence(
        plaintiff.id, case_id, asked["step"], asked["seq"], "late.pdf", "application/pdf", b"%PDF", "t"
    )
    refused = await court.service.upload_evidence(late)  # after the period: refused, saying when it closed
    assert refused.error == "period_closed" and refused.params["kind"] == "evidence"


async def test_ep54_an_extension_granted_for_one_party_applies_to_both(court: Court, clock: FakeClock) -> None:
    """The plaintiff applies before the period ends, with reasons; the assigned judge grants 5 days:
    the one period moves, for the defendant too, and both are told."""
    sim = Simulation(court, "en")
    case_id, plaintiff, rep = await _in_evidence_period(court, sim)
    before = (await _deadline(court, case_id, "evidence")).due_at
    assert before is not None
    await _answer(court, sim, plaintiff, case_id, "extension", "The courier's records arrive next week.")
    card = await _court_card(court, case_id)
    assert card["more_time"] == ["1"]
    assert "extend the evidence period (EP 54)" in await _lines(court, await demo_person(court, "clerk"), case_id)
    clerk_try = DecideMoreTime((await demo_person(court, "clerk")).id, case_id, "1", True, 5, "x")
    assert (await court.service.decide_more_time(clerk_try)).error == "judges_rule"
    granted = DecideMoreTime((await _judge(court)).id, case_id, "1", True, 5, "Records are on their way.")
    assert (await court.service.decide_more_time(granted)).ok
    after = (await _deadline(court, case_id, "evidence")).due_at
    assert after is not None and after - before >= timedelta(days=5)  # a last day on a weekend moves on (CPL 85)
    assert (await case_state(court, case_id))["data"]["_due"]["evidence"] == after.isoformat()
    for party in (plaintiff, rep):
        assert "The judge extended the evidence period" in await _lines(court, party, case_id)
    await sim.answer(rep, case_id, "add")  # the defendant's next prompt counts down to the new end
    prompt = await sim.prompt_for(rep, case_id)
    assert prompt is not None and prompt["due_at"] == after.isoformat()
    clock.now = before + timedelta(seconds=1)
    await sweep(court)
    assert (await case_state(court, case_id))["stage"] == "evidence_period"  # still open for both


async def test_ep54_an_extension_refused_with_reasons_leaves_the_period(court: Court) -> None:
    sim = Simulation(court, "en")
    case_id, plaintiff, _rep = await _in_evidence_period(court, sim)
    before = (await _deadline(court, case_id, "evidence")).due_at
    await _answer(court, sim, plaintiff, case_id, "extension", "Need more time.")
    refused = DecideMoreTime((await _judge(court)).id, case_id, "1", False, 0, "No reason shown why it is needed.")
    assert (await court.service.decide_more_time(refused)).ok
    assert (await _deadline(court, case_id, "evidence")).due_at == before
    assert "No reason shown why it is needed." in await _lines(court, plaintiff, case_id)


# -- late evidence (CPL 68; Interp. 101-102) ----------------------------------------------------


async def _late_evidence_before_the_judge(court: Court, sim: Simulation) -> tuple[str, Person, Person]:
    """Both finish the evidence period and agree to an asynchronous exchange; in it the plaintiff
    attaches counter-evidence, after the evidence period: asked why, it answers; the defendant
    accepts the plaintiff's item. The case is then before the judge."""
    case_id, plaintiff, rep = await _in_evidence_period(court, sim)
    await sim.answer(plaintiff, case_id, "done")
    await sim.answer(rep, case_id, "done")
    await sim.answer(plaintiff, case_id, "yes")
    await sim.answer(rep, case_id, "yes")
    assert (await case_state(court, case_id))["stage"] == "evidence_exchange"
    await sim.answer(plaintiff, case_id, "opinion")  # the defendant gave no evidence: straight to counter-evidence
    await upload(court, plaintiff, case_id, "chat_log.pdf", b"%PDF chat log")
    await sim.answer(plaintiff, case_id, "done")
    asked = await sim.prompt_for(plaintiff, case_id)
    assert asked is not None and asked["step"] == "late_reason_plaintiff"
    assert "the judge asks why you give this evidence only now (chat_log.pdf)" in await _lines(
        court, plaintiff, case_id
    )
    await sim.answer(plaintiff, case_id, "The seller sent the log only yesterday.")
    await _answer(court, sim, rep, case_id, "opinion", "accept", "done")
    state = await case_state(court, case_id)
    assert state["stage"] == "late_evidence_ruling"
    [late] = state["data"]["late_evidence"]
    assert (late["name"], late["role"], late["reason"]) == (
        "chat_log.pdf",
        "plaintiff",
        "The seller sent the log only yesterday.",
    )
    return case_id, plaintiff, rep


async def test_cpl68_late_evidence_is_excluded_by_the_judge_with_reasons(court: Court) -> None:
    sim = Simulation(court, "en")
    case_id, plaintiff, rep = await _late_evidence_before_the_judge(court, sim)
    judge = await _judge(court)
    assert "Their reason: The seller sent the log only yesterday." in await _lines(court, judge, case_id)
    await _answer(court, sim, judge, case_id, "exclude", "It could have been obtained within the period.")
    data = (await case_state(court, case_id))["data"]
    assert (await case_state(court, case_id))["stage"] == "exchange_closed"
    [ruling] = data["late_evidence_rulings"]
    assert (ruling["decision"], ruling["rule"]) == ("exclude", "CPL 68, Interp. 101-102")
    assert data["exchange"]["plaintiff"]["evidence"][0]["late_ruling"] == "excluded"
    for party in (plaintiff, rep):
        assert "the judge excluded the plaintiff's late evidence “chat_log.pdf”" in await _lines(court, party, case_id)


async def test_interp102_late_evidence_is_admitted_with_a_reprimand(court: Court) -> None:
    sim = Simulation(court, "en")
    case_id, plaintiff, _rep = await _late_evidence_before_the_judge(court, sim)
    await _answer(court, sim, await _judge(court), case_id, "admit", "Admitted; you are reprimanded for the delay.")
    data = (await case_state(court, case_id))["data"]
    assert data["late_evidence_rulings"][0]["decision"] == "admit"
    assert data["exchange"]["plaintiff"]["evidence"][0]["late_ruling"] == "admitted"
    told = await _lines(court, plaintiff, case_id)
    assert "admitted the plaintiff's late evidence “chat_log.pdf” with a reprimand" in told
    assert "you are reprimanded for the delay" in told


async def test_cpl68_an_exchange_without_late_evidence_goes_straight_to_the_judges_review(court: Court) -> None:
    sim = Simulation(court, "en")
    case_id, plaintiff, rep = await _in_evidence_period(court, sim)
    for person, value in ((plaintiff, "done"), (rep, "done"), (plaintiff, "yes"), (rep, "yes"), (plaintiff, "opinion")):
        await sim.answer(person, case_id, value)
    await sim.answer(plaintiff, case_id, "done")
    await _answer(court, sim, rep, case_id, "opinion", "accept", "done")
    state = await case_state(court, case_id)
    assert state["stage"] == "exchange_closed" and state["data"]["late_evidence"] == []
    async with court.store.tx() as tx:  # nothing put to the judge about late evidence
        rows = await tx.session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case_id))
        texts = [tx.sealer.open(r.payload)["text"] for r in rows]
    assert "trial.rule_late_evidence" not in texts


async def test_cpl128_a_case_moved_from_filing_v3_counts_its_answer_period_from_the_earlier_copy(
    court: Court, clock: FakeClock
) -> None:
    """A case that waited at filing v3's end (its complaint copy served there, in the chat) moves
    to the trial by a queued hand-over (migration 0011's row): its answer period runs from when
    that earlier copy took effect, not from the move, and not never."""
    shipped = court.service.library
    court.service.library = type(shipped)({k: f for k, f in shipped.flows.items() if k != ("filing", 4)})
    try:
        sim = Simulation(court, "en")
        case_id, _rep = await case_in_trial(court, sim, consent=False)  # filing v3: joined, copy served
    finally:
        court.service.library = shipped
    state = await case_state(court, case_id)
    assert (state["flow_id"], state["stage"]) == ("filing", "defendant_joined")
    served_at = clock.now
    clock.jump(days=3)
    async with court.store.tx() as tx:  # what migration 0011 queues for such a case
        tx.add(
            Deadline(
                case_id=case_id,
                kind="flow_handover",
                stage="defendant_joined",
                stage_seq=-1,
                due_at=clock.now,
                status="pending",
                rule="OLR 10, CPL 128",
                warnings="",
            )
        )
    await sweep(court)
    await sweep(court)
    assert (await case_state(court, case_id))["stage"] == "answer_period"
    deadline = await _deadline(court, case_id, "answer")
    assert deadline.status == "pending" and deadline.started_at is not None
    assert deadline.started_at - served_at < timedelta(minutes=1)  # from the copy's arrival, 3 days ago
