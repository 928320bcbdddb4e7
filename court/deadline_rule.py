"""How a flow's durations become instants: day and month periods under CPL 85, hour periods from
the next full hour (Interp. 125), other clock periods as offsets."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from court.calendar import CourtCalendar, due_date, end_of_day_utc
from flows.context import DeadlineRule, DueTime
from flows.durations import Duration, add_months

HOUR = timedelta(hours=1)


def next_full_hour(start: datetime) -> datetime:
    """The full hour after `start` (Interp. 125: a period in hours starts from the next hour; the
    hour in which the event happened is not counted)."""
    return start.replace(minute=0, second=0, microsecond=0) + HOUR


def court_deadline_rule(calendar: CourtCalendar, timezone: str) -> DeadlineRule:
    """A rule for `FlowContext.due`: days and months skip the start day and end 23:59:59, a last
    day on a holiday moves (CPL 85); hours run from the next full hour (Interp. 125).

    A month period ends on the same day of the month (that month's last day when it has none),
    then CPL 85's last-day rule applies. A deadline in a year whose holiday notice is not in
    ``calendar`` is ``provisional`` and carries the ``calendar_provisional_year`` warning, which
    the engine tells the parties.
    """
    zone = ZoneInfo(timezone)

    def rule(start: datetime, duration: Duration) -> DueTime:
        if duration.is_hour_period:
            return DueTime(next_full_hour(start) + duration.clock)
        if not duration.is_day_period:
            return DueTime(start + duration.as_timedelta())
        first = start.astimezone(zone).date()
        nominal = add_months(first, duration.months) + timedelta(days=duration.days)
        due = due_date(first, (nominal - first).days, calendar)
        return DueTime(end_of_day_utc(due.date, timezone), tuple(due.warnings), due.provisional)

    return rule
