"""The public /verify page and POST /api/verify: anyone checks a court PDF (is it intact, and who
signed it when), with no account, against every certificate the court has signed with."""

from __future__ import annotations

import asyncio

from aiohttp import web

from court.documents import court_key
from court.documents.verify import verify
from gateway.requests import court_of, error_response, request_locale

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
    content = await request.content.read(MAX_PDF + 1)
    if len(content) > MAX_PDF:
        return error_response(court, 413, "document_too_large", locale, limit=MAX_PDF // (1024 * 1024))
    certificates = await asyncio.to_thread(court_key.certificates, court_key.key_dir(court.settings.data_dir))
    # pyHanko validates inside asyncio.run of its own: in a thread, away from the server's loop
    verdict = await asyncio.to_thread(verify, content, certificates)
    return web.json_response(verdict.as_json(locale))


def add_verify_routes(app: web.Application) -> None:
    app.router.add_get("/verify", verify_page)
    app.router.add_post("/api/verify", verify_upload)
