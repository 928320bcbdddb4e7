"""Refuse state-changing requests and WebSocket upgrades that a browser sent from another site.

The session cookie is SameSite=Lax; checking `Origin` as well means no other site (a sibling
subdomain included) can act with a litigant's or clerk's session. Requests without an `Origin`
header are not from a browser page (Telegram's webhook, the CLI, tests) and pass.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import hdrs, web
from aiohttp.typedefs import Middleware

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def same_site_only(public_url: str | None, refuse: Callable[[web.Request], web.Response]) -> Middleware:
    """A middleware: `refuse(request)` answers a cross-site write or socket; `public_url` (the
    address people open, e.g. behind a proxy) is accepted besides the request's own host."""
    trusted = {urlsplit(public_url).netloc.lower()} if public_url else set()

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get(hdrs.ORIGIN)
        upgrading = request.headers.get(hdrs.UPGRADE, "").lower() == "websocket"
        if origin and (request.method not in SAFE_METHODS or upgrading):
            if urlsplit(origin).netloc.lower() not in trusted | {request.host.lower()}:
                return refuse(request)
        return await handler(request)

    return middleware
