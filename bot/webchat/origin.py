"""Refuse state-changing requests and WebSocket upgrades that a browser sent from another site.

The session cookie is SameSite=Lax; checking `Origin` as well means no other site (a sibling
subdomain included) can act with a litigant's or clerk's session. Hosts are compared by name,
as cookies are (ports aside). Requests without an `Origin` header are not from a browser page
(Telegram's webhook, the CLI, tests) and pass.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import hdrs, web
from aiohttp.typedefs import Middleware

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def same_site_only(
    public_url: str | None, behind_proxy: bool, refuse: Callable[[web.Request], web.Response]
) -> Middleware:
    """A middleware: `refuse(request)` answers a cross-site write or socket. Accepted: the
    request's own host, `public_url`'s, and behind a proxy the host it forwards."""
    trusted = {urlsplit(public_url).hostname or ""} if public_url else set()

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get(hdrs.ORIGIN)
        upgrading = request.headers.get(hdrs.UPGRADE, "").lower() == "websocket"
        if origin and (request.method not in SAFE_METHODS or upgrading):
            if urlsplit(origin).hostname not in trusted | _own_hosts(request, behind_proxy):
                return refuse(request)
        return await handler(request)

    return middleware


def _own_hosts(request: web.Request, behind_proxy: bool) -> set[str]:
    hosts = {request.host}
    if behind_proxy:
        hosts.add(request.headers.get("X-Forwarded-Host", "").split(",")[0].strip())
    return {urlsplit(f"//{host}").hostname or "" for host in hosts if host}
