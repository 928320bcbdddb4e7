"""Migration 0011: cases already waiting where filing v1-v3 end (the defendant joined, or served
offline) continue in the asynchronous trial, moved by the kernel once each (issue 13)."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from app.simulation import Simulation
from gateway.court import Court
from storage.migrate import downgrade, upgrade
from storage.models import Deadline
from tests.support.clock import FakeClock
from tests.support.court import demo_person
from tests.support.trial import case_in_trial, case_state, served_case


async def test_cases_waiting_at_the_end_of_filing_v3_continue_in_the_trial(court: Court, clock: FakeClock) -> None:
    shipped = court.service.library
    before = {key: flow for key, flow in shipped.flows.items() if key != ("filing", 4)}
    court.service.library = type(shipped)(before)  # as before filing v4 shipped: v3 ends there
    try:
        sim = Simulation(court, "en")
        joined, rep = await case_in_trial(court, sim, consent=False)  # filing v3 asks no consent
        offline, _code = await served_case(court, sim)
        clock.jump(days=4)  # nobody joins the second: served offline (OLR 10)
        await court.sweeper.run_once()
        reviewing = await sim.file_case(await demo_person(court, "litigant_a"))
    finally:
        court.service.library = shipped
    assert [(await case_state(court, c))["stage"] for c in (joined, offline)] == ["defendant_joined", "offline_service"]

    url = court.settings.db_url
    sealer = court.store.sealer  # 0010 seals and opens names: it runs with the data key, as the server does
    await asyncio.to_thread(downgrade, url, "0008", sealer)
    await asyncio.to_thread(upgrade, url, "0011", sealer)
    async with court.store.tx() as tx:
        queued = {
            d.case_id: d.stage
            for d in await tx.session.scalars(select(Deadline).where(Deadline.kind == "flow_handover"))
        }
    assert queued == {joined: "defendant_joined", offline: "offline_service"}  # not the filing still in review

    assert await court.sweeper.run_once() >= 2
    newest = court.library.latest("trial").version
    for case_id, came_from in ((joined, "defendant_joined"), (offline, "offline_service")):
        state = await case_state(court, case_id)
        assert (state["flow_id"], state["version"], state["stage"]) == ("trial", newest, "answer_period")
        assert state["data"]["_flows"] == [{"flow": "filing", "version": 3, "stage": came_from}]
    prompt = await sim.prompt_for(rep, joined)
    assert prompt is not None and prompt["step"] == "answer_position"  # the defendant is asked to answer
    assert (await case_state(court, reviewing))["stage"] == "filing_review"
    async with court.store.tx() as tx:
        rows = list(await tx.session.scalars(select(Deadline).where(Deadline.kind == "flow_handover")))
    assert {r.status for r in rows} == {"fired"}  # each once
    await court.dispatcher.settle()
    await court.sweeper.run_once()  # the answer period starts from the copy served before the move (CPL 128)
    settled = await case_state(court, joined)
    await court.sweeper.run_once()
    assert await case_state(court, joined) == settled  # fired once: nothing moves it again


async def test_a_queued_case_that_moved_meanwhile_is_left_where_it_is(court: Court, clock: FakeClock) -> None:
    """The row names the stage the case waited at: a case no longer there is not moved (stale)."""
    sim = Simulation(court, "en")
    case_id, _rep = await case_in_trial(court, sim)  # filing v4: already in the trial
    async with court.store.tx() as tx:
        tx.add(Deadline(case_id=case_id, kind="flow_handover", stage="defendant_joined", stage_seq=-1, due_at=clock()))
    before = await case_state(court, case_id)
    await court.sweeper.run_once()
    assert await case_state(court, case_id) == before
    async with court.store.tx() as tx:
        row = await tx.session.scalar(select(Deadline).where(Deadline.kind == "flow_handover"))
    assert row is not None and row.status == "stale"
