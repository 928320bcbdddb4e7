"""The case record's API and the judge's workspace over HTTP, against the real aiohttp app
(OLR 34, CPL 150: the record; DOMAIN §1: only the assigned judge rules)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from app.simulation import Simulation
from app.web import build_app
from court.commands import ApplyForMoreTime, ApplyToWithdraw, StateWithdrawalView
from gateway.court import Court
from gateway.requests import COURT_KEY
from storage.models import Person
from tests.support.clock import FakeClock
from tests.support.court import court_settings, demo_person
from tests.support.trial import case_in_trial, case_state
from tests.support.workspace import case_at_exchange_closed


@pytest.fixture
async def server(tmp_path: Path, clock: FakeClock) -> AsyncIterator[TestServer]:
    app: web.Application = build_app(court_settings(tmp_path), clock, ticker=False)
    async with TestServer(app) as test_server:
        yield test_server


def court_of(server: TestServer) -> Court:
    return server.app[COURT_KEY]


async def signed_in(server: TestServer, who: str) -> aiohttp.ClientSession:
    session = aiohttp.ClientSession(base_url=str(server.make_url("/")), cookie_jar=aiohttp.CookieJar(unsafe=True))
    answer = await session.post("/api/demo/signin", json={"person": who})
    assert answer.status == 200
    return session


async def get(server: TestServer, who: str, path: str) -> tuple[int, Any]:
    async with await signed_in(server, who) as session:
        answer = await session.get(path)
        return answer.status, await answer.json()


async def post(server: TestServer, who: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    async with await signed_in(server, who) as session:
        answer = await session.post(path, json=body)
        return answer.status, await answer.json()


async def another_judge(court: Court) -> None:
    """A second judge of the court (signs in as the demo key `judge_2`)."""
    async with court.store.tx() as tx:
        tx.add(
            Person(
                id=str(uuid.uuid4()),
                display_name="钱法官 Judge Qian",
                locale="en",
                staff_role="judge",
                court_code=court.settings.court_code,
                demo_key="judge_2",
                created_at=court.clock(),
            )
        )


def entries(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for stage in record["stages"] for party in stage["parties"].values() for e in party]


async def test_olr34_the_record_lists_every_act_per_stage_and_party_with_who_when_and_hash(server: TestServer) -> None:
    """OLR 34, CPL 150: the judge reads every question, answer, file and ruling asked, each with
    who acted, when and the SHA-256 of what was said, grouped by stage and party."""
    court = court_of(server)
    case_id = await case_at_exchange_closed(court)
    status, record = await get(server, "judge", f"/api/cases/{case_id}/record")
    assert status == 200, record
    exchange = next(s for s in record["stages"] if s["stage"] == "evidence_exchange")
    assert exchange["status"] == "EVIDENCE_EXCHANGE" and {"plaintiff", "defendant"} <= exchange["parties"].keys()
    reasons = next(
        e for e in exchange["parties"]["plaintiff"] if e["step"] == "item_reasons_plaintiff" and e["kind"] == "answer"
    )
    text = "The signature on the receipt is not mine."
    assert reasons["content"] == text and reasons["sha256"] == hashlib.sha256(text.encode()).hexdigest()
    plaintiff = await demo_person(court, "litigant_a")
    assert reasons["actor_id"] == plaintiff.id and reasons["channel"] == "simulation" and reasons["at"]
    assert reasons["text"] == "trial.item_reasons" and reasons["ruling"] is False
    receipt = next(e for e in entries(record) if e["kind"] == "file" and e["content"]["name"] == "courier_receipt.pdf")
    stored = (await case_state(court, case_id))["data"]["answer"]["evidence"][0]
    assert receipt["sha256"] == stored["sha256"] and receipt["party"] == "defendant"
    asked = [e for e in entries(record) if e["kind"] == "question" and e["step"] == "next_act"]
    assert len(asked) == 1 and asked[0]["open"] and asked[0]["ruling"] and asked[0]["party"] == "court"
    assert record["people"][plaintiff.id] == "张三"
    assert {row["opinion"] for row in record["evidence"]} == {"accept", "dispute"}


async def test_olr34_parties_read_the_record_strangers_get_404_and_sealed_entries_stay_hidden(
    server: TestServer,
) -> None:
    """The parties read the record too, never an entry sealed from them (a caucus, once mediation
    exists); someone with no part in the case gets the same 404 as for a case that does not exist."""
    court = court_of(server)
    sim = Simulation(court, "en")
    case_id, _rep = await case_in_trial(court, sim)
    async with court.store.tx() as tx:
        case = await tx.get_case(case_id)
        assert case is not None
        seq = tx.open_state(case)["seq"]
        detail = {"step": "caucus", "seq": seq, "value": "Only for the mediator.", "stage": "answer_period"}
        await tx.log(case_id, seq, "answer", {**detail, "sealed_from": ["defendant"]}, court.clock(), role="plaintiff")
    sealed = "Only for the mediator."
    for who, sees in (("judge", True), ("clerk", True), ("litigant_a", True), ("litigant_b", False)):
        status, record = await get(server, who, f"/api/cases/{case_id}/record")
        assert status == 200, (who, record)
        assert (sealed in [e["content"] for e in entries(record)]) is sees, who
        court_asked = [e for e in entries(record) if e["kind"] == "question" and e["party"] == "court"]
        assert bool(court_asked) is (who in ("judge", "clerk")), who  # the court's working questions
    # the stranger: a newcomer with no part in the case
    async with aiohttp.ClientSession(
        base_url=str(server.make_url("/")), cookie_jar=aiohttp.CookieJar(unsafe=True)
    ) as s:
        assert (await s.post("/api/session", json={"locale": "en"})).status == 200
        stranger = await s.get(f"/api/cases/{case_id}/record")
        missing = await s.get(f"/api/cases/{uuid.uuid4()}/record")
        assert stranger.status == missing.status == 404
        assert (await stranger.json())["error"] == (await missing.json())["error"] == "not_a_party"
        assert (await s.get("/api/workspace/cases")).status == 404  # not the court's staff
    async with aiohttp.ClientSession(base_url=str(server.make_url("/"))) as nobody:
        assert (await nobody.get(f"/api/cases/{case_id}/record")).status == 401


async def test_workspace_my_cases_lists_the_judges_cases_most_urgent_first(server: TestServer) -> None:
    """The assigned judge's cases: one waiting for the judge's ruling before one whose answer
    period is running (ordered by urgency), each with its parties, stage and next deadline."""
    court = court_of(server)
    sim = Simulation(court, "en")
    answering, _rep = await case_in_trial(court, sim)
    ruling = await case_at_exchange_closed(court)
    status, body = await get(server, "judge", "/api/workspace/cases?lang=en")
    assert status == 200, body
    listed = [c["case_id"] for c in body["cases"]]
    assert listed == [ruling, answering]
    first, second = body["cases"]
    assert first["asks_ruling"] and first["stage"] == "exchange_closed" and first["plaintiff"] == "张三"
    assert second["next_deadline"] and not second["for_judge"]
    await another_judge(court)
    assert (await get(server, "judge_2", "/api/workspace/cases"))[1]["cases"] == []  # assigned to the other judge
    assert (await get(server, "litigant_a", "/api/workspace/cases"))[0] == 404
    assert (await get(server, "litigant_a", f"/api/workspace/cases/{ruling}"))[0] == 404


async def test_workspace_only_the_assigned_judge_rules_another_judge_gets_403(server: TestServer) -> None:
    """DOMAIN §1, court.access.ruling_refusal: a judge who is not the case's own reads it but may not
    rule (403, saying who decides); a party gets 404; the assigned judge's ruling moves the case."""
    court = court_of(server)
    case_id = await case_at_exchange_closed(court)
    await another_judge(court)
    status, view = await get(server, "judge", f"/api/workspace/cases/{case_id}?lang=en")
    assert status == 200 and view["may_rule"] and view["prompt"]["step"] == "next_act"
    assert [o["value"] for o in view["prompt"]["options"]] == ["inquiry", "hearing", "live", "close"]
    form = {"step": "next_act", "seq": view["prompt"]["seq"], "value": "inquiry"}
    status, other = await get(server, "judge_2", f"/api/workspace/cases/{case_id}?lang=en")
    assert status == 200 and other["may_rule"] is False and "assigned" in other["refusal"]
    status, refused = await post(server, "judge_2", f"/api/workspace/cases/{case_id}/ruling?lang=en", form)
    assert status == 403 and refused["error"] == "judges_rule" and "Only the judge assigned" in refused["text"]
    assert (await post(server, "litigant_a", f"/api/workspace/cases/{case_id}/ruling", form))[0] == 404
    assert (await case_state(court, case_id))["stage"] == "exchange_closed"
    status, done = await post(server, "judge", f"/api/workspace/cases/{case_id}/ruling", form)
    assert status == 200, done
    assert (await case_state(court, case_id))["stage"] == "inquiry_consent"
    status, stale = await post(server, "judge", f"/api/workspace/cases/{case_id}/ruling?lang=en", form)
    assert status == 422 and stale["text"]  # the same answer again changes nothing and says so


