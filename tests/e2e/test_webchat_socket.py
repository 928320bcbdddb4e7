"""The web chat over a real WebSocket against the real aiohttp server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from app.simulation import PLAINTIFF_ANSWERS
from app.web import build_app
from tests.support.clock import FakeClock
from tests.support.court import court_settings, demo_person


@pytest.fixture
async def server(tmp_path: Path, clock: FakeClock) -> AsyncIterator[TestServer]:
    app: web.Application = build_app(court_settings(tmp_path), clock, ticker=False)
    async with TestServer(app) as test_server:
        yield test_server


class Chat:
    """A scripted browser tab: signs in, talks over the socket, waits for frames."""

    def __init__(self, session: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.session, self.ws = session, ws
        self.prompt: dict[str, Any] | None = None
        self.case_id = ""
        self.seen: list[dict[str, Any]] = []

    async def until(self, kind: str, where: Any = None) -> dict[str, Any]:
        """Read frames until one of `kind` (matching `where`) arrives; bounded by a timeout."""
        async with asyncio.timeout(10):
            while True:
                frame = await self.ws.receive_json()
                if frame["type"] == "message" and frame["prompt"]:
                    self.prompt = frame["prompt"]
                    self.seen.append(frame)
                if frame["type"] == kind and (where is None or where(frame)):
                    return frame

    async def next_prompt(self, step: str) -> None:
        """Wait until the newest prompt is past `step` (it may already have arrived before the ack)."""
        if self.prompt is None or self.prompt["step"] == step:
            await self.until("message", lambda f: f["prompt"] and f["prompt"]["step"] != step)

    async def answer(self, value: Any, expect: str = "ack") -> dict[str, Any]:
        assert self.prompt is not None
        step = self.prompt["step"]
        await self.ws.send_json(
            {
                "type": "answer",
                "case_id": self.case_id,
                "step": step,
                "seq": self.prompt["seq"],
                "value": value,
                "client_id": step,
            }
        )
        return await self.until(expect)


async def _chat(server: TestServer, who: str, locale: str = "en") -> Chat:
    session = aiohttp.ClientSession(base_url=str(server.make_url("/")), cookie_jar=aiohttp.CookieJar(unsafe=True))
    signin = await session.post("/api/demo/signin", json={"person": who})
    assert signin.status == 200
    ws = await session.ws_connect("/ws")
    chat = Chat(session, ws)
    await ws.send_json({"type": "hello", "locale": locale})
    await chat.until("cases")
    return chat


async def test_file_a_case_over_the_socket_with_an_upload(server: TestServer) -> None:
    """A litigant files over the WebSocket; bad and stale input get clear errors; the clerk sees it."""
    chat = await _chat(server, "litigant_a")
    try:
        await chat.ws.send_json({"type": "new_case", "flow": "filing"})
        opened = await chat.until("case_opened")
        chat.case_id = opened["case"]["case_id"]
        chat.prompt = opened["messages"][-1]["prompt"]
        assert chat.prompt["options"][0]["label"] == "Yes, serve me electronically"
        stale = dict(chat.prompt)
        await chat.answer("yes")
        await chat.next_prompt("consent_service")
        assert chat.prompt is not None and chat.prompt["step"] == "plaintiff_name"
        old, chat.prompt = chat.prompt, stale
        error = await chat.answer("yes", expect="error")
        assert error["code"] == "stale_step" and "earlier question" in error["text"]
        chat.prompt = old
        while chat.prompt["step"] != "evidence":
            step = chat.prompt["step"]
            if step == "plaintiff_id":
                bad = await chat.answer("110105194912310021", expect="error")
                assert bad["code"] == "id_checksum" and "check digit" in bad["text"]
            await chat.answer(PLAINTIFF_ANSWERS[step])
            await chat.next_prompt(step)
        form = aiohttp.FormData()
        form.add_field("file", b"order #123 receipt", filename="receipt.txt", content_type="text/plain")
        url = f"/api/cases/{chat.case_id}/evidence?step=evidence&seq={chat.prompt['seq']}"
        uploaded = await chat.session.post(url, data=form)
        assert uploaded.status == 200
        sha = (await uploaded.json())["evidence"]["sha256"]
        received = await chat.until("message", lambda f: sha in f["text"])
        assert "receipt.txt" in received["text"]
        seen: list[dict[str, Any]] = []
        chat.seen = seen
        await chat.answer("done")
        await chat.next_prompt("evidence")
        summary = next(f for f in seen if f["prompt"] and f["prompt"]["step"] == "summary")
        assert "110105********002X" in summary["text"] and "11010519491231002X" not in summary["text"]
        await chat.answer("submit")
        await chat.next_prompt("summary")
        waiting = seen[-1]
        assert "is with the court" in waiting["text"] and waiting["prompt"]["due_at"]
        await chat.ws.send_json({"type": "open_case", "case_id": chat.case_id})  # as after a reload
        reopened = await chat.until("case_opened")
        mine = [a["text"] for a in reopened["answers"]]
        assert mine[:3] == ["Yes, serve me electronically", "张三", "11010519491231002X"]
        assert "receipt.txt" in mine and mine[-1] == "Submit the filing"
        ids = [m["id"] for m in reopened["messages"]]
        assert all(a["after_id"] in ids for a in reopened["answers"])
    finally:
        await chat.session.close()

    clerk = await _chat(server, "clerk", "zh")
    try:
        await clerk.ws.send_json({"type": "queue"})
        queue = await clerk.until("queue")
        assert [item["case_id"] for item in queue["items"]] == [chat.case_id]
        assert queue["items"][0]["status_text"] == "法院审查中"
    finally:
        await clerk.session.close()


async def test_other_peoples_cases_and_bad_frames_get_clear_answers(server: TestServer) -> None:
    """Opening someone else's case, a malformed frame or a huge one: refused, explained, no leak."""
    owner = await _chat(server, "litigant_a")
    other = await _chat(server, "litigant_b", "zh")
    try:
        await owner.ws.send_json({"type": "new_case", "flow": "filing"})
        case_id = (await owner.until("case_opened"))["case"]["case_id"]
        await other.ws.send_json({"type": "open_case", "case_id": case_id})
        refused = await other.until("error")
        assert refused["code"] == "not_a_party" and "不属于您" in refused["text"]
        await other.ws.send_str("{not json")
        assert (await other.until("error"))["code"] == "bad_request"
        await other.ws.send_str('{"type":"answer","value":"' + "x" * 70000 + '"}')
        assert (await other.until("error"))["code"] == "message_too_long"
        await other.ws.send_json({"type": "list_cases"})
        assert (await other.until("cases"))["cases"] == []
    finally:
        await owner.session.close()
        await other.session.close()


