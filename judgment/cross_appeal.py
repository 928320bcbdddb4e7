"""Cross-appeals (appeal.v3.yaml; CPL 171, 174; FM 22): each party may appeal in its own period
whatever the other did, and answer the other's appeal.

Each party's appeal is kept under `appeal.appeals.<role>` (`status`: `fee_pending`, then `paid`;
one whose fee was not paid in 7 days moves to `appeal.withdrawn`, FM 22). A paid appeal is served
on the other party (`appeal.served_appeal`; `appeal.served.<role>` records when), who may answer
within 15 days of that service taking effect (CPL 174); its answer is kept under
`appeal.answers.<role>` and served on the appellant (`appeal.served_answer`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flows.context import FlowContext
from flows.effects import Effect, Message, ServiceCall
from flows.registry import Action, Formatter, InputError
from judgment.appeal import PARTIES, appeal_notice, appeal_record, lodged_params, offer_of, withdrawn

FEE_PENDING, PAID = "fee_pending", "paid"


def other(role: str) -> str:
    return next(party for party in PARTIES if party != role)


def appeals(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The parties' live appeals, by role."""
    found = data.get("appeal", {}).get("appeals")
    return found if isinstance(found, Mapping) else {}


def _status(data: Mapping[str, Any], role: Any) -> str | None:
    appeal = appeals(data).get(role)
    return appeal.get("status") if isinstance(appeal, Mapping) else None


def _expired(data: Mapping[str, Any], kind: str) -> bool:
    return kind in data.get("_expired", [])


def fee_pending(data: Mapping[str, Any], role: Any) -> bool:
    """Guard `appeal_fee_pending` (the role as value): its appeal waits for its fee (FM 22)."""
    return _status(data, role) == FEE_PENDING


def unanswered(data: Mapping[str, Any], role: Any) -> bool:
    """Guard `appeal_unanswered` (the role as value): the other's appeal was served on it and it
    has not answered (CPL 174)."""
    served = data.get("appeal", {}).get("served", {})
    return bool(served.get(role)) and role not in data.get("appeal", {}).get("answers", {})


def no_paid_appeal(data: Mapping[str, Any], _value: Any) -> bool:
    """Guard `no_paid_appeal`: nothing goes up: no appeal, or each one withdrawn (CPL 158)."""
    return not any(a.get("status") == PAID for a in appeals(data).values())


def may_appeal(role: str) -> Callable[[Mapping[str, Any], Any], bool]:
    """Guard `may_appeal_<role>`: its own period is open (CPL 171, 286) and it has no live appeal."""
    return lambda data, _value: not _expired(data, f"appeal_{role}") and role not in appeals(data)


def may_answer(role: str) -> Callable[[Mapping[str, Any], Any], bool]:
    """Guard `may_answer_<role>`: the other's appeal was served on it and its 15 days run (CPL 174)."""
    return lambda data, _value: unanswered(data, role) and not _expired(data, f"answer_to_appeal_{role}")


def fee_pending_of(role: str) -> Callable[[Mapping[str, Any], Any], bool]:
    """Guard `appeal_fee_pending_<role>`: as `appeal_fee_pending`, for a step's route."""
    return lambda data, _value: fee_pending(data, role)


def _params(data: Mapping[str, Any], role: str) -> dict[str, Any]:
    return lodged_params(data, appeals(data).get(role, {}), f"appeal_fee_{role}")


def _serve(data: dict[str, Any], role: str, ctx: FlowContext) -> list[Effect]:
    """`role`'s appeal is paid (or costs nothing): a copy is served on the other party (CPL 174)."""
    appeal = data["appeal"]["appeals"][role]
    appeal.update(status=PAID, paid_at=ctx.now.isoformat())
    data["appeal"].setdefault("served", {})[other(role)] = ctx.now.isoformat()
    params = _params(data, role)
    return [
        Message(role, "appeal.fee_received", params),
        Message(other(role), "appeal.served_appeal", params),
        Message("court", "appeal.served_court", params),
    ]


