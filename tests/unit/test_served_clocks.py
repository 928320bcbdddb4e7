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


EACH = """
id: each
version: 1
roles: [plaintiff, defendant, court]
start_stage: window
stages:
  window:
    entry: {plaintiff: offer_p, defendant: offer_d}
    deadline:
      kind: appeal
      duration: P15D
      duration_if:
        - {if: abroad, duration: P30D}
      starts_on: {served: notice, to: [plaintiff, defendant]}
      on_expire: done
      rule: CPL 171
  done:
    entry: {}
    final: true
steps:
  offer_p: {role: plaintiff, text: notice, input: {kind: choice, options: [{value: go, text: notice}]}, next: offer_p}
  offer_d: {role: defendant, text: notice, input: {kind: choice, options: [{value: go, text: notice}]}, next: offer_d}
"""
EACH_TEXTS = {
    loc: {"notice": "n", **{f"deadline.kind.{k}": k for k in ("appeal", "appeal_plaintiff", "appeal_defendant")}}
    for loc in ("zh", "en")
}


def test_cpl171_each_role_named_in_starts_on_has_its_own_period_and_the_stage_ends_with_the_last(
    tmp_path: Path,
) -> None:
    """`to: [plaintiff, defendant]`: one unstarted row per role (`appeal_<role>`), its length from
    `duration_if` asked about that role, each prompt naming its role's own period; the first to end
    ends that role's turn only, the last moves the case on."""
    from flows.events import Answer, DeadlineReached

    registry = _registry()
    registry.guards["abroad"] = lambda _data, role: role == "defendant"
    path = tmp_path / "each.yaml"
    path.write_text(EACH)
    flow, problems = check_file(path, registry, Catalog(EACH_TEXTS))
    assert flow is not None and problems == []
    started = advance(flow, CaseState("each", 1), Start(), FlowContext(NOW), registry)
    rows = {e.kind: e for e in started.effects if isinstance(e, ScheduleDeadline)}
    assert {k: (r.served_to, r.duration) for k, r in rows.items()} == {
        "appeal_plaintiff": ("plaintiff", "P15D"),
        "appeal_defendant": ("defendant", "P30D"),
    }
    prompts = {m.role: m.prompt for m in started.effects if getattr(m, "prompt", None)}  # type: ignore[attr-defined]
    assert {role: p.deadline for role, p in prompts.items()} == {
        "plaintiff": "appeal_plaintiff",
        "defendant": "appeal_defendant",
    }
    seq = started.state.stage_seq
    first = advance(flow, started.state, DeadlineReached("appeal_plaintiff", seq), FlowContext(NOW), registry)
    assert first.ok and first.state.stage == "window" and "plaintiff" not in first.state.cursors
    cursor = prompts["plaintiff"]
    refused = advance(flow, first.state, Answer("plaintiff", cursor.step, cursor.seq, "go"), FlowContext(NOW), registry)
    assert refused.error == "not_your_turn"
    last = advance(flow, first.state, DeadlineReached("appeal_defendant", seq), FlowContext(NOW), registry)
    assert last.ok and last.state.stage == "done"
