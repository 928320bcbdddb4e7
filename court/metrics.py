"""A small Prometheus text-format registry (counters and gauges with labels)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable


class Metrics:
    def __init__(self) -> None:
        self._counters: dict[str, dict[tuple[tuple[str, str], ...], float]] = defaultdict(dict)
        self._gauges: dict[str, float] = {}
        self._help: dict[str, tuple[str, str]] = {}
        self._collectors: list[Callable[[Metrics], Awaitable[None]]] = []

    def describe(self, name: str, kind: str, text: str) -> None:
        self._help[name] = (kind, text)

    def inc(self, name: str, amount: float = 1.0, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        series = self._counters[name]
        series[key] = series.get(key, 0.0) + amount

    def set(self, name: str, value: float) -> None:
        self._gauges[name] = value

    def value(self, name: str, **labels: str) -> float:
        if name in self._gauges:
            return self._gauges[name]
        return self._counters.get(name, {}).get(tuple(sorted(labels.items())), 0.0)

    def on_scrape(self, collector: Callable[[Metrics], Awaitable[None]]) -> None:
        self._collectors.append(collector)

    async def render(self) -> str:
        for collector in self._collectors:
            await collector(self)
        lines: list[str] = []
        for name in sorted({*self._counters, *self._gauges, *self._help}):
            kind, text = self._help.get(name, ("gauge" if name in self._gauges else "counter", name))
            lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]
            if name in self._gauges:
                lines.append(f"{name} {self._gauges[name]}")
            for labels, value in sorted(self._counters.get(name, {}).items()):
                rendered = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
                lines.append(f"{name}{{{rendered}}} {value}" if rendered else f"{name} {value}")
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def standard_metrics() -> Metrics:
    metrics = Metrics()
    metrics.describe("microcourt_chat_turns_total", "counter", "Answers received, by channel")
    metrics.describe("microcourt_errors_total", "counter", "Refused inputs and failures, by code")
    metrics.describe("microcourt_outbox_backlog", "gauge", "Outbox rows not yet sent")
    metrics.describe("microcourt_outbox_sent_total", "counter", "Outbox rows delivered, by channel")
    metrics.describe("microcourt_deadline_lag_seconds", "gauge", "Lateness of the last fired deadline")
    metrics.describe("microcourt_deadlines_fired_total", "counter", "Deadlines fired, by outcome")
    metrics.describe("microcourt_sweeper_runs_total", "counter", "Deadline sweeper runs")
    return metrics