def lodged_by(role: str) -> Action:
    """Action `cross_appeal_lodged_<role>`: its appeal lodged now, in its period (CPL 171); one
    that costs nothing (a ruling, FM 8) is served on the other party at once."""

    def lodged(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
        record = {**appeal_record(data, role, ctx), "status": FEE_PENDING}
        data.setdefault("appeal", {}).setdefault("appeals", {})[role] = record
        told: list[Effect] = [Message("court", "appeal.lodged_court", _params(data, role))]
        return told + (_serve(data, role, ctx) if record["fee"]["due"] == "0" else [])

    return lodged


def request_fee(role: str) -> Action:
    """Action `request_cross_appeal_fee_<role>`: the payment port asked for `role`'s appeal fee,
    the payment marked as `role`'s, so its confirmation says whose fee arrived."""

    def request(data: dict[str, Any], _ctx: FlowContext) -> list[Effect]:
        return [ServiceCall("request_payment", {"amount": appeals(data)[role]["fee"]["due"], "for": role})]

    return request


def fee_paid(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Signal action `cross_appeal_fee_paid`: the payment `_paid` arrived; its appeal is paid and
    served on the other party. A payment for no appeal waiting for it (withdrawn, FM 22) is refused
    (and refunded)."""
    role = data.get("_payments", {}).get(data.pop("_paid", None))
    if not fee_pending(data, role):
        raise InputError("stale_step")
    return _serve(data, str(role), ctx)


def fee_unpaid(role: str) -> Action:
    """Action `appeal_fee_unpaid_<role>` (its fee period's end): unpaid, the appeal is treated as
    withdrawn (FM 22); the party's own period runs on, so it may appeal again while it is open."""

    def unpaid(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
        return withdrawn(data, data["appeal"]["appeals"].pop(role), ctx)

    return unpaid


def answered_by(role: str) -> Action:
    """Action `appeal_answered_<role>`: its answer (CPL 174) recorded and a copy served on the appellant."""

    def answered(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
        answer = data["appeal"]["answers"][role]
        answer["answered_at"] = ctx.now.isoformat()
        params = {**appeal_notice(data), "respondent": {"t": f"role.{role}"}, "answer": _answer_text(answer)}
        return [Message(other(role), "appeal.served_answer", params), Message("court", "appeal.answer_court", params)]

    return answered


def _answer_text(answer: Mapping[str, Any]) -> Any:
    file = answer.get("file")
    if isinstance(file, Mapping):
        return {"t": "appeal.file_line", "params": {"name": file.get("name", ""), "sha256": file.get("sha256", "")}}
    return answer.get("text", "")


def home_of(role: str) -> Formatter:
    """Formatter `appeal_home_<role>`: the offer with its own period, and where each appeal stands."""
    offer = offer_of(role)

    def home(data: Mapping[str, Any]) -> dict[str, Any]:
        shown = {**offer(data), "appeals": _standing(data)}
        if _expired(data, f"appeal_{role}"):
            due = data.get("_due", {}).get(f"appeal_{role}", "")
            shown["period"] = {"t": "appeal.period_ended", "params": {"due_at": {"time": due}}}
        return shown

    return home


def _standing(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    lines = []
    for role, appeal in appeals(data).items():
        status = "appeal.standing_paid" if appeal.get("status") == PAID else "appeal.standing_fee_pending"
        lines.append({"t": status, "params": {"appellant": {"t": f"role.{role}"}}})
    for role in data.get("appeal", {}).get("answers", {}):
        lines.append({"t": "appeal.standing_answered", "params": {"respondent": {"t": f"role.{role}"}}})
    return lines or [{"t": "appeal.standing_none"}]


def to_answer(role: str) -> Formatter:
    """Formatter `appeal_to_answer_<role>`: the other party's appeal, which `role` may answer."""
    return lambda data: _params(data, other(role))


def lodged_of(role: str) -> Formatter:
    """Formatter `cross_appeal_lodged_<role>`: `role`'s appeal with its fee and when it is due."""
    return lambda data: _params(data, role)


def sent_up(data: Mapping[str, Any]) -> dict[str, Any]:
    """Formatter `appeals_sent_up`: the appeals and answers the file goes up with (CPL 175)."""
    return {**appeal_notice(data), "appeals": _standing(data)}


def file_prepared(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """APPEALED: the file for the higher court, every appeal and answer in it, is ready to export."""
    data.setdefault("appeal", {})["file_prepared_at"] = ctx.now.isoformat()
    return []


def register(guards: dict[str, Any], actions: dict[str, Any], formatters: dict[str, Any]) -> None:
    """Everything appeal.v3.yaml names from this module."""
    guards.update(appeal_fee_pending=fee_pending, appeal_unanswered=unanswered, no_paid_appeal=no_paid_appeal)
    actions.update(cross_appeal_fee_paid=fee_paid, appeals_file_prepared=file_prepared)
    formatters["appeals_sent_up"] = sent_up
    for role in PARTIES:
        guards[f"may_appeal_{role}"] = may_appeal(role)
        guards[f"may_answer_{role}"] = may_answer(role)
        guards[f"appeal_fee_pending_{role}"] = fee_pending_of(role)
        actions[f"cross_appeal_lodged_{role}"] = lodged_by(role)
        actions[f"request_cross_appeal_fee_{role}"] = request_fee(role)
        actions[f"appeal_fee_unpaid_{role}"] = fee_unpaid(role)
        actions[f"appeal_answered_{role}"] = answered_by(role)
        formatters[f"appeal_home_{role}"] = home_of(role)
        formatters[f"appeal_to_answer_{role}"] = to_answer(role)
        formatters[f"cross_appeal_lodged_{role}"] = lodged_of(role)
