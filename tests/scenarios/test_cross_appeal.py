"""Cross-appeals (appeal.v3.yaml): each party appeals in its own period whatever the other did
(CPL 171), answers the other's appeal within 15 days of its copy's service (CPL 174), pays its
own fee or has its appeal treated as withdrawn (FM 22); when nobody has anything left to do the
case is APPEALED with every paid appeal and answer, or FINAL (CPL 158); a copy that does not reach
a party in the chat is served by the clerk before the case goes up (CPL 90). The clock jumped."""

from __future__ import annotations

from sqlalchemy import select

from app.simulation import Simulation
from court.commands import AcknowledgeService, ConfirmPayment, SubmitAnswer
from gateway.court import Court
from storage.models import Payment, Person
from tests.support.appeal import judgment_served, serve_judgment
from tests.support.clock import FakeClock
from tests.support.court import demo_person
from tests.support.trial import case_in_trial, case_state, latest_deadline, sweep


async def _told(court: Court, person: Person, case_id: str) -> str:
    lines: list[str] = []
    await Simulation(court, "en", lines.append).prompt_for(person, case_id)
    return "\n".join(lines)


async def _jump_past(court: Court, clock: FakeClock, case_id: str, kind: str) -> None:
    row = await latest_deadline(court, case_id, kind)
    assert row.due_at is not None, f"{kind} has not started"
    clock.now = row.due_at
    clock.jump(seconds=1)
    await sweep(court)


async def _appeal(sim: Simulation, person: Person, case_id: str, grounds: str, pay: bool = True) -> None:
    """Lodge an appeal from the home step (3000 yuan appealed) and, if `pay`, pay its fee."""
    for value in ("appeal", grounds, "done", "3000", "lodge", *(("pay",) if pay else ())):
        await sim.answer(person, case_id, value)


async def _options(sim: Simulation, person: Person, case_id: str) -> list[str]:
    prompt = await sim.prompt_for(person, case_id)
    assert prompt is not None
    return [o["value"] for o in prompt.get("options", [])] if prompt["step"].startswith("appeal_home") else []


async def test_cpl171_both_parties_appeal_each_in_its_own_period_and_both_go_up(court: Court, clock: FakeClock) -> None:
    """The defendant appeals and pays on day 3: the plaintiff, whose own period still runs, is
    served a copy and may now appeal or answer; it appeals too on day 10 and pays; each is served
    the other's appeal. Once both periods have ended and each has answered, the case is APPEALED
    with both appeals, each party told the file goes up with every appeal and answer."""
    sim = Simulation(court, "en")
    case_id, plaintiff, rep = await judgment_served(court, sim)
    clock.jump(days=3)
    await _appeal(sim, rep, case_id, "The phone was dropped by the buyer.")
    assert await _options(sim, plaintiff, case_id) == ["appeal", "answer"]
    assert "A copy of the appeal is served on you" in await _told(court, plaintiff, case_id)
    clock.jump(days=7)
    await _appeal(sim, plaintiff, case_id, "The court should also have awarded interest.")
    state = await case_state(court, case_id)
    appeals = state["data"]["appeal"]["appeals"]
    assert {role: a["status"] for role, a in appeals.items()} == {"defendant": "paid", "plaintiff": "paid"}
    assert state["stage"] == "appeal_window"
    assert "interest" in await _told(court, rep, case_id)  # the plaintiff's appeal served on the defendant
    assert await _options(sim, rep, case_id) == ["answer"] == await _options(sim, plaintiff, case_id)
    for person, answer in ((plaintiff, "The receipt is genuine."), (rep, "No interest was claimed.")):
        await sim.answer(person, case_id, "answer")
        await sim.answer(person, case_id, answer)
    await _jump_past(court, clock, case_id, "appeal_plaintiff")
    await _jump_past(court, clock, case_id, "appeal_defendant")
    state = await case_state(court, case_id)
    assert state["stage"] == "appealed" and state["data"]["_status"] == "APPEALED"
    told = await _told(court, plaintiff, case_id)
    assert "every appeal and answer" in told and "the plaintiff appealed" in told and "the defendant appealed" in told


