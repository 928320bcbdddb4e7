"""The workspace's HTTP routes. Thin: authenticate, translate, dispatch.

Who gets what: not signed in, 401; a party or a stranger asking for the workspace, 404 (the same as
for a case that does not exist, so nothing is revealed); a judge ruling in a case assigned to
another judge, 403 with what to do (`court.access.ruling_refusal` decides). The record
(`/api/cases/{id}/record`) is also for the case's parties, without what is sealed from them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web

from court import accounts
from court.commands import DecideMoreTime, OrderLiveHearing, RefuseWithdrawal, SubmitAnswer, UnpublishJudgment
from court.outcomes import Outcome
from gateway.court import Court
from gateway.requests import LOCALES, court_of, current_person, error_response, read_json, request_locale
from storage.models import Person

STATIC = Path(__file__).parent / "static"
STAFF = ("clerk", "judge")
STATUS = {"not_a_party": 404, "judges_rule": 403, "bad_request": 400}  # any other refusal: 422


async def page(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC / "index.html")


def _locale(request: web.Request, person: Person) -> str:
    """The language asked for (`?lang=`), else the person's."""
    asked = request.query.get("lang")
    return asked if asked in LOCALES else person.locale


async def _staff(request: web.Request) -> tuple[Court, Person] | web.Response:
    """The signed-in clerk or judge; a refusal for anyone else (401 signed out, 404 otherwise)."""
    court, person = court_of(request), await current_person(request)
    if person is None:
        return error_response(court, 401, "not_signed_in", request_locale(request))
    if person.staff_role not in STAFF:
        return error_response(court, 404, "not_a_party", _locale(request, person))
    return court, person


async def _with_reasons(request: web.Request) -> tuple[Court, Person, str, str] | web.Response:
    """A staff member's ruling that carries only `{reasons}`: who, in which language, and the
    reasons as sent (the service refuses empty ones with what to write); a refusal otherwise."""
    staff = await _staff(request)
    if isinstance(staff, web.Response):
        return staff
    court, person = staff
    locale = _locale(request, person)
    reasons = (await read_json(request, locale)).get("reasons")
    if not isinstance(reasons, str):
        return error_response(court, 400, "bad_request", locale)
    return court, person, locale, reasons


def _refused(court: Court, outcome: Outcome, locale: str) -> web.Response:
    error = outcome.error or "internal"
    return error_response(court, STATUS.get(error, 422), error, locale, **outcome.params)


async def case_record(request: web.Request) -> web.Response:
    """The case record (OLR 34, CPL 150) for the court and the case's parties."""
    court, person = court_of(request), await current_person(request)
    if person is None:
        return error_response(court, 401, "not_signed_in", request_locale(request))
    found = await court.workspace.record(person.id, request.match_info["case_id"])
    if found is None:
        return error_response(court, 404, "not_a_party", person.locale)
    return web.json_response(found)


async def my_cases(request: web.Request) -> web.Response:
    staff = await _staff(request)
    if isinstance(staff, web.Response):
        return staff
    court, person = staff
    cases = await court.workspace.my_cases(person.id, _locale(request, person))
    return web.json_response({"cases": cases})


async def case_view(request: web.Request) -> web.Response:
    staff = await _staff(request)
    if isinstance(staff, web.Response):
        return staff
    court, person = staff
    locale = _locale(request, person)
    view = await court.workspace.case_view(person.id, request.match_info["case_id"], locale)
    if view is None:
        return error_response(court, 404, "not_a_party", locale)
    return web.json_response(view)


async def ruling(request: web.Request) -> web.Response:
    """{step, seq, value}: the court's answer to what its flow asks now, through the same command
    as a chat answer (a stale step or sequence changes nothing and says so)."""
    staff = await _staff(request)
    if isinstance(staff, web.Response):
        return staff
    court, person = staff
    locale = _locale(request, person)
    body = await read_json(request, locale)
    step, seq, value = body.get("step"), body.get("seq"), body.get("value")
    if not isinstance(step, str) or not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(value, str):
        return error_response(court, 400, "bad_request", locale)
    command = SubmitAnswer(person.id, request.match_info["case_id"], step, seq, value, accounts.WEB)
    outcome = await court.service.submit_answer(command)
    return _done(court, outcome, locale)


async def more_time(request: web.Request) -> web.Response:
    """{grant, days, reason}: the judge decides an application for more time (CPL 86), with reasons."""
    staff = await _staff(request)
    if isinstance(staff, web.Response):
        return staff
    court, person = staff
    locale = _locale(request, person)
    body = await read_json(request, locale)
    grant, days, reason = body.get("grant"), body.get("days", 0), body.get("reason")
    if (
        not isinstance(grant, bool)
        or not isinstance(days, int)
        or isinstance(days, bool)
        or not isinstance(reason, str)
    ):
        return error_response(court, 400, "bad_request", locale)
    if not reason.strip():
        return error_response(court, 422, "ruling_reason_needed", locale)
    application = request.match_info["application"]
    command = DecideMoreTime(person.id, request.match_info["case_id"], application, grant, days, reason.strip())
    return _done(court, await court.service.decide_more_time(command), locale)


async def live_hearing(request: web.Request) -> web.Response:
    """{reasons}: the assigned judge sends the case from its asynchronous stage to a live hearing
    (a ruling; what was done stays valid, OLR 21)."""
    asked = await _with_reasons(request)
    if isinstance(asked, web.Response):
        return asked
    court, person, locale, reasons = asked
    command = OrderLiveHearing(person.id, request.match_info["case_id"], reasons, accounts.WEB)
    return _done(court, await court.service.order_live_hearing(command), locale)


async def refuse_withdrawal(request: web.Request) -> web.Response:
    """{reasons}: the assigned judge refuses the plaintiff's application to withdraw (CPL 148);
    approving it is issuing the ruling from the judgment desk."""
    asked = await _with_reasons(request)
    if isinstance(asked, web.Response):
        return asked
    court, person, locale, reasons = asked
    command = RefuseWithdrawal(person.id, request.match_info["case_id"], reasons)
    return _done(court, await court.service.refuse_withdrawal(command), locale)


async def publication(request: web.Request) -> web.Response:
    """The case's published judgment as its court sees it (`court.publication.publishing.publication_view`)."""
    staff = await _staff(request)
    if isinstance(staff, web.Response):
        return staff
    court, person = staff
    found = await court.service.publication(person.id, request.match_info["case_id"])
    if isinstance(found, Outcome):
        return _refused(court, found, _locale(request, person))
    return web.json_response(found)


async def unpublish(request: web.Request) -> web.Response:
    """{ground, reason}: the case's judge withdraws its published judgment from the public on an
    OLR 27 ground (`court.publication.GROUNDS`), with reasons kept in the case record."""
    staff = await _staff(request)
    if isinstance(staff, web.Response):
        return staff
    court, person = staff
    locale = _locale(request, person)
    body = await read_json(request, locale)
    ground, reason = body.get("ground"), body.get("reason")
    if not isinstance(ground, str) or not isinstance(reason, str):
        return error_response(court, 400, "bad_request", locale)
    command = UnpublishJudgment(person.id, request.match_info["case_id"], ground, reason, accounts.WEB)
    return _done(court, await court.service.unpublish_judgment(command), locale)


def _done(court: Court, outcome: Outcome, locale: str) -> web.Response:
    if not outcome.ok:
        return _refused(court, outcome, locale)
    answer: dict[str, Any] = {"ok": True, "case_id": outcome.case_id}
    return web.json_response(answer)
