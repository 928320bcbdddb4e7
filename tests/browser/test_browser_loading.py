"""Headless Chromium: the web chat's ES modules load from /static with a JavaScript type, every one
of them is reached from the entry module, and the first screen comes up with nothing in the console."""

from __future__ import annotations

import pytest

from tests.support.browser_helpers import (
    ROOT,
    WAIT_MS,
    browser,  # noqa: F401 - Debian's Chromium, a fixture shared by the browser tests
    court_url,  # noqa: F401 - a demo court
    new_page,
)

pytestmark = pytest.mark.browser

STATIC = ROOT / "bot" / "webchat" / "static"
JAVASCRIPT = ("text/javascript", "application/javascript")


def _module_paths() -> set[str]:
    """Every module on disk, as the page asks for it (but those of the pages of their own: /verify,
    and the public /cases and /judgments)."""
    paths = {f"/static/{path.relative_to(STATIC).as_posix()}" for path in STATIC.rglob("*.js")}
    return {path for path in paths if not path.startswith(("/static/verify/", "/static/public/"))}


async def test_the_modules_load_and_the_first_screen_shows_without_console_errors(
    court_url: str,  # noqa: F811 - the imported fixture
    browser,  # noqa: F811 - the imported fixture
) -> None:
    from playwright.async_api import expect

    console: list[str] = []
    failed: list[str] = []
    scripts: dict[str, tuple[int, str]] = {}  # path -> (status, content type)

    async def watch(context) -> None:
        def seen(response) -> None:
            path = response.url.removeprefix(court_url)
            if path.endswith(".js"):
                scripts[path] = (response.status, response.headers.get("content-type", ""))

        def logged(message) -> None:
            # Chromium logs every 4xx it fetches: /api/me signed out is a 200 (issue 15), so none
            if message.type == "error":
                console.append(message.text)

        context.on("console", logged)
        context.on("requestfailed", lambda request: failed.append(request.url))
        context.on("response", seen)

    context, page, errors = await new_page(browser, court_url, "en-US", watch)
    await expect(page.get_by_test_id("signin-screen")).to_be_visible(timeout=WAIT_MS)
    await expect(page.get_by_test_id("new-litigant")).to_have_text("Start as a new litigant")
    assert set(scripts) == _module_paths()  # each module is imported by another, none is left over
    wrong = {path: got for path, got in scripts.items() if got[0] != 200 or not got[1].startswith(JAVASCRIPT)}
    assert wrong == {}
    assert (errors, console, failed) == ([], [], [])
    await context.close()


def test_every_module_is_packaged() -> None:
    """pyproject's package data for the web chat covers each folder of modules."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    folders = {path.parent.relative_to(STATIC).as_posix() for path in STATIC.rglob("*.js")}
    depths = {0 if folder == "." else folder.count("/") + 1 for folder in folders}
    missing = [glob for glob in ("webchat/static/" + "*/" * depth + "*" for depth in depths) if f'"{glob}"' not in text]
    assert missing == []
