"""A person's cases: the list, opening one, starting or joining one, answering its prompt."""

from __future__ import annotations

from bot.webchat.connection import Connection, Frame, Handler
from bot.webchat.http import ANSWER_LIMIT, ANSWER_WINDOW
from court.commands import (
    ApplyToWithdraw,
    JoinCase,
    OpenCase,
    OrderLiveHearing,
    ReadCase,
    StateWithdrawalView,
    SubmitAnswer,
    WithdrawAsynchronousConsent,
    WithdrawEServiceConsent,
)
from gateway.frames import render_message
from gateway.limits import may_open_case, may_try_invitation
from gateway.logs import case_id as log_case_id


async def on_list_cases(conn: Connection, frame: Frame) -> None:
    """The person's cases; for clerks and judges, the court's."""
    if conn.court_code:
        cases = await conn.court.reads.court_cases(conn.court_code, conn.locale)
    else:
        cases = await conn.court.reads.my_cases(conn.person.id, conn.locale)
    await conn.send({"type": "cases", "cases": cases})


async def on_new_case(conn: Connection, frame: Frame) -> None:
    flow = frame.get("flow", "filing")
    if not isinstance(flow, str) or flow not in {f for f, _ in conn.court.library.flows}:
        await conn.error("bad_request")
        return
    if not await may_open_case(conn.court, conn.person.id):
        await conn.error("too_many_new_cases")
        return
    outcome = await conn.court.service.open_case(OpenCase(conn.person.id, flow, "web"))
    if not outcome.ok:
        await conn.error(outcome.error or "bad_request", **outcome.params)
        return
    await open_case(conn, str(outcome.case_id))


async def on_join(conn: Connection, frame: Frame) -> None:
    """The defendant follows the court's invitation (`?join=<code>` or a short code typed in, OLR 10)."""
    if not await may_try_invitation(conn.court, conn.person.id):
        await conn.error("join_tries", client_id=frame.get("client_id"))
        return
    outcome = await conn.court.service.join_case(JoinCase(conn.person.id, str(frame.get("code", "")), "web"))
    if not outcome.ok:
        await conn.error(outcome.error or "internal", case_id=outcome.case_id, client_id=frame.get("client_id"))
        return
    await open_case(conn, str(outcome.case_id))


async def on_open_case(conn: Connection, frame: Frame) -> None:
    await open_case(conn, str(frame.get("case_id", "")))


async def open_case(conn: Connection, case_id: str) -> None:
    """Show a case: its card, the court's messages and the person's answers (a read receipt, OLR 31(2))."""
    log_case_id.set(case_id)
    view = await conn.court.reads.read_case(ReadCase(conn.person.id, case_id, conn.locale))
    if view is None:
        await conn.error("not_a_party", case_id=case_id)
        return
    messages = [render_message(message, conn.locale, conn.court.catalog) for message in view.messages]
    await conn.send({"type": "case_opened", "case": view.card, "messages": messages, "answers": view.answers})


async def on_answer(conn: Connection, frame: Frame) -> None:
    case_id, client_id = str(frame.get("case_id", "")), frame.get("client_id")
    log_case_id.set(case_id)
    key, now = f"answers:{conn.person.id}", conn.court.clock().timestamp()
    if not await conn.court.rate_limiter.allow(key, ANSWER_LIMIT, ANSWER_WINDOW, now):
        await conn.error("rate_limited", case_id=case_id, client_id=client_id)
        return
    try:
        step, seq = str(frame["step"]), int(frame["seq"])
        command = SubmitAnswer(conn.person.id, case_id, step, seq, frame.get("value"), "web")
    except (KeyError, TypeError, ValueError):
        await conn.error("bad_request", case_id=case_id, client_id=client_id)
        return
    await conn.used_web()  # before the answer, so the court's reply follows this channel
    outcome = await conn.court.service.submit_answer(command)
    if not outcome.ok:
        await conn.error(outcome.error or "internal", case_id=case_id, client_id=client_id, **outcome.params)
        return
    conn.court.metrics.inc("microcourt_chat_turns_total", channel="web")
    await conn.send({"type": "ack", "client_id": client_id, "case_id": case_id})


