"""The court's public routes over HTTP (DOMAIN §12.4): a case's status by its number with nothing
personal in it, published judgments searched by cause, date and words, the look-up limit per
network address, and the judge's withdrawal from the workspace."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from app.simulation import Simulation
from app.web import build_app
from court.publication.publishing import publish
from gateway import limits
from gateway.court import Court
from gateway.requests import COURT_KEY
from storage.models import Deadline
from tests.support.clock import FakeClock
from tests.support.court import court_settings
from tests.support.publication import (
    JUDGMENT_EN,
    JUDGMENT_ZH,
    PERSON_EN,
    PLAINTIFF_EN,
    final_case,
    issued,
)
from tests.support.trial import case_in_trial, case_state

PERSONAL = (
    "张三",
    "李四",
    "某某电子商务有限公司",
    "11010519491231002X",
    "13800138000",
    "13900139000",
    "文三路",
    "五四路",
    "shop@example.com",
    "Refund",
    "退还",
    "3999",
)


@pytest.fixture
async def server(tmp_path: Path, clock: FakeClock) -> AsyncIterator[TestServer]:
    app: web.Application = build_app(court_settings(tmp_path), clock, ticker=False)
    async with TestServer(app) as test_server:
        yield test_server


def court_of(server: TestServer) -> Court:
    return server.app[COURT_KEY]


async def fetch(server: TestServer, path: str, who: str | None = None, **kwargs: Any) -> tuple[int, Any]:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(base_url=str(server.make_url("/")), cookie_jar=jar) as session:
        if who is not None:
            assert (await session.post("/api/demo/signin", json={"person": who})).status == 200
        method = "POST" if "json" in kwargs else "GET"
        answer = await session.request(method, path, **kwargs)
        return answer.status, await answer.json()


async def _published(court: Court, case_id: str) -> int:
    async with court.store.tx() as tx:
        row = await publish(tx, case_id, court.clock())
    assert row is not None
    return row.id


async def test_domain_12_4_a_case_status_by_number_names_no_party_and_no_claim(server: TestServer) -> None:
    """A case in the trial, looked up by its number (also typed with full-width brackets): its
    stage in the reader's language, no hearing, no judgment, and none of the parties' names,
    numbers, addresses or claims anywhere in the answer."""
    court = court_of(server)
    case_id, _rep = await case_in_trial(court, Simulation(court))
    number = (await case_state(court, case_id))["data"]["case_number"]
    status, found = await fetch(server, f"/api/public/cases/{quote(number)}?lang=en")
    assert status == 200, found
    assert found["case_number"] == number and found["status"] == "ANSWER_PERIOD"
    assert found["status_text"] == court.catalog.render("status.ANSWER_PERIOD", "en")
    assert found["next_hearing"] is None and found["judgment_id"] is None
    raw = json.dumps(found, ensure_ascii=False)
    for detail in PERSONAL:
        assert detail not in raw, detail
    wide = number.replace("(", "（").replace(")", "）")
    assert (await fetch(server, f"/api/public/cases/{quote(wide)}"))[1]["case_number"] == number


async def test_domain_12_4_the_status_shows_the_hearing_window_and_the_published_judgment(server: TestServer) -> None:
    """A case in its asynchronous hearing shows when the stage's window closes; once its judgment
    is published, the status links to it."""
    court = court_of(server)
    case_id = await final_case(court, JUDGMENT_ZH, seq=21, status="HEARING_INVESTIGATION")
    due = court.clock() + timedelta(days=7)
    async with court.store.tx() as tx:
        tx.add(
            Deadline(
                case_id=case_id,
                kind="hearing_investigation",
                stage="hearing_investigation",
                stage_seq=9,
                due_at=due,
                status="pending",
                rule="OLR 20(2)",
            )
        )
    number = quote(f"(2026){court.settings.court_code}民初21号")
    found = (await fetch(server, f"/api/public/cases/{number}"))[1]
    assert found["next_hearing"] == {"mode": "asynchronous", "window_closes_at": due.isoformat()}
    assert found["status_text"] == "异步庭审——法庭调查"
    judgment_id = await _published(court, case_id)
    assert (await fetch(server, f"/api/public/cases/{number}"))[1]["judgment_id"] == judgment_id


async def test_domain_4_5_an_unknown_or_malformed_number_is_answered_in_both_languages(server: TestServer) -> None:
    """No such case: 404 saying so in Chinese and in English, with what to check; not a case
    number at all: 400 with its shape."""
    unknown = quote("(2026)浙0192民初999999号")
    status, answer = await fetch(server, f"/api/public/cases/{unknown}?lang=en")
    assert status == 404 and answer["error"] == "case_number_unknown"
    assert "No case has the number (2026)浙0192民初999999号" in answer["texts"]["en"] == answer["text"]
    assert "本院没有案号为 (2026)浙0192民初999999号 的案件" in answer["texts"]["zh"]
    status, answer = await fetch(server, f"/api/public/cases/{quote('MC-20261130-ABCDEF')}")
    assert status == 400 and answer["error"] == "case_number_format" and "(2026)浙0192民初1234号" in answer["text"]
    assert set(answer["texts"]) == {"zh", "en"}


async def test_domain_12_4_published_judgments_are_searched_by_cause_date_and_words(server: TestServer) -> None:
    """Three judgments: the search narrows by cause, by a date range of issue (court days), by
    words of the masked text; a list never carries a full text, one judgment does, masked; a
    bad date is refused with what to send."""
    court = court_of(server)
    day = datetime(2026, 11, 2, 3, tzinfo=UTC)
    shop = await final_case(court, issued(JUDGMENT_ZH, day), seq=31)
    service = await final_case(
        court,
        issued(JUDGMENT_EN, day + timedelta(days=10)),
        seq=32,
        plaintiff=PLAINTIFF_EN,
        defendant=PERSON_EN,
        case_type="online_service",
    )
    later = await final_case(court, issued(JUDGMENT_ZH, day + timedelta(days=20)), seq=33)
    ids = {case: await _published(court, case) for case in (shop, service, later)}

    async def search(query: str) -> list[int]:
        status, found = await fetch(server, f"/api/public/judgments?{query}")
        assert status == 200, found
        assert all("text" not in item for item in found["judgments"])
        return [item["id"] for item in found["judgments"]]

    assert await search("") == [ids[later], ids[service], ids[shop]]  # newest first
    assert await search("cause=online_service") == [ids[service]]
    assert await search("from=2026-11-05&to=2026-11-15") == [ids[service]]
    assert await search("cause=online_shopping&to=2026-11-10") == [ids[shop]]
    assert await search(f"q={quote('W. paid')}") == [ids[service]]
    assert await search(f"q={quote('张三')}") == []  # masked: the name is not there to find
    assert await search(f"q={quote('张某 网店')}") == [ids[later], ids[shop]]
    status, one = await fetch(server, f"/api/public/judgments/{ids[service]}?lang=en")
    assert status == 200 and one["cause_text"] == "Online service contract" and one["decided_on"] == "2026-11-12"
    assert "Plaintiff: W." in one["text"] and "Wang Fang" not in one["text"] and "Li Lei" not in one["text"]
    status, refused = await fetch(server, "/api/public/judgments?from=2026-13-01&lang=en")
    assert status == 400 and refused["error"] == "search_invalid" and "YYYY-MM-DD" in refused["text"]
    assert (await fetch(server, "/api/public/judgments/999999"))[0] == 404


async def test_the_public_look_ups_are_limited_per_network_address(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside demo mode each address has so many look-ups an hour (here 3): the next is refused
    with 429 and when to come back; an hour later it may look up again."""
    monkeypatch.setattr(limits, "PUBLIC_READS_PER_HOUR", 3)
    app = build_app(replace(court_settings(tmp_path), demo=False), clock, ticker=False)
    async with TestServer(app) as server:
        path = f"/api/public/cases/{quote('(2026)浙0192民初1号')}?lang=en"
        assert [(await fetch(server, path))[0] for _ in range(3)] == [404, 404, 404]
        status, refused = await fetch(server, "/api/public/judgments?lang=en")
        assert status == 429 and refused["error"] == "too_many_lookups" and "wait" in refused["text"]
        clock.jump(hours=1, seconds=1)
        assert (await fetch(server, "/api/public/judgments"))[0] == 200