async def test_health_metrics_and_no_demo_signin_outside_demo(server: TestServer, tmp_path: Path) -> None:
    """/healthz answers 200, /metrics speaks Prometheus text (behind a bearer token when one is
    set); demo sign-in exists only in demo mode."""
    async with aiohttp.ClientSession(base_url=str(server.make_url("/"))) as http:
        assert (await http.get("/healthz")).status == 200
        body = await (await http.get("/metrics")).text()
        assert "# TYPE microcourt_outbox_backlog gauge" in body
        signed_out = await http.get("/api/me")  # a first visit: an answer, not an error (no console error)
        assert signed_out.status == 200 and (await signed_out.json())["person"] is None
    settings = court_settings(tmp_path / "real")
    from dataclasses import replace

    app = build_app(replace(settings, demo=False, metrics_token="s3cret-scrape"), ticker=False)
    async with TestServer(app) as real, aiohttp.ClientSession(base_url=str(real.make_url("/"))) as http:
        assert (await http.post("/api/demo/signin", json={"person": "clerk"})).status == 404
        assert (await http.get("/api/demo/people")).status == 404
        # with MICROCOURT_METRICS_TOKEN set, only the scraper that sends it reads the counts
        refused = await http.get("/metrics", headers={"Authorization": "Bearer wrong"})
        assert refused.status == 401 and "MICROCOURT_METRICS_TOKEN" in await refused.text()
        assert (await http.get("/metrics")).status == 401
        scraped = await http.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape"})
        assert scraped.status == 200 and "microcourt_outbox_backlog" in await scraped.text()


async def test_staff_sign_in_by_one_time_link_outside_demo_mode(tmp_path: Path, clock: FakeClock) -> None:
    """`microcourt staff add` prints a link that signs a clerk in once; a second use is refused."""
    import os
    import sys
    from dataclasses import replace

    settings = replace(court_settings(tmp_path), demo=False)
    env = {**os.environ, "MICROCOURT_DATA_DIR": str(tmp_path), "MICROCOURT_SECRET_KEY": settings.secret_key or ""}
    cli = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        "staff",
        "add",
        "--role",
        "clerk",
        "--name",
        "Clerk Qian",
        env=env,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await cli.communicate()
    assert cli.returncode == 0
    token = out.decode().strip().rsplit("/signin/", 1)[1]
    app = build_app(settings, clock, ticker=False)
    async with TestServer(app) as real:
        forged = {"mc_session": f"link:{token}"}  # the link is stored like a session: never usable as one
        async with aiohttp.ClientSession(base_url=str(real.make_url("/")), cookies=forged) as sneaky:
            assert (await (await sneaky.get("/api/me")).json())["person"] is None  # signed out: 200, nobody
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(base_url=str(real.make_url("/")), cookie_jar=jar) as http:
            first = await http.get(f"/signin/{token}", allow_redirects=False)
            assert first.status == 302
            me = await (await http.get("/api/me")).json()
            assert me["person"]["staff_role"] == "clerk" and me["person"]["name"] == "Clerk Qian"
        async with aiohttp.ClientSession(base_url=str(real.make_url("/"))) as other:
            again = await other.get(f"/signin/{token}", allow_redirects=False)
            assert again.status == 404 and "管理员" in (await again.json())["text"]


