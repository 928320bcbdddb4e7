"""What every HTTP route and channel endpoint shares: the court of the app, the signed-in person,
JSON bodies, the reader's language, errors in that language, and the session cookie."""

from __future__ import annotations

import json
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


async def read_json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}


def request_locale(request: web.Request) -> str:
    return "en" if request.headers.get("Accept-Language", "").startswith("en") else "zh"