async def test_cpl174_the_other_party_answers_and_its_answer_is_served_on_the_appellant(
    court: Court, clock: FakeClock
) -> None:
    """The defendant appeals and pays; the plaintiff answers (CPL 174): its answer is served on the
    defendant as a court document it may say it received, the plaintiff has nothing left but its
    own period, and when that ends the case is APPEALED with the answer in the file."""
    sim = Simulation(court, "en")
    case_id, plaintiff, rep = await judgment_served(court, sim)
    await _appeal(sim, rep, case_id, "The phone was dropped by the buyer.")
    await sim.answer(plaintiff, case_id, "answer")
    prompt = await sim.prompt_for(plaintiff, case_id)
    assert prompt is not None and prompt["step"] == "answer_appeal_plaintiff"
    assert prompt["deadline"] == "answer_to_appeal_plaintiff"
    await sim.answer(plaintiff, case_id, "The courier receipt shows it arrived broken.")
    assert await _options(sim, plaintiff, case_id) == ["appeal"]
    async with court.store.tx() as tx:
        rows = await tx.history(case_id, rep.id, "defendant")
        served = [r.id for r in rows if tx.sealer.open(r.payload).get("text") == "appeal.served_answer"]
    assert len(served) == 1
    assert "arrived broken" in await _told(court, rep, case_id)
    assert (await court.service.acknowledge_service(AcknowledgeService(rep.id, served[0], "web"))).ok
    await _jump_past(court, clock, case_id, "appeal_plaintiff")
    state = await case_state(court, case_id)
    assert state["data"]["_status"] == "APPEALED"
    assert state["data"]["appeal"]["answers"]["plaintiff"]["text"] == "The courier receipt shows it arrived broken."


async def test_cpl174_an_answer_period_that_lapses_does_not_stop_the_case(court: Court, clock: FakeClock) -> None:
    """The defendant appeals and pays; the plaintiff neither appeals nor answers. Its own period
    ends but its 15 days to answer, from the copy's service, still run: the case waits. When they
    end it is told, and the case is APPEALED without its answer."""
    sim = Simulation(court, "en")
    case_id, plaintiff, rep = await judgment_served(court, sim)
    clock.jump(days=10)
    await _appeal(sim, rep, case_id, "The phone was dropped by the buyer.")
    await sweep(court)  # the copy reached the plaintiff in the web chat: its 15 days run
    row = await latest_deadline(court, case_id, "answer_to_appeal_plaintiff")
    assert row.status == "pending" and row.rule == "CPL 174"
    await _jump_past(court, clock, case_id, "appeal_plaintiff")
    assert (await case_state(court, case_id))["data"]["_status"] == "APPEAL_WINDOW"
    assert await _options(sim, plaintiff, case_id) == ["answer"]
    await _jump_past(court, clock, case_id, "answer_to_appeal_plaintiff")
    state = await case_state(court, case_id)
    assert state["data"]["_status"] == "APPEALED" and "answers" not in state["data"]["appeal"]
    assert "not answering does not stop it" in await _told(court, plaintiff, case_id)


async def test_fm22_one_fee_unpaid_while_the_other_paid_only_the_paid_appeal_goes_up(
    court: Court, clock: FakeClock
) -> None:
    """The plaintiff lodges but does not pay; the defendant appeals and pays. The plaintiff's fee
    period lapses: its appeal is treated as withdrawn (FM 22), the defendant's stands, and the
    case goes up with the defendant's appeal only."""
    sim = Simulation(court, "en")
    case_id, plaintiff, rep = await judgment_served(court, sim)
    await _appeal(sim, plaintiff, case_id, "More interest.", pay=False)
    await _appeal(sim, rep, case_id, "The phone was dropped by the buyer.")
    prompt = await sim.prompt_for(plaintiff, case_id)  # still paying: the answer waits for it
    assert prompt is not None and prompt["step"] == "pay_appeal_fee_plaintiff"
    assert prompt["deadline"] == "appeal_fee_plaintiff"
    await _jump_past(court, clock, case_id, "appeal_fee_plaintiff")
    state = await case_state(court, case_id)
    assert [w["role"] for w in state["data"]["appeal"]["withdrawn"]] == ["plaintiff"]
    assert list(state["data"]["appeal"]["appeals"]) == ["defendant"]
    assert "treated as withdrawn (FM 22)" in await _told(court, rep, case_id)
    assert await _options(sim, plaintiff, case_id) == ["appeal", "answer"]
    await sim.answer(plaintiff, case_id, "answer")
    await sim.answer(plaintiff, case_id, "I accept the judgment.")
    await _jump_past(court, clock, case_id, "appeal_plaintiff")
    state = await case_state(court, case_id)
    assert state["data"]["_status"] == "APPEALED" and list(state["data"]["appeal"]["appeals"]) == ["defendant"]


