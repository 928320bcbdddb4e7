"""How fast one person or one network may create things that cost the court (rows, review time).

Both channels ask here, so a limit is the same wherever a person comes from. A demo court has
no limits: its sample litigants are shared by every visitor.
"""

from __future__ import annotations

from aiohttp import web

from gateway.court import Court

NEW_CASES_PER_HOUR = 10  # drafts one person may open in an hour
SESSIONS_PER_HOUR = 60  # new-litigant web sessions from one address (an office, a NAT) in an hour
JOIN_TRIES_PER_HOUR = 10  # invitation codes one person may try in an hour: guessing a short code stays hopeless
PUBLIC_READS_PER_HOUR = 300  # public look-ups (case status, judgments) from one address in an hour
HOUR = 3600.0


async def may_open_case(court: Court, person_id: str) -> bool:
    """Whether the person may open another case now (counts this one)."""
    if court.settings.demo:
        return True
    now = court.clock().timestamp()
    return await court.rate_limiter.allow(f"new_case:{person_id}", NEW_CASES_PER_HOUR, HOUR, now)


async def may_start_session(court: Court, address: str | None) -> bool:
    """Whether another new litigant may start from this network address now (counts this one)."""
    if court.settings.demo:
        return True
    now = court.clock().timestamp()
    return await court.rate_limiter.allow(f"new_session:{address or '-'}", SESSIONS_PER_HOUR, HOUR, now)


async def may_try_invitation(court: Court, person_id: str) -> bool:
    """Whether the person may try another invitation code now (counts this try)."""
    if court.settings.demo:
        return True
    now = court.clock().timestamp()
    return await court.rate_limiter.allow(f"join:{person_id}", JOIN_TRIES_PER_HOUR, HOUR, now)


async def may_read_public(court: Court, address: str | None) -> bool:
    """Whether this network address may look up another case status or judgment now (counts this
    one): enough for anyone reading, too few to walk every case number of a year."""
    if court.settings.demo:
        return True
    now = court.clock().timestamp()
    return await court.rate_limiter.allow(f"public:{address or '-'}", PUBLIC_READS_PER_HOUR, HOUR, now)


def visitor_address(request: web.Request, behind_proxy: bool) -> str | None:
    """The browser's address: the proxy's last `X-Forwarded-For` entry when behind one (the
    address it saw; earlier entries are the visitor's to invent), else the peer's."""
    forwarded = request.headers.get("X-Forwarded-For", "") if behind_proxy else ""
    return forwarded.split(",")[-1].strip() or request.remote
