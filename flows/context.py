"""What `advance()` may know about the world: the time, the court's settings and calendar."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flows.durations import Duration, add_months


@dataclass(frozen=True)
class DueTime:
    at: datetime
    warnings: tuple[str, ...] = ()
    provisional: bool = False  # counted without the year's holiday notice: it may move later


DeadlineRule = Callable[[datetime, Duration], DueTime]
"""(start instant, duration) -> when the period ends, under the court's calendar (CPL 85)."""


def plain_offset(start: datetime, duration: Duration) -> DueTime:
    """A calendar-free rule: the duration added to the start instant (months by the calendar's
    month lengths, month-end handled)."""
    if duration.months:
        moved = add_months(start.date(), duration.months)
        return DueTime(start.replace(year=moved.year, month=moved.month, day=moved.day) + timedelta(days=duration.days))
    return DueTime(start + duration.as_timedelta())


@dataclass(frozen=True)
class FlowContext:
    now: datetime
    settings: Mapping[str, Any] = field(default_factory=dict)
    due: DeadlineRule = plain_offset
    case: Mapping[str, Any] = field(default_factory=dict)
    """The case data, as a validator is given it: an answer may be possible for one case and
    not another (the tracks a case type allows). Empty elsewhere."""
