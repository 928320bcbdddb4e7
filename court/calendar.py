"""The court calendar and period arithmetic under CPL 85 (Civil Procedure Law, 2023).

Two layers. The statutory public holidays fixed by the holiday measures (全国年节及纪念日放假办法,
as amended in 2024) come from the maintained ``holidays`` package for any year. Each year's State
Council notice (bridge days off, adjusted working days) comes from the court's YAML files; for a
year in those files the YAML is authoritative. A due date whose last day (or a day it moves
through) lies in a year with statutory days only is **provisional** and carries the warning
``calendar_provisional_year:<year>``; a year the package does not cover either falls back to
"Saturdays and Sundays are not working days" with ``calendar_missing_year:<year>``.
``due_date`` is pure; ``load_calendar`` reads the YAML files and loads the package.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import yaml

from court.texts import has_text, text

Locale = Literal["zh", "en"]

DATA_DIR = Path(__file__).parent / "data"
SHIPPED_CALENDAR = DATA_DIR / "holidays_cn.yaml"
COURT_TZ = "Asia/Shanghai"
MISSING_YEAR = "calendar_missing_year"
PROVISIONAL_YEAR = "calendar_provisional_year"
# The longest period `due_date` counts: ten years, far beyond any period in days in the law.
MAX_PERIOD_DAYS = 3653
# The holidays the measures themselves fix, by their names in the package's zh_CN data: New
# Year's Day; Spring Festival eve and days 1-3; Qingming; 1-2 May; Dragon Boat; Mid-Autumn; 1-3
# October (as amended in 2024; the package also knows the earlier versions of the measures).
STATUTORY_NAMES = frozenset({"元旦", "农历除夕", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"})
STATUTORY_SOURCE = f"statutory holidays: holidays {version('holidays')} (全国年节及纪念日放假办法)"
_COURT_CODE = re.compile(r"^[\w-]+$")
Day = date  # alias: ``DueDate`` has a field named ``date``


class CalendarError(ValueError):
    """Calendar data cannot be used; ``code`` is a key under ``calendar`` in court/texts, ``detail`` says where."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class YearCalendar:
    """One year's public holidays and adjusted working days."""

    holidays: frozenset[date]
    workdays: frozenset[date]


@lru_cache(maxsize=32)
def statutory_holidays(year: int) -> frozenset[date] | None:
    """The days the holiday measures make public holidays in ``year``; None outside the package.

    Only the statutory days are taken. The package also lists days off of its own: copies of past
    notices' bridge days (kept by ``observed=False``, dropped here by name) and, for a year without
    a notice, bridge days it estimates (补假，推定, dropped by ``observed=False``). An estimated day
    off is not counted: counting it would set a deadline later than the statutory one on a guess,
    and if the notice then made that day a working day, correcting the deadline a party was given
    would move it EARLIER. Left out, the provisional deadline is the statutory one and the notice's
    days off can only move it later. (A notice's adjusted working days are weekend days; a
    deadline once set is stored, not recomputed, so they do not shorten it either.)
    """
    from holidays import country_holidays  # load_calendar imports it first: it loads every country (~0.5 s)
    from holidays.countries.china import China

    if not China.start_year <= year <= China.end_year:
        return None
    national = country_holidays("CN", years=year, observed=False, language="zh_CN")
    return frozenset(day for day in national if STATUTORY_NAMES.intersection(national.get_list(day)))


