"""Shared pieces of the browser tests: the demo server, Debian's Chromium, and chat helpers that
drive the mini-app through its data-testid hooks."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 390, "height": 844}
WAIT_MS = 15_000


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is not installed (apt-get install chromium); the mini-app test needs it"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def demo_server(tmp_path: Path, extra_env: Mapping[str, str] | None = None, public_url: bool = False) -> Iterator[str]:
    """`microcourt serve --demo` in a process of its own on a free port, on a fresh SQLite file.

    With `public_url`, MICROCOURT_PUBLIC_URL is the server's own address, so the court's messages
    carry web links (`/?join=<code>`) that lead back to it.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    data = tmp_path / "court"
    data.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{data / 'court.db'}",
        "MICROCOURT_DATA_DIR": str(data),
        "MICROCOURT_TICK_SECONDS": "0.2",
        **(extra_env or {}),
    }
    if public_url:
        env["MICROCOURT_PUBLIC_URL"] = url
    env.pop("REDIS_URL", None)
    command = [sys.executable, "-m", "app.cli", "serve", "--demo", "--port", str(port)]
    cli = Path(sys.executable).with_name("microcourt")
    if cli.exists():
        command = [str(cli), "serve", "--demo", "--port", str(port)]
    log_path = tmp_path / "server.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while not healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"server did not become healthy:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.1)  # readiness poll of a child process, bounded by the deadline above
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


@pytest.fixture
def court_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A demo-mode server: the shared `running_server` fixture if there is one, else our own process."""
    require_chromium()
    try:
        yield str(request.getfixturevalue("running_server")).rstrip("/")
        return
    except pytest.FixtureLookupError:
        pass
    with demo_server(tmp_path) as url:
        yield url


@pytest.fixture
async def browser() -> AsyncIterator[object]:
    """Debian's Chromium driven by Playwright (never `playwright install`)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        instance = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            await instance.close()


# -- driving the chat through its data-testid hooks ---------------------------------------------


async def composer_at(page, step: str) -> None:
    """Wait until the latest court prompt is `step`."""
    from playwright.async_api import expect

    await expect(page.locator(f'[data-testid=composer][data-step="{step}"]')).to_be_visible(timeout=WAIT_MS)


async def type_answer(page, text: str, next_step: str) -> None:
    """Type an answer into the composer, send it, and wait for the court's next question."""
    from playwright.async_api import expect

    field = page.get_by_test_id("answer-input")
    await field.fill(text)
    send = page.get_by_test_id("send")
    await expect(send).to_be_enabled(timeout=WAIT_MS)
    await send.click()
    await composer_at(page, next_step)
    mine = page.locator("[data-testid=msg][data-kind=mine]").last
    await expect(mine).to_have_attribute("data-status", "sent", timeout=WAIT_MS)
    await expect(mine.get_by_test_id("msg-text")).to_contain_text(text.strip())
    if await field.count():  # the next question is typed too: it starts empty
        await expect(field).to_have_value("", timeout=WAIT_MS)


async def choose(page, value: str, next_step: str | None) -> None:
    """Tap an option of the latest prompt (in its bubble or, for files, in the composer)."""
    from playwright.async_api import expect

    button = page.locator(
        f'[data-testid=msg][data-active=true] [data-testid=option][data-value="{value}"], '
        f'[data-testid=composer] [data-testid=option][data-value="{value}"]'
    )
    await expect(button).to_be_enabled(timeout=WAIT_MS)
    await button.click()
    if next_step:
        await composer_at(page, next_step)


async def shot(page, path: str) -> None:
    """A screenshot with transitions settled, so buttons show their final colours."""
    await page.screenshot(path=path, animations="disabled")


async def new_page(browser, url: str, locale: str, prepare=None):
    """A fresh context (its own cookies) at `url`; returns (context, page, uncaught page errors).
    `prepare(context)`, if given, is awaited before the page loads (e.g. to route requests)."""
    context = await browser.new_context(viewport=VIEWPORT, device_scale_factor=2, locale=locale)
    if prepare is not None:
        await prepare(context)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(url)
    return context, page, errors


