"""The web chat mini-app in headless Chromium: a litigant files, the clerk accepts, the fee is paid."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_COPY = ROOT / "docs" / "screenshots" / "filing.png"
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

pytestmark = pytest.mark.browser


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is not installed (apt-get install chromium); the mini-app test needs it"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture
def court_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A demo-mode server: the shared `running_server` fixture if there is one, else our own process."""
    _require_chromium()
    try:
        yield str(request.getfixturevalue("running_server")).rstrip("/")
        return
    except pytest.FixtureLookupError:
        pass
    port = _free_port()
    data = tmp_path / "court"
    data.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{data / 'court.db'}",
        "MICROCOURT_DATA_DIR": str(data),
        "MICROCOURT_TICK_SECONDS": "0.2",
    }
    env.pop("REDIS_URL", None)
    command = [sys.executable, "-m", "app.cli", "serve", "--demo", "--port", str(port)]
    cli = Path(sys.executable).with_name("microcourt")
    if cli.exists():
        command = [str(cli), "serve", "--demo", "--port", str(port)]
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not _healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(
                    f"server did not become healthy:\n{(tmp_path / 'server.log').read_text()[-3000:]}"
                )
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
async def browser() -> AsyncIterator[object]:
    """Debian's Chromium driven by Playwright (never `playwright install`)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        instance = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            await instance.close()


# -- helpers driving the chat through its data-testid hooks ------------------------------------


async def _composer_at(page, step: str) -> None:
    """Wait until the latest court prompt is `step`."""
    from playwright.async_api import expect

    await expect(page.locator(f'[data-testid=composer][data-step="{step}"]')).to_be_visible(
        timeout=WAIT_MS
    )


async def _type(page, text: str, next_step: str) -> None:
    """Type an answer into the composer, send it, and wait for the court's next question."""
    from playwright.async_api import expect

    field = page.get_by_test_id("answer-input")
    await field.fill(text)
    send = page.get_by_test_id("send")
    await expect(send).to_be_enabled(timeout=WAIT_MS)
    await send.click()
    await _composer_at(page, next_step)
    mine = page.locator("[data-testid=msg][data-kind=mine]").last
    await expect(mine).to_have_attribute("data-status", "sent", timeout=WAIT_MS)
    await expect(mine.get_by_test_id("msg-text")).to_contain_text(text.strip())
    if await field.count():  # the next question is typed too: it starts empty
        await expect(field).to_have_value("", timeout=WAIT_MS)


async def _choose(page, value: str, next_step: str | None) -> None:
    """Tap an option of the latest prompt (in its bubble or, for files, in the composer)."""
    from playwright.async_api import expect

    button = page.locator(
        f'[data-testid=msg][data-active=true] [data-testid=option][data-value="{value}"], '
        f'[data-testid=composer] [data-testid=option][data-value="{value}"]'
    )
    await expect(button).to_be_enabled(timeout=WAIT_MS)
    await button.click()
    if next_step:
        await _composer_at(page, next_step)


async def _shot(page, path: str) -> None:
    """A screenshot with transitions settled, so buttons show their final colours."""
    await page.screenshot(path=path, animations="disabled")


async def _new_page(browser, base: str, locale: str):
    context = await browser.new_context(viewport=VIEWPORT, device_scale_factor=2, locale=locale)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(base)
    return context, page, errors


