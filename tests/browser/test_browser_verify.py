"""Headless Chromium on the public /verify page (issue 16 item 3): a party uploads the court's
signed PDF and sees who signed it; a copy changed after signing is shown as not intact."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from court.documents import court_key
from court.documents.kinds import Header, fee_notice
from court.documents.layout import render
from court.documents.signing import sign
from storage.sealing import Sealer
from tests.support.browser_helpers import (
    WAIT_MS,
    browser,  # noqa: F401 - Debian's Chromium, a fixture shared by the browser tests
    demo_server,
    new_page,
    require_chromium,
)

pytestmark = pytest.mark.browser

COURT = "Micro Court (demo) 微法庭"


async def test_verify_page_shows_who_signed_an_uploaded_court_pdf_ESL_13(
    tmp_path: Path,
    browser,  # noqa: F811 - the imported fixture
) -> None:
    """ESL 13, OLR 31: anyone can check a court document's signature on /verify, in both languages."""
    from playwright.async_api import expect

    require_chromium()
    with demo_server(tmp_path) as url:
        now = datetime.now(UTC)
        key = court_key.init(court_key.key_dir(tmp_path / "court"), Sealer(Sealer.new_key()), COURT, "浙0192", now)
        header = Header("zh", COURT, "（2026）浙0192民初1号", date(2026, 12, 6), "王审判", "李书记")
        # pyHanko signs inside an asyncio.run of its own: away from this test's loop
        signed = (await asyncio.to_thread(sign, render(fee_notice(header, Decimal("50"))), key, "fee notice", now)).pdf
        (tmp_path / "notice.pdf").write_bytes(signed)
        changed = bytearray(signed)
        changed[len(signed) // 3] ^= 1
        (tmp_path / "changed.pdf").write_bytes(bytes(changed))

        context, page, errors = await new_page(browser, f"{url}/verify?lang=zh", "zh-CN")
        await page.get_by_test_id("verify-file").set_input_files(str(tmp_path / "notice.pdf"))
        verdict = page.get_by_test_id("verdict")
        await expect(verdict).to_contain_text("完好", timeout=WAIT_MS)
        await expect(verdict).to_contain_text(COURT)
        await expect(page.locator("[data-result=intact]")).to_contain_text("签名人：" + COURT)

        await page.goto(f"{url}/verify?lang=en")
        await page.get_by_test_id("verify-file").set_input_files(str(tmp_path / "changed.pdf"))
        await expect(page.locator("[data-result=tampered]")).to_contain_text("Not intact", timeout=WAIT_MS)
        assert errors == []
        await context.close()