async def test_cpl86_the_judge_decides_an_application_for_more_time_with_reasons(server: TestServer) -> None:
    """CPL 86: the workspace lists the party's application; a decision without reasons is refused
    (the parties are told them), another judge gets 403, the assigned judge's grant extends the period."""
    court = court_of(server)
    case_id, rep = await case_in_trial(court, Simulation(court, "en"))
    today = court.clock().astimezone(ZoneInfo(court.settings.timezone)).date().isoformat()
    applied = await court.service.apply_for_more_time(
        ApplyForMoreTime(rep.id, case_id, today, "The company's office was closed by a flood.", "test", "answer")
    )
    assert applied.ok, applied.error
    due_before = (await case_state(court, case_id))["data"]["_due"]["answer"]
    status, view = await get(server, "judge", f"/api/workspace/cases/{case_id}?lang=en")
    [application] = view["applications"]
    assert application["reason"] == "The company's office was closed by a flood." and application["role"] == "defendant"
    assert (await get(server, "judge", "/api/workspace/cases"))[1]["cases"][0]["applications"] == 1
    path = f"/api/workspace/cases/{case_id}/more-time/{application['application']}?lang=en"
    status, refused = await post(server, "judge", path, {"grant": True, "days": 5, "reason": " "})
    assert status == 422 and refused["error"] == "ruling_reason_needed"
    await another_judge(court)
    decision = {"grant": True, "days": 5, "reason": "A flood is an obstacle beyond the party's control."}
    assert (await post(server, "judge_2", path, decision))[0] == 403
    status, done = await post(server, "judge", path, decision)
    assert status == 200, done
    data = (await case_state(court, case_id))["data"]
    assert data["_more_time"]["1"]["status"] == "granted" and data["_due"]["answer"] > due_before
    status, record = await get(server, "litigant_a", f"/api/cases/{case_id}/record")
    kinds = {(e["kind"], e["party"]) for e in entries(record)}
    assert {("application", "defendant"), ("ruling", "court")} <= kinds  # both on the record