async def test_a_tab_of_a_record_merged_meanwhile_is_told_why_no_case_opened(server: TestServer) -> None:
    """The tab still speaks for a record that was just linked into another: no case is opened
    where no channel would reach it, and the person reads what to do."""
    from court.linking import link_people
    from court.sessions import new_litigant
    from gateway.requests import COURT_KEY

    court = server.app[COURT_KEY]
    session = aiohttp.ClientSession(base_url=str(server.make_url("/")), cookie_jar=aiohttp.CookieJar(unsafe=True))
    try:
        assert (await session.post("/api/session", json={"locale": "en"})).status == 200
        me = (await (await session.get("/api/me")).json())["person"]["id"]
        ws = await session.ws_connect("/ws")
        chat = Chat(session, ws)
        await ws.send_json({"type": "hello", "locale": "en"})
        await chat.until("cases")
        async with court.store.tx() as tx:
            kept = new_litigant(court.clock(), "en")
            tx.add(kept)
            await tx.flush()
            assert (await link_people(tx, kept.id, me, court.clock())).merged == me
        await ws.send_json({"type": "new_case", "flow": "filing"})
        error = await chat.until("error")
        assert error["code"] == "account_linked_meanwhile" and "start it again" in error["text"]
        async with court.store.tx() as tx:
            assert await tx.cases_of(me) == [] and await tx.cases_of(kept.id) == []
    finally:
        await session.close()


async def test_the_clerks_case_list_holds_filings_received_not_drafts(server: TestServer) -> None:
    """A draft is the litigant's own until submitted; a flood of drafts cannot push received
    filings off the clerk's list."""
    from app.simulation import Simulation
    from court.commands import OpenCase
    from gateway.requests import COURT_KEY
    from tests.support.court import demo_person

    court = server.app[COURT_KEY]
    litigant = await demo_person(court, "litigant_a")
    draft = str((await court.service.open_case(OpenCase(litigant.id, "filing", "test"))).case_id)
    filed = await Simulation(court).file_case(litigant)
    clerk = await _chat(server, "clerk")
    try:
        await clerk.ws.send_json({"type": "list_cases"})
        listed = [card["case_id"] for card in (await clerk.until("cases"))["cases"]]
        assert filed in listed and draft not in listed
    finally:
        await clerk.session.close()


async def test_a_draft_is_the_plaintiffs_alone_until_the_court_receives_it(server: TestServer) -> None:
    """Before the court receives a filing, a clerk of the same court sees nothing of it: opening
    the draft is `not_a_party` as for a case that does not exist, and its service record is a
    404; once submitted, the court opens it."""
    from app.simulation import Simulation
    from court.commands import OpenCase
    from gateway.requests import COURT_KEY
    from tests.support.court import demo_person

    court = server.app[COURT_KEY]
    litigant = await demo_person(court, "litigant_a")
    draft = str((await court.service.open_case(OpenCase(litigant.id, "filing", "test"))).case_id)
    filed = await Simulation(court).file_case(litigant)
    clerk = await _chat(server, "clerk", "en")
    try:
        for case_id in (draft, "00000000-0000-4000-8000-000000000000"):  # a draft, and no case at all
            await clerk.ws.send_json({"type": "open_case", "case_id": case_id})
            refused = await clerk.until("error")
            assert refused["code"] == "not_a_party" and "does not exist" in refused["text"]
            certificates = await clerk.session.get(f"/api/cases/{case_id}/service")
            assert certificates.status == 404 and (await certificates.json())["error"] == "not_a_party"
        await clerk.ws.send_json({"type": "open_case", "case_id": filed})
        assert (await clerk.until("case_opened"))["case"]["case_id"] == filed
        assert (await clerk.session.get(f"/api/cases/{filed}/service")).status == 200
    finally:
        await clerk.session.close()


