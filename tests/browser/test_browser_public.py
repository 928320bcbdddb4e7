"""Headless Chromium on the court's public pages (DOMAIN §12.4): a member of the public, signed in
as nobody, looks a case up by its number and sees its stage, then reads its published judgment
with the parties masked, and searches the judgments by cause in English; the case's judge
withdraws it from the workspace and the public no longer finds it."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestServer

from court.publication.publishing import publish
from gateway.requests import COURT_KEY
from tests.support.browser_helpers import (
    WAIT_MS,
    browser,  # noqa: F401 - Debian's Chromium, a fixture shared by the browser tests
    new_page,
)
from tests.support.publication import JUDGMENT_EN, JUDGMENT_ZH, PERSON_EN, PLAINTIFF_EN, final_case

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}


async def test_domain_12_4_the_public_finds_a_case_status_and_reads_its_masked_judgment(
    server: TestServer,
    browser,  # noqa: F811 - the imported fixture
) -> None:
    from playwright.async_api import expect

    court = server.app[COURT_KEY]
    case_id = await final_case(court, JUDGMENT_ZH, seq=61, status="DELIBERATION")
    english = await final_case(
        court, JUDGMENT_EN, seq=62, plaintiff=PLAINTIFF_EN, defendant=PERSON_EN, case_type="online_service"
    )
    async with court.store.tx() as tx:
        for case in (case_id, english):
            assert await publish(tx, case, court.clock()) is not None
    number = f"(2026){court.settings.court_code}民初61号"

    context, page, errors = await new_page(browser, str(server.make_url("/cases?lang=zh")), "zh-CN")
    await page.get_by_test_id("case-number").fill(number.replace("(", "（").replace(")", "）"))
    await page.get_by_test_id("status-lookup").click()
    status = page.get_by_test_id("status")
    await expect(status).to_contain_text("当前阶段：评议中——等待判决", timeout=WAIT_MS)
    await expect(page.get_by_test_id("next-hearing")).to_contain_text("目前没有已安排的庭审")
    for name in ("张三", "李四", "某某电子商务有限公司"):
        await expect(page.locator("main")).not_to_contain_text(name)
    await page.get_by_test_id("case-number").fill("(2026)浙0192民初999999号")
    await page.get_by_test_id("status-lookup").click()
    await expect(page.get_by_test_id("status-error")).to_contain_text("本院没有案号为", timeout=WAIT_MS)
    await page.get_by_test_id("case-number").fill(number)
    await page.get_by_test_id("status-lookup").click()
    await page.get_by_test_id("status-judgment").click()

    judgment = page.get_by_test_id("judgment-text")
    await expect(judgment).to_contain_text("原告：张某", timeout=WAIT_MS)
    await expect(judgment).to_contain_text("被告：某某电子商务有限公司")
    await expect(judgment).to_contain_text("[身份证号已隐去]")
    for detail in ("张三", "11010519491231002X", "13800138000", "文三路"):
        await expect(page.locator("main")).not_to_contain_text(detail)

    await page.get_by_test_id("switch-language").click()
    await expect(page.locator("h1")).to_have_text("Published judgments", timeout=WAIT_MS)
    await page.get_by_test_id("cause").select_option("online_service")
    await page.get_by_test_id("search").click()
    items = page.get_by_test_id("judgment-item")
    await expect(items).to_have_count(1, timeout=WAIT_MS)
    await items.first.get_by_role("link").click()
    await expect(judgment).to_contain_text("Plaintiff: W.", timeout=WAIT_MS)
    await expect(page.locator("main")).not_to_contain_text("Wang Fang")
    assert errors == []
    await context.close()

    judge = await browser.new_context(viewport=DESKTOP, locale="en-US")
    desk = await judge.new_page()
    await desk.goto(str(server.make_url("/judge?lang=en")))
    await desk.locator("[data-testid=demo-person][data-key=judge]").click()
    await expect(desk.get_by_test_id("my-cases")).to_be_visible(timeout=WAIT_MS)
    await desk.goto(str(server.make_url(f"/judge?lang=en#case={case_id}")))
    await expect(desk.get_by_test_id("publication-state")).to_contain_text("was published", timeout=WAIT_MS)
    await desk.get_by_test_id("unpublish-ground").select_option("privacy")
    await desk.get_by_test_id("unpublish-reason").fill("The facts describe a party's illness.")
    await desk.get_by_test_id("unpublish").click()
    await expect(desk.get_by_test_id("publication-state")).to_contain_text("withdrawn", timeout=WAIT_MS)
    await judge.close()

    context, page, errors = await new_page(browser, str(server.make_url("/judgments?lang=en")), "en-GB")
    await expect(page.get_by_test_id("judgment-item")).to_have_count(1, timeout=WAIT_MS)
    await expect(page.get_by_test_id("judgments")).not_to_contain_text(number)
    assert errors == []
    await context.close()
