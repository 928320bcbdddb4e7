"""The defendant's view on the plaintiff's application to withdraw (CPL 148; SPC Interpretation of
the CPL Art. 238(2)) through the service layer, the fake clock jumped: the defendant is told at
once with the reasons and the period; its view (agreeing, or objecting with reasons) is before
the judge beside the application; after the debate an objection is flagged as a ground to refuse;
silence lapses; neither ever holds the judge up; both parties are told of a refusal."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from app.simulation import Simulation
from court.commands import ApplyToWithdraw, RefuseWithdrawal, StateWithdrawalView
from gateway.court import Court
from tests.scenarios.test_withdrawal import ORDINARY, _apply, _approve, _messages
from tests.support.clock import FakeClock
from tests.support.court import court_settings, started_court
from tests.support.hearing import HearingCase, closed_exchange
from tests.support.judgment import deliberating
from tests.support.trial import case_state


def _view(case: HearingCase, view: str, reasons: str = "", by: str | None = None) -> StateWithdrawalView:
    return StateWithdrawalView(by or case.defendant.id, case.case_id, view, reasons, "test")


async def _desk(court: Court, case: HearingCase) -> dict[str, Any]:
    """The application as the judge's workspace shows it."""
    view = await court.workspace.case_view(case.judge.id, case.case_id, "en")
    assert view is not None and view["withdrawal"] is not None
    return dict(view["withdrawal"])


async def _card(court: Court, person_id: str, case_id: str) -> dict[str, Any]:
    return next(c for c in await court.reads.my_cases(person_id, "en") if c["case_id"] == case_id)


async def test_interp238_at_deliberation_the_defendant_is_told_and_its_objection_is_a_ground_to_refuse(
    court: Court,
) -> None:
    """Applied after the debate (DELIBERATION): the defendant is told at once, with the reasons and
    the end of its period (CPL 85: the third day's end); its card offers the view, the plaintiff's
    does not; an objection needs reasons and only the defendant's side gives one; the court is told;
    the desk shows the objection beside the application and flags it as a ground to refuse
    (Interp. 238(2)); a second view is refused; the judge's refusal reaches both parties."""
    case = await deliberating(court, Simulation(court, "zh"), "ordinary", ORDINARY)
    applied_at = court.clock()
    await _apply(court, case, "双方已和解。")
    [(role, told)] = await _messages(court, case.case_id, "withdrawal.applied_defendant")
    until = datetime.fromisoformat(told["until"]["time"])
    assert (role, told["reasons"]) == ("defendant", "双方已和解。")
    assert until - applied_at > timedelta(days=3) and until.astimezone().second == 59  # CPL 85: the day's end
    assert (await _card(court, case.defendant.id, case.case_id))["withdrawal_view"]["reasons"] == "双方已和解。"
    assert (await _card(court, case.plaintiff.id, case.case_id))["withdrawal_view"] is None
    desk = await _desk(court, case)
    assert (desk["view"], desk["view_status"], desk["debate_ended"], desk["defendant_told"]) == (
        None,
        "running",
        True,
        True,
    )
    state = court.service.state_withdrawal_view
    assert (await state(_view(case, "object", " "))).error == "withdrawal_view_reasons"
    assert (await state(_view(case, "maybe"))).error == "withdrawal_view_choice"
    assert (await state(_view(case, "agree", by=case.plaintiff.id))).error == "withdrawal_view_defendant_only"
    assert (await state(_view(case, "object", "原告应承担违约责任，我方要求判决。"))).ok
    [(_, court_told)] = await _messages(court, case.case_id, "withdrawal.view_court")
    assert court_told["view"] == {"t": "withdrawal.view_object"}
    desk = await _desk(court, case)
    assert desk["view"]["view"] == "object" and desk["view"]["reasons"] == "原告应承担违约责任，我方要求判决。"
    assert (desk["view_status"], desk["objection_ground"]) == ("given", True)
    assert (await state(_view(case, "agree"))).error == "withdrawal_view_given"
    assert (await _card(court, case.defendant.id, case.case_id))["withdrawal_view"] is None
    refused = RefuseWithdrawal(case.judge.id, case.case_id, "被告不同意撤诉（民诉法解释第238条）。")
    assert (await court.service.refuse_withdrawal(refused)).ok
    assert [r for r, _ in await _messages(court, case.case_id, "withdrawal.refused")] == ["plaintiff"]
    [(role, params)] = await _messages(court, case.case_id, "withdrawal.refused_defendant")
    assert (role, params["reasons"]) == ("defendant", "被告不同意撤诉（民诉法解释第238条）。")
    assert (await state(_view(case, "agree"))).error == "withdrawal_view_none"


async def test_interp238_during_the_trial_the_defendants_agreement_only_informs_the_judge(court: Court) -> None:
    """Before the debate has ended (a trial stage) the view informs the judge and is no ground of
    its own: the defendant agrees without reasons; the judge approves while the period still runs."""
    case = await closed_exchange(court, Simulation(court, "en"), "ordinary", ORDINARY)
    await _apply(court, case, "We settled.")
    assert (await court.service.state_withdrawal_view(_view(case, "agree"))).ok
    desk = await _desk(court, case)
    assert desk["view"]["view"] == "agree" and desk["view"]["reasons"] == ""
    assert (desk["debate_ended"], desk["objection_ground"]) == (False, False)
    assert (await _approve(court, case)).ok
    assert (await case_state(court, case.case_id))["data"]["_status"] == "WITHDRAWN"


async def test_interp238_the_defendants_silence_lapses_and_never_holds_the_judge_up(
    court: Court, clock: FakeClock
) -> None:
    """Nothing stated: two days on the period still runs (and the judge may already decide); past
    its end the desk says it lapsed, the card no longer offers it, and a late view is refused with
    the day it ended and what to do; the judge's ruling approving the withdrawal is issued."""
    case = await deliberating(court, Simulation(court, "en"))
    await _apply(court, case, "")
    clock.jump(days=2)
    assert (await _desk(court, case))["view_status"] == "running"
    clock.jump(days=2)
    desk = await _desk(court, case)
    assert (desk["view_status"], desk["view"], desk["objection_ground"]) == ("lapsed", None, False)
    assert (await _card(court, case.defendant.id, case.case_id))["withdrawal_view"] is None
    late = await court.service.state_withdrawal_view(_view(case, "object", "Too late?"))
    assert late.error == "withdrawal_view_lapsed" and late.params["until"]["time"] == desk["view_until"]
    text = court.catalog.render("errors.withdrawal_view_lapsed", "en", late.params)
    assert "ended" in text and "write to the court" in text
    assert (await _approve(court, case)).ok
    assert (await case_state(court, case.case_id))["data"]["_status"] == "WITHDRAWN"


async def test_interp238_the_period_is_the_courts_setting(tmp_path: Path, clock: FakeClock) -> None:
    """MICROCOURT_WITHDRAWAL_VIEW_PERIOD sets the defendant's period: at one day it lapses after
    the next day's end."""
    court = await started_court(replace(court_settings(tmp_path), withdrawal_view_period="P1D"), clock)
    try:
        case = await closed_exchange(court, Simulation(court, "en"))
        application = ApplyToWithdraw(case.plaintiff.id, case.case_id, "", "test")
        assert (await court.service.apply_to_withdraw(application)).ok
        assert (await _desk(court, case))["view_status"] == "running"
        clock.jump(days=2)
        assert (await _desk(court, case))["view_status"] == "lapsed"
    finally:
        await court.close()