async def test_litigant_files_clerk_accepts_and_fee_is_paid(
    court_url: str, browser, tmp_path: Path
) -> None:
    """A whole online filing through the mini-app, one bad ID kept in the box, then acceptance and payment."""
    from playwright.async_api import expect

    litigant_ctx, page, page_errors = await _new_page(browser, court_url, "en-US")

    # sign-in screen: switch to Chinese, then one click as demo litigant A
    await page.get_by_test_id("signin-lang-zh").click()
    await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    await expect(page.get_by_test_id("new-litigant")).to_have_text("以新当事人身份开始")
    await _shot(page, str(tmp_path / "signin.png"))
    await page.locator("[data-testid=demo-person][data-key=litigant_a]").click()
    await page.get_by_test_id("new-filing").click()

    await _composer_at(page, "consent_service")
    case_id = await page.get_by_test_id("chat").get_attribute("data-case-id")
    assert case_id
    await _choose(page, "yes", "plaintiff_name")
    mine = page.locator("[data-testid=msg][data-kind=mine] [data-testid=msg-text]")
    await expect(mine.last).to_have_text("同意电子送达")
    await _type(page, "张三", "plaintiff_id")

    # a wrong check digit: the court explains in Chinese and nothing typed is lost
    bad_id = "110105194912310021"
    field = page.get_by_test_id("answer-input")
    await field.fill(bad_id)
    await page.get_by_test_id("send").click()
    system = page.locator("[data-testid=msg][data-kind=system]")
    await expect(system.last).to_contain_text("校验码", timeout=WAIT_MS)
    await expect(field).to_have_value(bad_id)
    await expect(page.get_by_test_id("send")).to_be_enabled()
    await _shot(page, str(tmp_path / "id_error.png"))

    # the same mistake after switching to English: the explanation follows the language, the text stays
    await page.get_by_test_id("lang-toggle").click()
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.get_by_test_id("answer-input")).to_have_value(bad_id)
    await page.get_by_test_id("send").click()
    await expect(system.last).to_contain_text("check digit", timeout=WAIT_MS)
    await expect(page.get_by_test_id("answer-input")).to_have_value(bad_id)
    await expect(system).to_have_count(2)

    await _type(page, "11010519491231002X", "plaintiff_phone")
    await page.get_by_test_id("answer-input").fill("13800138000")
    await page.get_by_test_id("send").dblclick()
    await _composer_at(page, "case_type")
    await expect(
        page.locator("[data-testid=msg][data-kind=mine]").filter(has_text="13800138000")
    ).to_have_count(1)
    await _choose(page, "online_shopping", "defendant_kind")
    await _choose(page, "company", "defendant_name")
    await _type(page, "某某电子商务有限公司", "defendant_credit_code")
    await _type(page, "91350100M000100Y43", "defendant_phone")
    await _type(page, "13900139000", "defendant_address")
    await _type(page, "shop@example.com", "claim_text")

    await expect(page.get_by_test_id("answer-input")).to_have_attribute("data-max", "500")
    await page.get_by_test_id("answer-input").fill("退还货款")
    await expect(page.get_by_test_id("char-counter")).to_have_text("4/500 characters")
    await page.get_by_test_id("send").click()
    await _composer_at(page, "claim_amount")
    await expect(page.get_by_test_id("answer-input")).to_have_attribute("inputmode", "decimal")
    await _type(page, "3999", "more_claims")
    # a double tap sends once: the button is disabled while the answer is in flight
    mine_bubbles = page.locator("[data-testid=msg][data-kind=mine]")
    before = await mine_bubbles.count()
    await page.locator(
        '[data-testid=msg][data-active=true] [data-testid=option][data-value="no"]'
    ).dblclick()
    await _composer_at(page, "facts")
    await expect(mine_bubbles).to_have_count(before + 1)
    await _type(
        page,
        "我于2026年10月1日在被告网店购买手机一部，付款3999元。收到的手机无法开机，被告拒绝退货退款。",
        "evidence",
    )

    # evidence: the size limit is stated before uploading, the fingerprint comes back
    await expect(page.get_by_test_id("files-limit")).to_contain_text("MB")
    await _shot(page, str(tmp_path / "evidence.png"))
    limit_mb = int(
        re.search(r"(\d+) MB", await page.get_by_test_id("files-limit").inner_text()).group(1)
    )
    too_big = {
        "name": "video.mp4",
        "mimeType": "video/mp4",
        "buffer": b"\0" * (limit_mb * 1024 * 1024 + 1),
    }
    await page.get_by_test_id("file-input").set_input_files(too_big)
    await expect(system.last).to_contain_text(f"over the {limit_mb} MB limit")
    await expect(
        page.locator("[data-testid=msg][data-kind=mine]").filter(has_text="video.mp4")
    ).to_have_count(0)
    receipt = tmp_path / "receipt.txt"
    receipt.write_bytes(
        "订单号 20261001-0001，金额 3999 元\nOrder 20261001-0001, 3999 yuan\n".encode()
    )
    sha256 = hashlib.sha256(receipt.read_bytes()).hexdigest()
    await page.get_by_test_id("file-input").set_input_files(str(receipt))
    await expect(page.get_by_test_id("conversation")).to_contain_text(sha256, timeout=WAIT_MS)
    await expect(
        page.locator("[data-testid=msg][data-kind=mine][data-status=sent]").last
    ).to_contain_text("receipt.txt")
    await _shot(page, str(tmp_path / "uploaded.png"))
    await _choose(page, "done", "summary")

    summary = page.locator("[data-testid=msg][data-active=true]")
    await expect(summary).to_contain_text("某某电子商务有限公司")
    await expect(summary.locator("[data-testid=option][data-value=submit]")).to_have_class(
        re.compile("primary")
    )
    await _shot(page, str(tmp_path / "summary.png"))
    await _choose(page, "submit", "wait_review")
    with_court = page.locator("[data-testid=msg][data-kind=court]").filter(
        has_text="is with the court"
    )
    await expect(with_court).to_have_count(1, timeout=WAIT_MS)
    reference = re.search(r"Filing (\S+) is with the court", await with_court.inner_text())
    assert reference, await with_court.inner_text()
    await expect(page.get_by_test_id("waiting")).to_be_visible()
    await expect(page.get_by_test_id("header-subtitle")).to_contain_text(
        "With the court", timeout=WAIT_MS
    )
    # older prompts stay on screen but can no longer be pressed
    await expect(
        page.locator("[data-testid=conversation] [data-testid=option]:not([disabled])")
    ).to_have_count(0)

    await expect(system).to_have_count(3)  # the two ID errors and the oversized file, nothing else
    shot = tmp_path / "filing.png"
    await _shot(page, str(shot))
    if os.environ.get("MICROCOURT_UPDATE_SCREENSHOTS"):  # refresh the README's picture on request
        SCREENSHOT_COPY.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT_COPY)

    # the clerk, in a browser of their own, finds the filing in the review queue and accepts it
    clerk_ctx, clerk, clerk_errors = await _new_page(browser, court_url, "en-US")
    await clerk.locator("[data-testid=demo-person][data-key=clerk]").click()
    await clerk.get_by_test_id("tab-queue").click()
    item = clerk.locator(f'[data-testid=queue-item][data-case-id="{case_id}"]')
    await expect(item).to_contain_text(reference.group(1), timeout=WAIT_MS)
    await expect(item.get_by_test_id("countdown")).to_contain_text(
        re.compile(r"\d+ days? \d+ hours? left")
    )
    await _shot(clerk, str(tmp_path / "queue.png"))
    await item.click()
    await _composer_at(clerk, "review_decision")
    await _shot(clerk, str(tmp_path / "review.png"))
    await _choose(clerk, "accept", None)
    await expect(clerk.get_by_test_id("composer")).not_to_have_attribute(
        "data-step", "review_decision"
    )

    # back with the litigant: the fee prompt arrives live, with its countdown; the demo provider pays
    await _composer_at(page, "pay_fee")
    await expect(page.locator("[data-testid=composer] [data-testid=countdown]")).to_contain_text(
        re.compile(r"\d+ days? \d+ hours? left")
    )
    await _shot(page, str(tmp_path / "fee.png"))
    await _choose(page, "pay", None)
    served = page.locator("[data-testid=msg][data-kind=court]").filter(has_text="the fee is paid")
    await expect(served).to_have_count(1, timeout=WAIT_MS)
    await page.get_by_test_id("nav-back").click()
    await expect(
        page.locator(f'[data-testid=case-item][data-case-id="{case_id}"]')
    ).to_contain_text("Fee paid", timeout=WAIT_MS)
    await _shot(page, str(tmp_path / "cases.png"))

    assert page_errors == [] and clerk_errors == []
    await clerk_ctx.close()
    await litigant_ctx.close()
