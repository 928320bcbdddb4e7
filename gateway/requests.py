"""What every HTTP route and channel endpoint shares: the court of the app, the signed-in person,
JSON bodies, the reader's language, errors in that language, and the session cookie."""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

from court.sessions import SESSION_DAYS
from gateway.court import Court
from storage.models import Person

COOKIE = "mc_session"  # the web session's token
COURT_KEY = web.AppKey("court", Court)
LOCALES = ("zh", "en")


def court_of(request: web.Request) -> Court:
    return request.app[COURT_KEY]


async def current_person(request: web.Request) -> Person | None:
    return await court_of(request).sessions.person_for(request.cookies.get(COOKIE))


def me_payload(person: Person, court: Court) -> dict[str, Any]:
    return {
        "person": {"id": person.id, "name": person.display_name, "staff_role": person.staff_role},
        "locale": person.locale,
        "demo": court.settings.demo,
    }


def error_response(court: Court, status: int, code: str, locale: str = "zh", **params: Any) -> web.Response:
    text = court.catalog.render(f"errors.{code}", locale, params)
    return web.json_response({"error": code, "text": text}, status=status)


def signed_in_response(request: web.Request, court: Court, person: Person, token: str) -> web.Response:
    response = web.json_response(me_payload(person, court))
    set_session_cookie(response, request, token)
    return response


def set_session_cookie(response: web.StreamResponse, request: web.Request, token: str) -> None:
    """HttpOnly, SameSite=Lax, and Secure whenever the browser reached the court over HTTPS
    (directly, or through a proxy that says so in X-Forwarded-Proto)."""
    secure = request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"
    response.set_cookie(
        COOKIE, token, httponly=True, samesite="Lax", secure=secure, path="/", max_age=SESSION_DAYS * 86400
    )


MAX_JSON_DEPTH = 32  # no body or frame of the court nests deeper than a few levels
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


class JsonRefused(ValueError):
    """A body or frame that is not JSON, or nests deeper than the court reads."""


def parse_json(text: str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """`json.loads` that refuses nesting deeper than `max_depth` before it parses (the standard
    parser recurses once per level and would fail with RecursionError): every JSON body and
    WebSocket frame goes through here. Raises JsonRefused."""
    depth = deepest = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub("", text)):  # brackets outside strings
        depth += 1 if bracket in "[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > max_depth:
                raise JsonRefused(f"nested deeper than {max_depth}")
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise JsonRefused(str(error)) from None


def bad_request(request: web.Request, locale: str | None = None) -> web.HTTPBadRequest:
    """A 400 in the reader's language, to raise from inside a handler."""
    court = court_of(request)
    code = "bad_request"
    text = court.catalog.render(f"errors.{code}", locale or request_locale(request))
    return web.HTTPBadRequest(text=json.dumps({"error": code, "text": text}), content_type="application/json")


async def read_json(request: web.Request, locale: str | None = None) -> dict[str, Any]:
    """The request's JSON object: an empty body reads as {}; a body that is not JSON, not an
    object, or nested too deep is refused with 400 `bad_request` in the reader's language."""
    try:
        raw = await request.text()
    except UnicodeDecodeError:
        raise bad_request(request, locale) from None
    if not raw.strip():
        return {}
    try:
        body = parse_json(raw)
    except JsonRefused:
        raise bad_request(request, locale) from None
    if not isinstance(body, dict):
        raise bad_request(request, locale)
    return body


def request_locale(request: web.Request) -> str:
    return "en" if request.headers.get("Accept-Language", "").startswith("en") else "zh"
