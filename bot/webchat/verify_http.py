"""Court PDFs over HTTP: the public /verify page and POST /api/verify (anyone checks a court PDF:
intact, and who signed it when), and a served document or its certificate downloaded signed."""

from __future__ import annotations

import asyncio

from aiohttp import web

from court.commands import SignServedDocument
from court.documents import court_key
from court.documents.verify import verify
from court.outcomes import Outcome
from gateway.requests import court_of, current_person, error_response, request_locale

MAX_PDF = 20 * 1024 * 1024  # larger than any court document


async def verify_page(request: web.Request) -> web.StreamResponse:
    from bot.webchat.http import STATIC

    return web.FileResponse(STATIC / "verify.html")


async def verify_upload(request: web.Request) -> web.Response:
    """The uploaded file (the request's body, as is) checked: the verdict with its exit code
    (0 intact, 1 changed after signing, 2 not a court document) and a sentence saying it."""
    court, locale = court_of(request), request_locale(request)
    if request.content_length is not None and request.content_length > MAX_PDF:
        return error_response(court, 413, "document_too_large", locale, limit=MAX_PDF // (1024 * 1024))
    chunks, size = [], 0
    async for chunk in request.content.iter_chunked(64 * 1024):  # the whole body, however it arrives
        size += len(chunk)
        if size > MAX_PDF:
            return error_response(court, 413, "document_too_large", locale, limit=MAX_PDF // (1024 * 1024))
        chunks.append(chunk)
    content = b"".join(chunks)
    certificates = await asyncio.to_thread(court_key.certificates, court_key.key_dir(court.settings.data_dir))
    # pyHanko validates inside asyncio.run of its own: in a thread, away from the server's loop
    verdict = await asyncio.to_thread(verify, content, certificates)
    return web.json_response(verdict.as_json(locale))


STATUS = {"court_key_missing": 503}


async def served_pdf(request: web.Request) -> web.Response:
    """A served document (`{message_id}.pdf`) or its e-service certificate
    (`{message_id}-certificate.pdf`) as a PDF signed by the court: the court's, or the party's it
    was served on (court/e_service.py decides, as for the certificates)."""
    court = court_of(request)
    person = await current_person(request)
    if person is None:
        return error_response(court, 401, "not_signed_in", request_locale(request))
    name = request.match_info["name"]
    number, part = name.removesuffix("-certificate"), "certificate" if name.endswith("-certificate") else "document"
    if not number.isdigit():
        return error_response(court, 404, "not_a_party", person.locale)
    cmd = SignServedDocument(person.id, request.match_info["case_id"], int(number), part, person.locale)
    signed = await court.service.served_document_pdf(cmd, court.catalog)
    if isinstance(signed, Outcome):
        return error_response(court, STATUS.get(str(signed.error), 404), str(signed.error), person.locale)
    headers = {"Content-Disposition": f'attachment; filename="{name}.pdf"', "Cache-Control": "no-store"}
    return web.Response(body=signed.pdf, content_type="application/pdf", headers=headers)


def add_verify_routes(app: web.Application) -> None:
    app.router.add_get("/verify", verify_page)
    app.router.add_post("/api/verify", verify_upload)
    app.router.add_get("/api/cases/{case_id}/documents/{name}.pdf", served_pdf)
