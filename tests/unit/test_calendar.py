"""Court calendar and periods under CPL 85, with the State Council holiday data."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from court.calendar import (
    MAX_PERIOD_DAYS,
    CalendarError,
    CourtCalendar,
    YearCalendar,
    court_calendar_path,
    due_date,
    end_of_day_utc,
    load_calendar,
    message_text,
    parse_calendar,
    statutory_holidays,
)
from court.cli_tools import add_calendar_parser
from court.deadline_rule import court_deadline_rule
from flows.context import FlowContext
from flows.durations import parse_duration
from flows.effects import Message, ScheduleDeadline
from flows.engine import advance
from flows.events import Start
from flows.library import check_file
from flows.registry import Registry
from flows.state import CaseState
from flows.texts import Catalog, load_catalog

# A test fixture standing in for a court's 2027 file (not the official 2027 arrangement).
OVERRIDE_2027 = """
source: test fixture
years:
  2027:
    holidays: [2027-01-01, 2027-01-02, 2027-01-03]
    workdays: []
"""


# The days the holiday measures (as amended in 2024) make public holidays in 2027: New Year's Day;
# Spring Festival eve (5 Feb) and days 1-3 (6-8 Feb); Qingming (5 Apr); 1-2 May; Dragon Boat
# (9 Jun); Mid-Autumn (15 Sep); 1-3 October.
STATUTORY_2027 = frozenset(
    date.fromisoformat(d)
    for d in (
        "2027-01-01",
        "2027-02-05",
        "2027-02-06",
        "2027-02-07",
        "2027-02-08",
        "2027-04-05",
        "2027-05-01",
        "2027-05-02",
        "2027-06-09",
        "2027-09-15",
        "2027-10-01",
        "2027-10-02",
        "2027-10-03",
    )
)

# A test fixture standing in for the State Council's 2027 notice (not the real one): the
# statutory days with bridge days off, and no adjusted working days.
NOTICE_2027_DAYS_OFF = """
source: test fixture, a 2027 notice
years:
  2027:
    holidays: [2027-01-01, 2027-01-02, 2027-01-03,
               2027-02-05, 2027-02-06, 2027-02-07, 2027-02-08, 2027-02-09, 2027-02-10, 2027-02-11,
               2027-04-03, 2027-04-04, 2027-04-05, 2027-05-01, 2027-05-02, 2027-05-03, 2027-05-04,
               2027-05-05, 2027-06-09, 2027-09-15, 2027-10-01, 2027-10-02, 2027-10-03, 2027-10-04,
               2027-10-05, 2027-10-06, 2027-10-07]
