"""The judgment in headless Chromium (issue 16): the assigned judge chooses the outcome in the
workspace, gets the draft filled from the case with the fee allocated (FM 29), edits the
reasoning, previews the PDF and issues it; the plaintiff then downloads the served judgment in the
web chat (the signed file the court issued, byte for byte) and checks it on /verify (ESL 13)."""

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
    new_page,
    sign_in_demo,
    staff_desk,
)
from tests.support.judgment import deliberating, make_court_key
from tests.support.trial import case_state

pytestmark = pytest.mark.browser
ADDED = "被告未能提供手机出厂检测记录，本院对其抗辩不予采信。"
FETCH_BYTES = "async (url) => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer()))"


async def test_the_judge_drafts_previews_and_issues_and_the_party_downloads_and_verifies_it(
    server: TestServer,
    browser,  # noqa: F811 - the imported fixture
    tmp_path: Path,
) -> None:
    from playwright.async_api import expect

    court = server.app[COURT_KEY]
    answers = {"claim_amount": "150000", "small_claims_agreement": "no"}
    case = await deliberating(court, Simulation(court, "zh"), "ordinary", answers)
    make_court_key(court)
    context, page, errors = await staff_desk(browser, str(server.make_url("/judge?lang=zh")), "zh-CN")
    try:
        row = page.locator(f'[data-testid=case-row][data-case-id="{case.case_id}"]')
        await expect(row).to_contain_text("待您裁决", timeout=WAIT_MS)
        await row.click()
        desk = page.get_by_test_id("judgment-desk")
        await desk.get_by_test_id("judgment-outcome").select_option("partly")
        await desk.get_by_test_id("judgment-granted").fill("100000")
        await desk.get_by_test_id("judgment-draft").click()
        fees = desk.get_by_test_id("judgment-fees")  # FM 29: 3,300 split as granted/claimed
        await expect(fees).to_contain_text("原告负担 1100.00 元", timeout=WAIT_MS)
        await expect(fees).to_contain_text("被告负担 2200.00 元")
        await expect(desk.get_by_test_id("judgment-orders")).to_have_value(
            "被告某某电子商务有限公司于本判决生效之日起10日内向原告张三支付100000.00元。\n驳回原告张三的其他诉讼请求。"
        )
        facts = desk.get_by_test_id("judgment-facts")  # from the record: each item and the other side's opinion
        await expect(facts).to_have_value(re.compile(r"《courier_receipt\.pdf》.*对方当事人无异议"))
        reasoning = desk.get_by_test_id("judgment-reasoning")
        await reasoning.fill(f"{await reasoning.input_value()}\n{ADDED}")

        await desk.get_by_test_id("judgment-preview").click()
        link = desk.get_by_test_id("judgment-preview-link")
        await expect(link).to_be_visible(timeout=WAIT_MS)
        preview = bytes(await page.evaluate(FETCH_BYTES, await link.get_attribute("href")))
        assert preview.startswith(b"%PDF") and b"/ByteRange" not in preview  # a preview is not signed
        assert "judgment" not in (await case_state(court, case.case_id))["data"]

        await desk.get_by_test_id("judgment-issue").click()
        await expect(page.get_by_test_id("case-note")).to_contain_text("已签发并送达", timeout=WAIT_MS)
        judgment = (await case_state(court, case.case_id))["data"]["judgment"]
        assert ADDED in judgment["reasoning"] and judgment["fee_shares"][1] == ["defendant", "2200.00"]
        assert errors == []
    finally:
        await context.close()
    await court.dispatcher.settle()

    context, page, errors = await new_page(browser, str(server.make_url("/")), "zh-CN")
    try:
        await sign_in_demo(page, "litigant_a")
        await page.locator(f'[data-testid=case-item][data-case-id="{case.case_id}"]').click(timeout=WAIT_MS)
        attachment = page.get_by_test_id("attachment").filter(has_text="民事判决书.pdf")
        await expect(attachment).to_be_visible(timeout=WAIT_MS)
        signed = bytes(await page.evaluate(FETCH_BYTES, await attachment.get_attribute("href")))
        assert hashlib.sha256(signed).hexdigest() == judgment["document_sha256"]  # the issued file itself
        (tmp_path / "judgment.pdf").write_bytes(signed)
        await page.goto(str(server.make_url("/verify?lang=zh")))
        await page.get_by_test_id("verify-file").set_input_files(str(tmp_path / "judgment.pdf"))
        await expect(page.locator("[data-result=intact]")).to_contain_text("完好", timeout=WAIT_MS)
        assert errors == []
    finally:
        await context.close()


