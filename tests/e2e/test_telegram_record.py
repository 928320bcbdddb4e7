"""The record the parties confirm reaches Telegram as the court's signed PDF (OLR 34, CPL 150;
trial v5): a protected document, the very file the court stored, then the prompt that names it
(pages, entries, SHA-256) and asks to confirm it. The real server and bot against the Bot API
stand-in."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.simulation import Simulation
from court import accounts
from tests.e2e.test_telegram_filing import USER, Rig, _rig
from tests.support.clock import FakeClock
from tests.support.hearing import closed_exchange
from tests.support.judgment import make_court_key
from tests.support.telegram_standin import Upload
from tests.support.trial import case_state


@pytest.fixture
async def rig(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Rig]:
    """The court's server with its bot polling the Bot API stand-in."""
    async for found in _rig(tmp_path, clock, webhook=False):
        yield found


async def test_olr34_the_record_to_confirm_arrives_in_telegram_as_a_protected_signed_pdf(rig: Rig) -> None:
    """The judge closes the record: the plaintiff, in Telegram, gets the signed record as a
    document with protect_content (same SHA-256 as the file the court issued) and the prompt with
    its pages, entries and SHA-256 and the buttons to confirm or ask for corrections."""
    court = rig.court
    make_court_key(court)
    sim = Simulation(court, "zh")
    case = await closed_exchange(court, sim)
    async with court.store.tx() as tx:  # the plaintiff's Telegram account
        await accounts.use_channel(tx, case.plaintiff.id, accounts.TELEGRAM, str(USER), court.clock())
    since = len(rig.api.calls)
    await sim.answer(case.judge, case.case_id, "close")
    await court.dispatcher.run_once()
    issued = (await case_state(court, case.case_id))["data"]["transcript"]["issued"]
    prompt = await rig.reply(since, "请确认的笔录即上方送达的法院签名 PDF")
    assert f"共{issued['pages']}页，{issued['entries']}条编号记载，SHA-256 {issued['sha256']}" in prompt.params["text"]
    assert "reply_markup" in prompt.params  # confirm / ask for corrections
    before = rig.api.calls[since : rig.api.calls.index(prompt)]  # the document comes before the prompt
    (document,) = [c for c in before if c.method == "sendDocument" and c.params.get("chat_id") == USER]
    assert document.params["protect_content"] is True
    served = next(c for c in before[before.index(document) + 1 :] if c.method == "sendMessage")
    assert issued["sha256"] in served.params["text"] and served.params["protect_content"] is True
    upload = document.params["document"]
    assert isinstance(upload, Upload) and upload.filename.endswith(".pdf")
    assert hashlib.sha256(upload.content).hexdigest() == issued["sha256"]
