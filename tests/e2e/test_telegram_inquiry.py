"""The judge's inquiry in Telegram, end to end against the Bot API stand-in: a party answers a
question by text, every prompt showing the time left (DOMAIN §10.3, OLR 20(1))."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.models import Person
from tests.e2e.test_telegram_filing import USER, Rig, _joined_for_the_company, _press, _rig
from tests.support.clock import FakeClock
from tests.support.court import demo_person
from tests.support.trial import case_state


@pytest.fixture
async def rig(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Rig]:
    async for started in _rig(tmp_path, clock, webhook=False):
        yield started


async def test_olr20_a_party_answers_the_judges_question_by_text_with_the_time_left(rig: Rig) -> None:
    """The defendant (in Telegram) is asked the judge's question with a countdown, answers it by
    typing, and the answer is on record in round 1 while the judge is told."""
    case_id, sim, clerk, person_id = await _joined_for_the_company(rig)
    await sim.answer(clerk, case_id, "admit")
    async with rig.court.store.tx() as tx:
        defendant = await tx.person(person_id)
    assert isinstance(defendant, Person)
    plaintiff, judge = await demo_person(rig.court, "litigant_a"), await demo_person(rig.court, "judge")
    for value in ("yes", "yes", "confirm", "admit", "accept", "no", "done", "submit"):  # consents, then the answer
        await sim.answer(defendant, case_id, value)
    for person in (plaintiff, defendant):  # nothing more in the evidence period (CPL 68)
        await sim.answer(person, case_id, "done")
    for person, values in ((plaintiff, ("yes",)), (defendant, ("yes",))):  # an asynchronous exchange
        for value in values:
            await sim.answer(person, case_id, value)
    for person, values in ((plaintiff, ("opinion", "done")), (defendant, ("opinion", "accept", "done"))):
        for value in values:
            await sim.answer(person, case_id, value)
    await sim.answer(judge, case_id, "inquiry")
    await sim.answer(plaintiff, case_id, "yes")
    since = len(rig.api.calls)
    await sim.answer(defendant, case_id, "yes")
    for value in ("defendant", "快递由谁签收？", "open"):
        await sim.answer(judge, case_id, value)
    opened = await rig.reply(since, "第1轮询问")
    assert "快递由谁签收？" in opened.params["text"] and "剩余 7 天" in opened.params["text"]
    question = await _press(rig, "answer", rig.push)
    assert "快递由谁签收？" in question.params["text"] and "剩余 7 天" in question.params["text"]
    since = len(rig.api.calls)
    await rig.push(rig.api.text_update(USER, "由买家本人签收。"))
    recorded = await rig.reply(since, "已记入笔录")
    assert "由买家本人签收。" in recorded.params["text"]
    state = await case_state(rig.court, case_id)
    [asked] = state["data"]["inquiry"]["rounds"][0]["questions"]
    assert asked["to"] == "defendant" and asked["answer"] == {"text": "由买家本人签收。"}
    assert state["stage"] == "judge_review"
