"""Publishing final judgments, masked, and withdrawing them (DOMAIN §12.4, OLR 27): through the
court's service call a final stage names, once per case; unpublished only by the case's judge,
on a ground, with reasons, and recorded."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from court.commands import UnpublishJudgment
from court.decisions import decide
from court.invitations import invitation_links
from court.outcomes import Pending
from court.procedures import CallContext
from court.publication.public import Search
from court.publication.publishing import publish
from flows.effects import ServiceCall
from flows.events import Signal, Start
from flows.library import check_file
from flows.state import CaseState
from gateway.court import Court
from storage.models import CaseEvent, Person, PublishedJudgment
from tests.support.court import demo_person
from tests.support.publication import JUDGMENT_ZH, final_case
from tests.support.trial import case_state

FINAL_STAGE = """
id: finality
version: 1
roles: [plaintiff, defendant, court]
start_stage: final
stages:
  final:
    status: DELIBERATION
    on_enter: [publish_judgment]
    final: true
steps: {}
"""


async def _published(court: Court, case_id: str) -> PublishedJudgment | None:
    async with court.store.tx() as tx:
        return await tx.session.scalar(select(PublishedJudgment).where(PublishedJudgment.case_id == case_id))


async def _events(court: Court, case_id: str, kind: str) -> list[dict[str, object]]:
    async with court.store.tx() as tx:
        rows = await tx.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == kind))
        return [{"actor_id": r.actor_id, **tx.sealer.open(r.detail)} for r in rows]


async def test_domain_12_4_a_final_stage_naming_publish_judgment_publishes_it_masked(
    court: Court, tmp_path: Path
) -> None:
    """A stage's `on_enter: [publish_judgment]` loads with the court's registry; entering it asks
    the court to publish, which stores the judgment masked (no party's name, ID number, phone or
    address), dated the day it was issued, court time."""
    path = tmp_path / "finality.yaml"
    path.write_text(FINAL_STAGE)
    flow, problems = check_file(path, court.registry, court.catalog)
    assert flow is not None and problems == []
    case_id = await final_case(court, JUDGMENT_ZH, seq=11)
    data = (await case_state(court, case_id))["data"]
    now = court.clock()
    async with court.store.tx() as tx:
        case = await tx.lock_case(case_id)
        assert case is not None
        ctx = CallContext(tx, case, now, Pending(), "Asia/Shanghai", "demo", lambda c: invitation_links(c, None, None))

        async def answer(call: ServiceCall) -> Signal | None:
            return await court.service.procedures.answer(ctx, call)

        state = CaseState("finality", 1, data=data)
        decision = await decide(flow, state, Start(), court.service.context(now), court.registry, answer)
    assert decision.ok
    row = await _published(court, case_id)
    assert row is not None and row.case_number.endswith("民初11号") and row.cause == "online_shopping"
    assert str(row.decided_on) == "2026-11-20" and row.locale == "zh" and row.kind == "judgment"
    for detail in ("张三", "李四", "11010519491231002X", "13800138000", "文三路", "shop@example.com"):
        assert detail not in row.masked_text and detail not in row.title
    assert "原告：张某" in row.masked_text and "某某电子商务有限公司" in row.masked_text
    [event] = await _events(court, case_id, "judgment_published")
    assert event["published_id"] == row.id


async def test_domain_12_4_publishing_twice_changes_nothing_and_an_unpublished_one_stays_hidden(court: Court) -> None:
    """Publication is once per case: a second call returns the same row; after its judge withdrew
    it, publishing again does not bring it back. A case without a judgment publishes nothing."""
    case_id = await final_case(court, JUDGMENT_ZH, seq=12)
    judge = await demo_person(court, "judge")
    async with court.store.tx() as tx:
        first = await publish(tx, case_id, court.clock())
        assert first is not None
        again = await publish(tx, case_id, court.clock())
        assert again is not None and again.id == first.id
    cmd = UnpublishJudgment(judge.id, case_id, "minors", "A minor's health is described.", "web")
    assert (await court.service.unpublish_judgment(cmd)).ok
    async with court.store.tx() as tx:
        await publish(tx, case_id, court.clock())
    row = await _published(court, case_id)
    assert row is not None and row.unpublished_at is not None
    assert (await court.public.judgments(Search(), "zh"))["judgments"] == []
    bare = await final_case(court, {**JUDGMENT_ZH, "orders": [], "reasoning": []}, seq=13)
    async with court.store.tx() as tx:
        assert await publish(tx, bare, court.clock()) is None


async def _judge_2(court: Court) -> Person:
    person = Person(
        id=str(uuid.uuid4()),
        display_name="钱法官",
        staff_role="judge",
        court_code=court.settings.court_code,
        created_at=court.clock(),
    )
    async with court.store.tx() as tx:
        tx.add(person)
    return person


async def test_olr_27_only_the_assigned_judge_unpublishes_on_a_ground_with_reasons(court: Court) -> None:
    """Another judge of the court, the clerk and a party are refused (judges_rule); a ground
    outside OLR 27 or empty reasons are refused; the assigned judge's withdrawal hides the
    judgment from the public and is recorded with who, the ground and why."""
    case_id = await final_case(court, JUDGMENT_ZH, seq=14)
    async with court.store.tx() as tx:
        row = await publish(tx, case_id, court.clock())
    assert row is not None
    judge, clerk = await demo_person(court, "judge"), await demo_person(court, "clerk")
    party, other = await demo_person(court, "litigant_a"), await _judge_2(court)

    async def unpublish(person: Person, ground: str = "privacy", reason: str = "Health details.") -> str | None:
        return (
            await court.service.unpublish_judgment(UnpublishJudgment(person.id, case_id, ground, reason, "web"))
        ).error

    assert await unpublish(other) == "judges_rule"
    assert await unpublish(clerk) == "judges_rule"
    assert await unpublish(party) == "judges_rule"
    assert await unpublish(judge, ground="embarrassing") == "unpublish_ground_needed"
    assert await unpublish(judge, reason="  ") == "unpublish_reason_needed"
    assert await court.public.judgment(row.id, "zh") is not None
    assert await unpublish(judge) is None
    assert await court.public.judgment(row.id, "zh") is None
    assert await unpublish(judge) == "not_published"
    [event] = await _events(court, case_id, "judgment_unpublished")
    assert event == {
        "actor_id": judge.id,
        "published_id": row.id,
        "ground": "privacy",
        "reason": "Health details.",
        "rule": "OLR 27",
    }
    seen = await court.service.publication(judge.id, case_id)
    assert isinstance(seen, dict) and seen["state"] == "unpublished" and seen["reason"] == "Health details."


async def test_domain_12_4_the_search_reads_the_same_on_both_databases(any_court: Court) -> None:
    """Cause, date range and words (any case, % and _ taken literally) on SQLite and PostgreSQL."""
    court = any_court
    shop = await final_case(court, JUDGMENT_ZH, seq=51)
    loan = await final_case(
        court, {**JUDGMENT_ZH, "issued_at": "2026-10-01T20:00:00+00:00"}, seq=52, case_type="online_loan"
    )
    async with court.store.tx() as tx:
        ids = {case: (await publish(tx, case, court.clock())) for case in (shop, loan)}
    found = {case: row.id for case, row in ids.items() if row is not None}

    async def search(**given: Any) -> list[int]:
        return [item["id"] for item in (await court.public.judgments(Search(**given), "en"))["judgments"]]

    assert await search() == [found[shop], found[loan]]
    assert await search(cause="online_loan") == [found[loan]]
    assert await search(since=date(2026, 10, 2), until=date(2026, 10, 2)) == [found[loan]]  # 04:00 court time
    assert await search(words="网络购物合同") == [found[shop], found[loan]]
    assert await search(words="100%") == [] and await search(words="_") == []
