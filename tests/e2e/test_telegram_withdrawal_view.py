"""The defendant's view on the plaintiff's withdrawal, from Telegram (CPL 148; SPC Interpretation
of the CPL Art. 238(2)): told of the application at once, with the reasons and its period; the
/withdrawal_view command (agree, or object with reasons); the judge's refusal told to the defendant
too. The real server and bot against the Bot API stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.simulation import Simulation
from court import accounts
from court.commands import ApplyToWithdraw, RefuseWithdrawal
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


async def test_interp238_the_defendant_is_told_in_telegram_and_objects_with_withdrawal_view(
    rig: Rig, clock: FakeClock
) -> None:
    """Interp. 238: /withdrawal_view is in the command list and /help in both languages; the
    plaintiff's application reaches the defendant's representative here at once, with the reasons
    and how to answer; without a choice the command says how; an objection without reasons is
    refused with what to do; with reasons it is recorded for the judge and a second is refused;
    the judge's refusal of the withdrawal reaches the defendant here."""
    for locale in ("zh", "en"):
        assert any(c["command"] == "withdrawal_view" for c in rig.api.my_commands(locale) or [])
    court = rig.court
    case_id, rep = await case_in_trial(court, Simulation(court, "zh"))
    plaintiff, judge = await demo_person(court, "litigant_a"), await demo_person(court, "judge")
    clock.jump(minutes=1)
    async with court.store.tx() as tx:  # the defendant's representative uses Telegram now, after the web chat
        await accounts.use_channel(tx, rep.id, accounts.TELEGRAM, str(USER), court.clock())
    assert "/withdrawal_view" in await _command(rig, "help", "", "/moretime")
    since = len(rig.api.calls)
    applied = ApplyToWithdraw(plaintiff.id, case_id, "双方已达成和解。", "test")
    assert (await court.service.apply_to_withdraw(applied)).ok
    notice = str((await rig.reply(since, "原告申请撤诉")).params["text"])
    assert "双方已达成和解。" in notice and "/withdrawal_view" in notice and "第238条" in notice
    assert "/withdrawal_view 反对" in await _command(rig, "withdrawal_view", "", "/withdrawal_view 同意")
    await _command(rig, "withdrawal_view", "反对", "请写明反对撤诉的理由")
    await _command(rig, "withdrawal_view", "反对 我方已提出反诉，请求判决。", "意见已提交法官")
    view = (await case_state(court, case_id))["data"]["_withdrawal"]["view"]
    assert (view["view"], view["reasons"]) == ("object", "我方已提出反诉，请求判决。")
    await _command(rig, "withdrawal_view", "同意", "未重复提交")
    since = len(rig.api.calls)
    assert (await court.service.refuse_withdrawal(RefuseWithdrawal(judge.id, case_id, "被告不同意撤诉。"))).ok
    assert "被告不同意撤诉。" in str((await rig.reply(since, "不准许原告撤诉")).params["text"])
