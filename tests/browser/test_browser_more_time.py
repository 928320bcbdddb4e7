"""More time after an obstacle (CPL 86) from the web chat's case menu: a refusal (the obstacle
not over yet) leaves what was typed in place and says why; the corrected application goes to the
judge and the party is told so. Before, the web chat's refusals pointed to Telegram's /moretime."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestServer

from app.simulation import Simulation
from gateway.requests import COURT_KEY
from tests.support.browser_helpers import (
    WAIT_MS,
    browser,  # noqa: F401 - Debian's Chromium, a fixture shared by the browser tests
    new_page,
    sign_in_demo,
)
from tests.support.clock import FakeClock
from tests.support.judgment import judgment_issued
from tests.support.trial import case_state, sweep

pytestmark = pytest.mark.browser
REASON = "I was in hospital and could not use my phone."


async def test_cpl86_a_party_applies_for_more_time_from_the_case_menu(
    server: TestServer,
    clock: FakeClock,
    browser,  # noqa: F811 - the imported fixture
) -> None:
    from playwright.async_api import expect

    court = server.app[COURT_KEY]
    answers = {"claim_amount": "150000", "small_claims_agreement": "no"}
    issued = await judgment_issued(court, Simulation(court, "en"), "granted", track="ordinary", answers=answers)
    today = clock().astimezone(ZoneInfo("Asia/Shanghai")).date()
    context, page, errors = await new_page(browser, str(server.make_url("/")), "en-US")
    try:
        await sign_in_demo(page, "litigant_a")
        await page.locator(f'[data-testid=case-item][data-case-id="{issued.case_id}"]').click(timeout=WAIT_MS)
        served = page.locator("[data-testid=msg][data-kind=court]").filter(has=page.get_by_test_id("attachment"))
        await served.get_by_test_id("acknowledge").click(timeout=WAIT_MS)  # OLR 31(2): served now
        await expect(served.get_by_test_id("receipt")).to_be_visible(timeout=WAIT_MS)
        await sweep(court)  # the appeal period starts from that service (CPL 171)
        await page.get_by_test_id("case-menu").click()
        await page.get_by_test_id("more-time").click()
        await page.get_by_test_id("more-time-ended").fill((today + timedelta(days=1)).isoformat())
        await page.get_by_test_id("more-time-reason").fill(REASON)
        await page.get_by_test_id("more-time-send").click()
        await expect(page.get_by_test_id("more-time-error")).to_contain_text("has not ended yet", timeout=WAIT_MS)
        await expect(page.get_by_test_id("more-time-reason")).to_have_value(REASON)  # nothing lost
        await page.get_by_test_id("more-time-ended").fill(today.isoformat())
        await page.get_by_test_id("more-time-send").click()
        await expect(page.get_by_test_id("conn-status")).to_contain_text("with the judge", timeout=WAIT_MS)
        await expect(page.get_by_test_id("more-time-form")).to_have_count(0)
        [application] = (await case_state(court, issued.case_id))["data"]["_more_time"].values()
        assert (application["reason"], application["obstacle_ended"]) == (REASON, today.isoformat())
        assert errors == []
    finally:
        await context.close()
