"""The issued judgment as a file: Telegram receives the signed PDF itself as a document with
protect_content (the stored bytes, not a new rendering), and its Chinese text extracts with
Debian's `pdftotext` (poppler-utils), so the embedded CJK font is real text, not boxes."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from telegram import Bot

from app.simulation import Simulation
from bot.telegram.sender import TelegramSender
from bot.telegram.transport import AiohttpRequest
from court import accounts
from gateway.court import Court
from tests.support.clock import FakeClock
from tests.support.judgment import deliberating, issue, judgment_issued
from tests.support.services import require_service
from tests.support.telegram_standin import BotApiStandIn, Upload

CHAT = 5151

pytestmark = pytest.mark.usefixtures("ptb_timedelta")


async def test_cpl90_telegram_gets_the_signed_judgment_as_a_protected_document(court: Court, clock: FakeClock) -> None:
    """A party in Telegram is served the judgment as the signed PDF (sendDocument with
    protect_content, OLR 31, DOMAIN §7), the very file the court stored (same SHA-256), then the
    message with the orders and the "received" button, also protected."""
    case = await deliberating(court, Simulation(court, "zh"))
    async with BotApiStandIn() as api, Bot(api.token, base_url=api.base_url, request=AiohttpRequest()) as bot:
        court.router.channels["telegram"] = TelegramSender(bot, court.catalog, clock, files=court.service.blobs.get)
        clock.jump(seconds=1)  # Telegram is the channel the defendant used last
        async with court.store.tx() as tx:
            await accounts.use_channel(tx, case.defendant.id, accounts.TELEGRAM, str(CHAT), clock())
        issued = await issue(court, case, "granted")
    calls = api.sent_to(CHAT)
    at = next(i for i, call in enumerate(calls) if call.method == "sendDocument")  # the appeal flow's prompts follow
    document, message = calls[at], calls[at + 1]
    assert (document.method, message.method) == ("sendDocument", "sendMessage")
    upload = document.params["document"]
    assert isinstance(upload, Upload) and upload.filename.endswith(".pdf")
    assert hashlib.sha256(upload.content).hexdigest() == issued.judgment["document_sha256"]
    assert document.params["protect_content"] is True and message.params["protect_content"] is True
    assert issued.judgment["document_sha256"] in message.params["text"]
    assert "reply_markup" in message.params  # "I have received it" (OLR 31(2))


def _pdftotext(pdf: bytes, folder: Path) -> str:
    path = folder / "judgment.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


async def test_pdftotext_extracts_the_chinese_text_of_the_issued_judgment(court: Court, tmp_path: Path) -> None:
    """The issued judgment (partly granted, ordinary track) opens with pdftotext: its title, the
    parties, the orders with the amount granted, the fee each bears (FM 29) and the appeal notice
    come out as Chinese text."""
    require_service("pdftotext", lambda: shutil.which("pdftotext") is not None)
    answers = {"claim_amount": "150000", "small_claims_agreement": "no"}
    issued = await judgment_issued(court, Simulation(court, "zh"), "partly", "100000.00", "ordinary", answers)
    pdf = await court.service.blobs.get(issued.judgment["document_sha256"])
    text = "".join((await asyncio.to_thread(_pdftotext, pdf, tmp_path)).split())
    for expected in (
        "民事判决书",
        "原告：张三",
        "被告：某某电子商务有限公司",
        "判决如下",
        "100000.00元",
        "负担2200.00元",
        "上诉",
    ):
        assert expected in text, expected
