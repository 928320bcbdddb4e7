"""The service calls and signals every procedure shares: case numbers (DOMAIN §4.5), identity
(OLR 7, ICP 6), fees (FM 22), and the identity re-check a session stage asks for (OLR 7(3))."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from court import deadlines, e_service, judges, publication, reverify
from court.identity_check import identity_answer
from court.procedures import CallContext, Procedures
from flows.context import FlowContext
from flows.effects import Effect, ServiceCall
from flows.events import Signal
from flows.registry import InputError
from storage.models import Payment


def register(procedures: Procedures, settings: Mapping[str, Any]) -> None:
    procedures.service_call("allocate_case_number", allocate_case_number)
    procedures.service_call("check_identity", check_identity)
    procedures.service_call("request_payment", request_payment)
    procedures.service_call("assign_judge", judges.assign_judge)
    procedures.service_call("record_service", deadlines.record_service)
    procedures.service_call("more_time_applied", deadlines.application_in_flow)
    procedures.registry.signals.update(
        judge_assigned=judges.judge_assigned,
        deadline_started=deadlines.deadline_started,
        payment_requested=payment_requested,
    )
    procedures.registry.actions["assign_judge"] = judges.ask_for_judge
    reverify.register(procedures.registry)
    publication.register(procedures)  # DOMAIN §12.4: a final stage's `on_enter: [publish_judgment]`
    procedures.registry.served_texts.update(e_service.SERVED)  # a period may run from their service


async def allocate_case_number(ctx: CallContext, call: ServiceCall) -> Signal:
    """The next `(YEAR)COURT<category>SEQ号` number of the court's year."""
    year = ctx.now.astimezone(ZoneInfo(ctx.timezone)).year
    category = call.params["category"]
    seq = await ctx.tx.next_case_number(ctx.case.court_code, year, category)
    return Signal("case_number_allocated", {"case_number": f"({year}){ctx.case.court_code}{category}{seq}号"})


async def check_identity(ctx: CallContext, call: ServiceCall) -> Signal | None:
    return await identity_answer(ctx.tx, ctx.case.id, call.params)


async def request_payment(ctx: CallContext, call: ServiceCall) -> Signal | None:
    """A payment row now; the provider is asked after commit and confirms later. With `for` (a
    role: whose fee it is, where more than one may be due, as two appeals' fees are) the case is
    told the payment's id (`payment_requested`), so its confirmation says whose fee arrived."""
    amount = call.params["amount"]
    payment = Payment(
        id=str(uuid.uuid4()), case_id=ctx.case.id, amount=amount, provider=ctx.payment_provider, created_at=ctx.now
    )
    ctx.tx.add(payment)
    ctx.pending.payments.append((payment.id, payment.amount, ctx.case.reference))
    payer = call.params.get("for")
    return Signal("payment_requested", {"payment_id": payment.id, "for": payer}) if payer else None


def payment_requested(data: dict[str, Any], payload: Mapping[str, Any], _ctx: FlowContext) -> list[Effect]:
    """Signal `payment_requested` (any stage): the payment's id and whose fee it is, kept under
    `_payments` until `payment_confirmed` names the id (`_paid`)."""
    payment_id, payer = payload.get("payment_id"), payload.get("for")
    if not isinstance(payment_id, str) or not isinstance(payer, str):
        raise InputError("bad_request")
    data.setdefault("_payments", {})[payment_id] = payer
    return []
