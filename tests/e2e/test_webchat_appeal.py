"""The judgment and the appeal in the web chat, over the real WebSocket against the real aiohttp
server (issue 16): the party downloads the served judgment (the signed file the court issued),
acknowledges it (OLR 31), sees its own appeal countdown and appeals with grounds, a file, the amount
and the fee (CPL 171; FM 17), or lets its period pass and is told FINAL (CPL 158, 250); an appeal
after the period is refused with the date it closed and CPL 86's path."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from app.simulation import Simulation
from app.web import build_app
from gateway.court import Court
from gateway.requests import COURT_KEY
from tests.e2e.test_webchat_socket import Chat, _chat
from tests.support.clock import FakeClock
from tests.support.court import court_settings
from tests.support.judgment import ABROAD, Issued, judgment_issued
from tests.support.trial import case_state, sweep

ORDINARY = {"claim_amount": "150000", "small_claims_agreement": "no"}
"""The plaintiff's answers for a claim above the small-claims ceiling: an appealable judgment."""


@pytest.fixture
async def server(tmp_path: Path, clock: FakeClock) -> AsyncIterator[TestServer]:
    app: web.Application = build_app(court_settings(tmp_path), clock, ticker=False)
    async with TestServer(app) as test_server:
        yield test_server


async def _issued(server: TestServer, answers: dict[str, str] = ORDINARY) -> tuple[Court, Issued]:
    """A case on the ordinary track whose judgment (granted) is issued, signed and served."""
    court: Court = server.app[COURT_KEY]
    return court, await judgment_issued(court, Simulation(court, "zh"), "granted", track="ordinary", answers=answers)


async def _opened(chat: Chat, case_id: str) -> dict[str, Any]:
    """The case opened in the chat (as a tap on its card): its messages, the newest prompt kept."""
    await chat.ws.send_json({"type": "open_case", "case_id": case_id})
    opened = await chat.until("case_opened")
    chat.case_id = case_id
    chat.prompt = next((m["prompt"] for m in reversed(opened["messages"]) if m["prompt"]), None)
    return opened


async def _card(chat: Chat, case_id: str) -> dict[str, Any]:
    """The case's card in the person's list of cases."""
    await chat.ws.send_json({"type": "list_cases"})
    cases = await chat.until("cases")
    return next(c for c in cases["cases"] if c["case_id"] == case_id)


async def _told(chat: Chat, words: str) -> dict[str, Any]:
    """The message saying `words`: already shown (it may arrive before the answer's ack), or the next."""
    shown = [f for f in chat.seen if words in f["text"]]
    return shown[-1] if shown else await chat.until("message", lambda f: words in f["text"])


async def _period_closed(court: Court, clock: FakeClock, case_id: str) -> datetime:
    """The clock jumped past every party's appeal period and the sweeper run; when they ended."""
    await sweep(court)  # the periods start from the service that took effect
    due = (await case_state(court, case_id))["data"]["_due"]
    ends = [datetime.fromisoformat(v) for k, v in due.items() if k.startswith("appeal")]
    clock.now = max(ends) + timedelta(seconds=1)
    await sweep(court)
    return max(ends)


async def test_cpl171_a_party_in_the_web_chat_downloads_the_judgment_and_appeals_with_the_fee(
    server: TestServer,
) -> None:
    """The plaintiff opens the case in the web chat: the served judgment's PDF downloads as the very
    file the court signed; it acknowledges receipt (OLR 31); the appeal offer and its card carry its
    own countdown (CPL 171); it appeals: grounds, one file through the upload route, the amount, the
    summary with the fee (FM 17), lodges, pays through the demo provider: APPEALED."""
    court, issued = await _issued(server)
    chat = await _chat(server, "litigant_a")
    try:
        opened = await _opened(chat, issued.case_id)
        served = next(m for m in opened["messages"] if m.get("document"))
        pdf = await chat.session.get(served["document"]["url"])
        assert pdf.status == 200 and pdf.content_type == "application/pdf"
        assert hashlib.sha256(await pdf.read()).hexdigest() == issued.judgment["document_sha256"]
        assert served["document"]["name"].endswith(".pdf") and served["service"]["acknowledged_at"] is None
        await chat.ws.send_json({"type": "acknowledge", "message_id": served["id"]})
        acknowledged = await chat.until("acknowledged")
        assert acknowledged["message_id"] == served["id"] and "confirmed receipt" in acknowledged["text"]

        assert chat.prompt is not None and chat.prompt["step"] == "appeal_offer_plaintiff"
        assert "due_at" not in chat.prompt  # its period runs once service took effect (CPL 90)
        await sweep(court)  # the sweeper starts the period: the offer again, with its countdown
        offer = await chat.until("message", lambda f: f["prompt"] and f["prompt"].get("due_at"))
        due_at = offer["prompt"]["due_at"]
        assert (
            offer["prompt"]["step"] == "appeal_offer_plaintiff" and "period to appeal runs from then" in offer["text"]
        )
        assert due_at and chat.prompt["options"] == [{"value": "appeal", "label": "Appeal"}]
        card = await _card(chat, issued.case_id)
        assert card["due_at"] == due_at

        await chat.answer("appeal")
        await chat.next_prompt("appeal_offer_plaintiff")
        assert chat.prompt["step"] == "appeal_grounds_plaintiff" and chat.prompt["due_at"] == due_at
        await chat.answer("The court got the facts wrong: the buyer dropped the phone.")
        await chat.next_prompt("appeal_grounds_plaintiff")
        assert chat.prompt["step"] == "appeal_evidence_plaintiff"
        form = aiohttp.FormData()
        form.add_field("file", b"drop test video notes", filename="drop.txt", content_type="text/plain")
        url = f"/api/cases/{issued.case_id}/evidence?step={chat.prompt['step']}&seq={chat.prompt['seq']}"
        uploaded = await chat.session.post(url, data=form)
        assert uploaded.status == 200, await uploaded.text()
        sha = (await uploaded.json())["evidence"]["sha256"]
        await chat.until("message", lambda f: sha in f["text"])
        seen: list[dict[str, Any]] = []
        chat.seen = seen
        await chat.answer("done")
        await chat.next_prompt("appeal_evidence_plaintiff")
        assert chat.prompt["step"] == "appeal_amount_plaintiff", chat.prompt
        await chat.answer("150000")
        await chat.next_prompt("appeal_amount_plaintiff")
        summary = seen[-1]
        assert summary["prompt"]["step"] == "appeal_summary_plaintiff" and summary["prompt"]["due_at"] == due_at
        assert "Appeal fee: 3300.00 yuan" in summary["text"] and sha in summary["text"]
        assert "the buyer dropped the phone" in summary["text"] and "150000" in summary["text"]
        assert "\nAmount appealed: 150000.00 yuan\nAppeal fee: 3300.00 yuan" in summary["text"]  # one per line
        await chat.answer("lodge")
        await chat.next_prompt("appeal_summary_plaintiff")
        assert chat.prompt["step"] == "pay_appeal_fee_plaintiff" and "3300.00" in seen[-1]["text"]
        await chat.answer("pay")
        await _told(chat, "court of appeal, which will contact you")
        state = await case_state(court, issued.case_id)
        assert state["data"]["_status"] == "APPEALED"
        assert state["data"]["appeal"]["lodged"]["role"] == "plaintiff"
        assert (await _card(chat, issued.case_id))["status"] == "APPEALED"
    finally:
        await chat.session.close()