async def test_the_judges_draft_is_saved_as_they_type_and_is_back_after_a_reload(
    server: TestServer,
    browser,  # noqa: F811 - the imported fixture
) -> None:
    """The judge drafts, sets 20 days to pay (CPL 250: stated in the order), types into the
    reasoning; the desk saves it on the server by itself ("saved at HH:MM"); after a reload (a
    closed tab, another browser) the desk opens with that draft, amount, days and words back."""
    from playwright.async_api import expect

    court = server.app[COURT_KEY]
    answers = {"claim_amount": "150000", "small_claims_agreement": "no"}
    case = await deliberating(court, Simulation(court, "zh"), "ordinary", answers)
    context, page, errors = await new_page(browser, str(server.make_url("/judge?lang=zh")), "zh-CN")
    try:
        await page.locator("[data-testid=demo-person][data-key=judge]").click()
        row = page.locator(f'[data-testid=case-row][data-case-id="{case.case_id}"]')
        await row.click()
        desk = page.get_by_test_id("judgment-desk")
        await desk.get_by_test_id("judgment-outcome").select_option("partly")
        await desk.get_by_test_id("judgment-granted").fill("100000")
        await desk.get_by_test_id("judgment-days").fill("20")
        await desk.get_by_test_id("judgment-draft").click()
        orders = desk.get_by_test_id("judgment-orders")
        await expect(orders).to_have_value(re.compile("生效之日起20日内"), timeout=WAIT_MS)
        saved = desk.get_by_test_id("judgment-saved")
        await expect(saved).to_contain_text(re.compile(r"草稿已于 \d\d:\d\d 保存"), timeout=WAIT_MS)  # as drafted
        reasoning = desk.get_by_test_id("judgment-reasoning")
        await reasoning.fill(f"{await reasoning.input_value()}\n{ADDED}")  # then the judge stops typing
        await expect(saved).to_contain_text("尚未保存", timeout=WAIT_MS)
        await expect(saved).to_contain_text(re.compile(r"草稿已于 \d\d:\d\d 保存"), timeout=WAIT_MS)
        assert ADDED in await _saved_reasoning(court, case.case_id, case.judge.id)  # shown once the server has it

        await page.goto(str(server.make_url("/judge?lang=zh")))  # the desk opened again, the page loaded anew
        await page.locator(f'[data-testid=case-row][data-case-id="{case.case_id}"]').click()
        desk = page.get_by_test_id("judgment-desk")
        await expect(desk.get_by_test_id("judgment-reasoning")).to_have_value(re.compile(ADDED), timeout=WAIT_MS)
        await expect(desk.get_by_test_id("judgment-outcome")).to_have_value("partly")
        await expect(desk.get_by_test_id("judgment-granted")).to_have_value("100000")
        await expect(desk.get_by_test_id("judgment-days")).to_have_value("20")
        await expect(desk.get_by_test_id("judgment-orders")).to_have_value(re.compile("生效之日起20日内"))
        await expect(desk.get_by_test_id("judgment-saved")).to_contain_text("已恢复")
        await expect(desk.get_by_test_id("judgment-fees")).to_contain_text("原告负担 1100.00 元")
        assert errors == []
    finally:
        await context.close()


async def _saved_reasoning(court: object, case_id: str, judge_id: str) -> str:
    """The reasoning as the server keeps it (what another browser would get back)."""
    found = await court.judgments.saved_draft(judge_id, case_id)  # type: ignore[attr-defined]
    return str(found["draft"]["reasoning"]) if isinstance(found, dict) else ""
