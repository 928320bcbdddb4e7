"""Running the engine on a locked case. The flow asks the court for what only it can give (case
numbers, identity, the defendant's invitation, fees) by service calls, answered by the handlers
the procedures registered (`court.procedures`); the answers come back as signals in the same
transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Any

from flows.context import FlowContext
from flows.effects import ContinueInFlow, Message, ServiceCall
from flows.engine import Decision, advance, handed_over
from flows.events import Event, Signal, Start
from flows.model import FlowDefinition
from flows.registry import Registry
from flows.state import CaseState

AnswerCall = Callable[[ServiceCall], Awaitable[Signal | None]]
NewestFlow = Callable[[str], FlowDefinition]
"""A flow id -> its newest version: where a case handed over (`next_flow`) continues, pinned from then."""


class ParticipantsChanged:
    """Among a decision's effects: a service call changed who takes part. The messages before it
    go to the people who took part until then (a released representative is told why), those
    after it to the people who take part now."""


PARTICIPANTS_CHANGED = ParticipantsChanged()


async def decide(
    flow: FlowDefinition,
    state: CaseState,
    event: Event,
    ctx: FlowContext,
    registry: Registry,
    answer: AnswerCall,
    changes_participants: Collection[str] = (),
    newest: NewestFlow | None = None,
) -> Decision:
    """Run the engine; answer service calls (numbers, payments) by signal in the same transaction.
    A stage handing the case over (`next_flow`) is followed at once: the case starts the newest
    version of that flow in the same transaction, its data carried over (`flows.engine.handed_over`)."""
    decision = advance(flow, state, event, ctx, registry)
    effects: list[Any] = list(decision.effects)  # and PARTICIPANTS_CHANGED where a call changed them
    settled: list[Any] = []  # the effects of the flows the case was handed over from, already filtered
    for _ in range(10):
        calls = [e for e in decision.effects if isinstance(e, ServiceCall)]
        signal = None
        for call in calls:
            signal = await answer(call) or signal
            if call.name in changes_participants:
                effects.append(PARTICIPANTS_CHANGED)
        handover = next((e for e in decision.effects if isinstance(e, ContinueInFlow)), None)
        if handover is not None and decision.ok:
            if newest is None:
                raise ValueError(f"stage {decision.state.stage!r} hands over to {handover.flow_id!r}: no flows given")
            flow = newest(handover.flow_id)
            settled.extend(_live(effects, decision.state))  # the last flow's words stand (a served document)
            decision = advance(flow, handed_over(decision.state, flow), Start(), ctx, registry)
            effects = list(decision.effects)
            continue
        if signal is None:
            break
        decision = advance(flow, decision.state, signal, ctx, registry)
        effects.extend(decision.effects)
    live = [*settled, *_live(effects, decision.state)]
    return Decision(decision.state, live, decision.error, decision.error_params)


def _live(effects: list[Any], state: CaseState) -> list[Any]:
    """Drop prompts superseded within the same command (e.g. 'verify' when already verified)."""
    current = {role: cursor.seq for role, cursor in state.cursors.items()}
    return [
        e
        for e in effects
        if not (isinstance(e, Message) and e.prompt is not None and current.get(e.role) != e.prompt.seq)
    ]
