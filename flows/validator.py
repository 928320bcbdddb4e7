"""Loud checks on a flow definition: every problem, with its file and line."""

from __future__ import annotations

from collections.abc import Iterator
from string import Formatter

from flows.loader import FlowProblem
from flows.model import INPUT_KINDS, FlowDefinition, Stage, Step, Transition
from flows.paths import check_path
from flows.registry import Registry
from flows.texts import LOCALES, Catalog


def validate(flow: FlowDefinition, registry: Registry, catalog: Catalog) -> list[FlowProblem]:
    """Return every problem found in `flow` (an empty list means it may be used)."""
    checker = _Checker(flow, registry, catalog)
    checker.run()
    return checker.problems


class _Checker:
    def __init__(self, flow: FlowDefinition, registry: Registry, catalog: Catalog) -> None:
        self.flow, self.registry, self.catalog = flow, registry, catalog
        self.problems: list[FlowProblem] = []
        self.here = ""  # the file of the stage or step being checked, when inherited (`based_on`)

    def say(self, line: int, message: str) -> None:
        self.problems.append(FlowProblem(self.here or self.flow.source, line, message))

    def run(self) -> None:
        if self.flow.start_stage not in self.flow.stages:
            self.say(1, f"start_stage {self.flow.start_stage!r} is not a stage")
        for stage in self.flow.stages.values():
            self.here = stage.source
            self.check_stage(stage)
        for step in self.flow.steps.values():
            self.here = step.source
            self.check_step(step)
        self.check_loops()
        self.check_reachable()

    def text(self, line: int, key: str, where: str) -> None:
        for locale in LOCALES:
            if not self.catalog.has(key, locale):
                self.say(line, f"{where}: text {key!r} is missing in {locale}")

    def expiry_params(self, line: int, stage_id: str, key: str, formatter: str | None) -> None:
        """An expiry text's placeholders beyond the deadline's own need a `params` formatter, or the
        person reads "{case_number}"."""
        if formatter is not None:
            self.named(line, self.registry.formatters, formatter, "formatter")  # type: ignore[arg-type]
            return
        for locale in LOCALES:
            names = {field for _, field, _, _ in Formatter().parse(self.catalog.texts.get(locale, {}).get(key, ""))}
            unfilled = sorted(n for n in names if n and n not in ("due_at", "deadline"))
            if unfilled:
                where = f"stage {stage_id!r}: expire text {key!r}"
                self.say(line, f"{where} uses {unfilled} but the deadline has no params")
                return

    def named(self, line: int, table: dict[str, object], name: str, kind: str) -> None:
        if name not in table:
            self.say(line, f"unknown {kind} {name!r}")

    def check_stage(self, stage: Stage) -> None:
        line = stage.line
        for role, step_id in stage.entry.items():
            if role not in self.flow.roles:
                self.say(line, f"stage {stage.id!r}: unknown role {role!r}")
            step = self.flow.steps.get(step_id)
            if step is None:
                self.say(line, f"stage {stage.id!r}: unknown step {step_id!r}")
            elif step.role != role:
                self.say(line, f"stage {stage.id!r}: step {step_id!r} belongs to {step.role!r}")
        for name in (*stage.on_enter, *stage.recheck):
            self.named(line, self.registry.actions, name, "action")  # type: ignore[arg-type]
        for signal, routes in stage.on_signal.items():
            self.check_signal_routes(stage, signal, routes)
        self.check_skip_to(stage)
        if stage.when_all_done is not None and stage.when_all_done not in self.flow.stages:
            self.say(line, f"stage {stage.id!r}: unknown stage {stage.when_all_done!r}")
        for key, roles in (("reverify", stage.reverify), ("unadmitted", stage.unadmitted)):
            for role in roles:
                if role not in self.flow.roles:
                    self.say(line, f"stage {stage.id!r}: {key} names unknown role {role!r}")
        if stage.reverify:
            for key in ("reverify.needed", "reverify.failed_alert"):
                self.text(line, key, f"stage {stage.id!r}")
        if not stage.entry and not stage.final and not stage.next_flow:
            self.say(line, f"stage {stage.id!r} prompts nobody and is not final")
        if stage.next_flow and (stage.final or stage.deadline or stage.on_signal or stage.when_all_done):
            self.say(
                line,
                f"stage {stage.id!r}: a stage with next_flow hands the case over; it is not final "
                "and has no deadline, signals or when_all_done",
            )
        spec = stage.deadline
        if spec is not None:
            for kind in dict.fromkeys((spec.kind, *spec.kinds)):
                self.text(line, f"deadline.kind.{kind}", f"stage {stage.id!r}")
            if spec.on_expire and spec.on_expire not in self.flow.stages:
                self.say(line, f"stage {stage.id!r}: on_expire {spec.on_expire!r} is not a stage")
            if spec.expire_text:
                self.text(line, spec.expire_text, f"stage {stage.id!r}")
                self.expiry_params(line, stage.id, spec.expire_text, spec.params)
            for role in spec.notify:
                if role not in self.flow.roles:
                    self.say(line, f"stage {stage.id!r}: deadline notifies unknown role {role!r}")
            for name in spec.actions:
                self.named(line, self.registry.actions, name, "action")  # type: ignore[arg-type]
            if spec.self_extension is not None:
                keys = [f"deadline.{key}" for key in ("extend", "extend_confirm", "extend_warning", "self_extended")]
                for key in [*keys, *(f"role.{role}" for role in self.flow.roles)]:
                    self.text(line, key, f"stage {stage.id!r}: self_extension")
            if spec.each and spec.self_extension is not None:
                self.say(line, f"stage {stage.id!r}: a period of each role's own takes no self_extension")
            for role in spec.each or ((spec.served_to or "",) if spec.starts_on is not None else ()):
                self.check_starts_on(stage, spec.starts_on or "", role)
            for case in spec.duration_if:
                self.named(line, self.registry.guards, case.guard, "guard")  # type: ignore[arg-type]
        self.check_duty(stage)
        self.check_homes(stage)

    def check_homes(self, stage: Stage) -> None:
        """Home steps are choices of their role; timers name roles, guards, actions and texts that
        exist; signal actions exist."""
        line = stage.line
        for role, step_id in stage.home.items():
            step = self.flow.steps.get(step_id)
            if step is None or step.role != role or step.input.kind != "choice":
                self.say(line, f"stage {stage.id!r}: home {step_id!r} is not a choice step of {role!r}")
        for timer in stage.timers:
            where = f"stage {stage.id!r}: timer {timer.kind!r}"
            for role in timer.roles:
                self.text(line, f"deadline.kind.{timer.kind_for(role)}", where)
                for name in timer.actions:
                    self.named(line, self.registry.actions, name.format(role=role), "action")  # type: ignore[arg-type]
                if timer.starts_on:
                    self.check_starts_on(stage, timer.starts_on, role)
                elif role not in self.flow.roles:
                    self.say(line, f"{where} names unknown role {role!r}")
            if timer.guard:
                self.named(line, self.registry.guards, timer.guard, "guard")  # type: ignore[arg-type]
            if timer.expire_text:
                self.text(line, timer.expire_text, where)
        for names in stage.signal_actions.values():
            for name in names:
                self.named(line, self.registry.actions, name, "action")  # type: ignore[arg-type]

    def check_duty(self, stage: Stage) -> None:
        """A duty is named like a deadline, ends with a document the court serves on a role of the
        flow, tells roles of the flow, and fills its expiry text's placeholders."""
        duty = stage.duty
        if duty is None:
            return
        line, where = stage.line, f"stage {stage.id!r}: duty {duty.kind!r}"
        self.text(line, f"deadline.kind.{duty.kind}", where)
        if stage.deadline is not None and stage.deadline.kind == duty.kind:
            self.say(line, f"{where} has the kind of the stage's deadline")
        if duty.until_sent not in self.registry.served_texts:
            self.say(line, f"{where} ends with {duty.until_sent!r}, which serves no court document")
        for role in (duty.sent_to, *duty.notify):
            if role not in self.flow.roles:
                self.say(line, f"{where} names unknown role {role!r}")
        if duty.expire_text:
            self.text(line, duty.expire_text, where)
            self.expiry_params(line, stage.id, duty.expire_text, duty.params)
        elif duty.params:
            self.named(line, self.registry.formatters, duty.params, "formatter")  # type: ignore[arg-type]

    def check_starts_on(self, stage: Stage, text: str, role: str) -> None:
        """A period that runs from service names a document the court serves, on a role of the flow."""
        where = f"stage {stage.id!r}: deadline starts_on"
        if text not in self.registry.served_texts:
            self.say(stage.line, f"{where} {text!r}, which serves no court document")
        if role not in self.flow.roles:
            self.say(stage.line, f"{where} names unknown role {role!r}")

    def check_skip_to(self, stage: Stage) -> None:
        """`skip_to` routes each name a guard and another stage, and never come back round to this one."""
        where = f"stage {stage.id!r}: skip_to"
        for route in stage.skip_to:
            tline = route.line or stage.line
            if route.goto_step or route.done or route.answer is not None or route.next_item or not route.guard:
                self.say(tline, f"{where}: each route is {{if: <guard>, stage: <stage>}}, nothing else")
            if route.guard:
                self.named(tline, self.registry.guards, route.guard, "guard")  # type: ignore[arg-type]
            if route.goto_stage not in self.flow.stages:
                self.say(tline, f"{where}: unknown stage {route.goto_stage!r}")
        seen, todo = set(), [r.goto_stage for r in stage.skip_to]
        while todo:
            target = todo.pop()
            if target == stage.id:
                self.say(stage.line, f"{where}: skipping leads back to {stage.id!r}")
                return
            if target in seen or target not in self.flow.stages:
                continue
            seen.add(target)
            todo.extend(r.goto_stage for r in self.flow.stages[target].skip_to)

    def check_signal_routes(self, stage: Stage, signal: str, routes: tuple[Transition, ...]) -> None:
        """A signal leads only to stages; the last route takes whatever the guards before it left."""
        where = f"stage {stage.id!r}: signal {signal!r}"
        for route in routes:
            tline = route.line or stage.line
            if route.goto_step or route.done or route.answer is not None or not route.goto_stage:
                self.say(tline, f"{where}: a signal leads to a stage, nothing else")
            elif route.goto_stage not in self.flow.stages:
                self.say(tline, f"{where}: unknown stage {route.goto_stage!r}")
            if route.guard:
                self.named(tline, self.registry.guards, route.guard, "guard")  # type: ignore[arg-type]
        if not routes or routes[-1].guard:
            self.say(stage.line, f"{where}: the last route needs no `if`, so the signal always leads somewhere")

    def check_step(self, step: Step) -> None:
        line, where = step.line, f"step {step.id!r}"
        if step.role not in self.flow.roles:
            self.say(line, f"{where}: unknown role {step.role!r}")
        self.text(line, step.text, where)
        if step.input.kind not in INPUT_KINDS:
            self.say(line, f"{where}: unknown input kind {step.input.kind!r}")
        for option in step.input.options:
            self.text(line, option.text, where)
            if option.guard:
                self.named(line, self.registry.guards, option.guard, "guard")  # type: ignore[arg-type]
        if step.input.validator:
            self.named(line, self.registry.validators, step.input.validator, "validator")  # type: ignore[arg-type]
        if step.params:
            self.named(line, self.registry.formatters, step.params, "formatter")  # type: ignore[arg-type]
        for name in step.actions:
            self.named(line, self.registry.actions, name, "action")  # type: ignore[arg-type]
        timers = {t.kind for stage in self.flow.stages.values() for t in stage.timers}
        for kind in (*((step.period,) if step.period else ()), *step.starts):
            if kind not in timers:
                self.say(line, f"{where}: {kind!r} is no stage's timer")
        if step.store and (problem := check_path(step.store)):
            self.say(line, f"{where}: {problem}")
        if step.input.kind in ("files", "statement") and not step.store:
            self.say(line, f"{where}: a {step.input.kind} step needs a store path")
        if step.input.min_files and not (step.input.kind == "files" and step.input.min_files <= step.input.max_files):
            self.say(line, f"{where}: min_files belongs to a files step and may not exceed max_files")
        if step.input.kind not in ("wait", "identity") and not step.transitions:
            self.say(line, f"{where}: takes an answer but has no `next`")
        for transition in step.transitions:
            tline = transition.line or line
            if transition.goto_step and transition.goto_step not in self.flow.steps:
                self.say(tline, f"{where}: unknown step {transition.goto_step!r}")
            if transition.goto_stage and transition.goto_stage not in self.flow.stages:
                self.say(tline, f"{where}: unknown stage {transition.goto_stage!r}")
            if transition.guard:
                self.named(tline, self.registry.guards, transition.guard, "guard")  # type: ignore[arg-type]
            if not (transition.goto_step or transition.goto_stage or transition.done or transition.next_item):
                self.say(tline, f"{where}: a transition must name a step, a stage or done")
        if step.for_each:
            if problem := check_path(step.for_each):
                self.say(line, f"{where}: for_each: {problem}")
            if not step.after:
                self.say(line, f"{where}: a for_each step needs `after`: where to go after the last item")
        elif step.after:
            self.say(line, f"{where}: `after` belongs to a for_each step")
        for transition in step.after:
            tline = transition.line or line
            if transition.next_item or not (transition.goto_step or transition.goto_stage or transition.done):
                self.say(tline, f"{where}: `after` names a step, a stage or done")
            if transition.goto_step and transition.goto_step not in self.flow.steps:
                self.say(tline, f"{where}: unknown step {transition.goto_step!r}")
            if transition.goto_stage and transition.goto_stage not in self.flow.stages:
                self.say(tline, f"{where}: unknown stage {transition.goto_stage!r}")
        for target in step.edit_targets:
            if target.step not in self.flow.steps:
                self.say(line, f"{where}: edit target {target.step!r} is not a step")
            self.text(line, f"edit.{target.step}", where)

    def check_loops(self) -> None:
        """A per-item loop's body is what its `for_each` step leads to by steps; `next_item` belongs
        only in a body, a body holds no other loop and never leads back to its own first step."""
        in_a_body: set[str] = set()
        for head in self.flow.steps.values():
            if not head.for_each:
                continue
            body = self._body(head)
            in_a_body.update(body)
            for step_id in body:
                step = self.flow.steps[step_id]
                self.here = step.source
                if step_id != head.id and step.for_each:
                    self.say(step.line, f"step {step_id!r}: a loop inside the loop of {head.id!r}")
                if step_id != head.id and any(t.goto_step == head.id for t in step.transitions):
                    self.say(step.line, f"step {step_id!r}: leads back to {head.id!r}; use next_item")
        for step in self.flow.steps.values():
            self.here = step.source
            if any(t.next_item for t in step.transitions) and step.id not in in_a_body:
                self.say(step.line, f"step {step.id!r}: next_item outside a for_each loop")
        self.here = ""

    def _body(self, head: Step) -> list[str]:
        seen: list[str] = []
        todo = [head.id]
        while todo:
            step_id = todo.pop()
            if step_id in seen or step_id not in self.flow.steps:
                continue
            seen.append(step_id)
            todo.extend(t.goto_step for t in self.flow.steps[step_id].transitions if t.goto_step)
        return seen

    def check_reachable(self) -> None:
        stages = set(self._walk_stages())
        for stage in self.flow.stages.values():
            self.here = stage.source
            if stage.id not in stages:
                self.say(stage.line, f"stage {stage.id!r} is unreachable")
        steps = set(self._walk_steps())
        for step in self.flow.steps.values():
            self.here = step.source
            if step.id not in steps:
                self.say(step.line, f"step {step.id!r} is unreachable")
        self.here = ""

    def _walk_stages(self) -> Iterator[str]:
        seen: set[str] = set()
        todo = [self.flow.start_stage]
        while todo:
            stage_id = todo.pop()
            if stage_id in seen or stage_id not in self.flow.stages:
                continue
            seen.add(stage_id)
            yield stage_id
            stage = self.flow.stages[stage_id]
            todo.extend(r.goto_stage for routes in stage.on_signal.values() for r in routes if r.goto_stage)
            todo.extend(t for t in (stage.when_all_done,) if t)
            todo.extend(r.goto_stage for r in stage.skip_to if r.goto_stage)
            if stage.deadline and stage.deadline.on_expire:
                todo.append(stage.deadline.on_expire)
            for step_id in self._steps_from(stage):
                step = self.flow.steps[step_id]
                todo.extend(t.goto_stage for t in (*step.transitions, *step.after) if t.goto_stage)

    def _walk_steps(self) -> Iterator[str]:
        for stage in self.flow.stages.values():
            yield from self._steps_from(stage)

    def _steps_from(self, stage: Stage) -> list[str]:
        seen: list[str] = []
        todo = [s for s in (*stage.entry.values(), *stage.home.values()) if s in self.flow.steps]
        while todo:
            step_id = todo.pop()
            if step_id in seen:
                continue
            seen.append(step_id)
            step = self.flow.steps[step_id]
            todo.extend(t.goto_step for t in (*step.transitions, *step.after) if t.goto_step in self.flow.steps)
            todo.extend(t.step for t in step.edit_targets if t.step in self.flow.steps)
        return seen
