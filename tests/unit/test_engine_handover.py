"""Engine features the trial added, general and validated: a stage handing the case over to
another flow (`next_flow`), and actions a deadline runs when it fires (`deadline.actions`)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from court.decisions import decide
from flows.context import FlowContext
from flows.effects import ContinueInFlow, Effect, Message
from flows.engine import advance, handed_over
from flows.events import DeadlineReached, Signal, Start
from flows.library import load_library
from flows.loader import FlowError
from flows.registry import Registry
from flows.state import CaseState
from flows.texts import Catalog

FIRST = """
id: first
version: 1
roles: [plaintiff, court]
start_stage: waiting
stages:
  waiting:
    entry: {plaintiff: wait}
    on_signal: {go: leaving}
    deadline: {kind: round, duration: P7D, on_expire: leaving, actions: [mark_silence]}
  leaving:
    entry: {plaintiff: goodbye}
    next_flow: second
steps:
  wait: {role: plaintiff, text: q}
  goodbye: {role: plaintiff, text: q}
"""
SECOND = """
id: second
version: 1
roles: [plaintiff, court]
start_stage: hello
stages:
  hello:
    entry: {plaintiff: hi}
    final: true
steps:
  hi: {role: plaintiff, text: q}
"""
TEXTS = {loc: {"q": "?", "deadline.kind.round": "round"} for loc in ("zh", "en")}
NOW = datetime(2026, 11, 30, 2, tzinfo=UTC)


def _mark_silence(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    data["silent_at"] = ctx.now.isoformat()
    return []


def _registry() -> Registry:
    registry = Registry()
    registry.actions["mark_silence"] = _mark_silence
    return registry


def _library(tmp_path: Path, first: str = FIRST, second: str = SECOND) -> Any:
    (tmp_path / "first.yaml").write_text(first)
    (tmp_path / "second.yaml").write_text(second)
    return load_library(_registry(), Catalog(TEXTS), tmp_path)


def test_a_stage_with_next_flow_asks_the_kernel_to_continue_elsewhere(tmp_path: Path) -> None:
    flow = _library(tmp_path).get("first", 1)
    started = advance(flow, CaseState("first", 1), Start(), FlowContext(NOW), _registry())
    moved = advance(flow, started.state, Signal("go"), FlowContext(NOW), _registry())
    assert moved.state.stage == "leaving" and ContinueInFlow("second") in moved.effects


def test_handed_over_keeps_the_data_and_the_sequence_and_remembers_where_it_came_from() -> None:
    state = CaseState("first", 1, stage="leaving", stage_seq=4, seq=5, data={"claims": [1]})
    after = handed_over(state, type("F", (), {"id": "second", "version": 2})())  # type: ignore[arg-type]
    assert (after.flow_id, after.version, after.stage, after.seq, after.cursors) == ("second", 2, "", 5, {})
    assert after.data == {"claims": [1], "_flows": [{"flow": "first", "version": 1, "stage": "leaving"}]}
    assert state.data == {"claims": [1]}  # pure


def test_the_kernel_hands_over_in_the_same_decision_and_keeps_the_last_flows_words(tmp_path: Path) -> None:
    library = _library(tmp_path)
    flow = library.get("first", 1)
    started = advance(flow, CaseState("first", 1), Start(), FlowContext(NOW), _registry())

    async def no_calls(call: Any) -> None:
        return None

    decision = asyncio.run(
        decide(flow, started.state, Signal("go"), FlowContext(NOW), _registry(), no_calls, newest=library.latest)
    )
    assert (decision.state.flow_id, decision.state.stage) == ("second", "hello")
    steps = [e.prompt.step for e in decision.effects if isinstance(e, Message) and e.prompt]
    assert steps == ["goodbye", "hi"]  # the handing-over stage's message is not dropped as superseded


def test_deadline_actions_run_when_it_fires_before_the_next_stage(tmp_path: Path) -> None:
    flow = _library(tmp_path).get("first", 1)
    started = advance(flow, CaseState("first", 1), Start(), FlowContext(NOW), _registry())
    fired = advance(
        flow, started.state, DeadlineReached("round", started.state.stage_seq), FlowContext(NOW), _registry()
    )
    assert fired.state.data["silent_at"] == NOW.isoformat() and fired.state.stage == "leaving"
    reminded = advance(
        flow,
        started.state,
        DeadlineReached("round", started.state.stage_seq, reminder=True),
        FlowContext(NOW),
        _registry(),
    )
    assert "silent_at" not in reminded.state.data  # a reminder is not the end of the window


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("next_flow: second", "next_flow: third"), "next_flow 'third' is not a flow here"),
        (("next_flow: second", "next_flow: first"), "next_flow 'first' is this flow"),
        (("    next_flow: second", "    next_flow: second\n    final: true"), "hands the case over; it is not final"),
        (("actions: [mark_silence]", "actions: [shout]"), "unknown action 'shout'"),
    ],
)
def test_next_flow_and_deadline_actions_are_validated(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    with pytest.raises(FlowError) as raised:
        _library(tmp_path, FIRST.replace(*change))
    assert expected in str(raised.value)
