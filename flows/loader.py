"""Load flow YAML (safely) into frozen dataclasses, remembering line numbers for problems."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from flows.durations import parse_duration
from flows.model import (
    DeadlineSpec,
    DurationCase,
    DutySpec,
    EditTarget,
    FlowDefinition,
    InputSpec,
    Option,
    Stage,
    Step,
    Transition,
)

LINE = "__line__"
FILE = "__file__"  # set on stages and steps inherited from another version's file

KEYS: dict[str, frozenset[str]] = {
    "flow": frozenset({"id", "version", "based_on", "roles", "start_stage", "stages", "steps", "on_signal_anywhere"}),
    "stage": frozenset(
        {"status", "entry", "on_enter", "recheck", "deadline", "duty", "on_signal", "when_all_done", "final"}
        | {"reverify", "unadmitted", "next_flow", "skip_to"}
    ),
    "deadline": frozenset(
        {"kind", "duration", "remind_before", "on_expire", "notify", "expire_text", "params", "rule", "starts_on"}
        | {"actions", "self_extension", "duration_setting", "duration_if"}
    ),
    "duty": frozenset({"kind", "duration", "until", "notify", "expire_text", "params", "rule"}),
    "step": frozenset(
        {"role", "text", "input", "store", "actions", "params", "next", "edit", "for_each", "after", "ruling"}
    ),
    "input": frozenset(
        {"kind", "options", "validator", "max_length", "max_amount", "accept", "max_files", "min_files"}
    ),
    "option": frozenset({"value", "text", "if"}),
    "transition": frozenset({"step", "stage", "done", "answer", "if", "next_item"}),
    "edit": frozenset({"step", "until", "clears"}),
}
"""The keys each part of a definition may have: any other is a mistake (`guard:` for `if:` once
made a route unconditional), refused rather than ignored."""


@dataclass(frozen=True)
class FlowProblem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class FlowError(Exception):
    """A definition that must not be used; carries every problem found."""

    def __init__(self, problems: list[FlowProblem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader (libyaml's where PyYAML has it) recording each mapping's line under `__line__`."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping: dict[str, Any] = {str(k): v for k, v in loader.construct_mapping(node, deep=True).items()}
    mapping[LINE] = node.start_mark.line + 1
    for key_node, value_node in node.value:  # a nested mapping is reported at its key's line
        value = mapping.get(str(key_node.value))
        if isinstance(value_node, yaml.MappingNode) and isinstance(value, dict):
            value[LINE] = key_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


_parsed: dict[bytes, dict[str, Any]] = {}
"""Files already parsed, by their content: a court loads every flow file, and every version
`based_on` another reads the folder again, so each text is parsed once per process."""


def read_yaml(path: Path) -> dict[str, Any]:
    """Parse one YAML file into plain data with line markers (a fresh copy the caller may change)."""
    content = path.read_bytes()
    if content not in _parsed:
        data = yaml.load(content.decode("utf-8"), Loader=_LineLoader)
        if not isinstance(data, dict):
            raise FlowError([FlowProblem(str(path), 1, "a flow file must be a mapping")])
        _parsed[content] = data
    return copy.deepcopy(_parsed[content])


def with_base(raw: dict[str, Any], path: Path, _seen: tuple[Any, ...] = ()) -> dict[str, Any]:
    """A version that says `based_on: N` states only what changed since version N of the same flow
    (a file in the same folder). Its stages and steps replace the base's of the same name, and
    `null` removes one; its other top-level keys replace the base's. What is inherited remembers
    its file (`__file__`), so a problem in it is reported where it is written."""
    base_version = raw.get("based_on")
    if base_version is None:
        return raw
    seen = _seen or (raw.get("version"),)
    line = raw.get(LINE, 1)
    if type(base_version) is not int:
        raise FlowError([FlowProblem(str(path), line, f"based_on {base_version!r}: name a version number")])
    if base_version in seen:
        raise FlowError([FlowProblem(str(path), line, f"based_on {base_version}: versions based on each other")])
    found = [(p, r) for p, r in _flow_files(path) if r.get("id") == raw.get("id") and r.get("version") == base_version]
    if not found:
        raise FlowError([FlowProblem(str(path), line, f"based_on {base_version}: no such version here")])
    base_path, base = found[0]
    resolved = with_base(base, base_path, (*seen, base_version))
    merged = {**resolved, **{k: v for k, v in raw.items() if k != "based_on"}}
    for table in ("stages", "steps"):
        inherited = {k: _from_file(v, base_path) for k, v in _items(resolved.get(table))}
        combined = {**inherited, **(raw.get(table) or {})}
        merged[table] = {k: v for k, v in combined.items() if v is not None}
    return merged


def _from_file(item: Any, path: Path) -> Any:
    return {FILE: str(path), **item} if isinstance(item, dict) and FILE not in item else item


def _flow_files(path: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Every readable flow file beside `path` (one that is not readable is reported on its own)."""
    found = []
    for other in sorted(path.parent.glob("*.yaml")):
        try:
            found.append((other, read_yaml(other)))
        except (yaml.YAMLError, FlowError, OSError, UnicodeDecodeError):
            continue
    return found


