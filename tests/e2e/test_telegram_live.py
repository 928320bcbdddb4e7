"""Withdrawing consent to the asynchronous trial from Telegram (OLR 5, 21): the /live command with
its confirmation, in the middle of the evidence exchange. The real server and bot against the Bot
API stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from court.commands import SetLocale
from storage.models import Person
from tests.e2e.test_telegram_filing import Rig, _joined_for_the_company, _press, _rig
from tests.e2e.test_telegram_withdraw import _command, _tap
from tests.support.clock import FakeClock
from tests.support.court import demo_person
from tests.support.trial import case_state, sweep, upload


@pytest.fixture
async def rig(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Rig]:
    """The court's server with its bot polling the Bot API stand-in."""
    async for found in _rig(tmp_path, clock, webhook=False):
        yield found


async def _stage(rig: Rig, case_id: str) -> str:
    return str((await case_state(rig.court, case_id))["stage"])


async def test_olr5_olr21_a_party_withdraws_its_consent_mid_exchange_with_live_after_confirming(rig: Rig) -> None:
    """OLR 5, 21: /live is in the bot's command list and /help in both languages; outside an
    asynchronous stage it is refused with what to do; in the exchange it asks first, saying what
    withdrawing means; "no" changes nothing; "yes" sends the exchange live, what was done kept."""
    for locale in ("zh", "en"):
        assert any(c["command"] == "live" for c in rig.api.my_commands(locale) or [])
    case_id, sim, clerk, person_id = await _joined_for_the_company(rig)
    await sim.answer(clerk, case_id, "admit")
    for answer in ("yes", "yes", "confirm"):  # online, e-service, the address (filing v4)
        await _press(rig, answer, rig.push)
    await sweep(rig.court)
    assert await _stage(rig, case_id) == "answer_period"
    asked = await _command(rig, "live", "确定撤回您在案件")
    await _tap(rig, asked, "是，撤回同意（同步开庭）", "本案当前不处于非同步阶段")  # nothing asynchronous yet

    rep = await _person(rig, person_id)
    for value in ("dispute", "Delivered working.", "accept", "no"):
        await sim.answer(rep, case_id, value)
    await upload(rig.court, rep, case_id, "courier_receipt.pdf", b"%PDF signed on delivery")
    plaintiff = await demo_person(rig.court, "litigant_a")
    for value in ("done", "submit"):
        await sim.answer(rep, case_id, value)
    for value in ("done", "yes"):
        for person in (plaintiff, rep):
            await sim.answer(person, case_id, value)
    for value in ("opinion", "dispute", "Not signed by me.", "done"):
        await sim.answer(plaintiff, case_id, value)
    await sim.answer(rep, case_id, "opinion")  # the defendant is in the per-item loop
    assert await _stage(rig, case_id) == "evidence_exchange"

    assert "/live" in (await _command(rig, "help", "/moretime")).params["text"]
    asked = await _command(rig, "live", "确定撤回您在案件")
    assert "继续有效" in asked.params["text"]
    await _tap(rig, asked, "否，继续非同步审理", "未作任何更改")
    assert await _stage(rig, case_id) == "evidence_exchange"
    asked = await _command(rig, "live", "确定撤回您在案件")
    await _tap(rig, asked, "是，撤回同意（同步开庭）", "此前已完成的诉讼行为仍然有效")
    state = await case_state(rig.court, case_id)
    assert state["stage"] == "live_hearing_pending"
    assert state["data"]["mode"]["evidence_exchange"]["by"] == "defendant"
    assert state["data"]["mode"]["evidence_exchange"]["stage"] == "evidence_exchange"
    assert state["data"]["exchange"]["plaintiff"]["reasons"] == {"item_1": "Not signed by me."}  # kept (OLR 21)

    await rig.court.people.set_locale(SetLocale(person_id, "en"))  # the same in English
    assert "/live" in (await _command(rig, "help", "/moretime")).params["text"]
    asked = await _command(rig, "live", "Withdraw your consent to the asynchronous trial in case")
    await _tap(rig, asked, "Yes, withdraw: live hearing", "not in an asynchronous stage now")  # already live


async def _person(rig: Rig, person_id: str) -> Person:
    async with rig.court.store.tx() as tx:
        person = await tx.person(person_id)
        assert person is not None
        return person
