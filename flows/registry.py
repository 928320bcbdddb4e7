"""Named behaviour a flow may reference: guards, actions, validators and formatters.

YAML names a function; only functions registered here can be named. Nothing is evaluated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flows.context import FlowContext
from flows.effects import Effect
from flows.model import InputSpec, Stage

Guard = Callable[[Mapping[str, Any], Any], bool]
"""(case data, the answer just given) -> whether the transition applies."""

Action = Callable[[dict[str, Any], FlowContext], list[Effect]]
"""Updates the case data it is given and returns effects. Pure: no I/O, no clock."""

Validator = Callable[[Any, InputSpec, FlowContext], Any]
"""Returns the normalised answer or raises InputError; `FlowContext.case` holds the case data."""

Formatter = Callable[[Mapping[str, Any]], dict[str, Any]]
"""Case data -> a text's parameters (values may be `{"t": key}` to translate)."""

SignalHandler = Callable[[dict[str, Any], Mapping[str, Any], FlowContext], list[Effect]]
"""(case data, the signal's payload, context) -> effects: a signal any stage takes (e.g. the result
of an identity re-check). Updates the case data; raises InputError to refuse the signal."""

AnswerCheck = Callable[[Mapping[str, Any], str], None]
"""(case data, the answering role): raises InputError when that role may not act now."""

StageHook = Callable[[dict[str, Any], Stage, FlowContext], list[Effect]]
"""Runs on entering any stage, after its own `on_enter` actions; updates the case data and
returns effects (e.g. the identity re-check a stage's `reverify` asks for)."""


class InputError(ValueError):
    """An answer the step cannot take; `code` is a text key under `errors.`."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Registry:
    guards: dict[str, Guard] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)
    validators: dict[str, Validator] = field(default_factory=dict)
    formatters: dict[str, Formatter] = field(default_factory=dict)
    signals: dict[str, SignalHandler] = field(default_factory=dict)
    answer_checks: list[AnswerCheck] = field(default_factory=list)
    stage_hooks: list[StageHook] = field(default_factory=list)
    served_texts: set[str] = field(default_factory=set)
    """Texts whose message serves a court document (the kernel registers them): a deadline may
    start from one's effective service (`starts_on`)."""

    def guard(self, name: str) -> Callable[[Guard], Guard]:
        return _register(self.guards, name)

    def action(self, name: str) -> Callable[[Action], Action]:
        return _register(self.actions, name)

    def validator(self, name: str) -> Callable[[Validator], Validator]:
        return _register(self.validators, name)

    def formatter(self, name: str) -> Callable[[Formatter], Formatter]:
        return _register(self.formatters, name)


def _register(table: dict[str, Any], name: str) -> Callable[[Any], Any]:
    def decorate(fn: Any) -> Any:
        if name in table:
            raise ValueError(f"{name!r} is registered twice")
        table[name] = fn
        return fn

    return decorate
