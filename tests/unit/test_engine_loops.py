"""The engine's per-item loop (`for_each`): a step and its body asked once per item of a list in
the case data, each answer kept per item; general and validated (used by the trial's evidence
exchange, OLR 15)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from flows.context import FlowContext
from flows.effects import Message
from flows.engine import Decision, advance
from flows.events import Answer, Start
from flows.library import check_file
from flows.model import FlowDefinition
from flows.registry import Registry
from flows.state import CaseState
from flows.texts import Catalog

LOOP = """
id: loop
version: 1
roles: [party]
start_stage: asking
stages:
  asking:
    entry: {party: each}
    when_all_done: finished
  finished:
    entry: {party: bye}
    final: true
steps:
  each:
    role: party
    text: q
    params: which
    for_each: items
    input: {kind: choice, options: [{value: ok, text: q}, {value: bad, text: q}]}
    store: views
    next:
      - {answer: ok, next_item: true}
      - {step: why}
    after: {step: last}
  why: {role: party, text: q, params: which, input: {kind: text}, store: reasons, next: {next_item: true}}
  last: {role: party, text: q, input: {kind: text}, store: closing, next: {done: true}}
  bye: {role: party, text: q}
"""
TEXTS = {loc: {"q": "?"} for loc in ("zh", "en")}
NOW = datetime(2026, 11, 30, 2, tzinfo=UTC)


def _which(data: Mapping[str, Any]) -> dict[str, Any]:
    item = data.get("_item", {})
    return {"n": item.get("number"), "of": item.get("of"), "name": item.get("value")}


def _registry() -> Registry:
    registry = Registry()
    registry.formatters["which"] = _which
    return registry


def _flow(tmp_path: Path, body: str = LOOP) -> tuple[FlowDefinition | None, list[Any]]:
    path = tmp_path / "loop.yaml"
    path.write_text(body)
    return check_file(path, _registry(), Catalog(TEXTS))


def _start(tmp_path: Path, items: list[str]) -> tuple[FlowDefinition, Decision]:
    flow, problems = _flow(tmp_path)
    assert flow is not None and problems == []
    return flow, advance(flow, CaseState("loop", 1, data={"items": items}), Start(), FlowContext(NOW), _registry())


def _say(flow: FlowDefinition, decision: Decision, value: str) -> Decision:
    cursor = decision.state.cursors["party"]
    after = advance(
        flow, decision.state, Answer("party", cursor.step, cursor.seq, value), FlowContext(NOW), _registry()
    )
    assert after.ok, after.error
    return after


def test_a_for_each_step_is_asked_once_per_item_and_keeps_each_answer_per_item(tmp_path: Path) -> None:
    flow, decision = _start(tmp_path, ["a.pdf", "b.pdf"])
    [asked] = [e for e in decision.effects if isinstance(e, Message)]
    assert asked.params == {"n": 1, "of": 2, "name": "a.pdf"}
    decision = _say(flow, decision, "ok")
    assert decision.state.cursors["party"].step == "each" and decision.state.cursors["party"].item == 1
    decision = _say(flow, decision, "bad")
    [why] = [e for e in decision.effects if isinstance(e, Message)]
    assert why.params["name"] == "b.pdf"  # the body is asked about the same item
    decision = _say(flow, decision, "forged")
    assert decision.state.cursors["party"].step == "last"  # after the last item: `after`
    assert decision.state.data["views"] == {"item_1": "ok", "item_2": "bad"}
    assert decision.state.data["reasons"] == {"item_2": "forged"}
    decision = _say(flow, decision, "that is all")
    assert decision.state.data["closing"] == "that is all" and decision.state.stage == "finished"


def test_a_for_each_step_with_no_items_goes_straight_to_after(tmp_path: Path) -> None:
    _flow_def, decision = _start(tmp_path, [])
    assert decision.state.cursors["party"].step == "last" and "views" not in decision.state.data


def test_an_old_answer_to_an_earlier_item_is_stale(tmp_path: Path) -> None:
    flow, decision = _start(tmp_path, ["a.pdf", "b.pdf"])
    first = decision.state.cursors["party"]
    decision = _say(flow, decision, "ok")
    again = advance(flow, decision.state, Answer("party", "each", first.seq, "bad"), FlowContext(NOW), _registry())
    assert again.error == "stale_step"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("    after: {step: last}\n", ""), "a for_each step needs `after`"),
        (("for_each: items", "for_each: Items!"), "for_each: bad store path"),
        (("store: closing, next: {done: true}", "store: closing, next: {next_item: true}"), "next_item outside"),
        (("store: reasons, next: {next_item: true}", "store: reasons, next: each"), "leads back to 'each'"),
        (("after: {step: last}", "after: {next_item: true}"), "`after` names a step, a stage or done"),
    ],
)
def test_loops_are_validated(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    assert change[0] in LOOP
    _flow_def, problems = _flow(tmp_path, LOOP.replace(*change))
    assert any(expected in str(p) for p in problems), problems
