"""The asynchronous hearing in Telegram, end to end: the real server and python-telegram-bot
against the Bot API stand-in (OLR 20(2))."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.simulation import Simulation
from gateway.court import Court
from storage.models import Person
from tests.e2e.test_telegram_filing import USER, Rig, _joined_for_the_company, _press, _rig
from tests.support.clock import FakeClock
from tests.support.court import demo_person
from tests.support.trial import case_state


@pytest.fixture
async def polling(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Rig]:
    async for rig in _rig(tmp_path, clock, webhook=False):
        yield rig


async def _person(court: Court, person_id: str) -> Person:
    async with court.store.tx() as tx:
        person = await tx.person(person_id)
        assert person is not None
        return person


async def test_olr20_2_a_party_applies_in_writing_for_an_asynchronous_hearing_in_telegram(polling: Rig) -> None:
    """The defendant, in Telegram, is invited after the evidence exchange: the prompt lists each
    condition of OLR 20(2) with the time left; it taps "apply" and writes its reasons; once the
    plaintiff agrees, it is told the judge now checks that the facts are undisputed."""
    court = polling.court
    case_id, sim, clerk, person_id = await _joined_for_the_company(polling)
    await sim.answer(clerk, case_id, "admit")
    defendant, plaintiff = await _person(court, person_id), await demo_person(court, "litigant_a")
    for value in ("yes", "yes", "confirm", "admit", "accept", "no", "done", "submit"):  # joined, then answered
        await sim.answer(defendant, case_id, value)
    evidence_period = ((plaintiff, "done"), (defendant, "done"))  # nothing more in the evidence period (CPL 68)
    exchange = (*evidence_period, (plaintiff, "yes"), (defendant, "yes"), (plaintiff, "opinion"), (plaintiff, "done"))
    for person, value in (*exchange, (defendant, "opinion"), (defendant, "accept"), (defendant, "done")):
        await sim.answer(person, case_id, value)  # both agree, then each gives its opinions
    since = len(polling.api.calls)
    await sim.answer(await demo_person(court, "judge"), case_id, "hearing")
    invitation = (await polling.reply(since, "异步方式开庭")).params["text"]
    assert "剩余 7 天" in invitation  # the countdown
    assert "✓ 适用小额诉讼程序或简易程序" in invitation and "✓ 案件已经过在线证据交换或调查询问" in invitation
    asked = await _press(polling, "apply", polling.push)
    assert "书面申请" in asked.params["text"]
    since = len(polling.api.calls)
    await polling.push(polling.api.text_update(USER, "我在外地工作，无法与原告同时在线。"))
    await Simulation(court, "en").answer(plaintiff, case_id, "agree")
    waiting = (await polling.reply(since, "法官将审查")).params["text"]
    assert "✓ 一方当事人提出书面申请" in waiting and "被告申请：“我在外地工作，无法与原告同时在线。”" in waiting
    state = await case_state(court, case_id)
    assert state["stage"] == "hearing_certification"
    application = state["data"]["hearing"]["conditions"]["application"]
    assert application["by"] == "defendant" and application["reason"] == "我在外地工作，无法与原告同时在线。"
    assert application["holds"] is True and application["at"]
