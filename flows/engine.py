"""`advance()`: the pure heart of Micro Court.

Given a flow definition, a case's state, an event and a context (time, settings, calendar),
return the new state and the effects to carry out. No I/O, no clock, no globals.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from flows.context import FlowContext
from flows.durations import Duration, parse_duration
from flows.effects import (
    CancelDeadlines,
    ContinueInFlow,
    Effect,
    Message,
    MoveDeadline,
    Prompt,
    ScheduleDeadline,
    ServiceCall,
)
from flows.events import Answer, DeadlineReached, Event, Signal, Start
from flows.inputs import DONE, check_input
from flows.model import DeadlineSpec, FlowDefinition, Stage, Step, TimerSpec, Transition
from flows.paths import get_path, set_path
from flows.registry import InputError, Registry
from flows.state import CaseState, Cursor

EXTEND = "_extend"  # a party asks for its one self-service extension of the stage's window
EXTEND_CONFIRM = "_extend_confirm"  # ... and, warned that it delays the case, confirms it


@dataclass(frozen=True)
class Decision:
    """The outcome of one event. `error` set means nothing changed."""

    state: CaseState
    effects: list[Effect] = field(default_factory=list)
    error: str | None = None
    error_params: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


def advance(flow: FlowDefinition, state: CaseState, event: Event, ctx: FlowContext, registry: Registry) -> Decision:
    """Apply `event` to `state` under `flow`."""
    run = _Run(flow, state, ctx, registry)
    try:
        if isinstance(event, Start):
            run.enter_stage(flow.start_stage)
        elif isinstance(event, Answer):
            run.answer(event)
        elif isinstance(event, DeadlineReached):
            run.deadline(event)
        elif isinstance(event, Signal):
            run.signal(event)
        else:  # pragma: no cover - the Event union is closed
            raise TypeError(event)
        run.settle_homes()
    except _Refused as refused:
        return Decision(state, [], refused.code, refused.params)
    return Decision(run.finish(), run.effects)


def stage_calls(flow: FlowDefinition, state: CaseState, ctx: FlowContext, registry: Registry) -> list[ServiceCall]:
    """The service calls the current stage made on entry, and those it names to `recheck`, made
    again: their answer may have changed since (a person verified after the stage asked "is the
    plaintiff verified?"). Pure."""
    data = copy.deepcopy(state.data)
    stage = flow.stages[state.stage]
    effects = [e for name in (*stage.on_enter, *stage.recheck) for e in registry.actions[name](data, ctx)]
    return [e for e in effects if isinstance(e, ServiceCall)]


def handed_over(state: CaseState, flow: FlowDefinition) -> CaseState:
    """The state a case continues with in `flow` (a stage's `next_flow`): its data carried over,
    where it came from remembered under `_flows`, its sequence kept so every earlier button is
    stale. Not started yet: feed it `Start()`. Pure."""
    data = copy.deepcopy(state.data)
    came_from = {"flow": state.flow_id, "version": state.version, "stage": state.stage}
    data["_flows"] = [*data.get("_flows", []), came_from]
    return CaseState(flow.id, flow.version, stage="", stage_seq=state.stage_seq, seq=state.seq, data=data)


def open_duties(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The court's duties in the case not yet done or ended, by kind (overdue ones included)."""
    duties = data.get("_duties", {})
    return {k: d for k, d in duties.items() if not d.get("done_at") and not d.get("ended_at")}


def discharge_duties(data: dict[str, Any], document: str, role: str, now: datetime) -> list[str]:
    """The court sent `document` to `role`: every open duty waiting for it is done now. Returns
    their kinds. Pure (changes `data` only)."""
    done = []
    for kind, duty in open_duties(data).items():
        if duty["until"] == {"sent": document, "to": role}:
            duty["done_at"] = now.isoformat()
            done.append(kind)
    return done


class _Refused(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class _Run:
    """One event's worth of mutable scratch state; discarded if the event is refused."""

    def __init__(self, flow: FlowDefinition, state: CaseState, ctx: FlowContext, registry: Registry) -> None:
        self.flow, self.ctx, self.registry = flow, ctx, registry
        self.stage = state.stage
        self.stage_seq = state.stage_seq
        self.seq = state.seq
        self.cursors = dict(state.cursors)
        self.data: dict[str, Any] = copy.deepcopy(state.data)
        self.effects: list[Effect] = []
        self._base = state

    def finish(self) -> CaseState:
        return self._base.with_(
            stage=self.stage,
            stage_seq=self.stage_seq,
            seq=self.seq,
            cursors=self.cursors,
            data=self.data,
        )

    # -- events ---------------------------------------------------------------------------

    def answer(self, event: Answer) -> None:
        cursor = self.cursors.get(event.role)
        if cursor is None:
            raise _Refused("not_your_turn")
        if cursor.step != event.step or cursor.seq != event.seq:
            raise _Refused("stale_step", current=cursor.step)
        step = self.flow.steps[cursor.step]
        try:
            for check in self.registry.answer_checks:
                check(self.data, event.role)
        except InputError as error:
            raise _Refused(error.code, **error.params) from None
        if event.value in (EXTEND, EXTEND_CONFIRM):  # someone who may not act now may not extend either
            self._self_extend(event.role, cursor, confirmed=event.value == EXTEND_CONFIRM)
            return
        try:
            value = check_input(step, event.value)
            if step.input.validator:
                value = self.registry.validators[step.input.validator](
                    value, step.input, replace(self.ctx, case=self.data)
                )
        except InputError as error:
            raise _Refused(error.code, **error.params) from None
        if step.input.kind == "choice" and value not in {o["value"] for o in self._options(step)}:
            raise _Refused("option_not_available")  # an option whose guard does not hold for this case
        store = self._store_path(step, cursor)
        if step.input.kind == "files" and value != DONE:
            self._add_file(step, store, value)
            return
        if step.input.kind == "files" and len(get_path(self.data, store or "") or []) < step.input.min_files:
            raise _Refused("files_required", minimum=step.input.min_files)
        if step.input.kind == "summary" and value.startswith("edit:"):
            self._edit(step, cursor, value.removeprefix("edit:"))
            return
        if store and step.input.kind != "files":
            set_path(self.data, store, value)
        if step.input.kind == "statement" and "file" in value:  # held as it arrived, like evidence (OLR 16)
            self._say(
                step.role,
                "files.statement_received",
                {"name": value["file"]["name"], "sha256": value["file"]["sha256"]},
            )
        for name in step.actions:
            self.effects.extend(self.registry.actions[name](self.data, self.ctx))
        for kind in step.starts:
            self._start_timer(self._timer(kind), step.role)
        self._follow(step, cursor, self._choose(step, value))

    def deadline(self, event: DeadlineReached) -> None:
        duty = self.data.get("_duties", {}).get(event.kind)
        if duty is not None and duty.get("seq") == event.stage_seq:
            self._duty_lapsed(event.kind, duty, event.reminder)
            return
        stage = self.flow.stages[self.stage]
        timer = next(((t, r) for t in stage.timers for r in t.roles if t.kind_for(r) == event.kind), None)
        if timer is not None and event.stage_seq == self.stage_seq:
            self._timer_fired(*timer, reminder=event.reminder)
            return
        spec = stage.deadline
        if spec is None or event.kind not in spec.kinds or event.stage_seq != self.stage_seq:
            raise _Refused("stale_deadline")
        if event.reminder:
            for role, cursor in self.cursors.items():
                if self.flow.steps[cursor.step].input.kind != "wait" and spec.kind_for(role) == event.kind:
                    self._say(role, "deadline.reminder", self._due_params(event.kind))
            return
        self.data.setdefault("_expired", []).append(event.kind)
        if spec.each and not self._own_period_closed(spec, event.kind):
            return
        for name in spec.actions:
            self.effects.extend(self.registry.actions[name](self.data, self.ctx))
        params = self.registry.formatters[spec.params](self.data) if spec.params else {}
        for role in spec.notify:
            self._say(role, spec.expire_text or "deadline.expired", {**params, **self._due_params(spec.kind)})
        if spec.on_expire:
            self.enter_stage(spec.on_expire)

    def _own_period_closed(self, spec: DeadlineSpec, kind: str) -> bool:
        """One role's own period closed (`each`): that role is told and may no longer answer
        here; True once every role's period has closed (the stage's period is over)."""
        role = next(r for r in spec.each if spec.kind_for(r) == kind)
        open_roles = self.data.setdefault("_open_periods", {}).setdefault(spec.kind, list(spec.each))
        if role in open_roles:
            open_roles.remove(role)
        self._send_home(role, kind)
        self._say(role, spec.expire_text or "deadline.expired", self._due_params(kind))
        return not open_roles

    def signal(self, event: Signal) -> None:
        handler = self.registry.signals.get(event.name)
        if handler is not None:
            try:
                self.effects.extend(handler(self.data, event.payload, self.ctx))
            except InputError as error:
                raise _Refused(error.code, **error.params) from None
            return
        actions = self.flow.stages[self.stage].signal_actions.get(event.name)
        if actions is not None:  # the stage stays; whoever the change concerns is sent home (settle_homes)
            for key, value in event.payload.items():
                set_path(self.data, key, value)
            try:
                for name in actions:
                    self.effects.extend(self.registry.actions[name](self.data, self.ctx))
            except InputError as error:
                raise _Refused(error.code, **error.params) from None
            return
        routes = self.flow.stages[self.stage].on_signal.get(event.name)
        if routes is None:
            raise _Refused("unexpected_signal", signal=event.name)
        for key, value in event.payload.items():
            set_path(self.data, key, value)
        route = self._choose_route(routes, None)
        assert route.goto_stage  # the validator allows only stages here
        self.enter_stage(route.goto_stage)

    # -- moving ---------------------------------------------------------------------------

    def enter_stage(self, stage_id: str) -> None:
        stage = self.flow.stages[stage_id]
        passed = next((r for r in stage.skip_to if self.registry.guards[r.guard or ""](self.data, None)), None)
        if passed is not None:  # e.g. a consent already given: nothing of this stage runs
            assert passed.goto_stage  # the validator allows only guarded stage routes, without cycles
            self.enter_stage(passed.goto_stage)
            return
        self.seq += 1
        self.stage, self.stage_seq = stage_id, self.seq
        self.data["_status"] = stage.status
        if stage.final:  # the case ends: so do the court's duties in it
            for duty in open_duties(self.data).values():
                duty["ended_at"] = self.ctx.now.isoformat()
        self.effects.append(CancelDeadlines(self.seq, keep=tuple(open_duties(self.data))))
        self._schedule(stage)
        for timer in stage.timers:
            for role in timer.roles if timer.starts_on else ():
                self._start_timer(timer, role)
        self._start_duty(stage)
        for name in stage.on_enter:
            self.effects.extend(self.registry.actions[name](self.data, self.ctx))
        self.cursors = {}
        for hook in self.registry.stage_hooks:
            self.effects.extend(hook(self.data, stage, self.ctx))
        for role, step_id in stage.entry.items():
            self._prompt(role, step_id)
        if stage.next_flow:
            self.effects.append(ContinueInFlow(stage.next_flow))

    def _schedule(self, stage: Stage) -> None:
        spec = stage.deadline
        if spec is None:
            return
        if spec.each:  # each role's own period, from the document's effective service on it
            self.data.setdefault("_open_periods", {})[spec.kind] = list(spec.each)
            for role in spec.each:
                self._schedule_from_service(stage, spec, spec.kind_for(role), role)
            return
        if spec.starts_on is not None:  # counted from the document's effective service, not from now
            self.data.setdefault("_unstarted", {})[spec.kind] = spec.starts_on
            self.effects.append(
                ScheduleDeadline(
                    spec.kind,
                    stage.id,
                    self.seq,
                    None,
                    None,
                    spec.rule,
                    starts_on=spec.starts_on,
                    served_to=spec.served_to,
                    duration=self._duration_text(spec),
                    remind_before=spec.remind_text,
                )
            )
            return
        due = self.ctx.due(self.ctx.now, self._duration(spec))
        for used in ("_extended", "_extension_warned"):  # a new window: each party's one extension again
            self.data.get(used, {}).pop(spec.kind, None)
        remind_at = None
        if spec.remind_before is not None:
            remind_at = max(self.ctx.now, due.at - spec.remind_before.as_timedelta())
        self.data.setdefault("_due", {})[spec.kind] = due.at.isoformat()
        if due.warnings:  # e.g. no holiday calendar for that year: told, not hidden (CPL 85)
            self.data.setdefault("_due_warnings", {})[spec.kind] = list(due.warnings)
            params = {
                "deadline": {"t": f"deadline.kind.{spec.kind}"},
                "due_at": {"time": due.at.isoformat()},
                "warnings": ", ".join(due.warnings),
            }
            for role in dict.fromkeys([*stage.entry, *spec.notify]):
                self._say(role, "deadline.calendar_warning", params)
        self.effects.append(ScheduleDeadline(spec.kind, stage.id, self.seq, due.at, remind_at, spec.rule, due.warnings))

    def _schedule_from_service(self, stage: Stage, spec: DeadlineSpec, kind: str, role: str) -> None:
        """A row for `role`'s own period that the kernel starts when the document reaches it."""
        assert spec.starts_on is not None  # the loader sets `each` only with `starts_on`
        self.data.setdefault("_unstarted", {})[kind] = spec.starts_on
        self.effects.append(
            ScheduleDeadline(
                kind,
                stage.id,
                self.seq,
                None,
                None,
                spec.rule,
                starts_on=spec.starts_on,
                served_to=role,
                duration=self._duration_text(spec, role),
                remind_before=spec.remind_text,
            )
        )

    def _start_duty(self, stage: Stage) -> None:
        """The court's own period (`duty`) starts the first time the case enters its stage; it is
        kept in the case data with what its lapse says, so it runs on in later stages and flows."""
        spec = stage.duty
        if spec is None or spec.kind in self.data.get("_duties", {}):
            return
        due = self.ctx.due(self.ctx.now, spec.duration)
        self.data.setdefault("_duties", {})[spec.kind] = {
            "due": due.at.isoformat(),
            "seq": self.seq,
            "until": {"sent": spec.until_sent, "to": spec.sent_to},
            "notify": list(spec.notify),
            "text": spec.expire_text,
            "params": spec.params,
            "rule": spec.rule,
        }
        self.effects.append(ScheduleDeadline(spec.kind, stage.id, self.seq, due.at, None, spec.rule, due.warnings))

    def _duty_lapsed(self, kind: str, duty: dict[str, Any], reminder: bool) -> None:
        """The court did not do what its duty asks in time: recorded as overdue and the roles it
        names told. A duty is the court's, not a ruling: the case stays where it is."""
        if reminder or duty.get("done_at") or duty.get("ended_at") or duty.get("overdue_at"):
            raise _Refused("stale_deadline")
        duty["overdue_at"] = self.ctx.now.isoformat()
        params = self.registry.formatters[duty["params"]](self.data) if duty.get("params") else {}
        due = {"due_at": {"time": duty["due"]}, "deadline": {"t": f"deadline.kind.{kind}"}}
        for role in duty["notify"]:
            self._say(role, duty.get("text") or "deadline.expired", {**params, **due})

    def _duration_text(self, spec: DeadlineSpec, role: str | None = None) -> str:
        """`_duration` as written, for a period the kernel starts later (from service)."""
        text, setting = self._length(spec, role)
        configured = self.ctx.settings.get(setting) if setting else None
        return str(configured) if configured else text

    def _duration(self, spec: DeadlineSpec) -> Duration:
        """The deadline's length: the first `duration_if` case whose guard holds, else the
        deadline's own; in either, the court's setting it names if it has one (checked when the
        court starts), else the flow's duration."""
        return parse_duration(self._duration_text(spec))

    def _length(self, spec: DeadlineSpec, role: str | None = None) -> tuple[str, str | None]:
        """(duration as written, the setting that may replace it) for this case's data; for one
        role's own period (`each`) each guard is asked about that role (its value)."""
        for case in spec.duration_if:
            if self.registry.guards[case.guard](self.data, role):
                return case.duration_text, case.setting
        return spec.duration_text, spec.duration_setting

    def _prompt(self, role: str, step_id: str, cursor: Cursor | None = None) -> None:
        step = self.flow.steps[step_id]
        keep = cursor or Cursor(step_id, 0)
        if step.for_each and keep.loop != step_id:  # entering a per-item loop: its first item, if any
            if not self._items(step):
                self._after_loop(step, keep)
                return
            keep = replace(keep, loop=step_id, item=0)
        self.seq += 1
        self.cursors[role] = Cursor(step_id, self.seq, keep.return_to, keep.return_at, keep.loop, keep.item)
        deadline = self.flow.stages[self.stage].deadline
        params = self.registry.formatters[step.params](self._with_item(keep)) if step.params else {}
        payload = _input_payload(step)
        if step.input.kind == "choice":
            payload["options"] = self._options(step)
            if self.flow.stages[self.stage].home.get(role) == step_id:  # what settle_homes compares
                self.data.setdefault("_home", {})[role] = [o["value"] for o in payload["options"]]
        offer = self._extension_offer(role, step)
        if offer:
            payload["options"] = [*payload.get("options", []), {"value": offer, "text": f"deadline.{offer[1:]}"}]
        period = f"{step.period}_{role}" if step.period else deadline.kind_for(role) if deadline else None
        prompt = Prompt(step_id, self.seq, payload, period)
        self.effects.append(Message(role, step.text, params, prompt))

    def _follow(self, step: Step, cursor: Cursor, transition: Transition) -> None:
        if transition.next_item:
            self._next_item(cursor)
            return
        if transition.goto_stage:
            self.enter_stage(transition.goto_stage)
            return
        if transition.done:
            del self.cursors[step.role]
            if step.role not in self.flow.stages[self.stage].home:  # a home role: settle_homes sends it home
                self._maybe_all_done()
            return
        target = transition.goto_step
        assert target is not None
        if cursor.return_to and (cursor.return_at in (None, target)):
            self._prompt(step.role, cursor.return_to)
            return
        self._prompt(step.role, target, cursor)

    def _options(self, step: Step) -> list[dict[str, str]]:
        """A choice's options for this case: one with a guard (`if`) only where it holds."""
        guards = self.registry.guards
        return [
            {"value": o.value, "text": o.text}
            for o in step.input.options
            if o.guard is None or guards[o.guard](self.data, o.value)
        ]

    # -- self-service extension (`self_extension`) -----------------------------------------

    def _extension_offer(self, role: str, step: Step) -> str | None:
        """The extension button a prompt carries: none once the role used it, or where the window
        allows none; "confirm" once the role was warned (DOMAIN §10.3)."""
        spec = self.flow.stages[self.stage].deadline
        if spec is None or spec.self_extension is None or step.input.kind in ("wait", "identity"):
            return None
        if role in self.data.get("_extended", {}).get(spec.kind, []):
            return None
        warned = role in self.data.get("_extension_warned", {}).get(spec.kind, [])
        return EXTEND_CONFIRM if warned else EXTEND

    def _self_extend(self, role: str, cursor: Cursor, confirmed: bool) -> None:
        """A party's one self-service extension: warned first that it delays the case, then, on
        confirming, the window moves later for everyone and everyone is told."""
        step = self.flow.steps[cursor.step]
        offer = self._extension_offer(role, step)
        if offer is None:
            raise _Refused("extension_unavailable")
        spec = self.flow.stages[self.stage].deadline
        assert spec is not None and spec.self_extension is not None
        if not confirmed or offer != EXTEND_CONFIRM:
            warned = self.data.setdefault("_extension_warned", {}).setdefault(spec.kind, [])
            warned.extend([role] if role not in warned else [])
            self._say(
                role, "deadline.extend_warning", {**self._due_params(spec.kind), "days": spec.self_extension.days}
            )
            self._prompt(role, cursor.step, cursor)
            return
        current = datetime.fromisoformat(self.data["_due"][spec.kind])
        due = self.ctx.due(current, spec.self_extension).at
        remind_at = due - spec.remind_before.as_timedelta() if spec.remind_before else None
        self.data["_due"][spec.kind] = due.isoformat()
        self.data.setdefault("_extended", {}).setdefault(spec.kind, []).append(role)
        self.effects.append(MoveDeadline(spec.kind, self.stage_seq, due, remind_at))
        for told in self.flow.roles:
            self._say(told, "deadline.self_extended", {**self._due_params(spec.kind), "who": {"t": f"role.{role}"}})
        self._prompt(role, cursor.step, cursor)

    # -- per-item loops (`for_each`) --------------------------------------------------------

    def _items(self, head: Step) -> list[Any]:
        items = get_path(self.data, head.for_each or "")
        return list(items) if isinstance(items, list) else []

    def _next_item(self, cursor: Cursor) -> None:
        """This item is done: the loop's first step again for the next item, or on after the last."""
        assert cursor.loop is not None and cursor.item is not None  # the validator allows next_item only in a body
        head = self.flow.steps[cursor.loop]
        if cursor.item + 1 < len(self._items(head)):
            self._prompt(head.role, head.id, replace(cursor, item=cursor.item + 1))
            return
        self._after_loop(head, cursor)

    def _after_loop(self, head: Step, cursor: Cursor) -> None:
        self._follow(head, replace(cursor, loop=None, item=None), self._choose_route(head.after, None))

    def _store_path(self, step: Step, cursor: Cursor) -> str | None:
        """Inside a per-item loop a step's answer is kept per item, under `<store>.item_<n>`."""
        if step.store and cursor.loop is not None and cursor.item is not None:
            return f"{step.store}.item_{cursor.item + 1}"
        return step.store

    def _with_item(self, cursor: Cursor) -> dict[str, Any]:
        """The case data a prompt's formatter reads; inside a loop, `_item` is the item asked about."""
        if cursor.loop is None or cursor.item is None:
            return self.data
        items = self._items(self.flow.steps[cursor.loop])
        current = {"number": cursor.item + 1, "of": len(items), "value": items[cursor.item]}
        return {**self.data, "_item": current}

    def _choose(self, step: Step, value: Any) -> Transition:
        return self._choose_route(step.transitions, value)

    def _choose_route(self, transitions: tuple[Transition, ...], value: Any) -> Transition:
        for transition in transitions:
            if transition.answer is not None and transition.answer != value:
                continue
            if transition.guard and not self.registry.guards[transition.guard](self.data, value):
                continue
            return transition
        raise _Refused("no_way_forward")

    def _edit(self, step: Step, cursor: Cursor, target: str) -> None:
        edit = next(t for t in step.edit_targets if t.step == target)
        for path in edit.clears:
            set_path(self.data, path, [] if path.endswith("s") else None)
        self.cursors[step.role] = Cursor(target, cursor.seq, step.id, edit.until)
        self._prompt(step.role, target, self.cursors[step.role])

    def _add_file(self, step: Step, store: str | None, file: dict[str, Any]) -> None:
        assert store
        files = get_path(self.data, store) or []
        if len(files) >= step.input.max_files:
            raise _Refused("too_many_files", limit=step.input.max_files)
        if any(f["sha256"] == file["sha256"] for f in files):
            raise _Refused("duplicate_file", name=file["name"])
        set_path(self.data, store, [*files, file])
        self._say(step.role, "files.received", {"name": file["name"], "sha256": file["sha256"]})

    # -- home steps and per-role timers (`home`, `timers`) -------------------------------------

    def settle_homes(self) -> None:
        """After each event in a stage with home steps: a role whose period-bound step lost its
        period's guard (its fee arrived) goes home; a role at home (or done) whose options changed
        is asked again, and one left with none is done; once every home role is done, the stage
        goes on to `when_all_done`."""
        stage = self.flow.stages[self.stage]
        if not stage.home:
            return
        for role, home in stage.home.items():
            cursor = self.cursors.get(role)
            step = self.flow.steps[cursor.step] if cursor else None
            if step is not None and step.period and not self._timer_holds(self._timer(step.period), role):
                self.cursors.pop(role)
                cursor = None
            shown = self.data.get("_home", {}).get(role)
            if cursor is not None and cursor.step != home:
                continue
            options = [o["value"] for o in self._options(self.flow.steps[home])]
            if not options:
                self.cursors.pop(role, None)
                self.data.setdefault("_home", {})[role] = []
            elif cursor is None or options != shown:
                self._prompt(role, home)
        if stage.when_all_done and not any(role in self.cursors for role in stage.home):
            self.enter_stage(stage.when_all_done)

    def _send_home(self, role: str, kind: str) -> None:
        """`role`'s period `kind` closed: it leaves a step of that period (settle_homes sends it
        home), or, in a stage without home steps, its turn ends."""
        stage = self.flow.stages[self.stage]
        cursor = self.cursors.get(role)
        if cursor is None:
            return
        period = self.flow.steps[cursor.step].period
        if role not in stage.home or (f"{period}_{role}" if period else stage.deadline_kind(role)) == kind:
            self.cursors.pop(role)

    def _timer(self, kind: str) -> TimerSpec:
        return next(t for t in self.flow.stages[self.stage].timers if t.kind == kind)

    def _timer_holds(self, timer: TimerSpec, role: str) -> bool:
        return timer.guard is None or self.registry.guards[timer.guard](self.data, role)

    def _start_timer(self, timer: TimerSpec, role: str) -> None:
        """`role`'s period of `timer`: from now, or, with `starts_on`, from that text's service on it."""
        kind = timer.kind_for(role)
        if timer.starts_on:
            self.effects.append(
                ScheduleDeadline(
                    kind,
                    self.stage,
                    self.stage_seq,
                    None,
                    None,
                    timer.rule,
                    starts_on=timer.starts_on,
                    served_to=role,
                    duration=timer.duration_text,
                    remind_before=timer.remind_text,
                )
            )
            return
        due = self.ctx.due(self.ctx.now, timer.duration)
        remind_at = max(self.ctx.now, due.at - timer.remind_before.as_timedelta()) if timer.remind_before else None
        self.data.setdefault("_due", {})[kind] = due.at.isoformat()
        self.effects.append(
            ScheduleDeadline(kind, self.stage, self.stage_seq, due.at, remind_at, timer.rule, due.warnings)
        )

    def _timer_fired(self, timer: TimerSpec, role: str, reminder: bool) -> None:
        """`role`'s period of `timer` ended (or is about to): nothing if its guard no longer holds."""
        kind = timer.kind_for(role)
        if not self._timer_holds(timer, role):
            return
        if reminder:
            self._say(role, "deadline.reminder", self._due_params(kind))
            return
        self.data.setdefault("_expired", []).append(kind)
        for name in timer.actions:
            self.effects.extend(self.registry.actions[name.format(role=role)](self.data, self.ctx))
        if timer.expire_text:
            self._say(role, timer.expire_text, self._due_params(kind))
        self._send_home(role, kind)

    def _maybe_all_done(self) -> None:
        stage = self.flow.stages[self.stage]
        if stage.when_all_done and not self.cursors:
            self.enter_stage(stage.when_all_done)

    def _say(self, role: str, text: str, params: dict[str, Any]) -> None:
        self.effects.append(Message(role, text, params))

    def _due_params(self, kind: str) -> dict[str, Any]:
        due = self.data.get("_due", {}).get(kind, "")
        return {"due_at": {"time": due}, "deadline": {"t": f"deadline.kind.{kind}"}}


def _input_payload(step: Step) -> dict[str, Any]:
    """The channel-neutral description of what the prompt accepts."""
    spec = step.input
    payload: dict[str, Any] = {"kind": spec.kind}
    if spec.kind in ("choice",):
        payload["options"] = [{"value": o.value, "text": o.text} for o in spec.options]
    if spec.kind == "info":
        payload["options"] = [{"value": "continue", "text": "common.continue"}]
    if spec.kind == "summary":
        payload["options"] = [{"value": "submit", "text": "common.submit"}] + [
            {"value": f"edit:{t.step}", "text": f"edit.{t.step}"} for t in step.edit_targets
        ]
    if spec.kind == "files":
        payload["options"] = [{"value": "done", "text": "files.done"}]
        payload["accept"] = list(spec.accept)
        payload["max_files"] = spec.max_files
        if spec.min_files:
            payload["min_files"] = spec.min_files
    if spec.kind in ("text", "long_text", "statement"):
        payload["max_length"] = spec.max_length
    if spec.kind == "statement":
        payload["accept"] = list(spec.accept)
    return payload
