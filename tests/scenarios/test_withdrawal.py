"""The plaintiff's application to withdraw the suit (CPL 148) through the service layer: made at
any stage of the trial or at DELIBERATION, with optional reasons; before the assigned judge in the
workspace and the judgment desk; approved by the ruling approving the withdrawal (half the fee,
FM 15; the case ends WITHDRAWN, wherever it was: trial v4) or refused with reasons (the case goes
on; the plaintiff is told why)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.simulation import Simulation
from court.commands import ApplyToWithdraw, RefuseWithdrawal
from gateway.court import Court
from judgment.draft import Edited
from storage.models import CaseEvent, OutboxMessage
from tests.support.hearing import HearingCase, closed_exchange
from tests.support.judgment import deliberating, issue, make_court_key
from tests.support.trial import case_state, pin

ORDINARY = {"claim_amount": "150000", "small_claims_agreement": "no"}  # FM 13: 3,300 yuan


async def _messages(court: Court, case_id: str, text: str) -> list[tuple[str, dict[str, Any]]]:
    """(role, params) of every message of `text` in the case."""
    async with court.store.tx() as tx:
        rows = await tx.session.scalars(
            select(OutboxMessage).where(OutboxMessage.case_id == case_id).order_by(OutboxMessage.id)
        )
        payloads = [(row.role, tx.sealer.open(row.payload)) for row in rows]
    return [(role, p.get("params", {})) for role, p in payloads if p.get("text") == text]


async def _apply(court: Court, case: HearingCase, reasons: str = "双方已和解。") -> None:
    outcome = await court.service.apply_to_withdraw(ApplyToWithdraw(case.plaintiff.id, case.case_id, reasons, "test"))
    assert outcome.ok, outcome


async def _approve(court: Court, case: HearingCase) -> Any:
    """The judge drafts the ruling approving the withdrawal, keeps it as filled and issues it."""
    make_court_key(court)
    draft = await court.judgments.draft(case.judge.id, case.case_id, "withdrawal_approved", "zh")
    assert isinstance(draft, dict), draft
    edited = Edited("withdrawal_approved", "zh", draft["facts"], draft["reasoning"], draft["orders"])
    return await court.judgments.issue(case.judge.id, case.case_id, edited, "test")


async def test_cpl148_applied_at_deliberation_the_desk_quotes_it_and_the_ruling_ends_the_case(court: Court) -> None:
    """At DELIBERATION: the application is logged and told to the court; the judge's case list puts
    it first, the case view shows it, and the desk's draft quotes it; the ruling approving it is
    served on both parties, the case WITHDRAWN with half the fee (FM 15: 1,650 of 3,300)."""
    case = await deliberating(court, Simulation(court, "zh"), "ordinary", ORDINARY)
    await _apply(court, case)
    assert [p["reasons"] for _, p in await _messages(court, case.case_id, "withdrawal.applied_court")] == [
        "双方已和解。"
    ]
    rows = {r["case_id"]: r for r in await court.workspace.my_cases(case.judge.id, "zh")}
    assert rows[case.case_id]["withdrawal"] and rows[case.case_id]["for_judge"]
    view = await court.workspace.case_view(case.judge.id, case.case_id, "zh")
    assert view is not None and view["withdrawal"]["reasons"] == "双方已和解。" and view["withdrawal"]["may_approve"]
    draft = await court.judgments.draft(case.judge.id, case.case_id, "withdrawal_approved", "zh")
    assert isinstance(draft, dict) and draft["application"]["reasons"] == "双方已和解。"
    assert "申请撤诉" in draft["facts"][0] and "双方已和解。" in draft["facts"][0]
    assert (await _approve(court, case)).ok
    await court.dispatcher.settle()
    state = await case_state(court, case.case_id)
    assert (state["stage"], state["data"]["_status"]) == ("ruling_served", "WITHDRAWN")
    assert state["data"]["judgment"]["fee_shares"] == [["plaintiff", "1650.00"]]
    again = ApplyToWithdraw(case.plaintiff.id, case.case_id, "", "test")
    assert (await court.service.apply_to_withdraw(again)).error == "withdrawal_not_now"
    rows = {r["case_id"]: r for r in await court.workspace.my_cases(case.judge.id, "zh")}
    assert not rows[case.case_id]["withdrawal"] and not rows[case.case_id]["for_judge"]  # decided


async def test_cpl148_approved_during_the_trial_the_case_ends_where_it_was(court: Court) -> None:
    """At a trial stage (the judge's next act after the exchange, trial v4), without reasons: the
    ruling is issued from the desk there and served on both parties; the case ends WITHDRAWN and
    no period of the trial runs on."""
    case = await closed_exchange(court, Simulation(court, "zh"), "ordinary", ORDINARY)
    await _apply(court, case, "  ")
    draft = await court.judgments.draft(case.judge.id, case.case_id, "withdrawal_approved", "zh")
    assert isinstance(draft, dict) and "理由" not in draft["facts"][0] and "申请撤诉" in draft["facts"][0]
    assert (await court.judgments.draft(case.judge.id, case.case_id, "granted", "zh")).error == "document_not_due"
    done = await _approve(court, case)
    assert done.ok, done
    await court.dispatcher.settle()
    state = await case_state(court, case.case_id)
    newest = court.library.latest("trial").version  # version 4 or any later one (the route is inherited)
    assert (state["flow_id"], state["version"], state["stage"]) == ("trial", newest, "withdrawn")
    assert state["data"]["_status"] == "WITHDRAWN" and state["data"]["judgment"]["outcome"] == "withdrawal_approved"
    served = [role for role, _ in await _messages(court, case.case_id, "judgment.served_ruling")]
    assert sorted(served) == ["defendant", "plaintiff"]
    async with court.store.tx() as tx:
        assert await tx.pending_deadline(case.case_id, "hearing_application") is None


async def test_cpl148_refused_with_reasons_the_case_goes_on_and_the_plaintiff_is_told(court: Court) -> None:
    """Refusing needs reasons and the assigned judge; the plaintiff is told them, the case stays at
    its stage, nothing can be approved any more, and the plaintiff may apply again."""
    case = await closed_exchange(court, Simulation(court, "zh"), "ordinary", ORDINARY)
    before = (await case_state(court, case.case_id))["stage"]
    await _apply(court, case)
    refuse = court.service.refuse_withdrawal
    assert (await refuse(RefuseWithdrawal(case.judge.id, case.case_id, " "))).error == "withdrawal_refusal_reasons"
    assert (await refuse(RefuseWithdrawal(case.clerk.id, case.case_id, "不符合条件"))).error == "judges_rule"
    assert (await refuse(RefuseWithdrawal(case.judge.id, case.case_id, "撤诉损害他人利益。"))).ok
    await court.dispatcher.settle()
    told = await _messages(court, case.case_id, "withdrawal.refused")
    assert told == [("plaintiff", {"reasons": "撤诉损害他人利益。"})]
    state = await case_state(court, case.case_id)
    assert state["stage"] == before and state["data"]["_withdrawal"]["status"] == "refused"
    assert (await _approve_refused(court, case)) == "document_not_due"
    edited = Edited("withdrawal_approved", "zh", ["申请撤诉"], ["准许"], ["准许原告撤诉。"])
    make_court_key(court)
    assert (await court.judgments.issue(case.judge.id, case.case_id, edited, "test")).error == "document_not_due"
    again = await refuse(RefuseWithdrawal(case.judge.id, case.case_id, "再次"))
    assert again.error == "withdrawal_none_pending"
    await _apply(court, case, "再次申请")
    async with court.store.tx() as tx:
        kinds = await tx.session.scalars(
            select(CaseEvent.kind).where(CaseEvent.case_id == case.case_id, CaseEvent.kind.like("withdrawal_%"))
        )
        assert list(kinds) == ["withdrawal_applied", "withdrawal_refused", "withdrawal_applied"]


async def test_cpl148_only_the_plaintiff_applies_one_at_a_time_before_the_judgment(court: Court) -> None:
    """The defendant cannot withdraw the plaintiff's suit; a second application waits for the
    first; after a judgment is issued there is nothing to withdraw."""
    case = await deliberating(court, Simulation(court, "zh"))
    service = court.service
    by_defendant = ApplyToWithdraw(case.defendant.id, case.case_id, "", "test")
    assert (await service.apply_to_withdraw(by_defendant)).error == "withdrawal_plaintiff_only"
    await _apply(court, case)
    second = ApplyToWithdraw(case.plaintiff.id, case.case_id, "", "test")
    assert (await service.apply_to_withdraw(second)).error == "withdrawal_pending"
    queue = {c["case_id"]: c for c in await court.reads.review_queue(court.settings.court_code, "zh")}
    assert queue[case.case_id]["withdrawal"]
    assert (await service.refuse_withdrawal(RefuseWithdrawal(case.judge.id, case.case_id, "理由"))).ok
    await issue(court, case, "granted")
    assert (await service.apply_to_withdraw(second)).error == "withdrawal_not_now"


async def test_cpl148_a_case_pinned_to_trial_v3_is_approved_only_at_deliberation(court: Court) -> None:
    """A case that began on trial v3 routes no withdrawal ruling from its trial stages: the judge
    refuses it or waits for DELIBERATION (the case view says it cannot be approved yet)."""
    case = await closed_exchange(court, Simulation(court, "zh"))
    await pin(court, case.case_id, 3)
    await _apply(court, case)
    view = await court.workspace.case_view(case.judge.id, case.case_id, "zh")
    assert view is not None and view["withdrawal"]["may_approve"] is False
    assert (await _approve_refused(court, case)) == "document_not_due"


async def _approve_refused(court: Court, case: HearingCase) -> str | None:
    draft = await court.judgments.draft(case.judge.id, case.case_id, "withdrawal_approved", "zh")
    return getattr(draft, "error", None)