async def test_olr21_the_judge_orders_a_live_hearing_from_the_workspace_mid_inquiry(server: TestServer) -> None:
    """The workspace offers the order only in an asynchronous stage and only to the assigned judge;
    another judge gets 403, no reasons 422; the order sends the case live with the reasons (OLR 21)."""
    court = court_of(server)
    case_id = await case_at_exchange_closed(court)
    await another_judge(court)
    status, view = await get(server, "judge", f"/api/workspace/cases/{case_id}?lang=en")
    assert status == 200 and view["may_order_live"] is False  # with the judge after the exchange: not asynchronous
    form = {"step": "next_act", "seq": view["prompt"]["seq"], "value": "inquiry"}
    assert (await post(server, "judge", f"/api/workspace/cases/{case_id}/ruling", form))[0] == 200
    path = f"/api/workspace/cases/{case_id}/live-hearing?lang=en"
    assert (await get(server, "judge", f"/api/workspace/cases/{case_id}"))[1]["may_order_live"] is True
    assert (await get(server, "judge_2", f"/api/workspace/cases/{case_id}"))[1]["may_order_live"] is False
    status, refused = await post(server, "judge_2", path, {"reasons": "A witness must be heard."})
    assert status == 403 and refused["error"] == "judges_rule"
    status, refused = await post(server, "judge", path, {"reasons": " "})
    assert status == 422 and refused["error"] == "live_reasons_needed" and "reasons" in refused["text"]
    assert (await case_state(court, case_id))["stage"] == "inquiry_consent"
    status, done = await post(server, "judge", path, {"reasons": "A witness must be heard."})
    assert status == 200, done
    state = await case_state(court, case_id)
    assert state["stage"] == "live_hearing_pending"
    assert state["data"]["mode"]["inquiry"]["reasons"] == "A witness must be heard."
    status, view = await get(server, "judge", f"/api/workspace/cases/{case_id}?lang=en")
    assert status == 200 and view["may_order_live"] is False  # live now
    labels = [e["label"] for e in entries(view["record"]) if e["kind"] == "ruling"]
    assert any("ordered a live hearing" in label and "A witness must be heard." in label for label in labels)


