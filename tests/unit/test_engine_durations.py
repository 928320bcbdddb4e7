"""A deadline's length chosen by the case data (`duration_if`): the first case whose guard holds
gives the duration, and the court setting it names replaces it when set (e.g. CPL 285's 30 days
for a defendant domiciled abroad, EP 51's evidence period per track). General and validated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flows.context import FlowContext
from flows.engine import advance
from flows.events import Start
from flows.library import check_file
from flows.model import FlowDefinition
from flows.registry import Registry
from flows.state import CaseState
from flows.texts import Catalog

FLOW = """
id: period
version: 1
roles: [plaintiff]
start_stage: wait
stages:
  wait:
    entry: {plaintiff: say}
    deadline:
      kind: round
      duration: P15D
      duration_if:
        - {if: far, duration: P30D}
        - {if: short, duration: P7D, setting: short_window}
      on_expire: over
  over:
    entry: {plaintiff: say}
    final: true
steps:
  say: {role: plaintiff, text: q, input: {kind: long_text}, store: said, next: {done: true}}
"""
TEXTS = {loc: {"q": "?", "deadline.kind.round": "?"} for loc in ("zh", "en")}
NOW = datetime(2026, 11, 30, 2, tzinfo=UTC)


def _registry() -> Registry:
    registry = Registry()
    registry.guards.update(far=lambda data, _v: data.get("far") is True, short=lambda data, _v: bool(data.get("short")))
    return registry


def _flow(
    tmp_path: Path, body: str = FLOW, registry: Registry | None = None
) -> tuple[FlowDefinition | None, list[Any]]:
    path = tmp_path / "period.yaml"
    path.write_text(body)
    return check_file(path, registry or _registry(), Catalog(TEXTS))


def _days(flow: FlowDefinition, data: dict[str, Any], settings: dict[str, Any] | None = None) -> int:
    ctx = FlowContext(NOW, settings=settings or {})
    started = advance(flow, CaseState("period", 1, data=dict(data)), Start(), ctx, _registry()).state.data
    return (datetime.fromisoformat(started["_due"]["round"]) - NOW) // timedelta(days=1)


def test_cpl285_the_first_case_whose_guard_holds_gives_the_length(tmp_path: Path) -> None:
    flow, problems = _flow(tmp_path)
    assert flow is not None and problems == []
    assert _days(flow, {}) == 15
    assert _days(flow, {"far": True}) == 30
    assert _days(flow, {"far": True, "short": True}) == 30  # the first that holds
    assert _days(flow, {"short": True}) == 7


def test_ep51_a_case_may_name_a_court_setting_that_replaces_its_length(tmp_path: Path) -> None:
    flow, _problems = _flow(tmp_path)
    assert flow is not None
    assert _days(flow, {"short": True}, {"short_window": "P5D"}) == 5
    assert _days(flow, {}, {"short_window": "P5D"}) == 15  # only that case's setting


def test_duration_if_names_a_registered_guard_and_a_readable_duration(tmp_path: Path) -> None:
    _flow_def, problems = _flow(tmp_path, registry=Registry())
    assert any("unknown guard 'far'" in str(p) for p in problems)
    _flow_def, problems = _flow(tmp_path, FLOW.replace("duration: P30D", "duration: 30 days"))
    assert problems
