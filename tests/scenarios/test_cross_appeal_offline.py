"""The copy of an appeal that does not reach the other party in the chat (CPL 174, CPL 90): the
clerk records serving it outside the chat and that party's 15 days to answer run from then, so the
case does not wait for ever. The clock jumped."""

from __future__ import annotations

from app.simulation import Simulation
from court.commands import SubmitAnswer
from gateway.court import Court
from tests.support.appeal import serve_judgment
from tests.support.clock import FakeClock
from tests.support.court import demo_person
from tests.support.trial import case_in_trial, case_state, latest_deadline, sweep


async def _jump_past(court: Court, clock: FakeClock, case_id: str, kind: str) -> None:
    row = await latest_deadline(court, case_id, kind)
    assert row.due_at is not None, f"{kind} has not started"
    clock.now = row.due_at
    clock.jump(seconds=1)
    await sweep(court)


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
