"""Period arithmetic beyond days: hours from the next full hour (Interp. 125), months with the
month-end rule, then CPL 85's last-day rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from court.calendar import load_calendar
from court.deadline_rule import court_deadline_rule, next_full_hour
from flows.context import plain_offset
from flows.durations import add_months, parse_duration

RULE = court_deadline_rule(load_calendar(), "Asia/Shanghai")


def _shanghai(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC) - timedelta(hours=8)  # the court-time wall clock, in UTC


def test_interp125_hour_period_counts_from_the_next_full_hour() -> None:
    start = _shanghai(2026, 12, 1, 10, 20)
    assert RULE(start, parse_duration("PT24H")).at == _shanghai(2026, 12, 2, 11, 0)


def test_interp125_event_exactly_on_the_hour_still_starts_at_the_next_hour() -> None:
    assert next_full_hour(_shanghai(2026, 12, 1, 10, 0)) == _shanghai(2026, 12, 1, 11, 0)


def test_mixed_clock_period_stays_a_plain_offset() -> None:
    start = _shanghai(2026, 12, 1, 10, 20)
    assert RULE(start, parse_duration("PT90M")).at == start + timedelta(minutes=90)


def test_month_period_parses() -> None:
    one = parse_duration("P1M")
    assert (one.months, one.days, one.is_day_period, one.is_hour_period) == (1, 0, True, False)
    assert parse_duration("P2M3D").months == 2


@pytest.mark.parametrize("bad", ["P1MT2H", "P0M", "PM"])
def test_month_period_mixed_with_hours_or_empty_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(bad)


def test_month_period_has_no_fixed_length() -> None:
    with pytest.raises(ValueError, match="months"):
        parse_duration("P1M").as_timedelta()


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        ("2027-01-31", 1, "2027-02-28"),  # no 31 February: the month's last day
        ("2028-01-31", 1, "2028-02-29"),  # a leap year
        ("2026-11-30", 3, "2027-02-28"),
        ("2026-12-15", 1, "2027-01-15"),
        ("2026-08-31", 6, "2027-02-28"),
    ],
)
def test_month_end_handled(start: str, months: int, end: str) -> None:
    assert add_months(date.fromisoformat(start), months) == date.fromisoformat(end)


def test_cpl85_month_period_ends_on_the_same_day_next_month() -> None:
    due = RULE(_shanghai(2026, 11, 10, 9, 0), parse_duration("P1M"))
    assert due.at == datetime(2026, 12, 10, 15, 59, 59, tzinfo=UTC)  # Thursday 10 December


def test_cpl85_month_period_ending_on_a_holiday_moves_to_the_next_working_day() -> None:
    due = RULE(_shanghai(2026, 9, 1, 9, 0), parse_duration("P1M"))  # 1 October: National Day
    assert due.at == datetime(2026, 10, 8, 15, 59, 59, tzinfo=UTC)


def test_cpl85_month_end_then_weekend_moves_to_monday() -> None:
    due = RULE(_shanghai(2027, 1, 31, 9, 0), parse_duration("P1M"))  # 28 February 2027 is a Sunday
    assert due.at == datetime(2027, 3, 1, 15, 59, 59, tzinfo=UTC)
    assert due.provisional  # 2027's notice is not in the data yet


def test_plain_offset_counts_months_by_the_calendar() -> None:
    start = datetime(2027, 1, 31, 9, 0, tzinfo=UTC)
    assert plain_offset(start, parse_duration("P1M")).at == datetime(2027, 2, 28, 9, 0, tzinfo=UTC)