async def on_withdraw_e_service(conn: Connection, frame: Frame) -> None:
    """{case_id}: the party withdraws its consent to electronic service (OLR 4-5)."""
    case_id = str(frame.get("case_id", ""))
    command = WithdrawEServiceConsent(conn.person.id, case_id, "web")
    outcome = await conn.court.service.withdraw_e_service_consent(command)
    if not outcome.ok:
        await conn.error(outcome.error or "internal", case_id=case_id)
        return
    await conn.send({"type": "e_service_withdrawn", "case_id": case_id})


async def on_withdraw_asynchronous(conn: Connection, frame: Frame) -> None:
    """{case_id}: the party withdraws its consent to the asynchronous trial (OLR 5): the stage it
    is in goes live, what was done stays valid (OLR 21); the court's messages follow."""
    case_id = str(frame.get("case_id", ""))
    log_case_id.set(case_id)
    await conn.used_web()  # the court's messages that follow come to this channel
    command = WithdrawAsynchronousConsent(conn.person.id, case_id, "web")
    outcome = await conn.court.service.withdraw_asynchronous_consent(command)
    if not outcome.ok:
        await conn.error(outcome.error or "internal", case_id=case_id)
        return
    await conn.send({"type": "async_consent_withdrawn", "case_id": case_id})


async def on_order_live_hearing(conn: Connection, frame: Frame) -> None:
    """{case_id, reasons}: the assigned judge sends the case from its asynchronous stage to a live
    hearing, with reasons (a ruling; OLR 21)."""
    case_id, reasons = str(frame.get("case_id", "")), frame.get("reasons")
    log_case_id.set(case_id)
    if not isinstance(reasons, str):
        await conn.error("bad_request", case_id=case_id)
        return
    outcome = await conn.court.service.order_live_hearing(OrderLiveHearing(conn.person.id, case_id, reasons, "web"))
    if not outcome.ok:
        await conn.error(outcome.error or "internal", case_id=case_id)
        return
    await conn.send({"type": "live_hearing_ordered", "case_id": case_id})


async def on_apply_to_withdraw(conn: Connection, frame: Frame) -> None:
    """{case_id, reasons?}: the plaintiff applies to withdraw the suit (CPL 148); the judge
    approves it by a ruling or refuses it with reasons, and the court's message says which."""
    case_id, reasons = str(frame.get("case_id", "")), frame.get("reasons", "")
    log_case_id.set(case_id)
    if not isinstance(reasons, str):
        await conn.error("bad_request", case_id=case_id)
        return
    await conn.used_web()  # the judge's decision comes to this channel
    outcome = await conn.court.service.apply_to_withdraw(ApplyToWithdraw(conn.person.id, case_id, reasons, "web"))
    if not outcome.ok:
        await conn.error(outcome.error or "internal", case_id=case_id)
        return
    await conn.send({"type": "withdrawal_applied", "case_id": case_id})


async def on_withdrawal_view(conn: Connection, frame: Frame) -> None:
    """{case_id, view: agree|object, reasons?}: the defendant's view on the plaintiff's pending
    application to withdraw (Interp. 238(2)); the judge reads it beside the application."""
    case_id, view, reasons = str(frame.get("case_id", "")), frame.get("view"), frame.get("reasons", "")
    log_case_id.set(case_id)
    if not isinstance(view, str) or not isinstance(reasons, str):
        await conn.error("bad_request", case_id=case_id)
        return
    await conn.used_web()  # the judge's decision comes to this channel
    stated = StateWithdrawalView(conn.person.id, case_id, view, reasons, "web")
    outcome = await conn.court.service.state_withdrawal_view(stated)
    if not outcome.ok:
        await conn.error(outcome.error or "internal", case_id=case_id, **outcome.params)
        return
    await conn.send({"type": "withdrawal_view_stated", "case_id": case_id, "view": view})


HANDLERS: dict[str, Handler] = {
    "list_cases": on_list_cases,
    "new_case": on_new_case,
    "join": on_join,
    "open_case": on_open_case,
    "answer": on_answer,
    "withdraw_e_service": on_withdraw_e_service,
    "withdraw_asynchronous_consent": on_withdraw_asynchronous,
    "order_live_hearing": on_order_live_hearing,
    "apply_to_withdraw": on_apply_to_withdraw,
    "withdrawal_view": on_withdrawal_view,
}