@dataclass(frozen=True)
class CourtCalendar:
    """Holiday data by year; ``sources`` names the files it was built from, in order.

    ``years`` holds the State Council notices. With ``statutory_fallback`` a year not in
    ``years`` uses the statutory holidays of the holiday measures (a provisional year).
    """

    years: Mapping[int, YearCalendar] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    statutory_fallback: bool = False

    def has_year(self, year: int) -> bool:
        """Whether the year's holiday notice is in the data."""
        return year in self.years

    def is_provisional(self, year: int) -> bool:
        """Whether ``year`` has the statutory holidays only, its notice not yet in the data."""
        return not self.has_year(year) and self._statutory(year) is not None

    def _statutory(self, year: int) -> YearCalendar | None:
        """The statutory-only calendar of ``year`` if this calendar falls back to it."""
        days = statutory_holidays(year) if self.statutory_fallback else None
        return None if days is None else YearCalendar(days, frozenset())

    def _year(self, year: int) -> YearCalendar | None:
        """The notice for ``year``, else its statutory holidays, else None."""
        data = self.years.get(year)
        return data if data is not None else self._statutory(year)

    def is_holiday(self, day: date) -> bool:
        """Whether ``day`` is a public holiday in the data."""
        data = self._year(day.year)
        return data is not None and day in data.holidays

    def is_adjusted_workday(self, day: date) -> bool:
        """Whether ``day`` is a weekend day made a working day by the arrangement."""
        data = self._year(day.year)
        return data is not None and day in data.workdays

    def is_working_day(self, day: date) -> bool:
        """A working day: not a holiday, and a weekday or an adjusted working day."""
        if self.is_holiday(day):
            return False
        return day.weekday() < 5 or self.is_adjusted_workday(day)

    def merged(self, other: CourtCalendar) -> CourtCalendar:
        """This calendar with ``other``'s years added; a year in both is taken whole from ``other``."""
        fallback = self.statutory_fallback or other.statutory_fallback
        return CourtCalendar({**self.years, **other.years}, self.sources + other.sources, fallback)


@dataclass(frozen=True)
class DueDate:
    """The last day of a period, where it moved from and why, and data warnings.

    ``provisional``: a day looked at lies in a year whose holiday notice is not in the data, so
    only the statutory holidays were applied there; the notice may move the date later.
    """

    date: Day
    moved_from: Day | None = None
    moved_reason: str | None = None
    warnings: list[str] = field(default_factory=list)
    provisional: bool = False


def _dates(value: Any, where: str) -> frozenset[date]:
    """A YAML list of dates (unquoted ISO dates) as a frozenset, or ``calendar_invalid``."""
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        raise CalendarError("calendar_invalid", f"{where}: expected a list of dates")
    for item in value:
        if isinstance(item, datetime) or not isinstance(item, date):
            raise CalendarError("calendar_invalid", f"{where}: {item!r} is not a date (YYYY-MM-DD)")
    return frozenset(value)


def _year_calendar(year: Any, body: Any, source: str) -> YearCalendar:
    """Validate one year's entry: dates in that year, workdays on weekends, no overlap."""
    where = f"{source}: year {year}"
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2999:
        raise CalendarError("calendar_invalid", f"{where}: the year must be a number like 2026")
    if not isinstance(body, dict) or not set(body) <= {"holidays", "workdays"}:
        raise CalendarError("calendar_invalid", f"{where}: only 'holidays' and 'workdays' allowed")
    holidays = _dates(body.get("holidays"), f"{where} holidays")
    workdays = _dates(body.get("workdays"), f"{where} workdays")
    outside = sorted(d for d in holidays | workdays if d.year != year)
    if outside:
        raise CalendarError("calendar_invalid", f"{where}: {outside[0]} is not in {year}")
    weekday = sorted(d for d in workdays if d.weekday() < 5)
    if weekday:
        raise CalendarError("calendar_invalid", f"{where}: workday {weekday[0]} is not a weekend")
    both = sorted(holidays & workdays)
    if both:
        raise CalendarError("calendar_invalid", f"{where}: {both[0]} is both holiday and workday")
    return YearCalendar(holidays, workdays)


