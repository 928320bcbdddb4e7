"""The appeal in Telegram, end to end against the Bot API stand-in: the party served the judgment is
offered the appeal with its own countdown, and appeals by buttons and typing (CPL 171; FM 17); served
the other party's appeal, it says it received it, answers it and cross-appeals (CPL 171, 174)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.simulation import Simulation
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


async def _defendant_in_trial(rig: Rig) -> tuple[str, Simulation, Person]:
    """The Telegram user admitted for the company defendant, the case in the trial."""
    case_id, sim, clerk, person_id = await _joined_for_the_company(rig)
    await sim.answer(clerk, case_id, "admit")
    async with rig.court.store.tx() as tx:
        defendant = await tx.person(person_id)
    assert isinstance(defendant, Person)
    for value in ("yes", "yes", "confirm"):  # online, e-service, the address: the case is in the trial
        await sim.answer(defendant, case_id, value)
    return case_id, sim, defendant


async def test_cpl171_a_party_in_telegram_appeals_with_its_countdown_and_the_fee(rig: Rig) -> None:
    """The defendant (in Telegram) is served the judgment and, once it arrived, offered the appeal
    with the days left of its own 15; it presses "Appeal", types its grounds, gives no file, types
    the amount, sees the fee (FM 17: 50 yuan on 3,000) and lodges it: the case waits for the fee."""
    case_id, _sim, defendant = await _defendant_in_trial(rig)
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


async def test_cpl174_a_party_in_telegram_answers_the_other_partys_appeal_and_cross_appeals(rig: Rig) -> None:
    """The plaintiff (web) appeals and pays: the defendant's Telegram chat is served the copy of the
    appeal with a "received" button (OLR 31), which it presses; its home offers "提起上诉" (its own
    period runs, CPL 171) and "提出答辩" (CPL 174). It answers by typing, the answer's copy is served
    on the plaintiff; then it cross-appeals and its lodged appeal waits for its own fee (FM 22)."""
    case_id, sim, defendant = await _defendant_in_trial(rig)
    plaintiff = await demo_person(rig.court, "litigant_a")
    since = len(rig.api.calls)
    await serve_judgment(rig.court, case_id, plaintiff, defendant)
    await rig.reply(since, "剩余")  # served on arrival: its period runs
    since = len(rig.api.calls)
    for value in ("appeal", "The court should also have awarded interest.", "done", "3000", "lodge", "pay"):
        await sim.answer(plaintiff, case_id, value)
    copy = await rig.reply(since, "上诉状副本")
    assert "The court should also have awarded interest." in copy.params["text"]
    [row] = [
        r for r in copy.params["reply_markup"]["inline_keyboard"] if r[0].get("callback_data", "").startswith("r:")
    ]
    since = len(rig.api.calls)
    await rig.push(rig.api.callback_update(USER, row[0]["callback_data"], copy.result["message_id"]))
    assert "确认收到《上诉状副本》" in (await rig.reply(since, "已记录")).params["text"]
    home = await rig.current()
    assert home["step"] == "appeal_home_defendant" and [o["value"] for o in home["options"]] == ["appeal", "answer"]
    asked = await _press(rig, "answer", rig.push)
    assert "答辩" in asked.params["text"] and "interest" in asked.params["text"]
    since = len(rig.api.calls)
    await rig.push(rig.api.text_update(USER, "原告未主张利息，上诉请求无据。"))
    await rig.reply(since, "提起上诉")  # home again: only its own appeal is left
    state = await case_state(rig.court, case_id)
    assert state["data"]["appeal"]["answers"]["defendant"]["text"] == "原告未主张利息，上诉请求无据。"
    async with rig.court.store.tx() as tx:
        texts = [tx.sealer.open(r.payload).get("text") for r in await tx.history(case_id, plaintiff.id, "plaintiff")]
    assert "appeal.served_answer" in texts
    grounds = await _press(rig, "appeal", rig.push)
    assert "理由" in grounds.params["text"]
    since = len(rig.api.calls)
    await rig.push(rig.api.text_update(USER, "原审认定事实错误：手机系买家摔坏。"))
    await rig.reply(since, "上诉证据")
    await _press(rig, "done", rig.push)
    since = len(rig.api.calls)
    await rig.push(rig.api.text_update(USER, "3000"))
    await rig.reply(since, "上诉费")
    paying = await _press(rig, "lodge", rig.push)
    assert "50.00" in paying.params["text"]
    appeals = (await case_state(rig.court, case_id))["data"]["appeal"]["appeals"]
    assert {role: a["status"] for role, a in appeals.items()} == {"plaintiff": "paid", "defendant": "fee_pending"}
