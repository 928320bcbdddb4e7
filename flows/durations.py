"""ISO-8601 durations as used in flow definitions (`P7D`, `PT24H`, `P1DT12H`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

_PATTERN = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


@dataclass(frozen=True)
class Duration:
    """A parsed duration: whole days (counted by the court calendar) plus a clock part."""

    days: int
    clock: timedelta

    @property
    def is_day_period(self) -> bool:
        """A period in days only: counted under CPL 85 and ending at the end of a court day."""
        return self.days > 0 and not self.clock

    def as_timedelta(self) -> timedelta:
        return timedelta(days=self.days) + self.clock


def parse_duration(text: str) -> Duration:
    """Parse an ISO-8601 duration, raising ValueError with a readable message."""
    match = _PATTERN.match(text or "")
    if not match or text in ("P", "PT") or text.endswith("T"):
        raise ValueError(f"bad ISO-8601 duration {text!r} (examples: P7D, PT24H, P1DT12H)")
    parts = {k: int(v) if v else 0 for k, v in match.groupdict().items()}
    days = parts["weeks"] * 7 + parts["days"]
    clock = timedelta(hours=parts["hours"], minutes=parts["minutes"], seconds=parts["seconds"])
    if days == 0 and not clock:
        raise ValueError(f"duration {text!r} is zero")
    return Duration(days=days, clock=clock)
