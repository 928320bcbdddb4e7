"""The judge's workspace in headless Chromium (issue 13): the assigned judge signs in, finds the
case in "my cases", reads the record by stage with the parties side by side and the evidence with
both sides' opinions (OLR 15, 34), and makes the `next_act` ruling from the form the flow's prompt
draws, through the same command as a chat answer (DOMAIN §1: the assigned judge rules), then runs
an inquiry round from the same generic form (choice, written questions, confirmation); a video
statement is offered as a player fed by the case's file route."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from app.simulation import Simulation
from app.web import build_app
from gateway.requests import COURT_KEY
from tests.support.browser_helpers import (
    WAIT_MS,
    browser,  # noqa: F401 - Debian's Chromium, a fixture shared by the browser tests
    require_chromium,
    shot,
)
from tests.support.clock import FakeClock
from tests.support.court import court_settings, demo_person
from tests.support.trial import case_state
from tests.support.workspace import case_at_exchange_closed

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1400, "height": 900}


@pytest.fixture
async def server(tmp_path: Path, clock: FakeClock) -> AsyncIterator[TestServer]:
    """The demo court in this process, so the test can bring a case to the judge's review first."""
    require_chromium()
    async with TestServer(build_app(court_settings(tmp_path), clock, ticker=False)) as test_server:
        yield test_server


async def test_the_assigned_judge_reads_the_record_and_rules_next_act_from_the_workspace(
    server: TestServer,
    browser,  # noqa: F811 - the imported fixture
    tmp_path: Path,
) -> None:
    from playwright.async_api import expect

    court = server.app[COURT_KEY]
    video = b"\x00\x00\x00\x18ftypmp42 a video statement"
    case_id = await case_at_exchange_closed(court, video=video)
    context = await browser.new_context(viewport=DESKTOP, locale="en-US")
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        await page.goto(str(server.make_url("/judge?lang=en")))
        await page.locator("[data-testid=demo-person][data-key=judge]").click()
        row = page.locator(f'[data-testid=case-row][data-case-id="{case_id}"]')
        await expect(row).to_contain_text("your ruling", timeout=WAIT_MS)

        await page.get_by_test_id("lang-switch").click()  # both languages
        await expect(page.get_by_test_id("my-cases")).to_contain_text("我的案件", timeout=WAIT_MS)
        await page.get_by_test_id("lang-switch").click()
        await expect(page.get_by_test_id("my-cases")).to_contain_text("My cases", timeout=WAIT_MS)

        await row.click()
        exchange = page.locator("[data-testid=record-stage][data-stage=evidence_exchange]")
        plaintiff_side = exchange.locator("[data-side=plaintiff]")
        await expect(plaintiff_side).to_contain_text("The signature on the receipt is not mine.", timeout=WAIT_MS)
        await expect(exchange.locator("[data-side=defendant]")).to_contain_text("I accept this item")
        receipt = page.locator("[data-testid=evidence-item]").filter(has_text="courier_receipt.pdf")
        await expect(receipt.locator("[data-testid=opinion]")).to_have_attribute("data-opinion", "dispute")
        player = page.locator("[data-testid=evidence-item]").filter(has_text="statement.mp4").locator("video")
        src = await player.get_attribute("src")  # played in the page from the case's file route
        assert src is not None and src.startswith(f"/api/cases/{case_id}/files/")
        served = await page.evaluate(
            "async (url) => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer()))", src
        )
        assert bytes(served) == video
        asked = page.locator("[data-testid=record-entry][data-kind=question][data-step=next_act]")
        await expect(asked).to_have_class("entry entry-question is-open")  # awaiting the judge, highlighted

        await shot(page, str(tmp_path / "workspace.png"))
        form = page.locator("[data-testid=ruling-form][data-step=next_act]")
        await form.locator("[data-testid=ruling-option][data-value=inquiry]").click()
        await expect(page.get_by_test_id("case-note")).to_have_text("Recorded.", timeout=WAIT_MS)
        await expect(page.get_by_test_id("case")).to_have_attribute("data-stage", "inquiry_consent")
        assert (await case_state(court, case_id))["stage"] == "inquiry_consent"

        sim = Simulation(court, "en")  # both parties agree to an asynchronous inquiry, in their chats
        for party in ("litigant_a", "litigant_b"):
            await sim.answer(await demo_person(court, party), case_id, "yes")
        await page.reload()  # the judge opens a round from the form its steps draw
        await page.locator("[data-testid=ruling-form][data-step=inquiry_to] [data-value=both]").click()
        written = page.locator("[data-testid=ruling-form][data-step=inquiry_questions_both] textarea")
        await written.fill("When was the phone delivered?")
        await page.locator("[data-testid=ruling-form][data-step=inquiry_questions_both] button").click()
        await page.locator("[data-testid=ruling-form][data-step=inquiry_confirm] [data-value=open]").click()
        await expect(page.get_by_test_id("case")).to_have_attribute("data-stage", "inquiry_round", timeout=WAIT_MS)
        rounds = (await case_state(court, case_id))["data"]
        assert "When was the phone delivered?" in str(rounds.get("inquiry"))
        assert errors == []
    finally:
        await context.close()