async def test_court_staff_cannot_start_a_filing(server: TestServer) -> None:
    """Clerks and judges file no cases: `new_case` from a staff account is refused by the service
    (the page offers no "New filing" to them either), and no draft is left behind."""
    for who in ("clerk", "judge"):
        staff = await _chat(server, who, "en")
        try:
            await staff.ws.send_json({"type": "new_case", "flow": "filing"})
            refused = await staff.until("error")
            assert refused["code"] == "staff_do_not_file" and "litigant" in refused["text"]
            await staff.ws.send_json({"type": "list_cases"})
            assert (await staff.until("cases"))["cases"] == []
        finally:
            await staff.session.close()


async def test_another_site_cannot_act_with_a_session_or_open_the_socket(server: TestServer) -> None:
    """A page on another site (a sibling subdomain too) is refused before anything runs; the
    court's own page, and callers that are not pages (no Origin), are not."""
    base = str(server.make_url("/"))
    own = base.rstrip("/")
    async with aiohttp.ClientSession(base_url=base, cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        evil = {"Origin": "https://court.example.evil.test"}
        refused = await browser.post("/api/demo/signin", json={"person": "litigant_a"}, headers=evil)
        body = await refused.json()
        assert refused.status == 403 and body["error"] == "cross_site" and "法院" in body["text"]
        assert (await (await browser.get("/api/me")).json())["person"] is None  # no session was started
        signed_in = await browser.post("/api/demo/signin", json={"person": "litigant_a"}, headers={"Origin": own})
        assert signed_in.status == 200 and "Secure" not in signed_in.headers["Set-Cookie"]  # plain HTTP here
        proxied = {"Origin": own, "X-Forwarded-Proto": "https"}  # a TLS proxy in front: the cookie says Secure
        behind = await browser.post("/api/demo/signin", json={"person": "litigant_a"}, headers=proxied)
        assert "Secure" in behind.headers["Set-Cookie"] and "HttpOnly" in behind.headers["Set-Cookie"]
        browser.cookie_jar.update_cookies(signed_in.cookies)
        with pytest.raises(aiohttp.WSServerHandshakeError) as handshake:
            await browser.ws_connect("/ws", headers=evil)
        assert handshake.value.status == 403
        ws = await browser.ws_connect("/ws", headers={"Origin": own})
        await ws.close()


async def test_new_sign_ins_and_new_cases_are_limited_per_hour(tmp_path: Path, clock: FakeClock) -> None:
    """One network cannot mint litigants, nor one person drafts, without end (each costs rows
    and, once filed, the court's time); the limits lift as the hour passes. Behind a proxy the
    visitor's address counts, not the proxy's."""
    from dataclasses import replace

    from gateway.limits import NEW_CASES_PER_HOUR, SESSIONS_PER_HOUR

    settings = replace(court_settings(tmp_path), demo=False, behind_proxy=True)
    async with TestServer(build_app(settings, clock, ticker=False)) as real:
        base = str(real.make_url("/"))
        async with aiohttp.ClientSession(base_url=base) as network:
            office = {"X-Forwarded-For": "203.0.113.7"}
            for _ in range(SESSIONS_PER_HOUR):
                assert (await network.post("/api/session", json={"locale": "en"}, headers=office)).status == 200
            refused = await network.post("/api/session", json={"locale": "en"}, headers=office)
            assert refused.status == 429 and "try again later" in (await refused.json())["text"]
            elsewhere = {"X-Forwarded-For": "198.51.100.2"}
            assert (await network.post("/api/session", json={"locale": "en"}, headers=elsewhere)).status == 200
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(base_url=base, cookie_jar=jar) as http:
            assert (await http.post("/api/session", json={"locale": "en"})).status == 200
            ws = await http.ws_connect("/ws")
            chat = Chat(http, ws)
            await ws.send_json({"type": "hello", "locale": "en"})
            for _ in range(NEW_CASES_PER_HOUR):
                await ws.send_json({"type": "new_case", "flow": "filing"})
                await chat.until("case_opened")
            await ws.send_json({"type": "new_case", "flow": "filing"})
            assert (await chat.until("error"))["code"] == "too_many_new_cases"
            clock.jump(hours=1)
            await ws.send_json({"type": "new_case", "flow": "filing"})
            await chat.until("case_opened")
            await ws.close()


async def test_an_open_tab_stops_acting_once_its_session_has_ended(server: TestServer, clock: FakeClock) -> None:
    """Signed out in another tab: the open socket is closed (4401) at its next frame once the
    minute's re-check comes round, and the page shows the sign-in screen; nothing more is done."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(base_url=str(server.make_url("/")), cookie_jar=jar) as http:
        assert (await http.post("/api/demo/signin", json={"person": "litigant_a"})).status == 200
        ws = await http.ws_connect("/ws")
        chat = Chat(http, ws)
        await ws.send_json({"type": "hello", "locale": "en"})
        await chat.until("cases")
        assert (await http.post("/api/signout")).status in (200, 204)
        clock.jump(seconds=61)
        await ws.send_json({"type": "new_case", "flow": "filing"})
        closed = await ws.receive(timeout=10)
        assert (closed.type, closed.data) == (aiohttp.WSMsgType.CLOSE, 4401)
    from gateway.requests import COURT_KEY

    async with server.app[COURT_KEY].store.tx() as tx:
        person = await tx.person_by_demo_key("litigant_a")
        assert person is not None and await tx.cases_of(person.id) == []  # the frame was not acted on


def _lose(path: Path) -> None:
    path.unlink()


async def test_a_stored_file_gone_from_disk_is_said_plainly_not_a_crash(server: TestServer) -> None:
    """The file route answers 503 `file_unavailable`, in the reader's language, when a received
    file is missing from storage (a restore gone wrong), instead of failing with a bare 500."""
    from sqlalchemy import select

    from app.simulation import Simulation
    from gateway.requests import COURT_KEY
    from storage.models import Evidence
    from tests.support.court import demo_person

    court = server.app[COURT_KEY]
    case_id = await Simulation(court).file_case(await demo_person(court, "litigant_a"))
    async with court.store.tx() as tx:
        [evidence] = (await tx.session.scalars(select(Evidence).where(Evidence.case_id == case_id))).all()
    [stored] = [f.path for f in court.service.blobs.files() if f.key == evidence.blob_key]
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(base_url=str(server.make_url("/")), cookie_jar=jar) as http:
        assert (await http.post("/api/demo/signin", json={"person": "clerk"})).status == 200
        url = f"/api/cases/{case_id}/files/{evidence.id}"
        assert (await http.get(url)).status == 200
        _lose(stored)
        answer = await http.get(url)
        body = await answer.json()
    assert answer.status == 503 and body["error"] == "file_unavailable" and "法院存储" in body["text"]


async def test_a_served_notice_is_confirmed_over_the_socket_and_certified_over_http(server: TestServer) -> None:
    """OLR 31 in the web chat: a served notice carries a "received" button; the answer is the
    time recorded, the case shows it when reopened, and the certificate route gives the court and
    the party (nobody else) each document's delivery and acknowledgement."""
    from app.simulation import Simulation
    from gateway.requests import COURT_KEY
    from tests.support.court import demo_person

    court = server.app[COURT_KEY]
    sim = Simulation(court)
    case_id = await sim.file_case(await demo_person(court, "litigant_a"))
    await sim.accept(await demo_person(court, "clerk"), case_id)
    chat = await _chat(server, "litigant_a")
    try:
        await chat.ws.send_json({"type": "open_case", "case_id": case_id})
        opened = await chat.until("case_opened")
        [notice] = [m for m in opened["messages"] if m.get("service") and "Acceptance notice" in m["text"]]
        assert notice["service"] == {
            "document": "acceptance notice",
            "acknowledged_at": None,
            "button": "I have received it",
        }
        await chat.ws.send_json({"type": "acknowledge", "message_id": "1"})
        assert (await chat.until("error"))["code"] == "bad_request"
        await chat.ws.send_json({"type": "acknowledge", "message_id": notice["id"]})
        said = await chat.until("acknowledged")
        assert said["message_id"] == notice["id"] and "confirmed receipt of the acceptance notice" in said["text"]
        await chat.ws.send_json({"type": "open_case", "case_id": case_id})
        reopened = await chat.until("case_opened")
        [again] = [m for m in reopened["messages"] if m["id"] == notice["id"]]
        assert again["service"]["acknowledged_at"] == said["at"]
        answer = await chat.session.get(f"/api/cases/{case_id}/service")
        certificates = (await answer.json())["certificates"]
        assert answer.status == 200 and certificates[0]["document_name"] == "acceptance notice"
        assert certificates[0]["acknowledged_at"] == said["at"] and certificates[0]["acknowledged_via"] == "web"
        # it reached only the inbox (the plaintiff had not used the web chat yet); opening the case
        # showed it: a read receipt, so service took effect then (OLR 31(2))
        assert certificates[0]["address"] == "web inbox, unused" and certificates[0]["read_at"]
        assert (certificates[0]["effective_by"], certificates[0]["effective_at"]) == (
            "read",
            certificates[0]["read_at"],
        )
    finally:
        await chat.session.close()
    other = await _chat(server, "litigant_b")
    try:
        refused = await other.session.get(f"/api/cases/{case_id}/service")
        assert refused.status == 404 and (await refused.json())["error"] == "not_a_party"
    finally:
        await other.session.close()


async def test_cpl86_an_application_for_more_time_is_sent_over_the_socket(server: TestServer) -> None:
    """The web chat sends a party's application for more time (CPL 86) to the judge of the case."""
    from app.simulation import Simulation
    from gateway.requests import COURT_KEY
    from tests.support.court import demo_person

    court = server.app[COURT_KEY]
    sim = Simulation(court)
    case_id = await sim.file_case(await demo_person(court, "litigant_a"))
    await sim.accept(await demo_person(court, "clerk"), case_id)
    chat = await _chat(server, "litigant_a")
    try:
        await chat.ws.send_json({"type": "open_case", "case_id": case_id})
        await chat.until("case_opened")  # the fee notice is read: its period starts (OLR 31(2))
        await court.sweeper.run_once()
        await chat.ws.send_json({"type": "apply_more_time", "case_id": case_id, "obstacle_ended": 5, "reason": "x"})
        assert (await chat.until("error"))["code"] == "bad_request"
        frame = {"type": "apply_more_time", "case_id": case_id, "obstacle_ended": "2026-11-29", "reason": "ill"}
        await chat.ws.send_json(frame)
        applied = await chat.until("more_time_applied")
        assert applied["application"] == "1"
    finally:
        await chat.session.close()


async def test_the_trial_in_the_web_chat_countdown_answer_and_the_extension_button(server: TestServer) -> None:
    """Issue 13 in the web chat: the defendant's answer prompt carries the time left, the answer
    is taken over the socket, and in the evidence exchange each prompt carries the extension button."""
    from app.simulation import Simulation
    from gateway.requests import COURT_KEY
    from tests.support.court import demo_person
    from tests.support.trial import case_in_trial

    court = server.app[COURT_KEY]
    sim = Simulation(court)
    case_id, _rep = await case_in_trial(court, sim, version=1)
    chat = await _chat(server, "litigant_b")
    try:
        await chat.ws.send_json({"type": "open_case", "case_id": case_id})
        opened = await chat.until("case_opened")
        prompt = [m for m in opened["messages"] if m.get("prompt")][-1]["prompt"]
        assert prompt["step"] == "answer_position" and prompt["due_at"]
        assert prompt["deadline_label"] == "period for the defendant to answer"
        chat.prompt, chat.case_id = prompt, case_id
        for value in ("admit", "accept", "no", "done", "submit"):
            step = chat.prompt["step"]
            await chat.answer(value)
            await chat.next_prompt(step)
        assert chat.prompt["step"] == "exchange_consent_defendant"
        await sim.answer(await demo_person(court, "litigant_a"), case_id, "yes")
        await chat.answer("yes")
        await chat.next_prompt("exchange_consent_defendant")
        assert chat.prompt["step"] == "exchange_defendant"
        labels = {o["value"]: o["label"] for o in chat.prompt["options"]}
        assert labels["_extend"] == "Ask for 7 more days" and chat.prompt["due_at"]
    finally:
        await chat.session.close()


async def test_olr5_the_defendant_withdraws_e_service_consent_over_the_socket_during_the_trial(
    server: TestServer,
) -> None:
    """The consent given when joining can be withdrawn at any stage: a frame, recorded, court told."""
    from app.simulation import Simulation
    from gateway.requests import COURT_KEY
    from tests.support.trial import case_in_trial, case_state

    court = server.app[COURT_KEY]
    case_id, _rep = await case_in_trial(court, Simulation(court))
    plaintiff, defendant = await _chat(server, "litigant_a"), await _chat(server, "litigant_b")
    try:
        await plaintiff.ws.send_json({"type": "withdraw_e_service", "case_id": case_id})
        assert (await plaintiff.until("error"))["code"] == "no_e_service_consent"
        await defendant.ws.send_json({"type": "withdraw_e_service", "case_id": case_id})
        assert (await defendant.until("e_service_withdrawn"))["case_id"] == case_id
    finally:
        await plaintiff.session.close()
        await defendant.session.close()
    consent = (await case_state(court, case_id))["data"]["defendant"]["e_service_consent"]
    assert consent["withdrawn_at"]


async def test_olr5_olr21_a_party_withdraws_its_asynchronous_consent_over_the_socket_mid_exchange(
    server: TestServer,
) -> None:
    """The `withdraw_asynchronous_consent` frame: refused with a reason outside an asynchronous
    stage (nothing changes); in the evidence exchange the stage goes live (OLR 5, 21)."""
    from app.simulation import Simulation
    from gateway.requests import COURT_KEY
    from tests.support.court import demo_person
    from tests.support.trial import case_in_trial, case_state, upload

    court = server.app[COURT_KEY]
    sim = Simulation(court)
    case_id, rep = await case_in_trial(court, sim)
    defendant = await _chat(server, "litigant_b")
    try:
        await defendant.ws.send_json({"type": "withdraw_asynchronous_consent", "case_id": case_id})
        refused = await defendant.until("error")
        assert refused["code"] == "not_asynchronous" and "nothing was changed" in refused["text"].lower()
        for value in ("dispute", "Delivered working.", "accept", "no"):
            await sim.answer(rep, case_id, value)
        await upload(court, rep, case_id, "courier_receipt.pdf", b"%PDF signed on delivery")
        plaintiff = await demo_person(court, "litigant_a")
        for value in ("done", "submit"):
            await sim.answer(rep, case_id, value)
        for value in ("done", "yes"):
            for person in (plaintiff, rep):
                await sim.answer(person, case_id, value)
        assert (await case_state(court, case_id))["stage"] == "evidence_exchange"
        await defendant.ws.send_json({"type": "list_cases"})
        card = next(c for c in (await defendant.until("cases"))["cases"] if c["case_id"] == case_id)
        assert card["asynchronous"] is True  # the case menu offers the withdrawal
        judge = await _chat(server, "judge")
        try:
            await judge.ws.send_json({"type": "order_live_hearing", "case_id": case_id, "reasons": " "})
            assert (await judge.until("error"))["code"] == "live_reasons_needed"
        finally:
            await judge.session.close()
        await defendant.ws.send_json({"type": "withdraw_asynchronous_consent", "case_id": case_id})
        assert (await defendant.until("async_consent_withdrawn"))["case_id"] == case_id
    finally:
        await defendant.session.close()
    assert (await case_state(court, case_id))["stage"] == "live_hearing_pending"


async def test_cpl148_the_plaintiff_applies_to_withdraw_over_the_socket_and_the_ruling_is_served(
    server: TestServer,
) -> None:
    """The `apply_to_withdraw` frame (CPL 148): the case menu offers it to the plaintiff only
    (`withdrawable`); the defendant is refused with the reason; the plaintiff's application, with
    reasons, is recorded and acknowledged, a second one refused while it waits; the judge issues the
    ruling approving it from the desk during the trial (trial v4) and the plaintiff is served it here."""
    from app.simulation import Simulation
    from gateway.requests import COURT_KEY
    from judgment.draft import Edited
    from tests.support.judgment import make_court_key
    from tests.support.trial import case_in_trial, case_state

    court = server.app[COURT_KEY]
    case_id, _rep = await case_in_trial(court, Simulation(court))
    plaintiff, defendant = await _chat(server, "litigant_a"), await _chat(server, "litigant_b")
    try:
        for chat, offered in ((plaintiff, True), (defendant, False)):
            await chat.ws.send_json({"type": "list_cases"})
            card = next(c for c in (await chat.until("cases"))["cases"] if c["case_id"] == case_id)
            assert card["withdrawable"] is offered
        await defendant.ws.send_json({"type": "apply_to_withdraw", "case_id": case_id, "reasons": ""})
        refused = await defendant.until("error")
        assert refused["code"] == "withdrawal_plaintiff_only" and "Only the plaintiff" in refused["text"]
        frame = {"type": "apply_to_withdraw", "case_id": case_id, "reasons": "We settled."}
        await plaintiff.ws.send_json(frame)
        assert (await plaintiff.until("withdrawal_applied"))["case_id"] == case_id
        assert (await case_state(court, case_id))["data"]["_withdrawal"]["reasons"] == "We settled."
        await plaintiff.ws.send_json(frame)
        assert (await plaintiff.until("error"))["code"] == "withdrawal_pending"

        judge = await demo_person(court, "judge")
        make_court_key(court)
        draft = await court.judgments.draft(judge.id, case_id, "withdrawal_approved", "en")
        assert isinstance(draft, dict) and "We settled." in draft["facts"][0]
        edited = Edited("withdrawal_approved", "en", draft["facts"], draft["reasoning"], draft["orders"])
        assert (await court.judgments.issue(judge.id, case_id, edited, "test")).ok
        served = await plaintiff.until("message", lambda f: "permitted to withdraw" in f["text"])
        assert draft["orders"][0] in served["text"]
    finally:
        await plaintiff.session.close()
        await defendant.session.close()
    assert (await case_state(court, case_id))["data"]["_status"] == "WITHDRAWN"


async def test_olr34_the_record_to_confirm_is_downloaded_in_the_web_chat_as_issued(server: TestServer) -> None:
    """Trial v5: the judge closes the record; over the socket the plaintiff is served the court's
    signed record (a download: the very bytes the court issued, same SHA-256), then the prompt that
    names it, and confirms it there (OLR 34, CPL 150)."""
    import hashlib

    from app.simulation import Simulation
    from gateway.requests import COURT_KEY
    from tests.support.hearing import closed_exchange
    from tests.support.judgment import make_court_key
    from tests.support.trial import case_state

    court = server.app[COURT_KEY]
    make_court_key(court)
    sim = Simulation(court)
    case = await closed_exchange(court, sim)
    plaintiff = await _chat(server, "litigant_a")
    try:
        await plaintiff.ws.send_json({"type": "open_case", "case_id": case.case_id})
        await sim.answer(case.judge, case.case_id, "close")
        served = await plaintiff.until("message", lambda f: f.get("document") is not None)
        issued = (await case_state(court, case.case_id))["data"]["transcript"]["issued"]
        assert served["document"]["sha256"] == issued["sha256"]
        download = await plaintiff.session.get(served["document"]["url"])
        assert download.status == 200
        assert hashlib.sha256(await download.read()).hexdigest() == issued["sha256"]
        prompt = await plaintiff.until(
            "message", lambda f: (f.get("prompt") or {}).get("step") == "record_confirm_plaintiff"
        )
        assert issued["sha256"] in prompt["text"] and "download link" in prompt["text"]
    finally:
        await plaintiff.session.close()


async def test_interp238_the_defendant_states_its_view_on_a_withdrawal_over_the_socket(server: TestServer) -> None:
    """Interp. 238: the plaintiff's application reaches the defendant's chat at once, with the
    reasons; the defendant's case card offers a view (`withdrawal_view`), the plaintiff's does not,
    and the plaintiff's own `withdrawal_view` frame is refused; an objection without reasons is
    refused with what to do; with reasons it is acknowledged (`withdrawal_view_stated`) and the
    card no longer offers it; the judge's refusal of the withdrawal reaches the defendant here."""
    from app.simulation import Simulation
    from court.commands import RefuseWithdrawal
    from gateway.requests import COURT_KEY
    from tests.support.trial import case_in_trial, case_state

    court = server.app[COURT_KEY]
    case_id, _rep = await case_in_trial(court, Simulation(court))
    plaintiff, defendant = await _chat(server, "litigant_a"), await _chat(server, "litigant_b")
    try:
        await plaintiff.ws.send_json({"type": "apply_to_withdraw", "case_id": case_id, "reasons": "We settled."})
        await plaintiff.until("withdrawal_applied")
        told = await defendant.until("message", lambda f: "applies to withdraw its suit" in f["text"])
        assert "We settled." in told["text"] and "Art. 238" in told["text"]
        for chat, offered in ((plaintiff, False), (defendant, True)):
            await chat.ws.send_json({"type": "list_cases"})
            card = next(c for c in (await chat.until("cases"))["cases"] if c["case_id"] == case_id)
            assert (card["withdrawal_view"] is not None) is offered
        assert card["withdrawal_view"]["reasons"] == "We settled."
        await plaintiff.ws.send_json({"type": "withdrawal_view", "case_id": case_id, "view": "agree"})
        assert (await plaintiff.until("error"))["code"] == "withdrawal_view_defendant_only"
        frame = {"type": "withdrawal_view", "case_id": case_id, "view": "object", "reasons": " "}
        await defendant.ws.send_json(frame)
        refused = await defendant.until("error")
        assert refused["code"] == "withdrawal_view_reasons" and "Give your reasons" in refused["text"]
        await defendant.ws.send_json({**frame, "reasons": "We want a judgment on the counterclaim."})
        assert (await defendant.until("withdrawal_view_stated"))["view"] == "object"
        await defendant.ws.send_json({"type": "list_cases"})
        card = next(c for c in (await defendant.until("cases"))["cases"] if c["case_id"] == case_id)
        assert card["withdrawal_view"] is None
        judge = await demo_person(court, "judge")
        assert (await court.service.refuse_withdrawal(RefuseWithdrawal(judge.id, case_id, "The defendant objects."))).ok
        refusal = await defendant.until("message", lambda f: "refused the plaintiff's application" in f["text"])
        assert "The defendant objects." in refusal["text"]
    finally:
        await plaintiff.session.close()
        await defendant.session.close()
    view = (await case_state(court, case_id))["data"]["_withdrawal"]["view"]
    assert (view["view"], view["reasons"]) == ("object", "We want a judgment on the counterclaim.")
