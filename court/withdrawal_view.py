"""The defendant's view on the plaintiff's application to withdraw the suit (CPL 148; SPC
Interpretation of the CPL Art. 238(2)). When the plaintiff applies, the defendant (and its agent)
is told at once, with the reasons, and may say within a short period whether it agrees or objects
(an objection with reasons). The view is before the judge beside the application; after the court
debate has ended (DELIBERATION) a defendant's objection is a ground on which the court may refuse
the withdrawal (Interp. 238(2)); before that it informs the judge. Neither the view nor its absence
ever holds the judge's decision up: the period only says until when a view is taken.

The period (`MICROCOURT_WITHDRAWAL_VIEW_PERIOD`, default 3 days, counted under CPL 85) is kept in
the application itself (`view_until`), outside any flow, so no flow version changes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from court.access import People, who_acted
from court.commands import StateWithdrawalView
from court.outcomes import Outcome
from storage.models import Case
from storage.store import Tx

VIEW_PERIOD = "P3D"
"""The defendant's period to state its view, unless the court sets another (the law names none:
a short period the court gives, as for other statements it asks of a party)."""
VIEWS = ("agree", "object")
DEFENDANT = "defendant"


def status(application: Mapping[str, Any], now: datetime) -> str:
    """`given` (the defendant stated its view), `running` (its period runs) or `lapsed` (silence)."""
    if application.get("view"):
        return "given"
    until = application.get("view_until")
    return "running" if until and now <= datetime.fromisoformat(until) else "lapsed"


def open_for(role: str, application: Mapping[str, Any] | None, now: datetime) -> dict[str, Any] | None:
    """For the defendant's case card: the pending application on which it may still state its
    view (the plaintiff's reasons and until when), else None."""
    if role != DEFENDANT or application is None or status(application, now) != "running":
        return None
    return {"reasons": application["reasons"], "until": application["view_until"]}


def tell_defendant(tx: Tx, case: Case, people: People, application: dict[str, Any], now: datetime) -> None:
    """Tell the defendant's side (the defendant and its agent) of the application at once, with its
    reasons and until when it may state its view; `told` records how many were reached in the chat
    (none: the defendant takes no part in it, and the judge sees that)."""
    told = people.get(DEFENDANT, [])
    params = {
        "case_number": case.case_number or case.reference,
        "reasons": application["reasons"] or "—",
        "until": {"time": application["view_until"]},
    }
    for person_id in told:
        tx.outbox(case.id, DEFENDANT, person_id, {"text": "withdrawal.applied_defendant", "params": params}, now)
    application["told"] = len(told)


def refusal(
    role: str, application: Mapping[str, Any] | None, cmd: StateWithdrawalView, now: datetime
) -> Outcome | None:
    """Why this view is not taken (an `errors.` key, with what to do next), or None."""
    if role != DEFENDANT:
        return Outcome(cmd.case_id, "withdrawal_view_defendant_only")
    if application is None:
        return Outcome(cmd.case_id, "withdrawal_view_none")
    if application.get("view"):
        return Outcome(cmd.case_id, "withdrawal_view_given")
    if status(application, now) == "lapsed":  # an application from before the period existed has none
        until = application.get("view_until")
        return Outcome(cmd.case_id, "withdrawal_view_lapsed", {"until": {"time": until} if until else "—"})
    if cmd.view not in VIEWS:
        return Outcome(cmd.case_id, "withdrawal_view_choice")
    if cmd.view == "object" and not cmd.reasons.strip():
        return Outcome(cmd.case_id, "withdrawal_view_reasons")
    return None


async def record(
    tx: Tx,
    case: Case,
    role: str,
    raw: dict[str, Any],
    application: dict[str, Any] | None,
    cmd: StateWithdrawalView,
    now: datetime,
) -> Outcome:
    """Record the defendant's view on the pending application (`application`, inside the opened
    state `raw`; None: none pending) and put it before the judge: the court is told, and the
    record keeps who stated it (an agent, for whom)."""
    refused = refusal(role, application, cmd, now)
    if refused is not None or application is None:
        return refused or Outcome(cmd.case_id, "withdrawal_view_none")
    who = await who_acted(tx, case, cmd.person_id, role, cmd.channel, await tx.participants(case.id))
    reasons = cmd.reasons.strip()
    application["view"] = {
        "view": cmd.view,
        "reasons": reasons,
        "at": now.isoformat(),
        "by": cmd.person_id,
        "on_behalf_of": who["on_behalf_of"],
    }
    await tx.save_state(case, raw, case.status, now)
    number = case.case_number or case.reference
    params = {"case_number": number, "view": {"t": f"withdrawal.view_{cmd.view}"}, "reasons": reasons or "—"}
    tx.outbox(case.id, "court", None, {"text": "withdrawal.view_court", "params": params}, now, case.court_code)
    await tx.log(case.id, raw["seq"], "withdrawal_view", {"view": cmd.view, "reasons": reasons}, now, **who)
    return Outcome(case.id, params={"view": cmd.view})
