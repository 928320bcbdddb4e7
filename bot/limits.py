"""How fast one person or one network may create things that cost the court (rows, review time).

Both channels ask here, so a limit is the same wherever a person comes from.
"""

from __future__ import annotations

from app.bootstrap import Court

NEW_CASES_PER_HOUR = 10  # drafts one person may open in an hour
SESSIONS_PER_HOUR = 30  # new-litigant web sessions from one address in an hour
HOUR = 3600.0


async def may_open_case(court: Court, person_id: str) -> bool:
    """Whether the person may open another case now (counts this one)."""
    now = court.clock().timestamp()
    return await court.rate_limiter.allow(f"new_case:{person_id}", NEW_CASES_PER_HOUR, HOUR, now)


async def may_start_session(court: Court, address: str | None) -> bool:
    """Whether another new litigant may start from this network address now (counts this one)."""
    now = court.clock().timestamp()
    return await court.rate_limiter.allow(f"new_session:{address or '-'}", SESSIONS_PER_HOUR, HOUR, now)