DESKTOP = {"width": 1400, "height": 900}


async def staff_desk(browser, url: str, locale: str, key: str = "judge"):
    """The workspace at `url` on a desktop screen, signed in as demo staff `key`, every
    confirmation dialog accepted; returns (context, page, uncaught page errors)."""
    context = await browser.new_context(viewport=DESKTOP, locale=locale)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    async def accept(dialog) -> None:
        await dialog.accept()

    page.on("dialog", accept)
    await page.goto(url)
    await sign_in_demo(page, key)
    return context, page, errors


async def sign_in_demo(page, key: str) -> None:
    """One click on a demo person of the sign-in screen."""
    await page.locator(f"[data-testid=demo-person][data-key={key}]").click()


FACTS = "我于2026年10月1日在被告网店购买手机一部，付款3999元，手机无法开机，被告拒绝退款。"


async def draft_to_evidence(page, name: str = "张三", id_number: str = "11010519491231002X") -> str:
    """A new filing against a company answered, in English, from the cases screen up to the
    evidence question, the plaintiff named `name` with `id_number`. Returns the case id."""
    await page.get_by_test_id("new-filing").click()
    await composer_at(page, "consent_service")
    case_id = await page.get_by_test_id("chat").get_attribute("data-case-id")
    assert case_id
    await choose(page, "yes", "plaintiff_name")
    await type_answer(page, name, "plaintiff_id")
    await type_answer(page, id_number, "plaintiff_phone")
    await type_answer(page, "13800138000", "plaintiff_domicile")
    await type_answer(page, "浙江省杭州市西湖区文三路1号", "case_type")
    await choose(page, "online_shopping", "defendant_kind")
    await choose(page, "company", "defendant_name")
    await type_answer(page, "某某电子商务有限公司", "defendant_credit_code")
    await type_answer(page, "91350100M000100Y43", "defendant_phone")
    await type_answer(page, "13900139000", "defendant_domicile")
    await type_answer(page, "福建省福州市鼓楼区五四路100号", "defendant_address")
    await type_answer(page, "shop@example.com", "claim_text")
    await type_answer(page, "退还货款", "claim_kind")
    await choose(page, "money", "claim_amount")
    await type_answer(page, "3999", "more_claims")
    await choose(page, "no", "facts")
    await type_answer(page, FACTS, "evidence")
    return case_id


async def file_against_a_company(page) -> tuple[str, str]:
    """The shortest complete online filing (no evidence), from the cases screen to the court's
    review, in English; the defendant is a company. Returns (case id, filing reference)."""
    from playwright.async_api import expect

    case_id = await draft_to_evidence(page)
    await choose(page, "done", "summary")
    await choose(page, "submit", "wait_review")
    with_court = page.locator("[data-testid=msg][data-kind=court]").filter(has_text="is with the court")
    await expect(with_court).to_have_count(1, timeout=WAIT_MS)
    found = re.search(r"Filing (\S+) is with the court", await with_court.inner_text())
    assert found, await with_court.inner_text()
    return case_id, found.group(1)


async def judge_decides_track(browser, url: str, case_id: str, track: str = "small_claims") -> None:
    """Filing v4: after the clerk accepts, the judge assigned to the case (the demo judge) finds it
    in the queue and decides the track; only then are the acceptance and fee notices served."""
    context, judge, errors = await new_page(browser, url, "en-US")
    try:
        await sign_in_demo(judge, "judge")
        await judge.get_by_test_id("tab-queue").click()
        await judge.locator(f'[data-testid=queue-item][data-case-id="{case_id}"]').click()
        await composer_at(judge, "decide_track")
        await choose(judge, track, None)
        from playwright.async_api import expect

        await expect(judge.get_by_test_id("composer")).not_to_have_attribute("data-step", "decide_track")
        assert errors == []
    finally:
        await context.close()