class _Builder:
    """Turns raw data into a definition, collecting shape problems instead of stopping."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[FlowProblem] = []

    def problem(self, raw: Any, message: str) -> None:
        line = raw.get(LINE, 0) if isinstance(raw, dict) else 0
        source = raw.get(FILE, self.source) if isinstance(raw, dict) else self.source
        self.problems.append(FlowProblem(source, line, message))

    def known(self, raw: Any, part: str) -> None:
        """Report the keys `part` does not have (the loader's own markers aside)."""
        if not isinstance(raw, dict):
            return
        for key in sorted(set(raw) - KEYS[part] - {LINE, FILE}):
            self.problem(raw, f"unknown key {key!r} in this {part} (known: {', '.join(sorted(KEYS[part]))})")

    def number(self, raw: dict[str, Any], key: str, default: int) -> int:
        value = raw.get(key, default)
        if type(value) is not int:  # not 2.7, not true, not "two"
            self.problem(raw, f"{key} must be a whole number")
            return default
        return value

    def flow(self, raw: dict[str, Any]) -> FlowDefinition:
        self.known(raw, "flow")
        for key in ("id", "version", "start_stage", "roles", "stages", "steps"):
            if key not in raw:
                self.problem(raw, f"missing top-level key {key!r}")
        anywhere = dict(_items(raw.get("on_signal_anywhere")))
        stages = {k: self.stage(k, v, anywhere) for k, v in _items(raw.get("stages"))}
        steps = {k: self.step(k, v) for k, v in _items(raw.get("steps"))}
        version = raw.get("version")
        if not isinstance(version, int) or version < 1:
            self.problem(raw, "version must be a positive whole number")
            version = 0
        return FlowDefinition(
            id=str(raw.get("id", "")),
            version=version,
            roles=tuple(raw.get("roles") or ()),
            start_stage=str(raw.get("start_stage", "")),
            stages=stages,
            steps=steps,
            source=self.source,
        )

    def stage(self, stage_id: str, raw: dict[str, Any], anywhere: dict[str, Any]) -> Stage:
        """`anywhere`: the flow's `on_signal_anywhere`, routes every stage takes unless it is final
        or hands over (`next_flow`); the stage's own `on_signal` wins for the same signal."""
        self.known(raw, "stage")
        routes = {} if raw.get("final") or raw.get("next_flow") else anywhere
        return Stage(
            id=stage_id,
            status=str(raw.get("status", stage_id.upper())),
            entry={k: str(v) for k, v in _items(raw.get("entry"))},
            on_enter=tuple(raw.get("on_enter") or ()),
            recheck=tuple(raw.get("recheck") or ()),
            deadline=self.deadline(raw["deadline"]) if raw.get("deadline") else None,
            duty=self.duty(raw["duty"]) if raw.get("duty") else None,
            on_signal={k: self.signal_routes(v) for k, v in [*routes.items(), *_items(raw.get("on_signal"))]},
            when_all_done=raw.get("when_all_done"),
            final=bool(raw.get("final", False)),
            reverify=tuple(raw.get("reverify") or ()),
            unadmitted=tuple(raw.get("unadmitted") or ()),
            next_flow=str(raw["next_flow"]) if raw.get("next_flow") else None,
            skip_to=tuple(self.transition(t) for t in _as_list(raw.get("skip_to"))),
            line=raw.get(LINE, 0),
            source=raw.get(FILE, ""),
        )

    def deadline(self, raw: dict[str, Any]) -> DeadlineSpec | None:
        self.known(raw, "deadline")
        try:
            duration = parse_duration(str(raw.get("duration", "")))
            remind = raw.get("remind_before")
            remind_before = parse_duration(str(remind)) if remind else None
            if remind_before is not None and remind_before.months:
                raise ValueError(f"remind_before {remind!r} is in months: a reminder is a fixed time before the end")
            extension = raw.get("self_extension")
            self_extension = parse_duration(str(extension)) if extension else None
            cases = tuple(self.duration_case(c) for c in _as_list(raw.get("duration_if")))
        except ValueError as error:
            self.problem(raw, str(error))
            return None
        return DeadlineSpec(
            kind=str(raw.get("kind", "")),
            duration=duration,
            duration_text=str(raw["duration"]),
            remind_before=remind_before,
            on_expire=raw.get("on_expire"),
            notify=tuple(raw.get("notify") or ()),
            expire_text=raw.get("expire_text"),
            params=raw.get("params"),
            rule=str(raw.get("rule", "")),
            remind_text=str(remind) if remind else None,
            **self.starts_on(raw),
            actions=tuple(raw.get("actions") or ()),
            self_extension=self_extension,
            duration_setting=str(raw["duration_setting"]) if raw.get("duration_setting") else None,
            duration_if=cases,
        )

    def duration_case(self, raw: Any) -> DurationCase:
        """One `duration_if` entry: `{if: <guard>, duration: <ISO-8601>, setting: <optional>}`."""
        if not isinstance(raw, dict) or not raw.get("if") or not raw.get("duration"):
            raise ValueError("duration_if needs entries {if: <guard>, duration: <ISO-8601 duration>}")
        setting = str(raw["setting"]) if raw.get("setting") else None
        return DurationCase(str(raw["if"]), parse_duration(str(raw["duration"])), str(raw["duration"]), setting)

    def duty(self, raw: dict[str, Any]) -> DutySpec | None:
        """`duty: {kind, duration, until: {sent: <text>, to: <role>}, notify, expire_text, params, rule}`."""
        self.known(raw, "duty")
        until = raw.get("until")
        if not isinstance(until, dict) or not until.get("sent") or not until.get("to"):
            self.problem(raw, "a duty needs until: {sent: <a served document's text>, to: <role>}")
            return None
        try:
            duration = parse_duration(str(raw.get("duration", "")))
        except ValueError as error:
            self.problem(raw, str(error))
            return None
        return DutySpec(
            kind=str(raw.get("kind", "")),
            duration=duration,
            duration_text=str(raw["duration"]),
            until_sent=str(until["sent"]),
            sent_to=str(until["to"]),
            notify=tuple(raw.get("notify") or ()),
            expire_text=raw.get("expire_text"),
            params=raw.get("params"),
            rule=str(raw.get("rule", "")),
        )

    def starts_on(self, raw: dict[str, Any]) -> dict[str, Any]:
        """`starts_on: {served: <text>, to: <role>}`: the period runs from when that document's
        service on that role takes effect (CPL 90, OLR 31), not from entering the stage.
        `to: [<role>, ...]`: each of those roles has its own period, from the service on it
        (`DeadlineSpec.each`); the stage's period ends when the last of them has."""
        found = raw.get("starts_on")
        if found is None:
            return {}
        if not isinstance(found, dict) or not found.get("served") or not found.get("to"):
            self.problem(raw, "starts_on needs {served: <a served document's text>, to: <role>}")
            return {}
        if isinstance(found["to"], list):
            return {"starts_on": str(found["served"]), "each": tuple(str(role) for role in found["to"])}
        return {"starts_on": str(found["served"]), "served_to": str(found["to"])}

    def step(self, step_id: str, raw: dict[str, Any]) -> Step:
        self.known(raw, "step")
        if "role" not in raw or "text" not in raw:
            self.problem(raw, f"step {step_id!r} needs a role and a text")
        return Step(
            id=step_id,
            role=str(raw.get("role", "")),
            text=str(raw.get("text", "")),
            input=self.input(raw.get("input") or {"kind": "wait"}),
            store=raw.get("store"),
            actions=tuple(raw.get("actions") or ()),
            params=raw.get("params"),
            transitions=tuple(self.transition(t) for t in _as_list(raw.get("next"))),
            edit_targets=tuple(self.edit_target(t) for t in raw.get("edit") or ()),
            for_each=str(raw["for_each"]) if raw.get("for_each") else None,
            after=tuple(self.transition(t) for t in _as_list(raw.get("after"))),
            line=raw.get(LINE, 0),
            source=raw.get(FILE, ""),
            ruling=bool(raw.get("ruling", False)),
        )

    def input(self, raw: dict[str, Any]) -> InputSpec:
        self.known(raw, "input")
        for option in raw.get("options") or ():
            self.known(option, "option")
        options = tuple(Option(str(o["value"]), str(o["text"]), o.get("if")) for o in raw.get("options") or ())
        max_amount = raw.get("max_amount")
        return InputSpec(
            kind=str(raw.get("kind", "")),
            options=options,
            validator=raw.get("validator"),
            max_length=self.number(raw, "max_length", 2000),
            max_amount=str(max_amount) if max_amount is not None else None,
            accept=tuple(raw.get("accept") or ()),
            max_files=self.number(raw, "max_files", 20),
            min_files=self.number(raw, "min_files", 0),
        )

    def transition(self, raw: Any) -> Transition:
        if isinstance(raw, str):
            return Transition(goto_step=raw)
        self.known(raw, "transition")
        return Transition(
            goto_step=raw.get("step"),
            goto_stage=raw.get("stage"),
            done=bool(raw.get("done", False)),
            answer=str(raw["answer"]) if "answer" in raw else None,
            guard=raw.get("if"),
            next_item=bool(raw.get("next_item", False)),
            line=raw.get(LINE, 0),
        )

    def signal_routes(self, raw: Any) -> tuple[Transition, ...]:
        """A signal leads to a stage, or to the first of several whose guard holds."""
        if isinstance(raw, str):
            return (Transition(goto_stage=raw),)
        return tuple(self.transition(t) for t in _as_list(raw))

    def edit_target(self, raw: Any) -> EditTarget:
        if isinstance(raw, str):
            return EditTarget(step=raw)
        self.known(raw, "edit")
        return EditTarget(step=str(raw["step"]), until=raw.get("until"), clears=tuple(raw.get("clears") or ()))


def _items(raw: Any) -> list[tuple[str, Any]]:
    if not isinstance(raw, dict):
        return []
    return [(k, v) for k, v in raw.items() if k != LINE]


def _as_list(raw: Any) -> list[Any]:
    if raw is None:
        return []
    return raw if isinstance(raw, list) else [raw]


def build_flow(raw: dict[str, Any], source: str) -> tuple[FlowDefinition, list[FlowProblem]]:
    """Build a definition from parsed YAML, returning the shape problems met on the way."""
    builder = _Builder(source)
    return builder.flow(raw), builder.problems
