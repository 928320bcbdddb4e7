"""The time to pay what a judgment orders and the period to apply for enforcement (CPL 250): the
judge sets the days on the desk (10 unless changed), the order states them; once the judgment is
final the time to pay ends on a court day (CPL 85) and the two years to apply for enforcement run
from its last day, or from finality where nothing is to be paid; the FINAL message to each party
and the case card state both dates. The clock jumped, never waited for."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.simulation import Simulation
from app.trial_demo import served_judgment
from court.commands import AcknowledgeService
from court.outcomes import Outcome
from court.read_models import my_cases
from gateway.court import Court
from judgment.draft import Edited
from storage.models import Deadline
from tests.support.clock import FakeClock
from tests.support.judgment import deliberating, make_court_key
from tests.support.trial import case_state, sweep


async def _final(court: Court, clock: FakeClock, case_id: str) -> dict[str, object]:
    """Jump from deadline to deadline (each party's service, CPL 165) until the judgment is final."""
    for _ in range(6):
        state = await case_state(court, case_id)
        if state["data"].get("finality"):
            return dict(state["data"]["finality"])
        async with court.store.tx() as tx:
            due = await tx.session.scalar(
                select(func.min(Deadline.due_at)).where(Deadline.case_id == case_id, Deadline.status == "pending")
            )
        assert due is not None, state["stage"]
        clock.now = max(clock.now, due + timedelta(seconds=1))
        await sweep(court)
        await court.dispatcher.settle()
    raise AssertionError("the judgment never became final")


async def _issued(court: Court, sim: Simulation, outcome: str, days: int, locale: str = "en") -> tuple[str, object]:
    """The judge drafts `outcome` with `days` to pay and issues it as drafted (small claims)."""
    case = await deliberating(court, sim)
    make_court_key(court)
    draft = await court.judgments.draft(case.judge.id, case.case_id, outcome, locale, None, days)
    assert isinstance(draft, dict), draft
    edited = Edited(outcome, locale, draft["facts"], draft["reasoning"], draft["orders"], None, days)
    assert (await court.judgments.issue(case.judge.id, case.case_id, edited, "test")).ok
    await court.dispatcher.settle()
    for role, person in (("plaintiff", case.plaintiff), ("defendant", case.defendant)):
        for message_id in await served_judgment(court, case.case_id, person, role):  # received (OLR 31(2))
            await court.service.acknowledge_service(AcknowledgeService(person.id, message_id, "test"))
    await sweep(court)  # each party's period runs from its service
    return case.case_id, case


async def test_cpl250_enforcement_runs_two_years_from_the_last_day_to_pay_the_judge_set(
    court: Court, clock: FakeClock
) -> None:
    """CPL 250, 85: the judge gives 20 days to pay; the order says so; final, the last day to pay is
    20 days on (moved past a rest day) and the last day to apply for enforcement two years after it;
    each party's FINAL message and its case card say both."""
    sim = Simulation(court, "en")
    case_id, case = await _issued(court, sim, "granted", 20)
    judgment = (await case_state(court, case_id))["data"]["judgment"]
    assert (
        judgment["performance_days"] == 20 and "within 20 days of this judgment taking effect" in judgment["orders"][0]
    )
    final = await _final(court, clock, case_id)
    final_at, pay_by, until = (
        datetime.fromisoformat(str(final[k])) for k in ("final_at", "performance_until", "enforcement_until")
    )
    assert pay_by.astimezone(ZoneInfo(court.settings.timezone)).weekday() < 5  # CPL 85: never a rest day
    assert timedelta(days=20) <= pay_by - final_at < timedelta(days=24)  # CPL 85: a rest day moves it
    assert until.date().year == pay_by.date().year + 2 and (until - pay_by) >= timedelta(days=730)
    for person in (case.plaintiff, case.defendant):  # type: ignore[attr-defined]
        lines: list[str] = []
        await Simulation(court, "en", lines.append).prompt_for(person, case_id)
        told = "\n".join(lines)
        assert (
            f"within 20 days of its taking effect, by {court.catalog.local_time(str(final['performance_until']))}"
            in told
        )
        assert court.catalog.local_time(str(final["enforcement_until"])) in told
        assert "two years from the last day to pay, CPL 250" in told
        async with court.store.tx() as tx:
            cards = await my_cases(tx, person.id, "en", court.catalog, court.library, clock.now)
        card = next(c for c in cards if c["case_id"] == case_id)
        assert card["enforcement"]["performance_until"] == final["performance_until"]
        assert court.catalog.local_time(str(final["enforcement_until"])) in card["enforcement"]["text"]
        assert "Pay by" in card["enforcement"]["text"]


async def test_cpl250_no_money_ordered_enforcement_runs_from_finality(court: Court, clock: FakeClock) -> None:
    """CPL 250: a judgment that orders nothing paid (dismissed) sets no time to pay; the two years
    to apply for enforcement run from its taking effect, and the message says so."""
    sim = Simulation(court, "en")
    case_id, case = await _issued(court, sim, "dismissed", 10)
    assert (await case_state(court, case_id))["data"]["judgment"]["performance_days"] is None
    final = await _final(court, clock, case_id)
    assert final["performance_until"] is None
    final_at, until = (datetime.fromisoformat(str(final[k])) for k in ("final_at", "enforcement_until"))
    assert until.year == final_at.year + 2 and timedelta(days=729) < until - final_at < timedelta(days=740)
    lines: list[str] = []
    await Simulation(court, "en", lines.append).prompt_for(case.plaintiff, case_id)  # type: ignore[attr-defined]
    told = "\n".join(lines)
    assert "two years from its taking effect, CPL 250" in told and "must be paid" not in told


@pytest.mark.parametrize("days", [0, 366])
async def test_cpl250_a_time_to_pay_outside_a_year_is_refused_with_what_to_give(court: Court, days: int) -> None:
    """The days to pay must be 1 to 365: otherwise the desk says so, and nothing is drafted."""
    case = await deliberating(court, Simulation(court, "en"))
    refused = await court.judgments.draft(case.judge.id, case.case_id, "granted", "en", None, days)
    assert isinstance(refused, Outcome) and refused.error == "judgment_performance_days"
    assert "from 1 to 365" in court.catalog.render(f"errors.{refused.error}", "en", refused.params)