async def test_olr_27_the_judge_withdraws_a_judgment_from_the_workspace(server: TestServer) -> None:
    """The workspace shows the case's publication to its court; a party gets 404, the clerk 403,
    the judge without reasons 422; the judge's withdrawal hides it from /api/public/judgments."""
    court = court_of(server)
    case_id = await final_case(court, JUDGMENT_ZH, seq=41)
    judgment_id = await _published(court, case_id)
    base = f"/api/workspace/cases/{case_id}"
    status, seen = await fetch(server, f"{base}/publication", "judge")
    assert status == 200 and seen["state"] == "published" and seen["judgment_id"] == judgment_id
    assert "minors" in seen["grounds"] and "张三" not in seen["title"]
    body = {"ground": "privacy", "reason": "The facts describe a party's illness."}
    assert (await fetch(server, f"{base}/unpublish", "litigant_a", json=body))[0] == 404
    assert (await fetch(server, f"{base}/unpublish", "clerk", json=body))[0] == 403
    status, refused = await fetch(server, f"{base}/unpublish?lang=en", "judge", json={**body, "reason": ""})
    assert status == 422 and refused["error"] == "unpublish_reason_needed"
    assert (await fetch(server, f"{base}/unpublish", "judge", json={"ground": 3}))[0] == 400
    assert (await fetch(server, f"{base}/unpublish", "judge", json=body)) == (200, {"ok": True, "case_id": case_id})
    assert (await fetch(server, "/api/public/judgments"))[1]["judgments"] == []
    assert (await fetch(server, f"/api/public/judgments/{judgment_id}"))[0] == 404
    seen = (await fetch(server, f"{base}/publication", "judge"))[1]
    assert seen["state"] == "unpublished" and seen["ground"] == "privacy"
