"""Builders for the judgment's tests: a case in the judgment flow at DELIBERATION, and the same
case with its judgment (or ruling) issued, signed and served on every party."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.simulation import Simulation
from court.documents import court_key
from gateway.court import Court
from judgment.draft import Edited
from tests.support.clock import FakeClock
from tests.support.court import demo_person
from tests.support.hearing import HearingCase, closed_exchange
from tests.support.trial import case_in_trial, case_state, sweep

ABROAD = {"defendant_domicile": "1 Raffles Place, Singapore 048616"}
"""The plaintiff's answers naming a defendant domiciled abroad (CPL 285, 286)."""


@dataclass(frozen=True)
class Issued:
    """A case whose judgment or ruling was issued and served: the people, and `judgment` as the
    case data holds it (the contract the appeal and openness read)."""

    case: HearingCase
    judgment: dict[str, Any]

    @property
    def case_id(self) -> str:
        return self.case.case_id


def make_court_key(court: Court) -> None:
    """The court's signing key (`microcourt court-key init`), once."""
    directory = court_key.key_dir(court.settings.data_dir)
    if not (directory / court_key.KEY_FILE).exists():
        court_key.init(
            directory, court.store.sealer, court.settings.court_name, court.settings.court_code, court.clock()
        )


async def deliberating(
    court: Court, sim: Simulation, track: str | None = None, answers: Mapping[str, Any] | None = None
) -> HearingCase:
    """The judge closed the record after the exchange and both parties confirmed it: the case is in
    the judgment flow at DELIBERATION (handed over by trial v3). `track` and `answers` (the
    plaintiff's, e.g. `ABROAD`, or a `claim_amount`) as `tests.support.trial.served_case`."""
    case = await closed_exchange(court, sim, track, answers)
    await sim.answer(case.judge, case.case_id, "close")
    for party in (case.plaintiff, case.defendant):
        await sim.answer(party, case.case_id, "confirm")
    state = await case_state(court, case.case_id)
    assert (state["flow_id"], state["stage"], state["data"]["_status"]) == ("judgment", "deliberation", "DELIBERATION")
    return case


async def issue(
    court: Court, case: HearingCase, outcome: str = "granted", granted: str | None = None, locale: str = "zh"
) -> Issued:
    """The assigned judge drafts `outcome` (with `granted`, partly granted), keeps the draft as
    filled and issues it; the messages serving it are delivered."""
    make_court_key(court)
    draft = await court.judgments.draft(case.judge.id, case.case_id, outcome, locale, granted)
    assert isinstance(draft, dict), draft
    edited = Edited(outcome, locale, draft["facts"], draft["reasoning"], draft["orders"], granted)
    done = await court.judgments.issue(case.judge.id, case.case_id, edited, "test")
    assert done.ok, done
    await court.dispatcher.settle()
    return Issued(case, (await case_state(court, case.case_id))["data"]["judgment"])


async def judgment_issued(
    court: Court,
    sim: Simulation,
    outcome: str = "granted",
    granted: str | None = None,
    track: str | None = None,
    answers: Mapping[str, Any] | None = None,
    locale: str = "zh",
) -> Issued:
    """A case taken from DELIBERATION to an issued, signed judgment (or ruling) served on every
    party: `outcome` one of `judgment.draft.OUTCOMES` but `default` (its defendant took part),
    `granted` the amount for `partly`, `track` e.g. "ordinary" (else small claims, final at
    service), `answers={**ABROAD}` for a defendant domiciled abroad."""
    return await issue(court, await deliberating(court, sim, track, answers), outcome, granted, locale)


async def _past(court: Court, clock: FakeClock, case_id: str, deadline: str) -> None:
    """The clock jumped past the case's `deadline` and the sweeper run: the window has closed."""
    due = datetime.fromisoformat((await case_state(court, case_id))["data"]["_due"][deadline])
    clock.now = due + timedelta(seconds=1)
    await sweep(court)


async def silent_defendant_deliberating(court: Court, sim: Simulation, clock: FakeClock) -> HearingCase:
    """A defendant that joined online and agreed to the asynchronous trial, then let every window
    pass in silence (no answer, no evidence, no opinion, no confirmation of the record): the judge
    closed the record after the exchange, and the case is at DELIBERATION in the judgment flow
    with a defendant who never took part (CPL 147)."""
    case_id, rep = await case_in_trial(court, sim)
    plaintiff, judge = await demo_person(court, "litigant_a"), await demo_person(court, "judge")
    await _past(court, clock, case_id, "answer")
    await sim.answer(plaintiff, case_id, "done")  # no more evidence (CPL 68)
    await _past(court, clock, case_id, "evidence")
    for party in (plaintiff, rep):
        await sim.answer(party, case_id, "yes")  # the asynchronous exchange (OLR 20(1))
    await _past(court, clock, case_id, "exchange")
    await sim.answer(judge, case_id, "close")
    await sim.answer(plaintiff, case_id, "confirm")
    await _past(court, clock, case_id, "record_confirmation")
    state = await case_state(court, case_id)
    assert (state["flow_id"], state["stage"]) == ("judgment", "deliberation"), state["stage"]
    return HearingCase(case_id, plaintiff, rep, judge, await demo_person(court, "clerk"))
