"""The cross-site check (bot/webchat/origin.py) behind the proxies courts use."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from bot.webchat.origin import same_site_only


async def _status(public_url: str | None, behind_proxy: bool, headers: dict[str, str], method: str = "POST") -> int:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=200)

    middleware = same_site_only(public_url, behind_proxy, lambda request: web.Response(status=403))
    request = make_mocked_request(method, "/api/session", headers=headers)
    response = await middleware(request, handler)  # type: ignore[call-arg,arg-type]
    return response.status


async def test_a_proxy_that_rewrites_host_needs_the_public_url_or_its_forwarded_host() -> None:
    """nginx's default sends Host: 127.0.0.1:8080; the browser's Origin is the court's name."""
    page = {"Origin": "https://court.example", "Host": "127.0.0.1:8080"}
    assert await _status(None, False, page) == 403
    assert await _status("https://court.example:443", False, page) == 200  # ports aside, as cookies
    forwarded = {**page, "X-Forwarded-Host": "court.example"}
    assert await _status(None, True, forwarded) == 200
    assert await _status(None, False, forwarded) == 403  # not behind a proxy: nobody's word taken


async def test_another_site_is_refused_and_reads_and_non_browsers_pass() -> None:
    """Only a write (or a socket) from another site's page is refused."""
    own = {"Host": "court.example"}
    assert await _status(None, False, {**own, "Origin": "https://evil.example"}) == 403
    assert await _status(None, False, {**own, "Origin": "https://court.example.evil.example"}) == 403
    assert await _status(None, False, {**own, "Origin": "https://evil.example"}, method="GET") == 200
    assert await _status(None, False, own) == 200  # no Origin: Telegram's webhook, the CLI
