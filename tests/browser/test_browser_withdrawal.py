"""The plaintiff's application to withdraw (CPL 148) in headless Chromium: the plaintiff applies
from the web chat's case menu during the trial, with reasons; the assigned judge sees it in the
workspace's case list and on the case page, where the judgment desk offers the ruling approving the
withdrawal preselected with the application quoted, drafts it and issues it (trial v4)."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestServer

from app.simulation import Simulation
from gateway.requests import COURT_KEY
from tests.support.browser_helpers import (
    WAIT_MS,
    browser,  # noqa: F401 - Debian's Chromium, a fixture shared by the browser tests
    new_page,
    sign_in_demo,
    staff_desk,
)
from tests.support.hearing import closed_exchange
from tests.support.judgment import make_court_key
from tests.support.trial import case_state

pytestmark = pytest.mark.browser
REASONS = "双方已庭外和解。"


async def test_cpl148_the_plaintiff_applies_in_the_web_chat_and_the_judge_approves_it_in_the_workspace(
    server: TestServer,
    browser,  # noqa: F811 - the imported fixture
) -> None:
    from playwright.async_api import expect

    court = server.app[COURT_KEY]
    case = await closed_exchange(court, Simulation(court, "zh"))
    make_court_key(court)
    context, page, errors = await new_page(browser, str(server.make_url("/")), "zh-CN")
    try:
        await sign_in_demo(page, "litigant_a")
        await page.locator(f'[data-testid=case-item][data-case-id="{case.case_id}"]').click(timeout=WAIT_MS)
        await page.get_by_test_id("case-menu").click()
        await page.get_by_test_id("withdraw-suit").click()
        await page.get_by_test_id("withdraw-suit-reasons").fill(REASONS)
        await page.get_by_test_id("withdraw-suit-yes").click()
        await expect(page.get_by_test_id("conn-status")).to_contain_text("撤诉申请已提交法官", timeout=WAIT_MS)
        assert (await case_state(court, case.case_id))["data"]["_withdrawal"]["reasons"] == REASONS
        assert errors == []
    finally:
        await context.close()

    context, page, page_errors = await staff_desk(browser, str(server.make_url("/judge?lang=zh")), "zh-CN")
    try:
        row = page.locator(f'[data-testid=case-row][data-case-id="{case.case_id}"]')
        await expect(row).to_contain_text("撤诉申请待决定", timeout=WAIT_MS)
        await row.click()
        await expect(page.get_by_test_id("withdrawal-reasons")).to_contain_text(REASONS, timeout=WAIT_MS)
        desk = page.get_by_test_id("judgment-desk")
        await expect(desk.get_by_test_id("judgment-withdrawal")).to_contain_text(REASONS)
        await expect(desk.get_by_test_id("judgment-outcome")).to_have_value("withdrawal_approved")
        await desk.get_by_test_id("judgment-draft").click()
        facts = desk.get_by_test_id("judgment-facts")
        await expect(facts).to_have_value(re.compile(f"^原告于.*申请撤诉.*{REASONS}"), timeout=WAIT_MS)
        await desk.get_by_test_id("judgment-issue").click()
        await expect(page.get_by_test_id("case-note")).to_contain_text("已签发并送达", timeout=WAIT_MS)
        state = await case_state(court, case.case_id)
        assert (state["stage"], state["data"]["_status"]) == ("withdrawn", "WITHDRAWN")
        assert page_errors == []
    finally:
        await context.close()


async def test_interp238_the_defendant_objects_in_the_web_chat_and_the_judge_sees_it_as_a_ground_to_refuse(
    server: TestServer,
    browser,  # noqa: F811 - the imported fixture
) -> None:
    """Interp. 238: at DELIBERATION the plaintiff applies; the defendant's case menu shows the
    application with its reasons and the period; objecting without reasons is refused on the spot,
    with reasons it is sent and the banner says so; the judge's case page shows the objection beside
    the application and warns that after the debate it is a ground to refuse (the judge decides)."""
    from playwright.async_api import expect

    from court.commands import ApplyToWithdraw
    from tests.support.judgment import deliberating

    court = server.app[COURT_KEY]
    case = await deliberating(court, Simulation(court, "zh"))
    applied = ApplyToWithdraw(case.plaintiff.id, case.case_id, REASONS, "test")
    assert (await court.service.apply_to_withdraw(applied)).ok
    objection = "我方要求法院对本案作出判决。"
    context, page, errors = await new_page(browser, str(server.make_url("/")), "zh-CN")
    try:
        await sign_in_demo(page, "litigant_b")
        await page.locator(f'[data-testid=case-item][data-case-id="{case.case_id}"]').click(timeout=WAIT_MS)
        await page.get_by_test_id("case-menu").click()
        block = page.get_by_test_id("withdrawal-view")
        await expect(block).to_contain_text(REASONS, timeout=WAIT_MS)
        await block.get_by_test_id("withdrawal-view-object").click()
        await page.get_by_test_id("withdrawal-view-send").click()
        await expect(page.get_by_test_id("withdrawal-view")).to_contain_text("请写明反对撤诉的理由")
        await page.get_by_test_id("withdrawal-view-reasons").fill(objection)
        await page.get_by_test_id("withdrawal-view-send").click()
        await expect(page.get_by_test_id("conn-status")).to_contain_text("意见已提交法官", timeout=WAIT_MS)
        assert (await case_state(court, case.case_id))["data"]["_withdrawal"]["view"]["reasons"] == objection
        assert errors == []
    finally:
        await context.close()

    context, page, page_errors = await staff_desk(browser, str(server.make_url("/judge?lang=zh")), "zh-CN")
    try:
        await page.locator(f'[data-testid=case-row][data-case-id="{case.case_id}"]').click(timeout=WAIT_MS)
        view = page.get_by_test_id("withdrawal-view")
        await expect(view).to_contain_text("表示反对撤诉", timeout=WAIT_MS)
        await expect(view).to_contain_text(objection)
        await expect(page.get_by_test_id("withdrawal-interp238")).to_contain_text("第238条")
        assert page_errors == []
    finally:
        await context.close()
