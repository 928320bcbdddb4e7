"""Bad input over HTTP and the WebSocket: each is refused with a clear 4xx (or an error frame) in
the person's language, never a 500, and nothing is left behind for a refused upload."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from app.simulation import PLAINTIFF_ANSWERS, Simulation
from app.web import build_app
from court.commands import OpenCase
from gateway.court import Court
from gateway.requests import COURT_KEY
from tests.support.clock import FakeClock
from tests.support.court import court_settings, demo_person

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
async def server(tmp_path: Path, clock: FakeClock) -> AsyncIterator[TestServer]:
    app: web.Application = build_app(court_settings(tmp_path), clock, ticker=False)
    async with TestServer(app) as test_server:
        yield test_server


async def _signed_in(server: TestServer, who: str, locale: str = "en") -> aiohttp.ClientSession:
    http = aiohttp.ClientSession(
        base_url=str(server.make_url("/")),
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        headers={"Accept-Language": locale},
    )
    assert (await http.post("/api/demo/signin", json={"person": who})).status == 200
    return http


async def _at_evidence(court: Court, who: str) -> tuple[str, int]:
    """A draft of `who` answered up to its evidence question: (case id, the question's seq)."""
    person = await demo_person(court, who)
    sim = Simulation(court, "en")
    case_id = str((await court.service.open_case(OpenCase(person.id, "filing", "test"))).case_id)
    while (prompt := await sim.prompt_for(person, case_id)) and prompt["step"] != "evidence":
        await sim.answer(person, case_id, PLAINTIFF_ANSWERS[prompt["step"]])
    assert prompt is not None
    return case_id, int(prompt["seq"])


def _stored(court: Court) -> list[str]:
    return [f.key for f in court.service.blobs.files()]


def _multipart(disposition: bytes, content: bytes = b"%PDF-1.4 x") -> tuple[bytes, dict[str, str]]:
    """A one-part multipart body whose part header is given raw (bytes a client library won't send)."""
    body = (
        b'--b0undary\r\nContent-Disposition: form-data; name="file"; '
        + disposition
        + b"\r\nContent-Type: application/pdf\r\n\r\n"
        + content
        + b"\r\n--b0undary--\r\n"
    )
    return body, {"Content-Type": "multipart/form-data; boundary=b0undary"}


async def test_a_nul_in_an_evidence_file_name_is_refused_and_nothing_is_stored(server: TestServer) -> None:
    """Both encodings of a NUL in the file name (RFC 5987 `filename*` and a raw byte): a 4xx in the
    person's language (litigant_a reads Chinese), and no file written to storage (it would be referenced by nothing)."""
    court = server.app[COURT_KEY]
    case_id, seq = await _at_evidence(court, "litigant_a")
    before = _stored(court)
    http = await _signed_in(server, "litigant_a")
    try:
        url = f"/api/cases/{case_id}/evidence?step=evidence&seq={seq}"
        encoded = await http.post(url, data=_multipart(b"filename*=UTF-8''a%00b.pdf")[0], headers=_multipart(b"")[1])
        body = await encoded.json()
        assert encoded.status == 422 and body["error"] == "file_name_bad" and "重命名" in body["text"]
        raw = await http.post(url, data=_multipart(b'filename="a\x00b.pdf"')[0], headers=_multipart(b"")[1])
        assert 400 <= raw.status < 500 and "error" in await raw.json()
        # the same file under a plain name is taken
        plain = await http.post(url, data=_multipart(b'filename="ab.pdf"')[0], headers=_multipart(b"")[1])
        assert plain.status == 200
    finally:
        await http.close()
    assert len(_stored(court)) == len(before) + 1  # only the file that was taken


async def test_json_or_an_empty_body_to_the_upload_routes_is_a_400(server: TestServer) -> None:
    """The evidence and power-of-attorney routes take multipart only: anything else is a 400 in
    the person's language, not an assertion failure."""
    court = server.app[COURT_KEY]
    case_id, seq = await _at_evidence(court, "litigant_a")
    http = await _signed_in(server, "litigant_a", "zh")
    try:
        for url in (f"/api/cases/{case_id}/evidence?step=evidence&seq={seq}", "/api/agency/accept"):
            as_json = await http.post(url, json={"file": "x"})
            assert as_json.status == 400 and (await as_json.json())["error"] == "upload_a_file"
            empty = await http.post(url)
            body = await empty.json()
            assert empty.status == 400 and "上传" in body["text"]
    finally:
        await http.close()


async def test_deeply_nested_json_is_a_400_on_every_json_route(server: TestServer) -> None:
    """Parsed with a depth limit (gateway.requests.parse_json): `[[[…]]]` 100,000 deep is refused
    in the reader's language before the parser recurses (/api/telegram/session: in
    tests/e2e/test_telegram_filing.py, where Telegram is configured)."""
    anonymous = aiohttp.ClientSession(base_url=str(server.make_url("/")), headers={"Accept-Language": "en"})
    http = await _signed_in(server, "clerk")
    try:
        for client, route in (
            (anonymous, "/api/session"),
            (anonymous, "/api/demo/signin"),
            (http, "/api/identity/consent"),
            (http, "/api/identity/override"),
        ):
            answer = await client.post(route, data=DEEP, headers={"Content-Type": "application/json"})
            body = await answer.json()
            assert answer.status == 400 and body["error"] == "bad_request", route
            # the signed-in clerk reads Chinese; the visitor's browser asks for English
            assert ("无法识别" if client is http else "did not understand") in body["text"], route
        not_json = await anonymous.post("/api/session", data=b"{nope", headers={"Content-Type": "application/json"})
        assert not_json.status == 400
        assert (await anonymous.post("/api/session")).status == 200  # no body at all: the defaults
    finally:
        await anonymous.close()
        await http.close()


async def test_a_deep_or_oversized_websocket_frame_is_answered_and_the_socket_stays_open(server: TestServer) -> None:
    """A frame nested 30,000 deep is `bad_request`; one over 256 KiB is `message_too_long` (the
    socket is not closed with 1009); the tab goes on working after both."""
    http = await _signed_in(server, "litigant_b")
    try:
        ws = await http.ws_connect("/ws")
        await ws.send_json({"type": "hello", "locale": "en"})
        while (await ws.receive_json())["type"] != "cases":
            pass
        await ws.send_str("[" * 30_000 + "]" * 30_000)  # under the 64 KiB a frame may have
        deep = await ws.receive_json()
        assert deep["type"] == "error" and deep["code"] == "bad_request"
        await ws.send_str('{"type":"answer","value":"' + "x" * 300 * 1024 + '"}')
        long = await ws.receive_json()
        assert long["code"] == "message_too_long" and "shorten" in long["text"]
        await ws.send_json({"type": "list_cases"})
        assert (await ws.receive_json())["type"] == "cases"
        await ws.close()
    finally:
        await http.close()


async def test_an_oversized_power_of_attorney_is_described_with_its_real_size(server: TestServer) -> None:
    """A 30 MB file against the 20 MB limit is said to be 30.0 MB, not the part read so far."""
    http = await _signed_in(server, "litigant_b")
    try:
        form = aiohttp.FormData()
        form.add_field("code", "g-unknown")
        form.add_field("file", io.BytesIO(b"\0" * (30 * 1048576)), filename="poa.pdf", content_type="application/pdf")
        answer = await http.post("/api/agency/accept", data=form)
        body = await answer.json()
        assert answer.status == 413 and body["error"] == "file_too_large"
        assert "30.0 MB" in body["text"] and "20 MB" in body["text"]
    finally:
        await http.close()


async def test_a_huge_file_is_not_read_to_its_end_and_is_described_by_its_declared_length(
    server: TestServer,
) -> None:
    """Past 4 times the limit the court stops reading a refused file: its size is the request's
    declared length (here 100 MB against 20 MB), not what was read."""
    http = await _signed_in(server, "litigant_b", "en")
    try:
        form = aiohttp.FormData()
        form.add_field("code", "g-unknown")
        form.add_field("file", io.BytesIO(b"\0" * (100 * 1048576)), filename="poa.pdf", content_type="application/pdf")
        answer = await http.post("/api/agency/accept", data=form)
        body = await answer.json()
        assert answer.status == 413 and "100.0 MB" in body["text"]
    finally:
        await http.close()