async def test_cpl148_the_judge_refuses_a_withdrawal_from_the_workspace_with_reasons(server: TestServer) -> None:
    """The case page quotes the plaintiff's application to withdraw; another judge gets 403, no
    reasons 422 with what to do; the refusal records the reasons and the case stays where it was."""
    court = court_of(server)
    case_id = await case_at_exchange_closed(court)
    await another_judge(court)
    plaintiff = await demo_person(court, "litigant_a")
    assert (await court.service.apply_to_withdraw(ApplyToWithdraw(plaintiff.id, case_id, "Settled.", "test"))).ok
    status, view = await get(server, "judge", f"/api/workspace/cases/{case_id}?lang=en")
    assert status == 200 and view["withdrawal"]["reasons"] == "Settled." and view["withdrawal"]["may_approve"]
    path = f"/api/workspace/cases/{case_id}/withdrawal/refuse?lang=en"
    status, refused = await post(server, "judge_2", path, {"reasons": "No."})
    assert status == 403 and refused["error"] == "judges_rule"
    status, refused = await post(server, "judge", path, {"reasons": " "})
    assert status == 422 and refused["error"] == "withdrawal_refusal_reasons" and "reasons" in refused["text"]
    status, done = await post(server, "judge", path, {"reasons": "The counterclaim stands."})
    assert status == 200, done
    state = await case_state(court, case_id)
    assert state["stage"] == "exchange_closed" and state["data"]["_withdrawal"]["refusal"] == "The counterclaim stands."
    assert (await get(server, "judge", f"/api/workspace/cases/{case_id}"))[1]["withdrawal"] is None


async def test_interp238_the_case_page_shows_the_defendants_view_beside_the_withdrawal(
    server: TestServer, clock: FakeClock
) -> None:
    """Interp. 238: the case page's application carries the defendant's period (running) and that it
    was told; once stated, the defendant's view, which stays on the page after the period ends;
    during the trial (before the debate) an objection is shown but not flagged as a ground to refuse."""
    court = court_of(server)
    case_id = await case_at_exchange_closed(court)
    plaintiff, defendant = await demo_person(court, "litigant_a"), await demo_person(court, "litigant_b")
    assert (await court.service.apply_to_withdraw(ApplyToWithdraw(plaintiff.id, case_id, "Settled.", "test"))).ok
    status, view = await get(server, "judge", f"/api/workspace/cases/{case_id}?lang=en")
    withdrawal = view["withdrawal"]
    assert status == 200 and (withdrawal["view"], withdrawal["view_status"]) == (None, "running")
    assert withdrawal["defendant_told"] and not withdrawal["debate_ended"] and withdrawal["view_until"]
    objection = StateWithdrawalView(defendant.id, case_id, "object", "The counterclaim must be decided.", "test")
    assert (await court.service.state_withdrawal_view(objection)).ok
    withdrawal = (await get(server, "judge", f"/api/workspace/cases/{case_id}"))[1]["withdrawal"]
    assert (
        withdrawal["view"]["view"] == "object" and withdrawal["view"]["reasons"] == "The counterclaim must be decided."
    )
    assert (withdrawal["view_status"], withdrawal["objection_ground"]) == ("given", False)
    clock.jump(days=5)
    assert (await get(server, "judge", f"/api/workspace/cases/{case_id}"))[1]["withdrawal"]["view_status"] == "given"
