"""Running the engine on a locked case. The flow asks the court for what only it can give (case
numbers, identity, the defendant's invitation, fees) by service calls; the answers come back as
signals in the same transaction."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from court.invitations import Links, new_invitation, release_defendant
from court.outcomes import Pending
from flows.context import FlowContext
from flows.effects import Message, ServiceCall
from flows.engine import Decision, advance
from flows.events import Event, Signal
from flows.model import FlowDefinition
from flows.registry import Registry
from flows.state import CaseState
from identity.models import is_verified, verified_as
from identity.names import same_name
from storage.models import Case, Payment
from storage.queries import ACCEPTED_AGENTS
from storage.store import Tx

AnswerCall = Callable[[ServiceCall], Awaitable[Signal | None]]


class ParticipantsChanged:
    """Among a decision's effects: a service call changed who takes part. The messages before it
    go to the people who took part until then (a released representative is told why), those
    after it to the people who take part now."""


PARTICIPANTS_CHANGED = ParticipantsChanged()
CHANGES_PARTICIPANTS = frozenset({"release_defendant"})


async def decide(
    flow: FlowDefinition, state: CaseState, event: Event, ctx: FlowContext, registry: Registry, answer: AnswerCall
) -> Decision:
    """Run the engine; answer service calls (numbers, payments) by signal in the same transaction."""
    decision = advance(flow, state, event, ctx, registry)
    effects: list[Any] = list(decision.effects)  # and PARTICIPANTS_CHANGED where a call changed them
    for _ in range(10):
        calls = [e for e in decision.effects if isinstance(e, ServiceCall)]
        signal = None
        for call in calls:
            signal = await answer(call) or signal
            if call.name in CHANGES_PARTICIPANTS:
                effects.append(PARTICIPANTS_CHANGED)
        if signal is None:
            break
        decision = advance(flow, decision.state, signal, ctx, registry)
        effects.extend(decision.effects)
    return Decision(decision.state, _live(effects, decision.state), decision.error, decision.error_params)


async def answer_call(
    tx: Tx, case: Case, call: ServiceCall, now: datetime, pending: Pending, timezone: str, provider: str, links: Links
) -> Signal | None:
    """The court's answer to one service call (None: no signal now; a requested fee is started
    after commit and confirmed later)."""
    if call.name == "allocate_case_number":
        year = now.astimezone(ZoneInfo(timezone)).year
        category = call.params["category"]
        seq = await tx.next_case_number(case.court_code, year, category)
        number = f"({year}){case.court_code}{category}{seq}号"
        return Signal("case_number_allocated", {"case_number": number})
    if call.name == "check_identity":
        return await identity_answer(tx, case.id, call.params)
    if call.name == "invite_defendant":
        return Signal("defendant_invited", {"invitation": new_invitation(case.id, now, links)})
    if call.name == "release_defendant":
        return await release_defendant(tx, case.id, now)
    if call.name == "request_payment":
        payment = Payment(
            id=str(uuid.uuid4()),
            case_id=case.id,
            amount=call.params["amount"],
            provider=provider,
            created_at=now,
        )
        tx.add(payment)
        pending.payments.append((payment.id, payment.amount, case.reference))
        return None
    raise ValueError(f"unknown service call {call.name!r}")


async def identity_answer(tx: Tx, case_id: str, params: dict[str, Any]) -> Signal | None:
    """Whether everyone in the role is verified (OLR 7, ICP 6): None while someone is not. When the
    flow gives the party's name and resident ID number (filing v2), also whether the party (not an
    agent acting for it) was verified as that person; a mismatch carries what they verified with."""
    people = (await tx.participants(case_id)).get(params["role"], [])
    if not people or not all([await is_verified(tx.session, person_id) for person_id in people]):
        return None
    if "id_number" not in params:  # filing v1 asked only whether the account was verified
        return Signal("identity_verified")
    agents = set(await tx.session.scalars(ACCEPTED_AGENTS, {"case_id": case_id}))
    for person_id in (p for p in people if p not in agents):
        found = await verified_as(tx, person_id)
        assert found is not None  # verified, just above
        name, number = found
        if number != params["id_number"] or not same_name(name, str(params.get("name", ""))):
            verified = {"name": name, "id_number": number}  # sealed with the case; shown masked
            if verified == params.get("known"):
                return None  # the mismatch the plaintiff was already told: nothing new
            return Signal("identity_mismatch", {"identity_check.verified": verified})
    return Signal("identity_verified", {"identity_check.verified": None})


def _live(effects: list[Any], state: CaseState) -> list[Any]:
    """Drop prompts superseded within the same command (e.g. 'verify' when already verified)."""
    current = {role: cursor.seq for role, cursor in state.cursors.items()}
    return [
        e
        for e in effects
        if not (isinstance(e, Message) and e.prompt is not None and current.get(e.role) != e.prompt.seq)
    ]
