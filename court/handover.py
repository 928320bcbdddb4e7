"""Cases continuing in another flow (a stage's `next_flow`): the filing flow hands an answered or
served case to the asynchronous trial, and a case already waiting where a newer version of its flow
now hands over is moved by a queued `flow_handover` row (migration 0011) that the sweeper fires.

A case entering a stage with `next_flow` is handed over by the kernel in the same command
(`court.decisions.decide`); it starts the newest version of that flow and is pinned to it from then.
"""

from __future__ import annotations

from flows.library import FlowLibrary
from flows.model import FlowDefinition
from flows.state import CaseState

HANDOVER_KIND = "flow_handover"
"""The kind of a deadline row that moves a waiting case on as the newest version of its flow says."""


def waiting_handover(library: FlowLibrary, state: CaseState, queued_at_stage: str) -> FlowDefinition | None:
    """The flow a case waiting at `queued_at_stage` continues in: the one the same stage names as its
    `next_flow` in the newest version of the case's flow. None if the case has moved since it was
    queued, or the newest version does not hand over from there (then the row is stale)."""
    if state.stage != queued_at_stage:
        return None
    try:
        stage = library.latest(state.flow_id).stages.get(state.stage)
    except KeyError:
        return None
    if stage is None or stage.next_flow is None:
        return None
    return library.latest(stage.next_flow)
