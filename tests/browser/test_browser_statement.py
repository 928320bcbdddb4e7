"""A statement recorded in the mini-app (issue 13, items 6 and 7), in headless Chromium with its fake
camera and microphone: MediaRecorder makes a webm, the party reviews it and sends it, and the court
fingerprints it on receipt as the answer. The statement question comes from a small test flow
(tests/support/statement_flow.py) loaded into a court served in this process."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from app.web import build_app
from gateway.court import Court
from gateway.requests import COURT_KEY
from storage.models import Evidence
from tests.support.browser_helpers import CHROMIUM, CHROMIUM_ARGS, WAIT_MS, new_page, require_chromium, sign_in_demo
from tests.support.clock import FakeClock
from tests.support.court import court_settings, demo_person
from tests.support.statement_flow import add_statement_flow, statement_case
from tests.support.trial import case_state

pytestmark = pytest.mark.browser


@pytest.fixture
async def camera_browser() -> AsyncIterator[object]:
    """Debian's Chromium with a fake camera and microphone, and no permission prompt."""
    from playwright.async_api import async_playwright

    require_chromium()
    args = [*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
    async with async_playwright() as p:
        instance = await p.chromium.launch(executable_path=str(CHROMIUM), args=args)
        try:
            yield instance
        finally:
            await instance.close()


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[str, Court]]:
    """A demo court on 127.0.0.1 (a secure context: the camera may be opened) with the statement flow;
    files up to 1 MB, so that a file over the limit is cheap to make."""
    settings = replace(court_settings(tmp_path), max_upload_mb=1)
    async with TestServer(build_app(settings, FakeClock(), ticker=False), host="127.0.0.1") as server:
        court = server.app[COURT_KEY]
        add_statement_flow(court, tmp_path)
        yield str(server.make_url("/")).rstrip("/"), court


async def test_a_party_records_a_video_statement_and_it_becomes_the_answer(
    served: tuple[str, Court],
    camera_browser,  # the fixture above
) -> None:
    """OLR 16, issue 13 item 6: a video recorded in the mini-app (getUserMedia + MediaRecorder, webm)
    is previewed with its length, then sent; the court receives the blob, fingerprints it (SHA-256)
    on receipt, and it becomes the party's statement. A recording can be made again first; a file of
    a kind not taken or over the size limit is refused in the page before it is sent."""
    from playwright.async_api import expect

    url, court = served
    person = await demo_person(court, "litigant_a")
    case_id = await statement_case(court, person.id)
    context, page, errors = await new_page(camera_browser, url, "zh-CN")
    try:
        await sign_in_demo(page, "litigant_a")
        await page.locator(f'[data-testid=case-item][data-case-id="{case_id}"]').click(timeout=WAIT_MS)
        composer = page.locator('[data-testid=composer][data-step="statement"]')
        await expect(composer).to_be_visible(timeout=WAIT_MS)
        await expect(composer.get_by_test_id("countdown")).to_be_visible()  # the window's time left
        hint = composer.get_by_test_id("statement-hint")
        await expect(hint).to_contain_text("录制视频")  # the demo litigant reads Chinese
        await expect(hint).to_contain_text("1 MB")
        extend = composer.locator('[data-testid=option][data-value="_extend"]')  # the window's own button
        await expect(extend).to_have_text("申请延长7天")
        uploads: list[str] = []
        page.on("request", lambda r: uploads.append(r.url) if "/evidence?" in r.url else None)

        picker = composer.get_by_test_id("file-input")  # refused in the page, before a byte is sent
        await picker.set_input_files({"name": "notes.exe", "mimeType": "application/x-msdownload", "buffer": b"MZ"})
        said = page.locator("[data-testid=msg][data-kind=system]")
        await expect(said.last).to_contain_text("不接受“notes.exe”的文件类型")
        await expect(said.last).to_contain_text("webm")
        big = {"name": "long.mp4", "mimeType": "video/mp4", "buffer": b"\x00" * (1024 * 1024 + 1)}
        await picker.set_input_files(big)
        await expect(said.last).to_contain_text("超过单个文件 1 MB 的上限")

        await composer.get_by_test_id("record-video").click()
        await expect(composer.get_by_test_id("recorder-live")).to_be_visible(timeout=WAIT_MS)
        await page.wait_for_function(
            "document.querySelector('[data-testid=recorder-live]').videoWidth > 0", timeout=WAIT_MS
        )
        await _record(page, seconds=1)
        await composer.get_by_test_id("record-again").click()  # not happy with it: once more
        await expect(composer.get_by_test_id("record-start")).to_be_visible(timeout=WAIT_MS)
        await _record(page, seconds=2)
        length = composer.get_by_test_id("recording-length")
        assert int(await length.get_attribute("data-seconds") or 0) >= 2
        await expect(length).to_contain_text("时长 0:0")
        preview = composer.get_by_test_id("recording-preview")
        await expect(preview).to_have_attribute("src", re.compile(r"^blob:"))  # played from memory
        recorded = await page.evaluate(
            """async () => {
                const src = document.querySelector('[data-testid=recording-preview]').src;
                const bytes = new Uint8Array(await (await fetch(src)).arrayBuffer());
                return Array.from(bytes);
            }"""
        )
        await composer.get_by_test_id("record-send").click()

        received = page.locator("[data-testid=msg][data-kind=court]").filter(has_text="已收到您的陈述")
        await expect(received).to_have_count(1, timeout=WAIT_MS)
        sha256 = hashlib.sha256(bytes(recorded)).hexdigest()
        await expect(received).to_contain_text(sha256)  # the blob arrived whole, and was hashed
        mine = page.locator("[data-testid=msg][data-kind=mine]").last
        await expect(mine).to_have_attribute("data-status", "sent")
        await expect(mine.get_by_test_id("file-sha256")).to_contain_text(sha256)
        await expect(page.locator('[data-testid=composer][data-step="heard"]')).to_be_visible(timeout=WAIT_MS)
        assert errors == [] and len(uploads) == 1  # only the recording was sent
    finally:
        await context.close()

    answer = (await case_state(court, case_id))["data"]["answers"]["plaintiff"]
    assert answer["file"]["sha256"] == sha256 and answer["file"]["name"].endswith(".webm")
    async with court.store.tx() as tx:
        evidence = await tx.session.get(Evidence, answer["file"]["evidence_id"])
    assert evidence is not None and evidence.content_type.startswith("video/webm")
    assert bytes(recorded[:4]) == b"\x1a\x45\xdf\xa3"  # a Matroska/WebM file, as MediaRecorder writes it


