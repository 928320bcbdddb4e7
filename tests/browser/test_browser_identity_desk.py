"""The identity desk in headless Chromium (issue 14 part 4): a clerk opens the identity checks in
the workspace, sees for each person why the check came to the court, the pictures held for it
(the ID photo, the selfie, frames of a live recording) and every check in order, and passes one
with a written reason and fails another (OLR 7: a person acts only once verified; the clerk's
decision is recorded with who and why)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from app.web import build_app
from gateway.requests import COURT_KEY
from tests.support.browser_helpers import (
    WAIT_MS,
    browser,  # noqa: F401 - Debian's Chromium, a fixture shared by the browser tests
    require_chromium,
    shot,
)
from tests.support.cached_encoder import shared_encoder
from tests.support.clock import FakeClock
from tests.support.court import court_settings, decisions
from tests.support.faces import FACES, FacePhotos
from tests.support.identity_review import id_number, out_of_attempts, with_pending_selfie

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1400, "height": 900}
PICTURES_LOADED = """(count) => {
  const shown = [...document.querySelectorAll('[data-testid=id-picture]')];
  return shown.length === count && shown.every((img) => img.complete && img.naturalWidth > 0);
}"""


@pytest.fixture
async def server(tmp_path: Path, clock: FakeClock) -> AsyncIterator[TestServer]:
    """The demo court in this process, with the cached face encoder."""
    require_chromium()
    async with TestServer(build_app(court_settings(tmp_path), clock, ticker=False)) as test_server:
        court = test_server.app[COURT_KEY]
        await court.identity.encoder.close()
        court.identity.encoder = shared_encoder()
        yield test_server


async def test_olr_7_a_clerk_sees_the_pictures_history_and_reasons_then_passes_one_and_fails_another(
    server: TestServer,
    browser,  # noqa: F811 - the imported fixture
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    from playwright.async_api import expect

    court, faces = server.app[COURT_KEY], FacePhotos(FACES)
    selfie = await with_pending_selfie(court, faces, "陈二", id_number(11))
    recorded = await out_of_attempts(court, faces, clock, "王五", id_number(13))
    context = await browser.new_context(viewport=DESKTOP, locale="en-US")
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        await page.goto(str(server.make_url("/judge?lang=en")))
        await page.locator("[data-testid=demo-person][data-key=clerk]").click()
        await page.get_by_test_id("nav-identity").click()
        rows = page.get_by_test_id("identity-item")
        await expect(rows).to_have_count(2, timeout=WAIT_MS)
        await expect(rows.nth(0)).to_contain_text("陈二")  # longest waiting first
        await expect(rows.nth(0)).to_contain_text("cannot show that it was taken live")
        await expect(rows.nth(1)).to_contain_text("used up the hour's online attempts")

        await rows.nth(0).click()  # the Telegram selfie: the ID photo, the failed and the matching selfie
        detail = page.get_by_test_id("identity-detail")
        await expect(detail).to_have_attribute("data-person-id", selfie, timeout=WAIT_MS)
        await expect(page.get_by_test_id("id-reasons")).to_have_attribute("data-reason", "liveness_not_checked")
        entries = page.get_by_test_id("id-history-entry")
        await expect(entries).to_have_count(3)
        assert [await e.get_attribute("data-outcome") for e in await entries.all()] == [
            "accepted",
            "no_match",
            "pending_review",
        ]
        await expect(entries.nth(1)).to_contain_text("The face does not match")
        await expect(page.get_by_test_id("id-reference").get_by_test_id("id-picture")).to_have_count(1)
        await page.wait_for_function(PICTURES_LOADED, arg=3, timeout=WAIT_MS)  # reference (twice), selfie
        await shot(page, str(tmp_path / "identity-desk.png"))
        await page.get_by_test_id("id-decision-reason").fill("Video call: face and ID card match the ID photo")
        await page.get_by_test_id("id-pass").click()
        await expect(page.get_by_test_id("desk-note")).to_contain_text("identity confirmed", timeout=WAIT_MS)
        await expect(rows).to_have_count(1)

        await rows.nth(0).click()  # the live recording that used the last attempt: frames of it
        await expect(detail).to_have_attribute("data-person-id", recorded, timeout=WAIT_MS)
        await expect(page.get_by_test_id("id-reasons")).to_have_attribute("data-reason", "too_many_attempts")
        assert [await e.get_attribute("data-outcome") for e in await entries.all()] == [
            "accepted",
            "no_match",
            "refused",
        ]
        await expect(entries.nth(1).get_by_test_id("id-picture")).to_have_count(4)
        await page.wait_for_function(PICTURES_LOADED, arg=6, timeout=WAIT_MS)  # reference (twice), 4 frames
        await page.get_by_test_id("id-fail").click()  # no reason: refused, saying what to do
        await expect(page.get_by_test_id("id-decision-status")).to_have_text("Please write the reason first.")
        await page.get_by_test_id("id-decision-reason").fill("The recording shows a printed photo")
        await page.get_by_test_id("id-fail").click()
        await expect(page.get_by_test_id("desk-note")).to_contain_text("not confirmed", timeout=WAIT_MS)
        await expect(page.get_by_test_id("no-identity-items")).to_be_visible()
        assert errors == []
    finally:
        await context.close()
    assert (await court.identity.status(selfie)).method == "clerk_override"
    last = (await decisions(court, recorded))[-1]
    assert (last.outcome, last.override_reason) == ("override_rejected", "The recording shows a printed photo")
    assert not (await court.identity.status(recorded)).verified
