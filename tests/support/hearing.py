"""Builders for the asynchronous hearing's and the record's tests: a case whose evidence exchange
has closed, the judge's invitation, and video statements."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.simulation import Simulation
from court.commands import SubmitAnswer
from gateway.court import Court
from storage.models import Person
from tests.support.court import demo_person
from tests.support.trial import answer_with_file, case_state, exchange_closed


@dataclass(frozen=True)
class HearingCase:
    """A case in the trial and the people in it."""

    case_id: str
    plaintiff: Person
    defendant: Person
    judge: Person
    clerk: Person


async def closed_exchange(
    court: Court, sim: Simulation, track: str | None = None, answers: Mapping[str, Any] | None = None
) -> HearingCase:
    """The evidence exchange closed (`tests.support.trial.exchange_closed`): the judge's `next_act`
    is asked."""
    case_id, plaintiff, defendant = await exchange_closed(court, sim, track, answers)
    judge, clerk = await demo_person(court, "judge"), await demo_person(court, "clerk")
    return HearingCase(case_id, plaintiff, defendant, judge, clerk)


async def invited(court: Court, sim: Simulation, track: str | None = None) -> HearingCase:
    """A closed exchange after which the judge invited an asynchronous hearing (OLR 20(2))."""
    case = await closed_exchange(court, sim, track)
    await sim.answer(case.judge, case.case_id, "hearing")
    return case


async def hearing_granted(court: Court, sim: Simulation) -> HearingCase:
    """The plaintiff applied with reasons, the defendant agreed, the judge found attending at one
    time hard and certified the facts undisputed: the court investigation is open."""
    case = await invited(court, sim)
    for value in ("apply", "We live 2,000 km apart and work shifts."):
        await sim.answer(case.plaintiff, case.case_id, value)
    await sim.answer(case.defendant, case.case_id, "agree")
    await sim.answer(case.judge, case.case_id, "hard")
    await sim.answer(case.judge, case.case_id, "undisputed")
    assert (await case_state(court, case.case_id))["stage"] == "hearing_investigation"
    return case


async def state_by_video(court: Court, person: Person, case_id: str, name: str, content: bytes) -> dict[str, Any]:
    """Open the person's hearing stage and send a video as its statement; the evidence it became."""
    await Simulation(court).answer(person, case_id, "state")
    return await send_video(court, person, case_id, name, content)


async def send_video(court: Court, person: Person, case_id: str, name: str, content: bytes) -> dict[str, Any]:
    """Send a video to the person's current `statement` prompt; the evidence it became."""
    return await answer_with_file(court, person, case_id, name, content, "video/mp4")


async def answer(court: Court, person: Person, case_id: str, value: Any) -> str | None:
    """Answer the person's current prompt; the refusal's error key (None: taken)."""
    prompt = await Simulation(court).prompt_for(person, case_id)
    assert prompt is not None
    cmd = SubmitAnswer(person.id, case_id, prompt["step"], prompt["seq"], value, "test")
    return (await court.service.submit_answer(cmd)).error