async def test_cpl158_every_period_closed_with_no_paid_appeal_is_final(court: Court, clock: FakeClock) -> None:
    """The plaintiff lodges on the last days of its period and does not pay: the periods close
    while it is paying, and it may still pay (it is not cut off); its fee period then lapses, the
    appeal is treated as withdrawn, nothing is left, and the judgment is FINAL (CPL 158)."""
    sim = Simulation(court, "en")
    case_id, plaintiff, _rep = await judgment_served(court, sim)
    clock.jump(days=14)
    await _appeal(sim, plaintiff, case_id, "More interest.", pay=False)
    await _jump_past(court, clock, case_id, "appeal_plaintiff")
    await _jump_past(court, clock, case_id, "appeal_defendant")
    assert (await case_state(court, case_id))["data"]["_status"] == "APPEAL_WINDOW"
    prompt = await sim.prompt_for(plaintiff, case_id)
    assert prompt is not None and prompt["step"] == "pay_appeal_fee_plaintiff"
    await _jump_past(court, clock, case_id, "appeal_fee_plaintiff")
    state = await case_state(court, case_id)
    assert state["stage"] == "final" and state["data"]["finality"]["rule"] == "CPL 158"


class _LaterProvider:
    """A provider that confirms later, through its own callback (as a bank does): nothing at once."""

    name = "bank"

    def label(self) -> dict[str, str]:
        return {"t": "payment.demo_provider"}

    async def start(self, payment_id: str, amount: str, reference: str, confirm: object) -> str:
        return f"BANK-{payment_id[:8]}"


async def test_fm22_a_fee_arriving_after_its_appeal_was_withdrawn_is_refunded_to_its_payer(
    court: Court, clock: FakeClock
) -> None:
    """The defendant lodges and starts paying through a provider that answers later; its 7 days end
    first: the appeal is treated as withdrawn (FM 22). When the money then arrives the case refuses
    it, the payment is marked for a full refund and the defendant (whose fee it was, not the
    plaintiff) and the court are told."""
    sim = Simulation(court, "en")
    case_id, plaintiff, rep = await judgment_served(court, sim)
    court.service.payments = _LaterProvider()  # type: ignore[assignment]
    await _appeal(sim, rep, case_id, "The phone was dropped by the buyer.")  # "pay": started, not confirmed
    async with court.store.tx() as tx:
        payment = await tx.session.scalar(select(Payment).where(Payment.case_id == case_id, Payment.provider == "bank"))
    assert payment is not None and payment.status != "confirmed"
    await _jump_past(court, clock, case_id, "appeal_fee_defendant")
    assert [w["role"] for w in (await case_state(court, case_id))["data"]["appeal"]["withdrawn"]] == ["defendant"]
    outcome = await court.service.confirm_payment(ConfirmPayment(payment.id, "BANK-LATE"))
    assert outcome.error == "stale_step"
    async with court.store.tx() as tx:
        late = await tx.session.get(Payment, payment.id)
    assert late is not None and late.status == "refund_due"
    assert "will refund it in full" in await _told(court, rep, case_id)
    assert "will refund it in full" not in await _told(court, plaintiff, case_id)


async def test_cpl174_an_appeal_copy_served_outside_the_chat_starts_the_answer_period_from_the_clerks_record(
    court: Court, clock: FakeClock
) -> None:
    """The plaintiff takes no part in the chat: the clerk records the judgment's service on it; the
    defendant appeals and pays; the copy does not reach the plaintiff, so the clerk is asked again
    and the case is not sent up when the appeal periods end; once the clerk records the copy's
    service the plaintiff's 15 days to answer run, and when they end the case is APPEALED."""
    sim = Simulation(court, "en")
    case_id, rep = await case_in_trial(court, sim)
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    await serve_judgment(court, case_id, plaintiff, rep)
    await sim.answer(clerk, case_id, "plaintiff")  # the judgment served on the plaintiff at its address
    for value in ("appeal", "The phone was dropped by the buyer.", "done", "3000", "lodge", "pay"):
        await sim.answer(rep, case_id, value)
    assert (await latest_deadline(court, case_id, "answer_to_appeal_plaintiff")).status == "unstarted"
    prompt = await sim.prompt_for(clerk, case_id)  # the clerk is asked again: the copy has not reached it
    assert prompt is not None and [o["value"] for o in prompt["options"]] == ["plaintiff"]
    await _jump_past(court, clock, case_id, "appeal_plaintiff")
    await _jump_past(court, clock, case_id, "appeal_defendant")
    assert (await case_state(court, case_id))["data"]["_status"] == "APPEAL_WINDOW"  # not sent up unserved
    await sim.answer(clerk, case_id, "plaintiff")
    row = await latest_deadline(court, case_id, "answer_to_appeal_plaintiff")
    assert row.status == "pending" and row.started_at == clock.now
    prompt = await sim.prompt_for(clerk, case_id)
    assert prompt is not None
    again = SubmitAnswer(clerk.id, case_id, prompt["step"], prompt["seq"], "plaintiff", "test")
    assert not (await court.service.submit_answer(again)).ok  # nothing left for the clerk to record
    await _jump_past(court, clock, case_id, "answer_to_appeal_plaintiff")
    assert (await case_state(court, case_id))["data"]["_status"] == "APPEALED"