async def test_cpl158_cpl250_nobody_appeals_the_party_is_told_final_with_the_enforcement_deadline(
    server: TestServer, clock: FakeClock
) -> None:
    """Every party's period passes in silence: the plaintiff's web chat says the judgment is final,
    the last day to pay what it orders (10 days from finality, 2026-12-26, a Saturday, moved to
    Monday the 28th by CPL 85) and the last day to apply for enforcement, two years from that day
    (CPL 250); its case card says FINAL with both dates."""
    court, issued = await _issued(server)
    chat = await _chat(server, "litigant_a", "zh")
    try:
        await _opened(chat, issued.case_id)
        await _period_closed(court, clock, issued.case_id)
        final = await chat.until("message", lambda f: "申请强制执行" in f["text"])
        enforcement = (await case_state(court, issued.case_id))["data"]["finality"]
        assert enforcement["rule"] == "CPL 158" and final["prompt"]["step"] == "final_plaintiff"
        assert "10 日内、即 2026-12-28 23:59 (UTC+08:00) 前履行" in final["text"]  # CPL 85: not on a Saturday
        assert "2028-12-28 23:59 (UTC+08:00) 前向法院申请强制执行" in final["text"]  # 2 years from it, CPL 250
        assert enforcement["performance_until"] == "2026-12-28T15:59:59+00:00"
        assert enforcement["enforcement_until"] == "2028-12-28T15:59:59+00:00"
        card = await _card(chat, issued.case_id)
        assert card["status"] == "FINAL" and card["enforcement"]["enforcement_until"] == "2028-12-28T15:59:59+00:00"
        assert "履行期限至 2026-12-28 23:59" in card["enforcement"]["text"]
        assert "申请执行期限至 2028-12-28 23:59" in card["enforcement"]["text"]
    finally:
        await chat.session.close()


async def test_cpl86_an_appeal_in_the_web_chat_after_the_period_is_refused_with_the_date_it_closed(
    server: TestServer, clock: FakeClock
) -> None:
    """The plaintiff's 15 days passed (the defendant, abroad, has 30: the case is not final yet):
    tapping "Appeal" on the offer it still sees is refused with the day its period closed and CPL
    86's way to ask the judge for more time, which it then does over the socket; nothing is lodged."""
    court, issued = await _issued(server, {**ORDINARY, **ABROAD})
    chat = await _chat(server, "litigant_a")
    try:
        await _opened(chat, issued.case_id)
        await sweep(court)
        await chat.until("message", lambda f: f["prompt"] and f["prompt"].get("due_at"))
        due = datetime.fromisoformat((await case_state(court, issued.case_id))["data"]["_due"]["appeal_plaintiff"])
        clock.now = due + timedelta(hours=1)
        await sweep(court)
        await _told(chat, "Your period to appeal ended")
        chat.prompt = next(f["prompt"] for f in reversed(chat.seen) if f["prompt"]["step"] == "appeal_offer_plaintiff")
        refused = await chat.answer("appeal", expect="error")
        assert refused["code"] == "period_closed"
        assert court.catalog.local_time(due.isoformat()) in refused["text"] and "CPL 86" in refused["text"]
        assert "apply to the judge for more time" in refused["text"]
        state = await case_state(court, issued.case_id)
        assert state["data"]["_status"] == "APPEAL_WINDOW" and "lodged" not in state["data"].get("appeal", {})
        ended = clock.now.date().isoformat()
        application = {"case_id": issued.case_id, "obstacle_ended": ended, "reason": "I was in hospital."}
        await chat.ws.send_json({"type": "apply_more_time", "kind": "appeal_plaintiff", **application})
        applied = await chat.until("more_time_applied")
        assert applied["case_id"] == issued.case_id and applied["application"]
    finally:
        await chat.session.close()