"""


@pytest.fixture(scope="module")
def cal() -> CourtCalendar:
    """The shipped national calendar."""
    return load_calendar([])


@pytest.fixture
def override_2027(tmp_path: Path) -> Path:
    """A court override file adding 2027."""
    path = tmp_path / "calendar_2027.yaml"
    path.write_text(OVERRIDE_2027, encoding="utf-8")
    return path


# --- shipped data -----------------------------------------------------------------------------


def test_shipped_calendar_has_2025_and_2026_not_2027(cal: CourtCalendar) -> None:
    """The shipped data covers 2025 and 2026 only."""
    assert sorted(cal.years) == [2025, 2026]


@pytest.mark.parametrize(
    "day",
    [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
        "2025-01-26",
        "2025-02-08",
        "2025-04-27",
        "2025-09-28",
        "2025-10-11",
    ],
)
def test_shipped_adjusted_working_days_are_working_days(cal: CourtCalendar, day: str) -> None:
    """Each weekend day the State Council made a working day is one."""
    d = date.fromisoformat(day)
    assert d.weekday() >= 5
    assert cal.is_working_day(d)


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("2026-01-01", "2026-01-03"),
        ("2026-02-15", "2026-02-23"),
        ("2026-04-04", "2026-04-06"),
        ("2026-05-01", "2026-05-05"),
        ("2026-06-19", "2026-06-21"),
        ("2026-09-25", "2026-09-27"),
        ("2026-10-01", "2026-10-07"),
        ("2025-01-01", "2025-01-01"),
        ("2025-01-28", "2025-02-04"),
        ("2025-04-04", "2025-04-06"),
        ("2025-05-01", "2025-05-05"),
        ("2025-05-31", "2025-06-02"),
        ("2025-10-01", "2025-10-08"),
    ],
)
def test_shipped_holiday_periods_are_holidays(cal: CourtCalendar, first: str, last: str) -> None:
    """Every day of each published holiday period is a holiday, and the day after is not."""
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    days = [start + timedelta(n) for n in range((end - start).days + 1)]
    assert all(cal.is_holiday(d) for d in days)
    assert not cal.is_holiday(end + timedelta(1))


def test_shipped_2026_counts(cal: CourtCalendar) -> None:
    """2026 has 33 holiday days and 6 adjusted working days as published."""
    assert len(cal.years[2026].holidays) == 33
    assert len(cal.years[2026].workdays) == 6


# --- CPL 85 -----------------------------------------------------------------------------------


def test_cpl85_last_day_in_national_day_2026_moves_to_oct_8(cal: CourtCalendar) -> None:
    """10 days from 21 Sep 2026 end on 1 Oct, a holiday, so the period ends on 8 Oct."""
    result = due_date(date(2026, 9, 21), 10, cal)
    assert result.date == date(2026, 10, 8)
    assert result.moved_from == date(2026, 10, 1)
    assert result.moved_reason == "public_holiday"
    assert result.warnings == []


def test_cpl85_last_day_on_oct_7_2026_also_moves_to_oct_8(cal: CourtCalendar) -> None:
    """The last holiday day (a Wednesday) moves to Thursday 8 Oct."""
    assert due_date(date(2026, 9, 30), 7, cal).date == date(2026, 10, 8)


def test_cpl85_adjusted_working_sunday_sep_20_2026_stays(cal: CourtCalendar) -> None:
    """A period ending on Sunday 20 Sep 2026, an adjusted working day, does not move."""
    result = due_date(date(2026, 9, 10), 10, cal)
    assert result.date == date(2026, 9, 20)
    assert result.moved_from is None and result.moved_reason is None


def test_cpl85_holidays_inside_the_period_are_counted(cal: CourtCalendar) -> None:
    """A period running through National Day is not lengthened: 30 Sep + 10 = Sat 10 Oct, a workday."""
    result = due_date(date(2026, 9, 30), 10, cal)
    assert result.date == date(2026, 10, 10)
    assert result.moved_from is None


def test_cpl85_weekend_last_day_moves_to_monday(cal: CourtCalendar) -> None:
    """A period ending on Saturday 7 Mar 2026 ends on Monday 9 Mar."""
    result = due_date(date(2026, 3, 4), 3, cal)
    assert result.date == date(2026, 3, 9)
    assert result.moved_from == date(2026, 3, 7)
    assert result.moved_reason == "weekend"


def test_cpl85_starting_day_not_counted(cal: CourtCalendar) -> None:
    """A 1-day period from Mon 2 Mar ends Tue 3 Mar; 15 days end on 17 Mar."""
    assert due_date(date(2026, 3, 2), 1, cal).date == date(2026, 3, 3)
    assert due_date(date(2026, 3, 2), 15, cal).date == date(2026, 3, 17)


def test_cpl85_spring_festival_2025_moves_to_feb_5(cal: CourtCalendar) -> None:
    """A period ending inside Spring Festival 2025 (28 Jan - 4 Feb) ends on Wed 5 Feb."""
    assert due_date(date(2025, 1, 20), 10, cal).date == date(2025, 2, 5)


def test_cpl85_2027_without_notice_new_years_day_moves_provisionally(cal: CourtCalendar) -> None:
    """A December 2026 filing with a 2027 deadline: 1 Jan 2027 is a statutory holiday, so the
    period ends on Monday 4 Jan; the 2027 notice is not in the data, so it is provisional."""
    result = due_date(date(2026, 12, 17), 15, cal)
    assert result.date == date(2027, 1, 4)
    assert result.moved_from == date(2027, 1, 1)
    assert result.moved_reason == "public_holiday"
    assert result.warnings == ["calendar_provisional_year:2027"]
    assert result.provisional


def test_cpl85_2027_without_notice_weekend_still_moves(cal: CourtCalendar) -> None:
    """Saturday 2 Jan 2027 moves to Monday 4 Jan, provisionally."""
    result = due_date(date(2026, 12, 18), 15, cal)
    assert result.date == date(2027, 1, 4)
    assert result.moved_reason == "weekend"
    assert result.warnings == ["calendar_provisional_year:2027"]


def test_cpl85_override_file_adding_2027_removes_warning(override_2027: Path) -> None:
    """With a court file adding 2027, no warning, and 1 Jan 2027 moves past the holiday."""
    result = due_date(date(2026, 12, 17), 15, load_calendar([override_2027]))
    assert result.warnings == []
    assert result.date == date(2027, 1, 4)
    assert result.moved_reason == "public_holiday"


def test_cpl85_moving_into_a_year_without_data_warns() -> None:
    """A move that crosses into a year without data names that year too."""
    cal = CourtCalendar({2022: YearCalendar(frozenset(), frozenset())})
    result = due_date(date(2022, 12, 30), 1, cal)
    assert result.date == date(2023, 1, 2)
    assert result.warnings == ["calendar_missing_year:2023"]


def test_cpl85_rejects_bad_periods(cal: CourtCalendar) -> None:
    """Zero days, negative days and a datetime start are refused."""
    with pytest.raises(ValueError):
        due_date(date(2026, 3, 2), 0, cal)
    with pytest.raises(ValueError):
        due_date(date(2026, 3, 2), -3, cal)
    with pytest.raises(TypeError):
        due_date(datetime(2026, 3, 2, 12, 0), 3, cal)


# --- statutory holidays for a year without its notice (CPL 85, holiday measures 2024) --------


def test_statutory_2027_holidays_are_the_days_the_measures_fix() -> None:
    """The holidays package gives exactly the 13 statutory days of 2027, no estimated bridge day."""
    assert statutory_holidays(2027) == STATUTORY_2027


def test_statutory_days_leave_out_the_packages_estimated_2027_bridge_days(cal: CourtCalendar) -> None:
    """The package estimates 9-10 Feb, 3-4 May and 4-5 Oct 2027 as days off; a guess may only
    move a deadline later once the notice confirms it, so they stay working days until then."""
    for day in ("2027-02-09", "2027-02-10", "2027-05-03", "2027-05-04", "2027-10-04", "2027-10-05"):
        assert cal.is_working_day(date.fromisoformat(day)), day


@pytest.mark.parametrize("year", [2025, 2026])
def test_shipped_notice_years_include_every_statutory_day(cal: CourtCalendar, year: int) -> None:
    """Each shipped notice keeps every statutory holiday of its year, so the notice is never
    earlier than the statutory calendar on a holiday."""
    statutory = statutory_holidays(year)
    assert statutory is not None and len(statutory) == 13
    assert statutory <= cal.years[year].holidays


def test_cpl85_2026_12_31_plus_1_day_is_not_new_years_day_2027(cal: CourtCalendar) -> None:
    """`calendar due --from 2026-12-31 --days 1` used to give 2027-01-01: it ends Mon 4 Jan."""
    result = due_date(date(2026, 12, 31), 1, cal)
    assert result.date == date(2027, 1, 4)
    assert result.moved_from == date(2027, 1, 1) and result.moved_reason == "public_holiday"


def test_cpl85_2027_02_01_plus_7_days_is_not_spring_festival(cal: CourtCalendar) -> None:
    """8 Feb 2027 is the third day of Spring Festival: the period ends Tue 9 Feb (statutory)."""
    result = due_date(date(2027, 2, 1), 7, cal)
    assert result.date == date(2027, 2, 9)
    assert result.moved_from == date(2027, 2, 8)
    assert result.provisional


def test_cpl85_only_the_last_day_moves_in_a_provisional_year(cal: CourtCalendar) -> None:
    """A period running through Spring Festival 2027 is not lengthened: 4 Feb + 6 = Wed 10 Feb."""
    result = due_date(date(2027, 2, 4), 6, cal)
    assert result.date == date(2027, 2, 10)
    assert result.moved_from is None


def test_cpl85_a_2027_deadline_is_provisional_a_2026_one_is_not(cal: CourtCalendar) -> None:
    """A deadline in 2027 (no notice) is provisional; one in 2026 (notice shipped) is not."""
    assert due_date(date(2026, 12, 1), 15, cal).provisional is False
    assert due_date(date(2026, 12, 1), 15, cal).warnings == []
    assert due_date(date(2027, 3, 1), 15, cal).provisional is True


def test_cpl85_a_period_ending_on_2026_12_31_is_final(cal: CourtCalendar) -> None:
    """Thursday 31 Dec 2026 is a working day; a period ending there is final, not provisional."""
    assert due_date(date(2026, 12, 30), 1, cal).provisional is False


def test_cpl85_notice_for_2027_makes_deadlines_final_and_not_earlier(tmp_path: Path, cal: CourtCalendar) -> None:
    """With the 2027 notice in a court file the named deadlines are no longer provisional and are
    never earlier than the statutory ones; its bridge days move them later."""
    path = tmp_path / "calendar_notice.yaml"
    path.write_text(NOTICE_2027_DAYS_OFF, encoding="utf-8")
    noticed = load_calendar([path])
    for start, days in ((date(2026, 12, 31), 1), (date(2027, 2, 1), 7), (date(2026, 12, 25), 7)):
        statutory, final = due_date(start, days, cal), due_date(start, days, noticed)
        assert statutory.provisional and not final.provisional
        assert final.warnings == []
        assert final.date >= statutory.date
    assert due_date(date(2027, 2, 1), 7, noticed).date == date(2027, 2, 12)


def test_cpl85_notice_days_off_only_ever_move_a_deadline_later(tmp_path: Path, cal: CourtCalendar) -> None:
    """For every start from December 2026 to December 2027 and periods of 1, 3, 7 and 15 days,
    a notice that adds days off to the statutory ones never gives an earlier last day."""
    path = tmp_path / "calendar_notice.yaml"
    path.write_text(NOTICE_2027_DAYS_OFF, encoding="utf-8")
    noticed = load_calendar([path])
    starts = [date(2026, 12, 1) + timedelta(n) for n in range(396)]
    for start in starts:
        for days in (1, 3, 7, 15):
            assert due_date(start, days, noticed).date >= due_date(start, days, cal).date, (start, days)


def test_statutory_fallback_is_only_in_the_loaded_calendar_and_years_it_covers(cal: CourtCalendar) -> None:
    """A bare CourtCalendar has no fallback; the loaded one stops where the package stops (2100)."""
    assert CourtCalendar().is_working_day(date(2027, 1, 1))
    assert not cal.is_working_day(date(2027, 1, 1))
    beyond = due_date(date(2101, 3, 1), 1, cal)
    assert beyond.warnings == ["calendar_missing_year:2101"] and not beyond.provisional
    assert "statutory holidays: holidays" in cal.sources[0]


def test_cpl85_period_longer_than_ten_years_or_past_the_last_date_is_refused(cal: CourtCalendar) -> None:
    """Periods beyond MAX_PERIOD_DAYS, or ending after date.max, raise ValueError, not OverflowError."""
    assert due_date(date(2026, 3, 2), MAX_PERIOD_DAYS, cal).date.year == 2036
    with pytest.raises(ValueError):
        due_date(date(2026, 3, 2), MAX_PERIOD_DAYS + 1, cal)
    with pytest.raises(ValueError):
        due_date(date(9999, 12, 30), 5, cal)


def test_cpl85_move_reasons_say_only_the_last_day_matters_in_both_languages() -> None:
    """The explanation of a move says that only the last day moves; holidays inside count."""
    for reason in ("public_holiday", "weekend"):
        assert "only the last day moves" in message_text(reason, "en", day="2027-01-01")
        assert "仅看最后一日" in message_text(reason, "zh", day="2027-01-01")


def test_provisional_warning_text_in_both_languages() -> None:
    """The provisional warning names the year, the statutory days, and that it may move later."""
    en = message_text("calendar_provisional_year:2027", "en")
    zh = message_text("calendar_provisional_year:2027", "zh")
    assert "2027" in en and "statutory public holidays" in en and "may move this deadline later" in en
    assert "2027年" in zh and "法定节假日" in zh and "可能使本期限顺延" in zh


# --- deadlines in the flows ---------------------------------------------------------------------

SHANGHAI_RULE = court_deadline_rule(load_calendar(), "Asia/Shanghai")


def test_fm22_fee_notice_of_2026_12_25_does_not_lapse_on_new_years_day() -> None:
    """7 days from a fee notice on 25 Dec 2026 would end on 1 Jan 2027: the period ends on
    Monday 4 Jan 2027 at 23:59:59 court time instead, flagged provisional (FM 22, CPL 85)."""
    notice = datetime(2026, 12, 25, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    due = SHANGHAI_RULE(notice, parse_duration("P7D"))
    assert due.at == datetime(2027, 1, 4, 15, 59, 59, tzinfo=UTC)
    assert due.provisional and due.warnings == ("calendar_provisional_year:2027",)


def test_fm22_fee_notice_in_2026_is_final() -> None:
    """A fee period ending in 2026 is not provisional and carries no warning."""
    due = SHANGHAI_RULE(datetime(2026, 12, 1, 2, 0, tzinfo=UTC), parse_duration("P7D"))
    assert due.at == datetime(2026, 12, 8, 15, 59, 59, tzinfo=UTC)
    assert not due.provisional and due.warnings == ()


ONE_STAGE_FLOW = """
id: pay
version: 1
roles: [plaintiff, court]
start_stage: paying
stages:
  paying:
    entry: {plaintiff: pay}
    deadline: {kind: payment, duration: P7D, on_expire: done, notify: [court]}
  done:
    entry: {court: note}
    final: true
