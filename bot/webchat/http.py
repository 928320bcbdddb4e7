"""The web chat's HTTP routes: sign-in, uploads, agents. Thin: authenticate, translate, dispatch."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import BadHttpMessage

from court.agency import AgencyService
from court.commands import EndSession, RedeemSigninLink, StartDemoSession, StartNewcomerSession, UploadEvidence
from court.invitations import join_link_qr
from court.outcomes import Outcome
from gateway.court import Court
from gateway.limits import may_start_session, visitor_address
from gateway.requests import (
    COOKIE,
    LOCALES,
    court_of,
    current_person,
    error_response,
    me_payload,
    read_json,
    request_locale,
    set_session_cookie,
    signed_in_response,
)
from storage.sealing import SealError

log = logging.getLogger("microcourt.webchat")

STATIC = Path(__file__).parent / "static"
MAX_FRAME = 64 * 1024
ANSWER_LIMIT, ANSWER_WINDOW = 30, 10.0


async def index(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC / "index.html")


async def me(request: web.Request) -> web.Response:
    """Who is signed in. Signed out is an answer, not an error (200, `"person": null`, and the
    text the sign-in screen shows): a first visit asks this before anyone has signed in."""
    court, person = court_of(request), await current_person(request)
    if person is None:
        locale = request_locale(request)
        text = court.catalog.render("errors.not_signed_in", locale)
        return web.json_response({"person": None, "locale": locale, "demo": court.settings.demo, "text": text})
    return web.json_response(me_payload(person, court))


async def demo_people(request: web.Request) -> web.Response:
    from gateway.demo import DEMO_PEOPLE

    court = court_of(request)
    if not court.settings.demo:
        raise web.HTTPNotFound()
    # whom a demo litigant (made up) was verified as: a filing must name that person (filing v2)
    people = [{"key": k, "name": n, "role": kind, "files_as": _files_as(k)} for k, n, _s, kind in DEMO_PEOPLE]
    return web.json_response({"people": people})


def _files_as(key: str) -> dict[str, str] | None:
    from gateway.demo import DEMO_IDENTITIES

    found = DEMO_IDENTITIES.get(key)
    return {"name": found[0], "id_number": found[1]} if found else None


async def demo_signin(request: web.Request) -> web.Response:
    court = court_of(request)
    if not court.settings.demo:
        raise web.HTTPNotFound()
    body = await read_json(request)
    signed_in = await court.sessions.start_for_demo(StartDemoSession(str(body.get("person"))))
    if signed_in is None:
        return error_response(court, 404, "bad_request", request_locale(request))
    return signed_in_response(request, court, *signed_in)


async def new_session(request: web.Request) -> web.Response:
    """Start as a new litigant; identity is given and checked inside the filing flow."""
    court = court_of(request)
    body = await read_json(request)
    locale = str(body["locale"]) if body.get("locale") in LOCALES else "zh"
    if not await may_start_session(court, visitor_address(request, court.settings.behind_proxy)):
        return error_response(court, 429, "too_many_sessions", locale)
    signed_in = await court.sessions.start_for_newcomer(StartNewcomerSession(locale))
    return signed_in_response(request, court, *signed_in)


async def accept_agency(request: web.Request) -> web.Response:
    """An agent enters the party's code and uploads the power of attorney (multipart)."""
    court = court_of(request)
    person = await current_person(request)
    if person is None:
        return error_response(court, 401, "not_signed_in", request_locale(request))
    code, name, content, size = "", "power-of-attorney", b"", 0
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "code":
                code = (await part.text())[:100]
            elif part.name == "file":
                name = part.filename or name
                content, size = await _read_file(part, _upload_limit(court), request.content_length)
    except MULTIPART_REFUSED:  # not multipart (JSON, empty), or malformed: nothing is stored
        return error_response(court, 400, "upload_a_file", person.locale)
    if size > _upload_limit(court):  # described with the size it really has
        return _too_large(court, person.locale, name, size)
    outcome = await AgencyService(court.service).accept(person.id, code, name, content)
    if not outcome.ok:
        return error_response(court, 422, outcome.error or "internal", person.locale, **outcome.params)
    return web.json_response(outcome.params)


async def power_of_attorney(request: web.Request) -> web.StreamResponse:
    """The clerk opens the uploaded power of attorney to review it."""
    mandate_id = request.match_info["mandate_id"]
    return await _stored_file(
        request, lambda court, person_id: AgencyService(court.service).power_of_attorney(person_id, mandate_id)
    )


async def case_file(request: web.Request) -> web.StreamResponse:
    """A file received in a case: the court opens any of them, a party those it sent itself."""
    case_id, file_id = request.match_info["case_id"], request.match_info["file_id"]
    return await _stored_file(request, lambda court, person_id: court.service.case_file(person_id, case_id, file_id))


async def service_certificates(request: web.Request) -> web.Response:
    """The e-service certificates of a case's served documents (OLR 31): the court sees every
    one, a party those served on them; the document's name in the reader's language."""
    court = court_of(request)
    person = await current_person(request)
    if person is None:
        return error_response(court, 401, "not_signed_in", request_locale(request))
    found = await court.service.service_certificates(person.id, request.match_info["case_id"])
    if isinstance(found, Outcome):
        return error_response(court, 404, str(found.error), person.locale)
    for certificate in found:
        certificate["document_name"] = court.catalog.render(certificate["document"], person.locale)
    return web.json_response({"certificates": found})


