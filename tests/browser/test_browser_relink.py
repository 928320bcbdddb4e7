"""Headless Chromium: a tab whose person was merged into another by an account link elsewhere
is closed by the server with code 4001; the page signs in again at once, as the kept person."""

from __future__ import annotations

import re

import pytest

from tests.support.browser_helpers import (
    WAIT_MS,
    browser,  # noqa: F401 - Debian's Chromium, a fixture shared by the browser tests
    court_url,  # noqa: F401 - a demo court
    new_page,
    sign_in_demo,
)

pytestmark = pytest.mark.browser


async def test_a_tab_closed_as_relinked_signs_in_again_at_once(
    court_url: str,  # noqa: F811 - the imported fixture
    browser,  # noqa: F811 - the imported fixture
) -> None:
    from playwright.async_api import expect

    sockets = []

    async def prepare(context) -> None:
        def through(ws) -> None:  # every frame goes to the real server and back
            ws.connect_to_server()
            sockets.append(ws)

        await context.route_web_socket(re.compile(r"/ws$"), through)

    context, page, errors = await new_page(browser, court_url, "en-US", prepare)
    await sign_in_demo(page, "litigant_a")
    await expect(page.get_by_test_id("new-filing")).to_be_visible(timeout=WAIT_MS)
    assert len(sockets) == 1
    await sockets[0].close(code=4001, reason="relinked")  # as the server closes a merged person's tab
    await expect(page.get_by_test_id("conn-status")).to_contain_text("Linked. You are signed in as", timeout=WAIT_MS)
    assert len(sockets) == 2  # reconnected at once, without the back-off of a lost connection
    await expect(page.get_by_test_id("new-filing")).to_be_visible()
    assert errors == []
    await context.close()