steps:
  pay: {role: plaintiff, text: q, input: {kind: long_text}, store: paid, next: {done: true}}
  note: {role: court, text: q}
"""


def test_cpl85_parties_are_told_a_2027_deadline_is_provisional(tmp_path: Path) -> None:
    """Entering a stage whose deadline falls in 2027 tells the plaintiff and the court, in their
    language, that the deadline may move later when the 2027 holiday notice is published."""
    path = tmp_path / "pay.yaml"
    path.write_text(ONE_STAGE_FLOW, encoding="utf-8")
    texts = {loc: {"q": "?", "deadline.kind.payment": "payment period"} for loc in ("zh", "en")}
    flow, problems = check_file(path, Registry(), Catalog(texts))
    assert flow is not None and problems == []
    context = FlowContext(datetime(2026, 12, 25, 2, 0, tzinfo=UTC), due=SHANGHAI_RULE)
    effects = advance(flow, CaseState("pay", 1), Start(), context, Registry()).effects
    told = [e for e in effects if isinstance(e, Message) and e.text == "deadline.calendar_warning"]
    assert sorted(m.role for m in told) == ["court", "plaintiff"]
    scheduled = [e for e in effects if isinstance(e, ScheduleDeadline)]
    assert scheduled[0].due_at == datetime(2027, 1, 4, 15, 59, 59, tzinfo=UTC)
    catalog = load_catalog()
    en = catalog.render("deadline.calendar_warning", "en", told[0].params)
    zh = catalog.render("deadline.calendar_warning", "zh", told[0].params)
    assert "2027-01-04 23:59" in en and "provisionally" in en and "may move this deadline later" in en
    assert "2027-01-04 23:59" in zh and "暂定" in zh and "可能使本期限顺延" in zh


# --- loading and merging ----------------------------------------------------------------------


def test_later_file_replaces_a_whole_year(tmp_path: Path) -> None:
    """A court file giving 2026 with only 1 Oct replaces the shipped 2026 entirely."""
    path = tmp_path / "c.yaml"
    path.write_text("years:\n  2026:\n    holidays: [2026-10-01]\n", encoding="utf-8")
    cal = load_calendar([path])
    assert due_date(date(2026, 9, 21), 10, cal).date == date(2026, 10, 2)
    assert not cal.is_working_day(date(2026, 9, 20))
    assert cal.has_year(2025)
    assert cal.sources[-1] == str(path)


def test_load_without_shipped_data(override_2027: Path) -> None:
    """include_shipped=False loads the given files only."""
    assert sorted(load_calendar([override_2027], include_shipped=False).years) == [2027]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("years:\n  2026:\n    workdays: [2026-03-04]\n", "not a weekend"),
        ("years:\n  2026:\n    holidays: [2025-10-01]\n", "not in 2026"),
        ("years:\n  2026:\n    holidays: ['2026-10-01']\n", "not a date"),
        ("years:\n  2026:\n    holidays: [2026-10-10]\n    workdays: [2026-10-10]\n", "both"),
        ("years:\n  2026:\n    holiday: [2026-10-01]\n", "only 'holidays'"),
        ("years:\n  twenty: {}\n", "year"),
        ("holidays: [2026-10-01]\n", "'years'"),
        ("years: {}\nextra: 1\n", "unknown keys"),
        ("years: [\n", "not valid YAML"),
    ],
)
def test_invalid_calendar_data_is_refused_loudly(text: str, fragment: str) -> None:
    """Malformed calendar data raises calendar_invalid saying what is wrong."""
    with pytest.raises(CalendarError) as err:
        parse_calendar(text, "court.yaml")
    assert err.value.code == "calendar_invalid"
    assert fragment in err.value.detail


def test_missing_calendar_file_is_refused(tmp_path: Path) -> None:
    """A file that does not exist raises calendar_file_not_found."""
    with pytest.raises(CalendarError) as err:
        load_calendar([tmp_path / "absent.yaml"])
    assert err.value.code == "calendar_file_not_found"


def test_court_calendar_path_finds_file_or_none(tmp_path: Path) -> None:
    """calendar_<CODE>.yaml is found when present; absent gives None; a path-like code is refused."""
    (tmp_path / "calendar_0192.yaml").write_text(OVERRIDE_2027, encoding="utf-8")
    assert court_calendar_path("0192", tmp_path) == tmp_path / "calendar_0192.yaml"
    assert court_calendar_path("0193", tmp_path) is None
    with pytest.raises(CalendarError) as err:
        court_calendar_path("../etc", tmp_path)
    assert err.value.code == "court_code_invalid"


def test_missing_year_warning_text_is_clear_in_both_languages() -> None:
    """The warning says only weekends were used for that year, in English and Chinese."""
    en = message_text("calendar_missing_year:2027", "en")
    zh = message_text("calendar_missing_year:2027", "zh")
    assert "2027" in en and "only Saturdays and Sundays" in en
    assert "2027年" in zh and "仅按周六、周日" in zh


# --- court time -------------------------------------------------------------------------------


def test_end_of_day_utc_is_15_59_59z_for_shanghai() -> None:
    """23:59:59 in Asia/Shanghai on 8 Oct 2026 is 15:59:59 UTC."""
    instant = end_of_day_utc(date(2026, 10, 8))
    assert instant == datetime(2026, 10, 8, 15, 59, 59, tzinfo=UTC)
    assert instant.utcoffset() == timedelta(0)


def test_end_of_day_utc_other_zone_follows_dst() -> None:
    """A court in London in summer closes at 22:59:59 UTC."""
    instant = end_of_day_utc(date(2026, 7, 1), "Europe/London")
    assert instant == datetime(2026, 7, 1, 22, 59, 59, tzinfo=UTC)


# --- CLI ----------------------------------------------------------------------------------------


def _run_cli(argv: list[str], data_dir: Path | None = None) -> int:
    """Parse ``argv`` with the calendar sub-command registered and run its handler."""
    parser = argparse.ArgumentParser(prog="microcourt")
    subparsers = parser.add_subparsers(dest="command", required=True)
    if data_dir is None:
        add_calendar_parser(subparsers)
    else:
        add_calendar_parser(subparsers, data_dir=data_dir)
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_cli_cpl85_due_date_moved_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    """`calendar due` prints Oct 8, that it moved from Oct 1, and why, in zh and en."""
    assert _run_cli(["calendar", "due", "--from", "2026-09-21", "--days", "10"]) == 0
    out = capsys.readouterr().out
    assert "Due date: 2026-10-08" in out
    assert "yes, from 2026-10-01" in out and "是，自 2026-10-01 顺延" in out
    assert "is a public holiday" in out and "法定节假日" in out
    assert "2026-10-08T15:59:59Z" in out
    assert "Warning" not in out


def test_cli_cpl85_provisional_2027_warning_in_both_languages(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A 2027 due date says it is provisional and may move later, in Chinese and English."""
    assert _run_cli(["calendar", "due", "--from", "2026-12-17", "--days", "15"]) == 0
    out = capsys.readouterr().out
    assert "Due date: 2027-01-04" in out
    assert "暂定 / Provisional: 是，可能顺延 / yes, may move later" in out
    assert "calendar_provisional_year:2027" in out
    assert "may move this deadline later" in out and "可能使本期限顺延" in out
    assert "calendar_missing_year" not in out