async def invitation_qr(request: web.Request) -> web.Response:
    """The QR code of the defendant's join link (OLR 10), for the court and the plaintiff to
    print or show beside the short code; 404 once the invitation is used or to anyone else."""
    court = court_of(request)
    person = await current_person(request)
    if person is None:
        return error_response(court, 401, "not_signed_in", request_locale(request))
    link = await court.reads.join_link(person.id, request.match_info["case_id"])
    if link is None:
        return error_response(court, 404, "not_a_party", person.locale)
    svg = await asyncio.to_thread(join_link_qr, link)
    return web.Response(text=svg, content_type="image/svg+xml", headers={"Cache-Control": "no-store"})


FileLookup = Callable[[Court, str], Awaitable[tuple[str, bytes] | None]]


async def _stored_file(request: web.Request, lookup: FileLookup) -> web.StreamResponse:
    """Serve a stored file to the signed-in person if `lookup` lets them have it (None: 404, as
    for a file that does not exist), saying plainly when storage cannot give it back."""
    court = court_of(request)
    person = await current_person(request)
    if person is None:
        return error_response(court, 401, "not_signed_in", request_locale(request))
    try:
        found = await lookup(court, person.id)
    except (FileNotFoundError, SealError) as error:
        return _unreadable(court, person.locale, error)
    if found is None:
        return error_response(court, 404, "not_a_party", person.locale)
    return _file_response(*found)


def _unreadable(court: Court, locale: str, error: Exception) -> web.Response:
    """A stored file that is gone or does not open with the data key: said plainly, and logged
    for the court's IT staff (the error names the file by its content hash, nothing personal)."""
    where = str(getattr(error, "filename", "") or "")  # a path named by the content's hash
    log.error("stored file unreadable", extra={"code": type(error).__name__, "path": where})
    return error_response(court, 503, "file_unavailable", locale)


def _file_response(name: str, content: bytes) -> web.Response:
    """A stored file as a download: never rendered as a page of this site (no sniffing)."""
    disposition = f"inline; filename*=UTF-8''{quote(name)}"
    return web.Response(
        body=content,
        content_type="application/octet-stream",
        headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"},
    )


async def signin_link(request: web.Request) -> web.StreamResponse:
    """A one-time staff sign-in link (`microcourt staff add`): sets the session, opens the app."""
    court = court_of(request)
    token = await court.sessions.redeem_signin_link(RedeemSigninLink(request.match_info["token"]))
    if token is None:
        return error_response(court, 404, "signin_link_bad", request_locale(request))
    response = web.Response(status=302, headers={"Location": "/"})
    set_session_cookie(response, request, token)
    return response


async def signout(request: web.Request) -> web.Response:
    court = court_of(request)
    await court.sessions.end(EndSession(request.cookies.get(COOKIE)))
    response = web.json_response({"ok": True})
    response.del_cookie(COOKIE, path="/")
    return response


async def upload_evidence(request: web.Request) -> web.Response:
    """Multipart upload of one file to the case's current `files` prompt (evidence) or `statement`
    prompt (the statement itself: chosen, or recorded in the page)."""
    court = court_of(request)
    person = await current_person(request)
    if person is None:
        return error_response(court, 401, "not_signed_in", request_locale(request))
    try:
        step, seq = request.query["step"], int(request.query["seq"])
        reader = await request.multipart()
        part = await reader.next()
        if not isinstance(part, BodyPartReader) or part.name != "file":
            raise ValueError("no file part")
        name = part.filename or "upload"
        content, size = await _read_file(part, _upload_limit(court), request.content_length)
    except (KeyError, *MULTIPART_REFUSED):  # no step, not multipart (JSON, empty), malformed
        return error_response(court, 400, "upload_a_file", person.locale)
    if size > _upload_limit(court):
        return _too_large(court, person.locale, name, size)
    content_type = part.headers.get("Content-Type", "application/octet-stream")
    outcome = await court.service.upload_evidence(
        UploadEvidence(person.id, request.match_info["case_id"], step, seq, name, content_type, content, "web")
    )
    if not outcome.ok:
        court.metrics.inc("microcourt_errors_total", code=outcome.error or "")
        status = 404 if outcome.error == "not_a_party" else 422
        return error_response(court, status, outcome.error or "internal", person.locale, **outcome.params)
    court.metrics.inc("microcourt_chat_turns_total", channel="web")
    return web.json_response({"evidence": outcome.evidence})


# A body the multipart reader cannot take: not multipart at all (aiohttp asserts the content
# type), a malformed part, or a header it refuses (a raw NUL in a file name: InvalidHeader).
MULTIPART_REFUSED = (AssertionError, ValueError, LookupError, BadHttpMessage)
DRAIN_TIMES = 4  # how far past the limit a refused file is read to learn its size


async def _read_file(part: BodyPartReader, limit: int, declared: int | None) -> tuple[bytes, int]:
    """A file part's content (kept only up to `limit`) and its real size: the rest of a file that
    is too large is read and counted, not kept, so the refusal can say how large it is. Past
    DRAIN_TIMES the limit reading stops, and the request's declared length stands for the size."""
    content, size = bytearray(), 0
    while chunk := await part.read_chunk(1 << 16):
        size += len(chunk)
        if size <= limit:
            content += chunk
        elif size > DRAIN_TIMES * limit:
            return b"", max(size, declared or 0)
    return bytes(content), size


def _too_large(court: Court, locale: str, name: str, size: int) -> web.Response:
    return error_response(
        court,
        413,
        "file_too_large",
        locale,
        name=name,
        size_mb=f"{size / 1048576:.1f}",
        limit_mb=court.settings.max_upload_mb,
    )


def _upload_limit(court: Court) -> int:
    return court.settings.max_upload_mb * 1048576
