"""What a phone screen shows (issue 15): the language switch changes the open question, its
buttons and the summary at once and shows which language is on; staff see only their own
actions; the case's reference and status are read in full at 390 px."""

from __future__ import annotations

import pytest

from tests.support.browser_helpers import (
    WAIT_MS,
    browser,  # noqa: F401 - Debian's Chromium, a fixture shared by the browser tests
    choose,
    composer_at,
    court_url,  # noqa: F401 - the demo-mode server fixture, shared by the browser tests
    draft_to_evidence,
    judge_decides_track,
    new_page,
    sign_in_demo,
)

pytestmark = pytest.mark.browser


async def _fits(page, testid: str) -> bool:
    """The element shows all of its text: nothing cut off or ellipsised."""
    return bool(
        await page.get_by_test_id(testid).evaluate(
            "el => el.scrollWidth <= el.clientWidth && el.textContent.length > 0"
        )
    )


async def test_the_language_switch_changes_the_whole_screen_and_staff_see_their_own_actions(
    court_url: str,  # noqa: F811 - the imported fixture
    browser,  # noqa: F811 - the imported fixture
) -> None:
    from playwright.async_api import expect

    context, page, errors = await new_page(browser, court_url, "en-US")
    await sign_in_demo(page, "litigant_a")
    await expect(page.get_by_test_id("lang-now")).to_have_text("EN", timeout=WAIT_MS)  # which one is on
    await draft_to_evidence(page)
    await choose(page, "done", "summary")
    summary = page.locator("[data-testid=msg][data-active=true]")
    await expect(summary).to_contain_text("Please check")
    await page.get_by_test_id("lang-toggle").click()
    # at once, with no new message: the summary, its buttons and the header, in Chinese
    await expect(page.get_by_test_id("lang-now")).to_have_text("中")
    await expect(summary).to_contain_text("请核对", timeout=WAIT_MS)
    await expect(summary.locator('[data-testid=option][data-value="submit"]')).to_have_text("提交立案")
    await expect(page.get_by_test_id("header-subtitle")).to_contain_text("草稿")
    assert await _fits(page, "header-title") and await _fits(page, "header-subtitle")  # 390 px wide
    await choose(page, "submit", "wait_review")

    clerk_ctx, clerk, clerk_errors = await new_page(browser, court_url, "en-US")
    await sign_in_demo(clerk, "clerk")
    await expect(clerk.get_by_test_id("tab-queue")).to_be_visible(timeout=WAIT_MS)
    await expect(clerk.get_by_test_id("new-filing")).to_have_count(0)  # staff file no cases
    await clerk.get_by_test_id("tab-queue").click()
    item = clerk.get_by_test_id("queue-item").first
    case_id = await item.get_attribute("data-case-id")
    assert case_id
    await item.click()
    await composer_at(clerk, "review_decision")
    await choose(clerk, "accept", None)
    await expect(clerk.get_by_test_id("composer")).not_to_have_attribute("data-step", "review_decision")
    await judge_decides_track(browser, court_url, case_id)  # the judge rules on the track (filing v4)
    # FM 22: the fee notice's arrival starts the 7 days, and the question is asked again with its
    # countdown; the first bubble's button still answers it (it once went grey under the finger)
    pay_prompts = page.locator("[data-testid=msg][data-step=pay_fee]")
    await expect(pay_prompts).to_have_count(2, timeout=WAIT_MS)
    await expect(pay_prompts.last).to_have_attribute("data-active", "true")
    await pay_prompts.first.locator('[data-testid=option][data-value="pay"]').click()
    await composer_at(page, "wait_service")  # the fee paid: the court serves the defendant next
    await composer_at(clerk, "serve_defendant_notice")  # the court's own next act, not a wait (OLR 10)
    await expect(clerk.locator("body")).not_to_contain_text("Waiting for the court")
    assert await _fits(clerk, "header-title") and await _fits(clerk, "header-subtitle")
    await clerk_ctx.close()
    await context.close()
    assert (errors, clerk_errors) == ([], [])
