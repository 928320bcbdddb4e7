"""The judgment desk over HTTP (issue 16): the assigned judge gets the draft for an outcome,
previews it as a PDF, issues it; a clerk is refused; the plaintiff downloads the served judgment
from the web chat's document route, byte for byte the issued file, and it verifies."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from app.simulation import Simulation
from app.web import build_app
from gateway.requests import COURT_KEY
from storage.models import JudgmentDraft
from tests.e2e.test_workspace_http import another_judge
from tests.support.clock import FakeClock
from tests.support.court import court_settings
from tests.support.judgment import deliberating, make_court_key
from tests.support.trial import case_state


@pytest.fixture
async def server(tmp_path: Path, clock: FakeClock) -> AsyncIterator[TestServer]:
    app: web.Application = build_app(court_settings(tmp_path), clock, ticker=False)
    async with TestServer(app) as test_server:
        yield test_server


async def _session(server: TestServer, who: str) -> aiohttp.ClientSession:
    session = aiohttp.ClientSession(base_url=str(server.make_url("/")), cookie_jar=aiohttp.CookieJar(unsafe=True))
    assert (await session.post("/api/demo/signin", json={"person": who})).status == 200
    return session


async def test_the_judge_drafts_previews_and_issues_and_the_party_downloads_the_signed_file(
    server: TestServer,
) -> None:
    """Draft (partly granted, the fee split by FM 29), preview (an unsigned PDF, nothing recorded),
    an empty order refused with the reason (422), a clerk refused (403), issue; the plaintiff's
    download of the served judgment is the issued file (same SHA-256) and /api/verify says intact."""
    court = server.app[COURT_KEY]
    answers = {"claim_amount": "150000", "small_claims_agreement": "no"}
    case = await deliberating(court, Simulation(court, "zh"), "ordinary", answers)
    make_court_key(court)
    base = f"/api/workspace/cases/{case.case_id}/judgment"
    judge, clerk, plaintiff = [await _session(server, who) for who in ("judge", "clerk", "litigant_a")]
    try:
        answer = await judge.get(f"{base}/draft", params={"outcome": "partly", "granted": "100000", "lang": "en"})
        assert answer.status == 200
        draft = await answer.json()
        assert draft["fee_shares"] == [["plaintiff", "1100.00"], ["defendant", "2200.00"]] and draft["orders"]
        body = {key: draft[key] for key in ("outcome", "locale", "facts", "reasoning", "orders", "granted_amount")}
        preview = await judge.post(f"{base}/preview", json=body)
        assert preview.status == 200 and preview.content_type == "application/pdf"
        assert (await preview.read()).startswith(b"%PDF") and "judgment" not in (await case_state(court, case.case_id))[
            "data"
        ]
        empty = await judge.post(f"{base}?lang=en", json={**body, "orders": [" "]})
        assert empty.status == 422 and "at least one order" in (await empty.json())["text"]
        assert (await clerk.post(base, json=body)).status == 403
        issued = await judge.post(base, json=body)
        assert issued.status == 200
        sha = (await issued.json())["sha256"]
        await court.dispatcher.settle()
        found = await court.service.service_certificates(case.plaintiff.id, case.case_id)
        assert isinstance(found, list)
        served = next(c for c in found if c["document"] == "document.judgment")
        download = await plaintiff.get(f"/api/cases/{case.case_id}/documents/{served['message_id']}.pdf")
        pdf = await download.read()
        assert download.status == 200 and hashlib.sha256(pdf).hexdigest() == sha
        checked = await (await plaintiff.post("/api/verify", data=pdf)).json()
        assert checked["result"] == "intact"
        again = await judge.post(f"{base}?lang=en", json=body)
        refused = await again.json()
        assert again.status == 422 and refused["error"] == "document_not_due" and "Judgment served" in refused["text"]
    finally:
        for session in (judge, clerk, plaintiff):
            await session.close()


async def test_the_judges_draft_is_kept_on_the_server_for_the_assigned_judge_alone_until_issued(
    server: TestServer,
) -> None:
    """DOMAIN §1 (rulings are the assigned judge's): the draft the judge saves comes back as saved,
    sealed at rest; another judge of the court is refused with 403 (saving and reading), a clerk
    403, a party 404, a malformed draft 400; issuing the judgment clears it."""
    court = server.app[COURT_KEY]
    case = await deliberating(court, Simulation(court, "zh"))
    await another_judge(court)
    make_court_key(court)
    base = f"/api/workspace/cases/{case.case_id}/judgment"
    kept = {
        "outcome": "granted",
        "locale": "zh",
        "granted_amount": None,
        "performance_days": 15,
        "facts": "原告陈述……\n\n第二段",
        "reasoning": "本院认为……",
        "orders": "被告于十五日内支付。",
    }
    sessions = [await _session(server, who) for who in ("judge", "judge_2", "clerk", "litigant_a")]
    judge, other, clerk, plaintiff = sessions
    try:
        assert await (await judge.get(f"{base}/saved-draft")).json() == {"draft": None, "saved_at": None}
        saved = await judge.put(f"{base}/saved-draft", json=kept)
        assert saved.status == 200 and (await saved.json())["saved_at"] == court.clock().isoformat()
        back = await (await judge.get(f"{base}/saved-draft")).json()
        assert back["draft"] == kept
        async with court.store.tx() as tx:
            row = await tx.session.get(JudgmentDraft, case.case_id)
            assert row is not None and "原告" not in row.content and tx.sealer.open(row.content) == kept
        for refused in (other, clerk):
            assert (await refused.get(f"{base}/saved-draft")).status == 403
            assert (await refused.put(f"{base}/saved-draft", json={**kept, "orders": "改"})).status == 403
        assert (await plaintiff.get(f"{base}/saved-draft")).status == 404
        assert (await plaintiff.put(f"{base}/saved-draft", json=kept)).status == 404
        assert (await judge.put(f"{base}/saved-draft", json={**kept, "facts": ["not", "text"]})).status == 400
        assert (await (await judge.get(f"{base}/saved-draft")).json())["draft"] == kept  # nothing overwritten
        draft = await (await judge.get(f"{base}/draft", params={"outcome": "granted"})).json()
        body = {key: draft[key] for key in ("outcome", "locale", "facts", "reasoning", "orders", "granted_amount")}
        assert (await judge.post(base, json=body)).status == 200
        async with court.store.tx() as tx:
            assert await tx.session.get(JudgmentDraft, case.case_id) is None  # issued: cleared
        late = await judge.put(f"{base}/saved-draft", json=kept)
        assert late.status == 422 and (await late.json())["error"] == "document_not_due"
    finally:
        for session in sessions:
            await session.close()
