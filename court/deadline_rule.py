"""How a flow's durations become instants: day periods under CPL 85, clock periods as offsets."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from court.calendar import CourtCalendar, due_date, end_of_day_utc
from flows.context import DeadlineRule, DueTime
from flows.durations import Duration


def court_deadline_rule(calendar: CourtCalendar, timezone: str) -> DeadlineRule:
    """A rule for `FlowContext.due`: days skip the start day, end 23:59:59, a last day on a holiday moves (CPL 85).

    A deadline in a year whose holiday notice is not in ``calendar`` is ``provisional`` and carries
    the ``calendar_provisional_year`` warning, which the engine tells the parties.
    """
    zone = ZoneInfo(timezone)

    def rule(start: datetime, duration: Duration) -> DueTime:
        if not duration.is_day_period:
            return DueTime(start + duration.as_timedelta())
        due = due_date(start.astimezone(zone).date(), duration.days, calendar)
        return DueTime(end_of_day_utc(due.date, timezone), tuple(due.warnings), due.provisional)

    return rule
