"""The court's public pages (DOMAIN §12.4), for anyone, signed in or not: /cases (a case's status
by its number) with GET /api/public/cases/{number}, and /judgments (published judgments, masked)
with GET /api/public/judgments and /api/public/judgments/{id}. Every look-up counts against the
visitor's network address (`gateway.limits.may_read_public`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from aiohttp import web

from court.publication.public import Search, case_number
from gateway.limits import may_read_public, visitor_address
from gateway.requests import LOCALES, court_of, error_response, request_locale

Handler = Callable[[web.Request, str], Awaitable[web.Response]]


def _locale(request: web.Request) -> str:
    asked = request.query.get("lang")
    return asked if asked in LOCALES else request_locale(request)


def _both(request: web.Request, status: int, code: str, **params: Any) -> web.Response:
    """A refusal in the reader's language, with the text in both languages beside it."""
    court, locale = court_of(request), _locale(request)
    texts = {loc: court.catalog.render(f"errors.{code}", loc, params) for loc in LOCALES}
    return web.json_response({"error": code, "text": texts[locale], "texts": texts}, status=status)


def limited(handler: Handler) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The handler, behind the public look-up limit; given the reader's language."""

    async def limited_handler(request: web.Request) -> web.Response:
        court = court_of(request)
        if not await may_read_public(court, visitor_address(request, court.settings.behind_proxy)):
            return error_response(court, 429, "too_many_lookups", _locale(request))
        return await handler(request, _locale(request))

    return limited_handler


async def status_page(request: web.Request) -> web.StreamResponse:
    from bot.webchat.http import STATIC

    return web.FileResponse(STATIC / "cases.html")


async def judgments_page(request: web.Request) -> web.StreamResponse:
    from bot.webchat.http import STATIC

    return web.FileResponse(STATIC / "judgments.html")


async def case_status(request: web.Request, locale: str) -> web.Response:
    """A case's stage and next hearing window by its number; nothing about its parties."""
    raw = request.match_info["number"]
    number = case_number(raw)
    if number is None:
        return _both(request, 400, "case_number_format")
    found = await court_of(request).public.case_status(number, locale)
    if found is None:
        return _both(request, 404, "case_number_unknown", number=number)
    return web.json_response(found)


async def judgments(request: web.Request, locale: str) -> web.Response:
    """?cause=&from=YYYY-MM-DD&to=YYYY-MM-DD&q=words&page=1: published judgments, newest first."""
    court = court_of(request)
    search = _search(request.query, {c["cause"] for c in court.public.causes(locale)})
    if search is None:
        return error_response(court, 400, "search_invalid", locale)
    found = await court.public.judgments(search, locale)
    return web.json_response({**found, "causes": court.public.causes(locale)})


async def judgment(request: web.Request, locale: str) -> web.Response:
    court, raw = court_of(request), request.match_info["judgment_id"]
    found = await court.public.judgment(int(raw), locale) if raw.isdigit() and len(raw) < 12 else None
    if found is None:
        return error_response(court, 404, "judgment_unknown", locale)
    return web.json_response(found)


def _search(query: Any, causes: set[str]) -> Search | None:
    """The search the query string asks for (None: a date, the page or the cause is not valid)."""
    try:
        since = date.fromisoformat(query["from"]) if query.get("from") else None
        until = date.fromisoformat(query["to"]) if query.get("to") else None
        page = int(query.get("page") or 1)
    except ValueError:
        return None
    cause = query.get("cause") or None
    if (since and until and since > until) or not 1 <= page <= 1000 or (cause and cause not in causes):
        return None
    return Search(cause, since, until, str(query.get("q") or "")[:100], page)


def add_public_routes(app: web.Application) -> None:
    app.router.add_get("/cases", status_page)
    app.router.add_get("/judgments", judgments_page)
    app.router.add_get("/api/public/cases/{number}", limited(case_status))
    app.router.add_get("/api/public/judgments", limited(judgments))
    app.router.add_get("/api/public/judgments/{judgment_id}", limited(judgment))