def test_cli_court_code_selects_override_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--court CODE loads calendar_<CODE>.yaml, which here adds 2027 and removes the warning."""
    (tmp_path / "calendar_0192.yaml").write_text(OVERRIDE_2027, encoding="utf-8")
    argv = ["calendar", "due", "--from", "2026-12-17", "--days", "15", "--court", "0192"]
    assert _run_cli(argv, tmp_path) == 0
    out = capsys.readouterr().out
    assert "Due date: 2027-01-04" in out
    assert "calendar_missing_year" not in out
    assert "calendar_0192.yaml" in out


def test_cli_unknown_court_code_uses_shipped_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A court without its own file gets the shipped calendar and a note saying so."""
    argv = ["calendar", "due", "--from", "2026-09-21", "--days", "10", "--court", "0999"]
    assert _run_cli(argv, tmp_path) == 0
    out = capsys.readouterr().out
    assert "No calendar file for court 0999" in out and "法院0999没有自己的日历文件" in out


def test_cli_calendar_file_option(override_2027: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--calendar FILE adds a file after the shipped data."""
    argv = [
        "calendar",
        "due",
        "--from",
        "2026-12-17",
        "--days",
        "15",
        "--calendar",
        str(override_2027),
    ]
    assert _run_cli(argv) == 0
    assert "Due date: 2027-01-04" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--from", "2026-13-01", "--days", "3"], "YYYY-MM-DD"),
        (["--from", "2026-03-02", "--days", "three"], "whole number"),
        (["--from", "2026-03-02", "--days", "0"], "whole number"),
        (["--from", "2026-03-02", "--days", "3000000"], "too large"),
        (["--from", "9999-12-30", "--days", "5"], "last date the calendar can show"),
        (["--from", "2026-03-02", "--days", "3", "--calendar", "/no/such.yaml"], "not found"),
        (["--from", "2026-03-02", "--days", "3", "--court", "../x"], "Invalid court code"),
    ],
)
def test_cli_bad_input_exits_2_bilingual(argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Bad dates, day counts, files and court codes print zh and en errors and exit 2."""
    assert _run_cli(["calendar", "due", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "错误：" in captured.err and fragment in captured.err


def test_cli_calendar_without_command_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """`calendar` alone prints its usage and exits 2."""
    assert _run_cli(["calendar"]) == 2
    assert "due" in capsys.readouterr().err
