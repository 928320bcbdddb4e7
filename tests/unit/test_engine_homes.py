"""The engine's home steps (`home`), per-role timers (`timers`) and signal actions
(`signal_actions`): several things a role may do in one stage, each with its own period, none of
them ending the others' (the cross-appeal of appeal.v3.yaml: CPL 171, 174; FM 22)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flows.context import FlowContext
from flows.effects import Message, ScheduleDeadline
from flows.engine import Decision, advance
from flows.events import Answer, DeadlineReached, Event, Signal, Start
from flows.library import check_file
from flows.model import FlowDefinition
from flows.registry import InputError, Registry
from flows.state import CaseState
from flows.texts import Catalog

HOMES = """
id: homes
version: 1
roles: [a, b, court]
start_stage: open
stages:
  open:
    entry: {a: home_a, b: home_b, court: watch}
    home: {a: home_a, b: home_b}
    deadline: {kind: window, duration: P10D, starts_on: {served: served, to: [a, b]}, expire_text: q}
    timers:
      - {kind: pay, duration: P7D, for: [a, b], if: owes, actions: ["forfeit_{role}"], expire_text: q, rule: FM 22}
      - {kind: reply, duration: P15D, for: [a, b], starts_on: served, if: unreplied, expire_text: q}
    signal_actions: {paid: [settle_payment]}
    when_all_done: closed
  closed: {entry: {a: bye}, final: true}
steps:
  home_a:
    role: a
    text: q
    input: {kind: choice, options: [{value: act, text: q, if: can_act_a}, {value: reply, text: q, if: can_reply_a}]}
    next: [{answer: act, step: lodge_a}, {answer: reply, step: reply_a}]
  home_b:
    role: b
    text: q
    input: {kind: choice, options: [{value: reply, text: q, if: can_reply_b}]}
    next: {step: reply_b}
  lodge_a:
    role: a
    text: q
    input: {kind: choice, options: [{value: lodge, text: q}]}
    actions: [lodge]
    starts: [pay]
    next: {step: pay_a}
  pay_a: {role: a, text: q, period: pay, input: {kind: choice, options: [{value: pay, text: q}]}, next: {step: pay_a}}
  reply_a: {role: a, text: q, period: reply, input: {kind: text}, store: replies.a, next: {done: true}}
  reply_b: {role: b, text: q, period: reply, input: {kind: text}, store: replies.b, next: {done: true}}
  watch: {role: court, text: q}
  bye: {role: a, text: q}
