"""The judgment desk's HTTP routes (issue 16): the draft for an outcome, its preview as a PDF, and
issuing it. Thin: authenticate, translate, dispatch to `judgment.desk` (which reads with the one
authorization check and issues through the service layer's one write path)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.workspace.http import STATUS, _locale, _staff
from court import accounts
from court.outcomes import Outcome
from gateway.court import Court
from gateway.requests import LOCALES, error_response, read_json
from judgment.draft import PERFORMANCE_DAYS, Edited

REFUSED_STATUS = {**STATUS, "court_key_missing": 503, "document_failed": 500}


def _refused(court: Court, outcome: Outcome, locale: str) -> web.Response:
    error = outcome.error or "internal"
    return error_response(court, REFUSED_STATUS.get(error, 422), error, locale, **outcome.params)


async def draft(request: web.Request) -> web.Response:
    """?outcome=granted|partly|dismissed|default|withdrawn_treated|withdrawal_approved[&granted=N]
    [&days=N][&doc_lang=zh|en]: the draft filled from the case, for the judge to edit (money ordered
    to be paid within `days` of the judgment taking effect, 10 unless given: CPL 250)."""
    staff = await _staff(request)
    if isinstance(staff, web.Response):
        return staff
    court, person = staff
    locale = _locale(request, person)
    language = request.query.get("doc_lang", "zh")
    days = request.query.get("days", str(PERFORMANCE_DAYS))
    if language not in LOCALES or not days.isdigit():
        return error_response(court, 400, "bad_request", locale)
    outcome, granted = request.query.get("outcome", ""), request.query.get("granted") or None
    case_id = request.match_info["case_id"]
    found = await court.judgments.draft(person.id, case_id, outcome, language, granted, int(days))
    return _refused(court, found, locale) if isinstance(found, Outcome) else web.json_response(found)


def _edited(body: dict[str, Any]) -> Edited | None:
    """The judge's draft from a request body; None if its shape is wrong."""
    outcome, language, granted = body.get("outcome"), body.get("locale", "zh"), body.get("granted_amount")
    days = body.get("performance_days", PERFORMANCE_DAYS)
    parts = [body.get(name, []) for name in ("facts", "reasoning", "orders")]
    if not isinstance(outcome, str) or language not in LOCALES or not (granted is None or isinstance(granted, str)):
        return None
    if not isinstance(days, int) or isinstance(days, bool):
        return None
    if not all(isinstance(part, list) and all(isinstance(p, str) for p in part) for part in parts):
        return None
    return Edited(outcome, language, parts[0], parts[1], parts[2], granted, days)


async def preview(request: web.Request) -> web.StreamResponse:
    """The edited draft as the PDF it would be issued as, unsigned (nothing is recorded)."""
    staff = await _staff(request)
    if isinstance(staff, web.Response):
        return staff
    court, person = staff
    locale = _locale(request, person)
    edited = _edited(await read_json(request, locale))
    if edited is None:
        return error_response(court, 400, "bad_request", locale)
    made = await court.judgments.preview(person.id, request.match_info["case_id"], edited)
    if isinstance(made, Outcome):
        return _refused(court, made, locale)
    headers = {"Content-Disposition": 'inline; filename="preview.pdf"', "Cache-Control": "no-store"}
    return web.Response(body=made, content_type="application/pdf", headers=headers)


async def issue(request: web.Request) -> web.Response:
    """Issue the edited draft: rendered, signed by the court, recorded and served on every party."""
    staff = await _staff(request)
    if isinstance(staff, web.Response):
        return staff
    court, person = staff
    locale = _locale(request, person)
    edited = _edited(await read_json(request, locale))
    if edited is None:
        return error_response(court, 400, "bad_request", locale)
    done = await court.judgments.issue(person.id, request.match_info["case_id"], edited, accounts.WEB)
    if not done.ok:
        return _refused(court, done, locale)
    return web.json_response({"ok": True, "case_id": done.case_id, "sha256": done.params.get("sha256")})


TEXTS = ("facts", "reasoning", "orders")


def _saved(body: dict[str, Any]) -> dict[str, Any] | None:
    """The draft the desk saves, from a request body (the texts as typed); None if its shape is wrong."""
    draft = {name: body.get(name) for name in ("outcome", "locale", "granted_amount", "performance_days", *TEXTS)}
    if not isinstance(draft["outcome"], str) or draft["locale"] not in LOCALES:
        return None
    if not (draft["granted_amount"] is None or isinstance(draft["granted_amount"], str)):
        return None
    days = draft["performance_days"]
    if not (days is None or (isinstance(days, int) and not isinstance(days, bool))):
        return None
    return draft if all(isinstance(draft[name], str) for name in TEXTS) else None


async def saved_draft(request: web.Request) -> web.Response:
    """What the case's judge last saved at the desk: `{"draft", "saved_at"}`, or `{"draft": null}`."""
    staff = await _staff(request)
    if isinstance(staff, web.Response):
        return staff
    court, person = staff
    found = await court.judgments.saved_draft(person.id, request.match_info["case_id"])
    if isinstance(found, Outcome):
        return _refused(court, found, _locale(request, person))
    return web.json_response(found or {"draft": None, "saved_at": None}, headers={"Cache-Control": "no-store"})


async def save_draft(request: web.Request) -> web.Response:
    """Keep the judge's draft on the server (autosave and the desk's "Save"): `{"saved_at"}`."""
    staff = await _staff(request)
    if isinstance(staff, web.Response):
        return staff
    court, person = staff
    locale = _locale(request, person)
    draft = _saved(await read_json(request, locale))
    if draft is None:
        return error_response(court, 400, "bad_request", locale)
    done = await court.judgments.save_draft(person.id, request.match_info["case_id"], draft)
    if not done.ok:
        return _refused(court, done, locale)
    return web.json_response({"saved_at": done.params["saved_at"]})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/workspace/cases/{case_id}/judgment/draft", draft)
    app.router.add_post("/api/workspace/cases/{case_id}/judgment/preview", preview)
    app.router.add_post("/api/workspace/cases/{case_id}/judgment", issue)
    app.router.add_get("/api/workspace/cases/{case_id}/judgment/saved-draft", saved_draft)
    app.router.add_put("/api/workspace/cases/{case_id}/judgment/saved-draft", save_draft)
