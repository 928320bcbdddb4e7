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
from court.commands import ApplyToWithdraw, RefuseWithdrawal, SetLocale
from tests.e2e.test_telegram_filing import USER, Rig, _rig
from tests.e2e.test_telegram_withdraw_suit import _command
from tests.support.clock import FakeClock
from tests.support.court import demo_person
from tests.support.trial import case_in_trial, case_state


@pytest.fixture
async def rig(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Rig]:
    """The court's server with its bot polling the Bot API stand-in."""
    async for found in _rig(tmp_path, clock, webhook=False):
        yield found


async def test_interp238_the_defendant_is_told_in_telegram_and_objects_with_withdrawal_view(
    rig: Rig, clock: FakeClock
) -> None:
    """Interp. 238: /withdrawal_view is in the command list and /help in both languages; the
    plaintiff's application reaches the defendant's representative here at once, with the reasons,
    how to answer and two buttons; without a choice the command says how; an objection without
    reasons is refused with what to do; "object" pressed, the next message is taken as the reasons
    and recorded for the judge; a second view is refused;
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
    told = await rig.reply(since, "原告申请撤诉")
    notice = str(told.params["text"])
    assert "双方已达成和解。" in notice and "/withdrawal_view" in notice and "第238条" in notice
    assert "/withdrawal_view 反对" in await _command(rig, "withdrawal_view", "", "/withdrawal_view 同意")
    await _command(rig, "withdrawal_view", "反对", "请写明反对撤诉的理由")
    buttons = {row[0]["text"]: row[0]["callback_data"] for row in told.params["reply_markup"]["inline_keyboard"]}
    assert list(buttons) == ["同意撤诉", "反对撤诉（随后写明理由）"]  # or by a button under the notice
    since = len(rig.api.calls)
    await rig.push(rig.api.callback_update(USER, buttons["反对撤诉（随后写明理由）"], told.result["message_id"]))
    await rig.reply(since, "请在下一条消息中写明反对撤诉的理由")
    since = len(rig.api.calls)
    await rig.push(rig.api.text_update(USER, "我方已提出反诉，请求判决。"))  # the next message: the reasons
    await rig.reply(since, "意见已提交法官")
    view = (await case_state(court, case_id))["data"]["_withdrawal"]["view"]
    assert (view["view"], view["reasons"]) == ("object", "我方已提出反诉，请求判决。")
    await _command(rig, "withdrawal_view", "同意", "未重复提交")
    since = len(rig.api.calls)
    assert (await court.service.refuse_withdrawal(RefuseWithdrawal(judge.id, case_id, "被告不同意撤诉。"))).ok
    assert "被告不同意撤诉。" in str((await rig.reply(since, "不准许原告撤诉")).params["text"])


async def test_interp238_the_defendant_agrees_by_the_notices_button_and_cancel_drops_an_objection(
    rig: Rig, clock: FakeClock
) -> None:
    """Interp. 238: "object" pressed and then /cancel: the next message is an ordinary message
    again, no view sent; "agree" pressed: the agreement is with the judge at once, in English."""
    court = rig.court
    case_id, rep = await case_in_trial(court, Simulation(court, "en"))
    plaintiff = await demo_person(court, "litigant_a")
    clock.jump(minutes=1)
    async with court.store.tx() as tx:
        await accounts.use_channel(tx, rep.id, accounts.TELEGRAM, str(USER), court.clock())
    await court.people.set_locale(SetLocale(rep.id, "en"))
    since = len(rig.api.calls)
    assert (await court.service.apply_to_withdraw(ApplyToWithdraw(plaintiff.id, case_id, "Settled.", "test"))).ok
    told = await rig.reply(since, "applies to withdraw")
    buttons = {row[0]["text"]: row[0]["callback_data"] for row in told.params["reply_markup"]["inline_keyboard"]}
    since = len(rig.api.calls)
    await rig.push(rig.api.callback_update(USER, buttons["I object (then write why)"], told.result["message_id"]))
    await rig.reply(since, "in your next message")
    await _command(rig, "cancel", "", "")
    since = len(rig.api.calls)
    await rig.push(rig.api.text_update(USER, "On reflection, nothing."))
    await rig.reply(since)
    assert "view" not in (await case_state(court, case_id))["data"]["_withdrawal"]  # not taken as reasons
    since = len(rig.api.calls)
    await rig.push(rig.api.callback_update(USER, buttons["I agree to the withdrawal"], told.result["message_id"]))
    await rig.reply(since, "Your view on the withdrawal is with the judge")
    assert (await case_state(court, case_id))["data"]["_withdrawal"]["view"]["view"] == "agree"