"""
NOW = datetime(2026, 11, 30, 2, tzinfo=UTC)


def _lodge(data: dict[str, Any], _ctx: FlowContext) -> list[Any]:
    data.setdefault("owes", {})["a"] = True
    return []


def _forfeit(data: dict[str, Any], _ctx: FlowContext) -> list[Any]:
    data["owes"].pop("a")
    data["forfeited"] = ["a"]
    return [Message("b", "q", {"forfeited": "a"})]


def _settle(data: dict[str, Any], _ctx: FlowContext) -> list[Any]:
    who = data.pop("who", None)
    if not data.get("owes", {}).get(who):
        raise InputError("stale_step")
    data["owes"].pop(who)
    data.setdefault("served", {})["b"] = True  # the paid act is served on b: b may reply
    return []


def _registry() -> Registry:
    registry = Registry()
    registry.served_texts.add("served")
    registry.actions.update(lodge=_lodge, forfeit_a=_forfeit, forfeit_b=_forfeit, settle_payment=_settle)

    def unreplied(data: Mapping[str, Any], role: Any) -> bool:
        return bool(data.get("served", {}).get(role)) and role not in data.get("replies", {})

    def can_reply(role: str) -> Any:
        return lambda data, _v: unreplied(data, role) and f"reply_{role}" not in data.get("_expired", [])

    registry.guards.update(
        owes=lambda data, role: bool(data.get("owes", {}).get(role)),
        unreplied=unreplied,
        can_act_a=lambda data, _v: "window_a" not in data.get("_expired", []) and not data.get("owes", {}).get("a"),
        can_reply_a=can_reply("a"),
        can_reply_b=can_reply("b"),
    )
    return registry


KINDS = ("window", "window_a", "window_b", "pay_a", "pay_b", "reply_a", "reply_b")
TEXTS = {loc: {"q": "?", **{f"deadline.kind.{k}": "?" for k in KINDS}} for loc in ("zh", "en")}


def _flow(tmp_path: Path, body: str = HOMES) -> tuple[FlowDefinition | None, list[Any]]:
    path = tmp_path / "homes.yaml"
    path.write_text(body)
    return check_file(path, _registry(), Catalog(TEXTS))


def _start(tmp_path: Path) -> tuple[FlowDefinition, Decision]:
    flow, problems = _flow(tmp_path)
    assert flow is not None and problems == [], problems
    return flow, advance(flow, CaseState("homes", 1), Start(), FlowContext(NOW), _registry())


def _then(flow: FlowDefinition, decision: Decision, event: Event, at: datetime = NOW) -> Decision:
    assert decision.ok, decision.error
    return advance(flow, decision.state, event, FlowContext(at), _registry())


def _say(flow: FlowDefinition, decision: Decision, role: str, value: str) -> Decision:
    cursor = decision.state.cursors[role]
    return _then(flow, decision, Answer(role, cursor.step, cursor.seq, value))


def _options(decision: Decision, role: str) -> list[str]:
    prompt = [e for e in decision.effects if isinstance(e, Message) and e.role == role and e.prompt][-1].prompt
    assert prompt is not None
    return [o["value"] for o in prompt.input["options"]]


def _fire(flow: FlowDefinition, decision: Decision, kind: str, reminder: bool = False) -> Decision:
    return _then(flow, decision, DeadlineReached(kind, decision.state.stage_seq, reminder=reminder))


def test_a_home_offers_what_its_guards_allow_and_a_home_with_nothing_left_is_done(tmp_path: Path) -> None:
    """Each role starts at its home step; b, with nothing to do yet, is done at once; a's own
    period closing leaves it nothing either, and with every home role done (the court does not
    count) the stage goes on."""
    flow, started = _start(tmp_path)
    assert _options(started, "a") == ["act"]
    assert set(started.state.cursors) == {"a", "court"} and started.state.data["_home"]["b"] == []
    closed = _fire(flow, started, "window_a")
    assert closed.ok and closed.state.stage == "closed"


def test_a_timer_started_by_a_step_runs_only_while_its_guard_holds_and_sends_the_role_home(tmp_path: Path) -> None:
    """Lodging starts a's 7-day `pay` period (FM 22); when it ends unpaid its action runs for a
    (`forfeit_{role}`), a is told and leaves the paying step for home, where it may act again."""
    flow, started = _start(tmp_path)
    lodged = _say(flow, _say(flow, started, "a", "act"), "a", "lodge")
    rows = [e for e in lodged.effects if isinstance(e, ScheduleDeadline)]
    assert [(r.kind, r.due_at is not None, r.rule) for r in rows] == [("pay_a", True, "FM 22")]
    assert rows[0].due_at is not None and rows[0].due_at - NOW >= timedelta(days=7)
    assert lodged.state.cursors["a"].step == "pay_a"
    reminded = _fire(flow, lodged, "pay_a", reminder=True)
    assert [e.role for e in reminded.effects if isinstance(e, Message)] == ["a"]
    lapsed = _fire(flow, lodged, "pay_a")
    assert lapsed.state.data["forfeited"] == ["a"] and "pay_a" in lapsed.state.data["_expired"]
    assert lapsed.state.cursors["a"].step == "home_a" and _options(lapsed, "a") == ["act"]


def test_a_signal_action_keeps_the_stage_and_sends_home_a_role_whose_period_guard_no_longer_holds(
    tmp_path: Path,
) -> None:
    """The payment arrives (`signal_actions`): the stage stays, a leaves its paying step (its guard
    `owes` no longer holds), b now has something to do and is asked again; the lapse of a's `pay`
    period afterwards changes nothing; a signal the action refuses changes nothing either."""
    flow, started = _start(tmp_path)
    lodged = _say(flow, _say(flow, started, "a", "act"), "a", "lodge")
    paid = _then(flow, lodged, Signal("paid", {"who": "a"}))
    assert paid.ok and paid.state.stage == "open" and "who" not in paid.state.data
    assert paid.state.cursors["a"].step == "home_a" and _options(paid, "b") == ["reply"]
    assert _fire(flow, paid, "pay_a").effects == []
    again = _then(flow, paid, Signal("paid", {"who": "a"}))
    assert again.error == "stale_step"


def test_a_closing_period_leaves_a_role_on_a_step_of_another_period_and_the_stage_waits(tmp_path: Path) -> None:
    """a's own period closes while it is paying: it keeps the paying step (it is not cut off), and
    the stage waits for it; once its fee period lapses it goes home, has nothing left, and the
    stage goes on."""
    flow, started = _start(tmp_path)
    lodged = _say(flow, _say(flow, started, "a", "act"), "a", "lodge")
    closed = _fire(flow, lodged, "window_a")
    assert closed.state.stage == "open" and closed.state.cursors["a"].step == "pay_a"
    done = _fire(flow, closed, "pay_a")
    assert done.state.stage == "closed"


def test_a_served_timer_waits_for_its_service_and_an_answer_takes_the_role_home(tmp_path: Path) -> None:
    """`starts_on`: each role's `reply` period is an unstarted row from entering the stage (the
    court starts it when the text's service takes effect); b's reply carries that period, and
    answering it takes b home, done."""
    flow, started = _start(tmp_path)
    rows = {e.kind: e for e in started.effects if isinstance(e, ScheduleDeadline)}
    assert rows["reply_b"].due_at is None and rows["reply_b"].starts_on == "served" and rows["reply_b"].served_to == "b"
    lodged = _say(flow, _say(flow, started, "a", "act"), "a", "lodge")
    paid = _then(flow, lodged, Signal("paid", {"who": "a"}))
    asked = _say(flow, paid, "b", "reply")
    prompt = [e for e in asked.effects if isinstance(e, Message) and e.prompt][-1].prompt
    assert prompt is not None and prompt.deadline == "reply_b"
    replied = _say(flow, asked, "b", "I disagree.")
    assert "b" not in replied.state.cursors and replied.state.data["replies"] == {"b": "I disagree."}


def test_a_lapsed_answer_period_takes_the_role_home_and_the_loader_checks_timers(tmp_path: Path) -> None:
    """b's reply period lapses while it is writing: told, sent home, done. A timer's unknown key
    and a step naming no timer are refused."""
    flow, started = _start(tmp_path)
    paid = _then(flow, _say(flow, _say(flow, started, "a", "act"), "a", "lodge"), Signal("paid", {"who": "a"}))
    asked = _say(flow, paid, "b", "reply")
    lapsed = _fire(flow, asked, "reply_b")
    assert "b" not in lapsed.state.cursors and any(isinstance(e, Message) and e.role == "b" for e in lapsed.effects)
    bad = HOMES.replace("if: owes,", "guard: owes,").replace(
        "period: reply, input: {kind: text}, store: replies.a", "period: nope, input: {kind: text}, store: replies.a"
    )
    _flow_def, problems = _flow(tmp_path, bad)
    messages = " ".join(p.message for p in problems)
    assert "unknown key 'guard' in this timer" in messages and "'nope' is no stage's timer" in messages