async def _record(page, seconds: int) -> None:  # type: ignore[no-untyped-def]
    """Start recording, let the fake camera run until the counter shows `seconds`, then stop."""
    from playwright.async_api import expect

    await page.get_by_test_id("record-start").click()
    status = page.get_by_test_id("recorder-status")
    await expect(status).to_contain_text(f"正在录制 0:{seconds:02d}", timeout=WAIT_MS)
    await page.get_by_test_id("record-stop").click()
    await expect(page.get_by_test_id("recording-preview")).to_be_visible(timeout=WAIT_MS)


async def test_a_party_records_only_the_voice_and_it_becomes_the_answer(
    served: tuple[str, Court],
    camera_browser,  # the fixture above
) -> None:
    """OLR 16: a statement recorded with the microphone alone is an audio WebM, fingerprinted on
    receipt as the party's answer."""
    from playwright.async_api import expect

    url, court = served
    person = await demo_person(court, "litigant_a")
    case_id = await statement_case(court, person.id)
    context, page, errors = await new_page(camera_browser, url, "zh-CN")
    try:
        await sign_in_demo(page, "litigant_a")
        await page.locator(f'[data-testid=case-item][data-case-id="{case_id}"]').click(timeout=WAIT_MS)
        composer = page.locator('[data-testid=composer][data-step="statement"]')
        await composer.get_by_test_id("record-voice").click(timeout=WAIT_MS)
        await expect(composer.get_by_test_id("recorder-live")).to_contain_text("麦克风已打开", timeout=WAIT_MS)
        await _record(page, seconds=1)
        assert await composer.locator("audio[data-testid=recording-preview]").count() == 1
        await composer.get_by_test_id("record-send").click()
        received = page.locator("[data-testid=msg][data-kind=court]").filter(has_text="已收到您的陈述")
        await expect(received).to_contain_text("voice-statement-", timeout=WAIT_MS)
        assert errors == []
    finally:
        await context.close()

    answer = (await case_state(court, case_id))["data"]["answers"]["plaintiff"]
    assert answer["file"]["name"].startswith("voice-statement-") and answer["file"]["name"].endswith(".webm")
    async with court.store.tx() as tx:
        evidence = await tx.session.get(Evidence, answer["file"]["evidence_id"])
    assert evidence is not None and evidence.content_type.startswith("audio/webm")
    assert evidence.sha256 == answer["file"]["sha256"]
