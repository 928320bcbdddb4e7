"""Court PDFs over HTTP (issue 16): a served document downloads signed for the party served,
is refused to others and to nobody signed in, and POST /api/verify checks it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from app.simulation import Simulation
from app.web import build_app
from court.documents import court_key
from gateway.requests import COURT_KEY
from tests.support.clock import FakeClock
from tests.support.court import court_settings, demo_person


@pytest.fixture
async def server(tmp_path: Path, clock: FakeClock) -> AsyncIterator[TestServer]:
    app: web.Application = build_app(court_settings(tmp_path), clock, ticker=False)
    async with TestServer(app) as test_server:
        yield test_server


async def _session(server: TestServer, who: str | None) -> aiohttp.ClientSession:
    session = aiohttp.ClientSession(base_url=str(server.make_url("/")), cookie_jar=aiohttp.CookieJar(unsafe=True))
    if who is not None:
        assert (await session.post("/api/demo/signin", json={"person": who})).status == 200
    return session


async def test_olr31_served_notice_downloads_signed_for_its_party_and_verifies_on_api_verify(
    server: TestServer, clock: FakeClock
) -> None:
    """OLR 31, ESL 13: the plaintiff downloads the acceptance notice served on them as a
    court-signed PDF; another litigant gets 404, nobody signed in 401; /api/verify says intact,
    and a changed copy tampered (1), and a text file not a court document (2)."""
    court = server.app[COURT_KEY]
    sim = Simulation(court)
    case_id = await sim.file_case(await demo_person(court, "litigant_a"))
    clerk = await demo_person(court, "clerk")
    await sim.accept(clerk, case_id)
    certificates = await court.service.service_certificates(clerk.id, case_id)
    assert isinstance(certificates, list)
    url = f"/api/cases/{case_id}/documents/{certificates[0]['message_id']}.pdf"
    court_key.init(court_key.key_dir(court.settings.data_dir), court.store.sealer, "微法庭", "浙0192", clock())

    plaintiff, other, nobody = [await _session(server, who) for who in ("litigant_a", "litigant_b", None)]
    try:
        answer = await plaintiff.get(url)
        assert answer.status == 200 and answer.content_type == "application/pdf"
        pdf = await answer.read()
        assert (await other.get(url)).status == 404 and (await nobody.get(url)).status == 401
        assert (await plaintiff.get(f"/api/cases/{case_id}/documents/x.pdf")).status == 404

        checked = await (await nobody.post("/api/verify", data=pdf, headers={"Content-Type": "application/pdf"})).json()
        assert checked["result"] == "intact" and checked["code"] == 0 and checked["signer"] == "微法庭"
        changed = bytearray(pdf)
        changed[len(pdf) // 3] ^= 1
        tampered = await (await nobody.post("/api/verify", data=bytes(changed))).json()
        assert tampered["code"] == 1 and tampered["result"] == "tampered"
        assert (await (await nobody.post("/api/verify", data=b"hello")).json())["code"] == 2
        page = await nobody.get("/verify")
        assert page.status == 200 and "/static/verify/verify.js" in await page.text()
    finally:
        for session in (plaintiff, other, nobody):
            await session.close()