def parse_calendar(text: str, source: str = "<text>") -> CourtCalendar:
    """Parse calendar YAML (``source``: optional text, ``years``: {YEAR: {holidays, workdays}})."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CalendarError("calendar_invalid", f"{source}: not valid YAML ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("years"), dict):
        raise CalendarError("calendar_invalid", f"{source}: a top-level 'years' mapping is needed")
    unknown = set(data) - {"source", "years"}
    if unknown:
        raise CalendarError("calendar_invalid", f"{source}: unknown keys {sorted(unknown)}")
    years = {year: _year_calendar(year, body, source) for year, body in data["years"].items()}
    return CourtCalendar(years, (source,))


def load_calendar(paths: Sequence[Path] = (), *, include_shipped: bool = True, statutory: bool = True) -> CourtCalendar:
    """Load the statutory holidays, the shipped notices, then each override file (later wins per year)."""
    files = ([SHIPPED_CALENDAR] if include_shipped else []) + [Path(p) for p in paths]
    calendar = CourtCalendar()
    if statutory:
        import holidays.countries.china  # noqa: F401  loaded at start-up, not on a first 2027 deadline

        calendar = CourtCalendar(sources=(STATUTORY_SOURCE,), statutory_fallback=True)
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CalendarError("calendar_file_not_found", str(path)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CalendarError("calendar_invalid", f"{path}: {exc}") from None
        calendar = calendar.merged(parse_calendar(text, str(path)))
    return calendar


def court_calendar_path(court_code: str, data_dir: Path = DATA_DIR) -> Path | None:
    """The court's override file ``calendar_<CODE>.yaml`` in ``data_dir`` if it exists, else None."""
    if not _COURT_CODE.match(court_code):
        raise CalendarError("court_code_invalid", repr(court_code))
    path = data_dir / f"calendar_{court_code}.yaml"
    return path if path.is_file() else None


def due_date(start: date, days: int, cal: CourtCalendar) -> DueDate:
    """The last day of a period of ``days`` days from ``start`` (CPL 85).

    The starting day is not counted, so the period ends on ``start + days``. Only that last day
    matters: if it is a public holiday, or a Saturday or Sunday that is not an adjusted working
    day, the period ends on the next working day; holidays inside the period are counted. A
    year with statutory holidays only makes the result provisional; a year without any data is
    computed with weekends only. Both are named in ``warnings``.
    """
    if isinstance(start, datetime) or not isinstance(start, date):
        raise TypeError("start must be a date, not a datetime")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_PERIOD_DAYS:
        raise ValueError(f"days must be a whole number from 1 to {MAX_PERIOD_DAYS}, not {days!r}")
    try:
        nominal = start + timedelta(days=days)
        end = _first_working_day(nominal, cal)
    except OverflowError:
        raise ValueError(f"a period of {days} days from {start} ends after {date.max}") from None
    years = range(nominal.year, end.year + 1)
    provisional = [year for year in years if cal.is_provisional(year)]
    missing = [year for year in years if not cal.has_year(year) and year not in provisional]
    warnings = [f"{PROVISIONAL_YEAR}:{year}" for year in provisional]
    warnings += [f"{MISSING_YEAR}:{year}" for year in missing]
    if end == nominal:
        return DueDate(end, None, None, warnings, bool(provisional))
    reason = "public_holiday" if cal.is_holiday(nominal) else "weekend"
    return DueDate(end, nominal, reason, warnings, bool(provisional))


def _first_working_day(day: date, cal: CourtCalendar) -> date:
    """``day`` itself if it is a working day, else the first working day after it (CPL 85)."""
    while not cal.is_working_day(day):
        day += timedelta(days=1)
    return day


def end_of_day_utc(d: date, tz: str = COURT_TZ) -> datetime:
    """23:59:59 court time on ``d`` as an aware UTC datetime (the close of a period's last day)."""
    if isinstance(d, datetime):
        raise TypeError("d must be a date, not a datetime")
    local = datetime.combine(d, time(23, 59, 59), tzinfo=ZoneInfo(tz))
    return local.astimezone(UTC)


def message_text(code: str, locale: Locale, **values: str) -> str:
    """Render a warning, move reason or error code (``calendar_missing_year:2027`` too)."""
    key, _, year = code.partition(":")
    if not has_text(f"calendar.{key}"):
        return code
    return text(f"calendar.{key}", locale, year=year, **values)
