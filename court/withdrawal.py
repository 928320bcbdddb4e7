"""The plaintiff's application to withdraw the suit (CPL 148), at any stage of the trial or at
DELIBERATION, with optional reasons. Recorded in the case data (`_withdrawal`), logged
(`withdrawal_applied`) and put before the assigned judge, who approves it by issuing the ruling
approving the withdrawal from the judgment desk (half the fee, FM 15; the case ends WITHDRAWN) or
refuses it with reasons (the case goes on; both parties are told why). The defendant is told of
the application at once and may state its view meanwhile (`court.withdrawal_view`, Interp. 238)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from court import withdrawal_view
from court.commands import ApplyToWithdraw, RefuseWithdrawal, StateWithdrawalView
from court.outcomes import Outcome
from storage.models import Case
from storage.store import Tx

KEY = "_withdrawal"
"""Where the application lives in the case data: `by`, `role`, `reasons`, `applied_at`, `status`
("pending", "refused"), `view_until` and `told` (the defendant's period to state its view, and how
many on its side were told), `view` once stated (`court.withdrawal_view`), and once refused
`decided_at`, `decided_by`, `refusal`."""
FLOWS = ("trial", "judgment")
"""The flows in which a plaintiff may apply: the trial's stages and the judgment's DELIBERATION."""
WITHDRAWAL_SIGNAL = "withdrawal_approved"
"""The ruling approving the application, issued at a trial stage that routes it (trial v4's
`on_signal_anywhere`); at DELIBERATION the judgment flow takes it as any ruling (`judgment_issued`)."""
ENDED = ("WITHDRAWN", "TRANSFERRED", "LIVE_HEARING_PENDING")
"""Trial stages that end the case in this court's asynchronous trial: nothing left to withdraw here."""
REFUSAL_TOLD = {"plaintiff": "withdrawal.refused", "defendant": "withdrawal.refused_defendant"}
"""Who is told of a refusal, and in which words: both parties, each with its agent."""


def pending(data: Mapping[str, Any]) -> dict[str, Any] | None:
    """The application waiting for the judge, if any: none once a judgment or ruling is issued
    (the ruling approving it among them)."""
    application = data.get(KEY)
    waiting = application and application.get("status") == "pending" and "judgment" not in data
    return application if waiting else None


def refusal(role: str, state: Mapping[str, Any], status: str) -> str | None:
    """Why this person may not apply now (an `errors.` key), or None. CPL 148: only the plaintiff
    withdraws its suit, only while the trial runs or the judge deliberates (before the judgment
    is issued), and one application waits at a time."""
    if role != "plaintiff":
        return "withdrawal_plaintiff_only"
    if state["flow_id"] not in FLOWS or "judgment" in state["data"] or status in ENDED:
        return "withdrawal_not_now"
    return "withdrawal_pending" if pending(state["data"]) is not None else None


async def apply_to_withdraw(
    tx: Tx, case: Case, role: str, cmd: ApplyToWithdraw, now: datetime, view_until: datetime
) -> Outcome:
    """Record the application and put it before the judge (CPL 148); tell the defendant at once,
    who may state its view until `view_until` (Interp. 238)."""
    raw = tx.open_state(case)
    refused = refusal(role, raw, case.status)
    if refused is not None:
        return Outcome(case.id, refused, {"stage": {"t": f"status.{case.status}"}})
    reasons = cmd.reasons.strip()
    raw["data"][KEY] = {
        "by": cmd.person_id,
        "role": role,
        "reasons": reasons,
        "applied_at": now.isoformat(),
        "stage": case.status,
        "status": "pending",
        "view_until": view_until.isoformat(),
    }
    withdrawal_view.tell_defendant(tx, case, await tx.participants(case.id), raw["data"][KEY], now)
    await tx.save_state(case, raw, case.status, now)
    params = {"reasons": reasons or "—", "stage": {"t": f"status.{case.status}"}}
    tx.outbox(case.id, "court", None, {"text": "withdrawal.applied_court", "params": params}, now, case.court_code)
    detail = {"reasons": reasons, "stage": case.status, "channel": cmd.channel}
    await tx.log(case.id, raw["seq"], "withdrawal_applied", detail, now, actor_id=cmd.person_id, role=role)
    return Outcome(case.id)


async def refuse_withdrawal(tx: Tx, case: Case, role: str, cmd: RefuseWithdrawal, now: datetime) -> Outcome:
    """The assigned judge refuses the application with reasons (CPL 148: the court decides); the
    case goes on where it is and both parties (and their agents) are told why."""
    reasons = cmd.reasons.strip()
    if not reasons:
        return Outcome(case.id, "withdrawal_refusal_reasons")
    raw = tx.open_state(case)
    application = pending(raw["data"])
    if application is None:
        return Outcome(case.id, "withdrawal_none_pending")
    application.update(status="refused", decided_at=now.isoformat(), decided_by=cmd.person_id, refusal=reasons)
    await tx.save_state(case, raw, case.status, now)
    people = await tx.participants(case.id)
    for side, text in REFUSAL_TOLD.items():
        for person_id in people.get(side, []):
            tx.outbox(case.id, side, person_id, {"text": text, "params": {"reasons": reasons}}, now)
    await tx.log(
        case.id, raw["seq"], "withdrawal_refused", {"reasons": reasons}, now, actor_id=cmd.person_id, role=role
    )
    return Outcome(case.id)


async def state_view(tx: Tx, case: Case, role: str, cmd: StateWithdrawalView, now: datetime) -> Outcome:
    """The defendant states its view on the pending application (Interp. 238)."""
    raw = tx.open_state(case)
    return await withdrawal_view.record(tx, case, role, raw, pending(raw["data"]), cmd, now)
