"""The engine's periods that run from a served document's effective service (`starts_on`): checked
when a flow loads, scheduled unstarted, never counted from entering the stage (CPL 90, OLR 31)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from flows.context import FlowContext
from flows.effects import ScheduleDeadline
from flows.engine import advance
from flows.events import Start
from flows.library import check_file
from flows.model import FlowDefinition
from flows.registry import Registry
from flows.state import CaseState
from flows.texts import Catalog

FLOW = """
id: served
version: 1
roles: [plaintiff, court]
start_stage: paying
stages:
  paying:
    entry: {plaintiff: pay}
    deadline:
      kind: payment
      duration: P7D
      remind_before: PT24H
      starts_on: {served: notice, to: plaintiff}
      rule: FM 22
steps:
  pay: {role: plaintiff, text: notice}
"""
TEXTS = {loc: {"notice": "pay", "deadline.kind.payment": "payment"} for loc in ("zh", "en")}
NOW = datetime(2026, 11, 30, 2, tzinfo=UTC)


def _registry() -> Registry:
    registry = Registry()
    registry.served_texts.add("notice")
    return registry


def _flow(
    tmp_path: Path, body: str = FLOW, registry: Registry | None = None
) -> tuple[FlowDefinition | None, list[Any]]:
    path = tmp_path / "served.yaml"
    path.write_text(body)
    return check_file(path, registry or _registry(), Catalog(TEXTS))


def test_cpl90_a_period_from_service_is_scheduled_unstarted(tmp_path: Path) -> None:
    flow, problems = _flow(tmp_path)
    assert flow is not None and problems == []
    decision = advance(flow, CaseState("served", 1), Start(), FlowContext(NOW), _registry())
    [scheduled] = [e for e in decision.effects if isinstance(e, ScheduleDeadline)]
    assert scheduled.due_at is None and scheduled.remind_at is None  # no clock runs yet
    assert (scheduled.starts_on, scheduled.served_to, scheduled.duration) == ("notice", "plaintiff", "P7D")
    assert scheduled.remind_before == "PT24H"
    assert decision.state.data["_unstarted"] == {"payment": "notice"}
    assert "payment" not in decision.state.data.get("_due", {})


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("{served: notice, to: plaintiff}", "{served: notice, to: judge}"), "unknown role 'judge'"),
        (("{served: notice, to: plaintiff}", "notice"), "starts_on needs"),
        (("remind_before: PT24H", "remind_before: P1M"), "in months"),
    ],
)
def test_starts_on_is_checked_when_the_flow_loads(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    body = FLOW.replace(*change)
    assert body != FLOW
    _flow_def, problems = _flow(tmp_path, body)
    assert any(expected in p.message for p in problems), problems


def test_starts_on_must_name_a_document_the_court_serves(tmp_path: Path) -> None:
    _flow_def, problems = _flow(tmp_path, registry=Registry())  # "notice" serves no document
    assert any("serves no court document" in p.message for p in problems), problems
