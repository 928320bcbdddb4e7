"""The plaintiff applies to withdraw the suit from Telegram (CPL 148): the /withdraw_suit command
with its reasons, in the middle of the trial; the judge's refusal, with reasons, comes back in the
chat. The real server and bot against the Bot API stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.simulation import Simulation
from court import accounts
from court.commands import RefuseWithdrawal
from tests.e2e.test_telegram_filing import USER, Rig, _rig
from tests.support.clock import FakeClock
from tests.support.court import demo_person
from tests.support.trial import case_in_trial, case_state


@pytest.fixture
async def rig(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Rig]:
    """The court's server with its bot polling the Bot API stand-in."""
    async for found in _rig(tmp_path, clock, webhook=False):
        yield found


async def _command(rig: Rig, name: str, arg: str, contains: str) -> str:
    since = len(rig.api.calls)
    await rig.push(rig.api.command_update(USER, name, arg))
    return str((await rig.reply(since, contains)).params["text"])


async def test_cpl148_the_plaintiff_applies_with_withdraw_suit_and_is_told_the_refusal(rig: Rig) -> None:
    """CPL 148: /withdraw_suit is in the command list and /help in both languages; with reasons it
    records the application (the judge's to decide) and says so; a second one waits for the first;
    the judge's refusal and its reasons reach the plaintiff here, and the case goes on."""
    for locale in ("zh", "en"):
        assert any(c["command"] == "withdraw_suit" for c in rig.api.my_commands(locale) or [])
    court = rig.court
    case_id, _rep = await case_in_trial(court, Simulation(court, "zh"))
    plaintiff, judge = await demo_person(court, "litigant_a"), await demo_person(court, "judge")
    async with court.store.tx() as tx:  # the plaintiff's Telegram account
        await accounts.use_channel(tx, plaintiff.id, accounts.TELEGRAM, str(USER), court.clock())
    stage = (await case_state(court, case_id))["stage"]
    assert "/withdraw_suit" in await _command(rig, "help", "", "/moretime")
    await _command(rig, "withdraw_suit", "已与被告和解", "撤诉申请已提交法官")
    application = (await case_state(court, case_id))["data"]["_withdrawal"]
    assert (application["reasons"], application["status"]) == ("已与被告和解", "pending")
    await _command(rig, "withdraw_suit", "", "撤诉申请已在法官处")
    since = len(rig.api.calls)
    assert (await court.service.refuse_withdrawal(RefuseWithdrawal(judge.id, case_id, "被告已提出反诉。"))).ok
    await court.dispatcher.run_once()  # the dispatcher's round sends the court's message
    told = await rig.reply(since, "不准许您撤诉")
    assert "被告已提出反诉。" in told.params["text"]
    assert (await case_state(court, case_id))["stage"] == stage
