"""ISO-8601 durations as used in flow definitions (`P7D`, `PT24H`, `P1DT12H`, `P1M`)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_PATTERN = re.compile(
    r"^P(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


@dataclass(frozen=True)
class Duration:
    """A parsed duration: whole months and days (counted by the court calendar) plus a clock part.

    A period in months or days alone is a calendar period (CPL 85: the last day counts, a last day
    on a holiday moves to the next working day); one with a clock part is counted by the clock
    (a period in hours runs from the next full hour: Interp. 125, applied by the court's rule)."""

    days: int
    clock: timedelta
    months: int = 0

    @property
    def is_day_period(self) -> bool:
        """A period in days (or months) only: counted under CPL 85, ending at the end of a court day."""
        return (self.days > 0 or self.months > 0) and not self.clock

    @property
    def is_hour_period(self) -> bool:
        """A period in whole hours only (`PT24H`): counted from the next full hour (Interp. 125)."""
        return not self.days and not self.months and bool(self.clock) and not self.clock % timedelta(hours=1)

    def as_timedelta(self) -> timedelta:
        """The length as a fixed offset; months have none, so a duration with months refuses."""
        if self.months:
            raise ValueError("a period in months has no fixed length: count it with the court calendar")
        return timedelta(days=self.days) + self.clock


def parse_duration(text: str) -> Duration:
    """Parse an ISO-8601 duration, raising ValueError with a readable message. Months (`P1M`) may
    not be mixed with a clock part: a month ends on a court day, not at an hour."""
    match = _PATTERN.match(text or "")
    if not match or text in ("P", "PT") or text.endswith("T"):
        raise ValueError(f"bad ISO-8601 duration {text!r} (examples: P7D, PT24H, P1DT12H, P1M)")
    parts = {k: int(v) if v else 0 for k, v in match.groupdict().items()}
    days = parts["weeks"] * 7 + parts["days"]
    clock = timedelta(hours=parts["hours"], minutes=parts["minutes"], seconds=parts["seconds"])
    if days == 0 and not clock and not parts["months"]:
        raise ValueError(f"duration {text!r} is zero")
    if parts["months"] and clock:
        raise ValueError(f"duration {text!r} mixes months with hours (a month ends on a court day)")
    return Duration(days=days, clock=clock, months=parts["months"])


def add_months(day: date, months: int) -> date:
    """The day `months` months after `day`: the same day of the month, or that month's last day
    when it has no such day (31 January + 1 month = 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
