"""The engine's self-service extension (`self_extension` on a deadline, DOMAIN §10.3): each party
may once move the window later, after a warning that it delays the case; the window moves for
everyone and everyone is told. General and validated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from flows.context import FlowContext
from flows.effects import Message, MoveDeadline
from flows.engine import EXTEND, EXTEND_CONFIRM, Decision, advance
from flows.events import Answer, Start
from flows.library import check_file
from flows.model import FlowDefinition
from flows.registry import Registry
from flows.state import CaseState
from flows.texts import Catalog

WINDOW = """
id: window
version: 1
roles: [plaintiff, defendant]
start_stage: round
stages:
  round:
    entry: {plaintiff: say, defendant: say_d}
    when_all_done: over
    deadline: {kind: round, duration: P7D, remind_before: PT24H, self_extension: P7D, on_expire: over}
  over:
    entry: {plaintiff: bye}
    final: true
steps:
  say: {role: plaintiff, text: q, input: {kind: long_text}, store: said.plaintiff, next: {done: true}}
  say_d: {role: defendant, text: q, input: {kind: long_text}, store: said.defendant, next: {done: true}}
  bye: {role: plaintiff, text: q}
"""
KEYS = ("q", "deadline.kind.round", "deadline.extend", "deadline.extend_confirm", "deadline.extend_warning")
TEXTS = {
    loc: {k: "?" for k in (*KEYS, "deadline.self_extended", "role.plaintiff", "role.defendant")} for loc in ("zh", "en")
}
NOW = datetime(2026, 11, 30, 2, tzinfo=UTC)


def _flow(tmp_path: Path, body: str = WINDOW, texts: Any = TEXTS) -> tuple[FlowDefinition | None, list[Any]]:
    path = tmp_path / "window.yaml"
    path.write_text(body)
    return check_file(path, Registry(), Catalog(texts))


def _say(flow: FlowDefinition, decision: Decision, role: str, value: str) -> Decision:
    cursor = decision.state.cursors[role]
    return advance(flow, decision.state, Answer(role, cursor.step, cursor.seq, value), FlowContext(NOW), Registry())


def _options(decision: Decision, role: str) -> list[str]:
    [prompt] = [e.prompt for e in decision.effects if isinstance(e, Message) and e.role == role and e.prompt]
    return [o["value"] for o in prompt.input.get("options", [])]


def test_a_party_extends_once_after_a_warning_and_the_window_moves_for_everyone(tmp_path: Path) -> None:
    flow, problems = _flow(tmp_path)
    assert flow is not None and problems == []
    started = advance(flow, CaseState("window", 1), Start(), FlowContext(NOW), Registry())
    assert _options(started, "plaintiff") == [EXTEND]
    due = datetime.fromisoformat(started.state.data["_due"]["round"])
    warned = _say(flow, started, "defendant", EXTEND)
    assert warned.ok and not any(isinstance(e, MoveDeadline) for e in warned.effects)
    assert next(e.text for e in warned.effects if isinstance(e, Message)) == "deadline.extend_warning"
    assert _options(warned, "defendant") == [EXTEND_CONFIRM]
    moved = _say(flow, warned, "defendant", EXTEND_CONFIRM)
    [move] = [e for e in moved.effects if isinstance(e, MoveDeadline)]
    assert move.due_at == due + timedelta(days=7) and move.remind_at == move.due_at - timedelta(hours=24)
    assert moved.state.data["_due"]["round"] == move.due_at.isoformat()
    told = {e.role for e in moved.effects if isinstance(e, Message) and e.text == "deadline.self_extended"}
    assert told == {"plaintiff", "defendant"}
    assert _options(moved, "defendant") == []  # used: no button any more
    again = _say(flow, moved, "defendant", EXTEND)
    assert again.error == "extension_unavailable"


def test_a_confirmation_without_the_warning_first_is_only_the_warning(tmp_path: Path) -> None:
    flow, _problems = _flow(tmp_path)
    assert flow is not None
    started = advance(flow, CaseState("window", 1), Start(), FlowContext(NOW), Registry())
    pressed = _say(flow, started, "plaintiff", EXTEND_CONFIRM)
    assert not any(isinstance(e, MoveDeadline) for e in pressed.effects)


def test_a_window_without_self_extension_refuses_it(tmp_path: Path) -> None:
    flow, _problems = _flow(tmp_path, WINDOW.replace(" self_extension: P7D,", ""))
    assert flow is not None
    started = advance(flow, CaseState("window", 1), Start(), FlowContext(NOW), Registry())
    assert _options(started, "plaintiff") == []
    assert _say(flow, started, "plaintiff", EXTEND).error == "extension_unavailable"


@pytest.mark.parametrize("missing", ["deadline.extend_warning", "role.defendant"])
def test_self_extension_needs_its_texts(tmp_path: Path, missing: str) -> None:
    texts = {loc: {k: v for k, v in table.items() if k != missing} for loc, table in TEXTS.items()}
    _flow_def, problems = _flow(tmp_path, texts=texts)
    assert any(f"text {missing!r} is missing" in str(p) for p in problems)


def test_a_window_takes_its_length_from_the_court_setting_it_names(tmp_path: Path) -> None:
    """DOMAIN §10.3: the window is a court setting (`duration_setting`); without it, the flow's own."""
    body = WINDOW.replace("duration: P7D,", "duration: P7D, duration_setting: trial_window,")
    flow, problems = _flow(tmp_path, body)
    assert flow is not None and problems == []
    for settings, days in (({"trial_window": "P3D"}, 3), ({}, 7)):
        ctx = FlowContext(NOW, settings=settings)
        started = advance(flow, CaseState("window", 1), Start(), ctx, Registry())
        assert datetime.fromisoformat(started.state.data["_due"]["round"]) == NOW + timedelta(days=days)
