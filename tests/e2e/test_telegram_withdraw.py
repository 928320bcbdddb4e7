"""Withdrawing consent to electronic service from Telegram (OLR 4-5): the /withdraw_e_service
command with its confirmation, and the withdraw button of the complaint copy once the case has
moved on to the trial. The real server and bot against the Bot API stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from app.simulation import Simulation
from court.commands import SetLocale
from tests.e2e.test_telegram_filing import USER, Rig, _joined_for_the_company, _press, _rig
from tests.support.clock import FakeClock


@pytest.fixture
async def rig(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Rig]:
    """The court's server with its bot polling the Bot API stand-in."""
    async for found in _rig(tmp_path, clock, webhook=False):
        yield found


def _button(call: Any, label: str) -> str:
    """The callback data of the button labelled `label` on a sent message."""
    rows = call.params["reply_markup"]["inline_keyboard"]
    return str(next(b["callback_data"] for row in rows for b in row if b["text"] == label))


async def _tap(rig: Rig, call: Any, label: str, contains: str) -> Any:
    since = len(rig.api.calls)
    await rig.push(rig.api.callback_update(USER, _button(call, label), call.result["message_id"]))
    return await rig.reply(since, contains)


async def _command(rig: Rig, name: str, contains: str) -> Any:
    since = len(rig.api.calls)
    await rig.push(rig.api.command_update(USER, name))
    return await rig.reply(since, contains)


async def test_olr5_the_defendant_withdraws_e_service_consent_from_telegram_after_confirming(rig: Rig) -> None:
    """OLR 4-5: the command is in the bot's command list and /help in both languages; it asks
    first, saying what withdrawing means; "no" changes nothing; "yes" records the withdrawal and
    the court is told. The complaint copy's withdraw button, pressed once the case has moved on to
    the trial, asks the same instead of calling the question old."""
    assert any(c["command"] == "withdraw_e_service" for c in rig.api.my_commands("zh") or [])
    assert any(c["command"] == "withdraw_e_service" for c in rig.api.my_commands("en") or [])
    case_id, sim, clerk, person_id = await _joined_for_the_company(rig)
    since = len(rig.api.calls)
    await sim.answer(clerk, case_id, "admit")
    await rig.reply(since, "在线参加本案诉讼")
    await _press(rig, "yes", rig.push)
    await _press(rig, "yes", rig.push)
    since = len(rig.api.calls)
    await _press(rig, "confirm", rig.push)
    welcome = await rig.reply(since, "您是本院案件")
    await rig.reply(since, "您是否承认这些诉讼请求")  # the trial's first question: the button above is old

    asked = await _tap(rig, welcome, "撤回对电子送达的同意", "确定撤回您在案件")
    assert "已经送达的文书仍然有效" in asked.params["text"]
    await _tap(rig, asked, "否，继续电子送达", "未作任何更改")
    async with rig.court.store.tx() as tx:
        case = await tx.get_case(case_id)
        assert case is not None
        assert "withdrawn_at" not in tx.open_state(case)["data"]["defendant"]["e_service_consent"]

    assert "/withdraw_e_service" in (await _command(rig, "help", "/moretime")).params["text"]
    asked = await _command(rig, "withdraw_e_service", "确定撤回您在案件")
    done = await _tap(rig, asked, "是，撤回同意", "撤回电子送达同意的决定已记录")
    assert "已经送达的文书仍然有效" in done.params["text"]
    async with rig.court.store.tx() as tx:
        case = await tx.get_case(case_id)
        assert case is not None
        assert tx.open_state(case)["data"]["defendant"]["e_service_consent"]["withdrawn_at"]
    lines: list[str] = []
    await Simulation(rig.court, "en", lines.append).prompt_for(clerk, case_id)
    assert any("withdr" in line.lower() and "domicile" in line for line in lines)  # the court is told

    await rig.court.people.set_locale(SetLocale(person_id, "en"))  # the same in English
    assert "/withdraw_e_service" in (await _command(rig, "help", "/moretime")).params["text"]
    asked = await _command(rig, "withdraw_e_service", "Withdraw your consent to electronic service in case")
    assert "documents already served stay served" in asked.params["text"]
    await _tap(rig, asked, "No, keep electronic service", "Nothing changed")
