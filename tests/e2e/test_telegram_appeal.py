"""The appeal in Telegram, end to end against the Bot API stand-in: the party served the judgment is
offered the appeal with its own countdown, and appeals by buttons and typing (CPL 171; FM 17)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.models import Person
from tests.e2e.test_telegram_filing import USER, Rig, _joined_for_the_company, _press, _rig
from tests.support.appeal import serve_judgment
from tests.support.clock import FakeClock
from tests.support.court import demo_person
from tests.support.trial import case_state


@pytest.fixture
async def rig(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Rig]:
    async for started in _rig(tmp_path, clock, webhook=False):
        yield started


async def test_cpl171_a_party_in_telegram_appeals_with_its_countdown_and_the_fee(rig: Rig) -> None:
    """The defendant (in Telegram) is served the judgment and, once it arrived, offered the appeal
    with the days left of its own 15; it presses "Appeal", types its grounds, gives no file, types
    the amount, sees the fee (FM 17: 50 yuan on 3,000) and lodges it: the case waits for the fee."""
    case_id, sim, clerk, person_id = await _joined_for_the_company(rig)
    await sim.answer(clerk, case_id, "admit")
    async with rig.court.store.tx() as tx:
        defendant = await tx.person(person_id)
    assert isinstance(defendant, Person)
    for value in ("yes", "yes", "confirm"):  # online, e-service, the address: the case is in the trial
        await sim.answer(defendant, case_id, value)
    since = len(rig.api.calls)
    await serve_judgment(rig.court, case_id, await demo_person(rig.court, "litigant_a"), defendant)
    offered = await rig.reply(since, "提起上诉")  # before its service takes effect: no countdown yet
    started = await rig.reply(since, "剩余")  # served on arrival (CPL 90): the period runs, the offer again
    assert "剩余" not in offered.params["text"] and (
        "15 天" in started.params["text"] or "16 天" in started.params["text"]
    )
    grounds = await _press(rig, "appeal", rig.push)
    assert "上诉理由" in grounds.params["text"] or "理由" in grounds.params["text"]
    since = len(rig.api.calls)
    await rig.push(rig.api.text_update(USER, "原审认定事实错误：手机系买家摔坏。"))
    await rig.reply(since, "上诉证据")
    amount = await _press(rig, "done", rig.push)
    assert "3000" in amount.params["text"]
    since = len(rig.api.calls)
    await rig.push(rig.api.text_update(USER, "3000"))
    summary = await rig.reply(since, "上诉费")
    assert "50.00" in summary.params["text"] and "原审认定事实错误" in summary.params["text"]
    paying = await _press(rig, "lodge", rig.push)
    assert "50.00" in paying.params["text"]
    state = await case_state(rig.court, case_id)
    assert state["data"]["appeal"]["appeals"]["defendant"]["status"] == "fee_pending"
