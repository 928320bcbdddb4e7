"""The appeal in headless Chromium (issue 16): the plaintiff, served the judgment in the web chat,
downloads it, confirms receipt (OLR 31), sees its own countdown to appeal (CPL 171) in the composer
and on the case's card, and appeals by tapping and typing: grounds, one file, the amount, the
summary with the appeal fee (FM 17), lodges and pays (demo provider): told the fee arrived, its appeal
stands (the window stays open for the other party's own period: a cross-appeal, CPL 171)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from app.simulation import Simulation
from gateway.requests import COURT_KEY
from tests.support.browser_helpers import (
    WAIT_MS,
    browser,  # noqa: F401 - Debian's Chromium, a fixture shared by the browser tests
    choose,
    new_page,
    sign_in_demo,
    type_answer,
)
from tests.support.judgment import judgment_issued
from tests.support.trial import case_state, sweep

pytestmark = pytest.mark.browser
FETCH_BYTES = "async (url) => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer()))"
GROUNDS = "原审认定事实错误：手机系买家摔坏，并非质量问题。"


async def test_cpl171_the_party_appeals_in_the_web_chat_with_its_countdown_and_the_fee(
    server: TestServer,
    browser,  # noqa: F811 - the imported fixture
    tmp_path: Path,
) -> None:
    from playwright.async_api import expect

    court = server.app[COURT_KEY]
    answers = {"claim_amount": "150000", "small_claims_agreement": "no"}
    issued = await judgment_issued(court, Simulation(court, "zh"), "granted", track="ordinary", answers=answers)
    context, page, errors = await new_page(browser, str(server.make_url("/")), "zh-CN")
    try:
        await sign_in_demo(page, "litigant_a")
        card = page.locator(f'[data-testid=case-item][data-case-id="{issued.case_id}"]')
        await card.click(timeout=WAIT_MS)
        attachment = page.get_by_test_id("attachment").filter(has_text="民事判决书.pdf")
        served = page.locator("[data-testid=msg][data-kind=court]").filter(has=attachment)
        await expect(attachment).to_be_visible(timeout=WAIT_MS)
        signed = bytes(await page.evaluate(FETCH_BYTES, await attachment.get_attribute("href")))
        assert hashlib.sha256(signed).hexdigest() == issued.judgment["document_sha256"]
        await served.get_by_test_id("acknowledge").click()
        await expect(served.get_by_test_id("receipt")).to_be_visible(timeout=WAIT_MS)

        await sweep(court)  # the period runs from the service that took effect: the offer, with its countdown
        countdown = page.locator("[data-testid=composer] [data-testid=countdown]")
        await expect(countdown).to_contain_text(re.compile(r"\d+ ?天"), timeout=WAIT_MS)
        await choose(page, "appeal", "appeal_grounds_plaintiff")
        await expect(countdown).to_be_visible()
        await type_answer(page, GROUNDS, "appeal_evidence_plaintiff")
        done = await page.locator('[data-testid=composer] [data-testid=option][data-value="done"]').inner_text()
        asked = page.locator('[data-testid=msg][data-step="appeal_evidence_plaintiff"]').last
        await expect(asked).to_contain_text(f"“{done}”")  # the prompt names the button the party sees
        video = tmp_path / "摔机视频说明.txt"
        video.write_text("买家摔机的视频截图说明", encoding="utf-8")
        await page.get_by_test_id("file-input").set_input_files(str(video))
        await expect(page.locator("[data-testid=msg]").filter(has_text="摔机视频说明.txt").first).to_be_visible(
            timeout=WAIT_MS
        )
        await choose(page, "done", "appeal_amount_plaintiff")
        await expect(page.get_by_test_id("answer-input")).to_have_attribute("inputmode", "decimal")
        await type_answer(page, "150000", "appeal_summary_plaintiff")
        summary = page.locator("[data-testid=msg][data-active=true]")
        await expect(summary).to_contain_text("上诉费：3300.00 元")
        await expect(summary).to_contain_text(GROUNDS)
        await choose(page, "lodge", "pay_appeal_fee_plaintiff")
        await choose(page, "pay", None)
        paid = page.locator("[data-testid=msg][data-kind=court]").filter(has_text="您的上诉费已到账")
        await expect(paid).to_have_count(1, timeout=WAIT_MS)
        assert (await case_state(court, issued.case_id))["data"]["appeal"]["appeals"]["plaintiff"]["status"] == "paid"
        await page.get_by_test_id("nav-back").click()
        await expect(card).to_contain_text("上诉", timeout=WAIT_MS)
        assert errors == []
    finally:
        await context.close()
