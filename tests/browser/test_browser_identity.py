"""The mini-app's identity panel (OLR 7) in headless Chromium, with a fake camera.

Chromium plays a Y4M video as the front camera (see ``fake_camera``): a photo of one person
turned as a 3D-like head (an ellipsoid with a nose ridge, not a flat card, which the liveness
check refuses as ``flat_face``), first to the person's left and back, then to their right and
back: the answer to the challenge "turn left, then turn right". The ID portrait uploaded is
another photo of the same person.

The video is timed against the page: it starts at its first frame whenever the page opens the
camera; the page asks for the challenge once the first frame shows, counts down ``ID_LEAD_IN_S``
seconds, then records one take with MediaRecorder: ``ID_FRONTAL_MS`` looking straight, then
``ID_ACTION_MS`` for each action. Those numbers are read from identity/camera.js, so the video
follows the page if they change. The server for the turning test draws only head turns
(``MICROCOURT_LIVENESS_CHALLENGES``); a right-then-left challenge is answered the way a person
who cannot do it now would: cancel the check and start it again for a new one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from identity.id_numbers import resident_id_check_char
from tests.support import fake_camera
from tests.support.browser_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    WAIT_MS,
    court_url,  # noqa: F401 - the demo-mode server fixture, shared with the filing test
    demo_server,
    draft_to_evidence,
)
from tests.support.browser_helpers import choose as _choose
from tests.support.browser_helpers import composer_at as _composer_at
from tests.support.browser_helpers import require_chromium as _require_chromium
from tests.support.browser_helpers import shot as _shot
from tests.support.id_cards import card_photo

ROOT = Path(__file__).resolve().parents[2]
LIVE_CHECK_JS = ROOT / "bot" / "webchat" / "static" / "identity" / "camera.js"
SCREENSHOT_COPY = ROOT / "docs" / "screenshots" / "identity.png"
ID_PORTRAIT = fake_camera.FACES / "obama_2.jpg"  # the face on the specimen ID card


def _card(name: str, id_number: str) -> dict[str, object]:
    """A photo of a specimen ID card of ``name`` and ``id_number`` with ID_PORTRAIT on it, as a
    file the page's picker takes."""
    photo = card_photo(name, id_number, ID_PORTRAIT.name)
    return {"name": "id-card.jpg", "mimeType": "image/jpeg", "buffer": photo}


VERIFY_MS = 60_000  # the first face check starts the encoder's worker process (dlib and its models)
MAX_REROLLS = 8  # challenges are random; the server allows 10 a minute

pytestmark = pytest.mark.browser


def _resident_id(sequence: str) -> str:
    """A valid resident ID number (Beijing Chaoyang, born 1990-03-07) with its check character."""
    body = f"11010519900307{sequence}"
    return body + resident_id_check_char(body)


def _page_timing() -> tuple[float, float, float]:
    """(lead-in, frontal, per-action seconds) of the live check, as identity/camera.js has them."""
    source = LIVE_CHECK_JS.read_text(encoding="utf-8")

    def number(name: str) -> float:
        found = re.search(rf"const {name} = ([\d.]+);", source)
        assert found, f"{name} not found in identity/camera.js"
        return float(found.group(1))

    return number("ID_LEAD_IN_S"), number("ID_FRONTAL_MS") / 1000, number("ID_ACTION_MS") / 1000


def _turn_angles() -> list[float]:
    """Per 0.1 s frame of the fake camera: frontal until the recording's first action window is
    0.4 s old, a left turn (1.1 s) and back, frontal until the second window is 0.4 s old, a right
    turn and back, then frontal to the end of the take and a little after.

    Measured in Chromium: the fake camera's frame n is on screen n/10 s after getUserMedia
    resolves; the page then waits ~0.1 s for the first frame and a few ms for the challenge.
    """
    lead_in, frontal, action = _page_timing()
    start = 0.15 + lead_in + frontal
    angles = [0.0] * round((start + 0.4) * fake_camera.FPS)
    for sign in (1, -1):
        turn = fake_camera.ramp(0, sign * 30, 4) + [sign * 30.0] * 3 + fake_camera.ramp(sign * 30, 0, 4)
        angles += turn + [0.0] * (round(action * fake_camera.FPS) - len(turn))
    return angles + [0.0] * round((frontal + 2) * fake_camera.FPS)


def _turning_video(path: Path) -> Path:
    """The camera's video for the turning test (``_turn_angles``)."""
    return fake_camera.write_y4m(path, fake_camera.frames_for(fake_camera.obama(), _turn_angles()))


def _still_video(path: Path) -> Path:
    """A photo held up to the camera: it never moves."""
    return fake_camera.write_y4m(path, fake_camera.frames_for(fake_camera.obama(), fake_camera.still(12)))


async def _camera_browser(video: Path) -> AsyncIterator[object]:
    """Debian's Chromium (skipped without it, failed under CI) with ``video`` as its camera."""
    from playwright.async_api import async_playwright

    _require_chromium()
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",  # a fake camera instead of a real one
        "--use-fake-ui-for-media-stream",  # and no permission prompt
        f"--use-file-for-fake-video-capture={video}",
    ]
    async with async_playwright() as p:
        instance = await p.chromium.launch(executable_path=str(CHROMIUM), args=args)
        try:
            yield instance
        finally:
            await instance.close()


@pytest.fixture
async def turning_browser(tmp_path: Path) -> AsyncIterator[object]:
    """Chromium whose front camera shows a face turning left, then right."""
    _require_chromium()
    async for instance in _camera_browser(_turning_video(tmp_path / "turns.y4m")):
        yield instance


@pytest.fixture
async def still_browser(tmp_path: Path) -> AsyncIterator[object]:
    """Chromium whose front camera shows a still photo."""
    _require_chromium()
    async for instance in _camera_browser(_still_video(tmp_path / "still.y4m")):
        yield instance


async def _new_litigant(browser, base: str, locale: str = "en-US"):
    """A fresh context, signed in as a new litigant (not a demo person)."""
    from playwright.async_api import expect

    context = await browser.new_context(viewport=VIEWPORT, device_scale_factor=2, locale=locale)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(base)
    await page.get_by_test_id("new-litigant").click()
    await expect(page.get_by_test_id("new-filing")).to_be_visible(timeout=WAIT_MS)
    return context, page, errors


async def _consent(page) -> None:
    """Step 1: the box starts unticked and the button off; tick, agree."""
    from playwright.async_api import expect

    dialog = page.get_by_test_id("identity-dialog")
    await expect(dialog).to_have_attribute("data-phase", "consent", timeout=WAIT_MS)
    box = page.get_by_test_id("identity-consent-check")
    await expect(box).not_to_be_checked()
    await expect(page.get_by_test_id("identity-consent-submit")).to_be_disabled()
    await box.check()
    await page.get_by_test_id("identity-consent-submit").click()
    await expect(dialog).to_have_attribute("data-phase", "reference", timeout=WAIT_MS)


async def _reference(page, name: str, id_number: str) -> None:
    """Step 2 with a specimen ID card of that name and number."""
    from playwright.async_api import expect

    await page.get_by_test_id("identity-name").fill(name)
    await page.get_by_test_id("identity-number").fill(id_number)
    await page.get_by_test_id("identity-photo").set_input_files(_card(name, id_number))
    await page.get_by_test_id("identity-reference-submit").click()
    await expect(page.get_by_test_id("identity-dialog")).to_have_attribute("data-phase", "live", timeout=VERIFY_MS)


@pytest.fixture
def turns_court_url(tmp_path: Path) -> Iterator[str]:
    """A demo-mode server whose challenges are head turns only (a photo cannot blink)."""
    _require_chromium()
    with demo_server(tmp_path, {"MICROCOURT_LIVENESS_CHALLENGES": "turn_left,turn_right"}) as url:
        yield url


async def _start_left_right_check(page, reopen) -> None:
    """Start the live check until the challenge is "turn left, then turn right" (the video's)."""
    from playwright.async_api import expect

    instruction = page.get_by_test_id("identity-instruction")
    for _ in range(MAX_REROLLS):
        await page.get_by_test_id("identity-live-start").click()
        await expect(instruction).to_have_attribute("data-actions", re.compile(r"\w"), timeout=WAIT_MS)
        if await instruction.get_attribute("data-actions") == "turn_left+turn_right":
            return
        await page.get_by_test_id("identity-cancel").click()  # the other order: ask for another
        await expect(page.get_by_test_id("identity-panel")).to_have_count(0)
        await reopen()
        await expect(page.get_by_test_id("identity-dialog")).to_have_attribute("data-phase", "live", timeout=WAIT_MS)
    pytest.fail(f"{MAX_REROLLS} challenges in a row asked for right, then left")


def test_olr_7_the_turning_video_answers_left_then_right_as_the_page_records_it() -> None:
    """Offline, through PyAV and the server's own rules: the take the page records from this
    video (from its lead-in on, as WebM) passes "turn left, then turn right", also when the
    recording starts 0.3 s early or late, and fails the reverse order."""
    import datetime

    from identity.decisions import recording_outcome
    from identity.encoder import observe_recording, read_card
    from identity.liveness import Challenge
    from tests.support import recordings

    lead_in, frontal, action = _page_timing()
    angles = _turn_angles()
    reference = read_card(card_photo("张三", "11010519491231002X", ID_PORTRAIT.name)).face.encoding
    assert reference is not None
    now = datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC)
    issued = now - datetime.timedelta(seconds=lead_in + frontal * 2 + action * 2 + 1)

    def asked(*actions: str) -> Challenge:
        return Challenge(actions, "nonce", issued, issued + datetime.timedelta(seconds=60))  # type: ignore[arg-type]

    length = round((frontal * 2 + action * 2) * fake_camera.FPS)
    for shift in (-0.3, 0.0, 0.3):
        first = round((0.15 + lead_in + shift) * fake_camera.FPS)
        take = recordings.take(fake_camera.obama(), angles[first : first + length], moving=False)
        seen = observe_recording(recordings.encode(take))
        passed = recording_outcome(reference, asked("turn_left", "turn_right"), seen, now, 0.6)
        assert (passed.outcome, passed.reason) == ("match", None), shift
        if shift == 0.0:
            reverse = recording_outcome(reference, asked("turn_right", "turn_left"), seen, now, 0.6)
            assert reverse.reason == "wrong_order"


async def test_new_litigant_files_and_verifies_with_the_camera(
    turns_court_url: str,
    turning_browser,
    tmp_path: Path,
) -> None:
    """A new litigant files up to the identity step, verifies in the panel, and the filing moves on."""
    from playwright.async_api import expect

    context, page, page_errors = await _new_litigant(turning_browser, turns_court_url)
    name, id_number = "李四", _resident_id("123")

    # the filing, as any litigant answers it
    await draft_to_evidence(page, name, id_number)
    receipt = tmp_path / "receipt.txt"
    receipt.write_text("Order 20261001-0001, 3999 yuan\n", encoding="utf-8")
    await page.get_by_test_id("file-input").set_input_files(str(receipt))
    await expect(page.locator("[data-testid=msg][data-kind=mine][data-status=sent]").last).to_contain_text(
        "receipt.txt", timeout=WAIT_MS
    )
    await _choose(page, "done", "summary")
    await _choose(page, "submit", "verify_identity")

    # the identity step: one prominent button in the prompt area; the header has an entry too
    composer = page.get_by_test_id("composer")
    await expect(composer).to_have_attribute("data-kind", "identity")
    start = page.get_by_test_id("verify-identity")
    await expect(start).to_have_text("Verify my identity")
    await expect(page.get_by_test_id("identity-menu")).to_have_attribute("data-verified", "false")
    await expect(page.get_by_test_id("header-subtitle")).to_contain_text("identity", timeout=WAIT_MS)
    await _shot(page, str(tmp_path / "identity_prompt.png"))
    await start.click()

    # 1. separate consent, in plain words, in both languages
    dialog = page.get_by_test_id("identity-dialog")
    await expect(dialog).to_have_attribute("data-phase", "consent", timeout=WAIT_MS)
    facts = page.get_by_test_id("identity-consent-facts")
    await expect(facts).to_contain_text("stored encrypted")
    await expect(facts).to_contain_text("not kept")
    await expect(facts).to_contain_text("deleted")
    await page.get_by_test_id("identity-lang").click()
    await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    await expect(facts).to_contain_text("加密存储")
    await expect(page.get_by_test_id("identity-consent-submit")).to_have_text("我同意")
    await page.get_by_test_id("identity-lang").click()
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await _shot(page, str(tmp_path / "identity_consent.png"))
    await _consent(page)

    # 2. the form starts from what the filing says of its plaintiff (OLR 7: the check must find them)
    await expect(page.get_by_test_id("identity-name")).to_have_value(name)
    await expect(page.get_by_test_id("identity-number")).to_have_value(id_number)
    await expect(page.get_by_test_id("identity-from-filing")).to_contain_text("Filled in from your filing")
    # issue 14's probe, a face photo as "the ID photo", is refused in place; what was typed stays
    await page.get_by_test_id("identity-photo").set_input_files(str(ID_PORTRAIT))
    await page.get_by_test_id("identity-reference-submit").click()
    error = page.get_by_test_id("identity-error")
    await expect(error).to_be_visible(timeout=VERIFY_MS)
    await expect(error).to_contain_text("photo of your ID card's photo side")  # the court's words
    await expect(dialog).to_have_attribute("data-phase", "reference")
    await expect(page.get_by_test_id("identity-name")).to_have_value(name)
    await expect(page.get_by_test_id("identity-number")).to_have_value(id_number)
    await _shot(page, str(tmp_path / "identity_reference_error.png"))
    await page.get_by_test_id("identity-photo").set_input_files(_card(name, id_number))
    await expect(page.get_by_test_id("identity-photo-preview")).to_contain_text("id-card.jpg")
    await page.get_by_test_id("identity-reference-submit").click()
    await expect(dialog).to_have_attribute("data-phase", "live", timeout=VERIFY_MS)

    # 3. the live check with the fake camera
    async def reopen() -> None:
        await page.get_by_test_id("verify-identity").click()

    await _start_left_right_check(page, reopen)
    kind = "turn_left+turn_right"
    status = page.get_by_test_id("identity-live-status")
    await expect(status).to_have_attribute("data-sub", "ready", timeout=WAIT_MS)
    await expect(page.get_by_test_id("identity-instruction")).to_contain_text("in this order")
    shot = tmp_path / "identity.png"
    await _shot(page, str(shot))
    if os.environ.get("MICROCOURT_UPDATE_SCREENSHOTS"):  # refresh the README's picture on request
        SCREENSHOT_COPY.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT_COPY)
    await expect(status).to_have_attribute("data-sub", "capturing", timeout=WAIT_MS)
    await expect(status).to_have_attribute("data-sub", "checking", timeout=WAIT_MS)

    # verified: the panel says so, closes by itself, and the court's next message arrives
    verified = page.get_by_test_id("identity-verified")
    try:
        await expect(verified).to_be_visible(timeout=VERIFY_MS)
    except AssertionError:
        await _shot(page, str(tmp_path / "identity_not_verified.png"))
        shown = await dialog.inner_text()
        raise AssertionError(f"not verified ({kind}); the panel shows: {shown}") from None
    await expect(page.get_by_test_id("identity-verified-text")).to_contain_text("verified")
    await _shot(page, str(tmp_path / "identity_verified.png"))
    await expect(page.get_by_test_id("identity-panel")).to_have_count(0, timeout=WAIT_MS)
    with_court = page.locator("[data-testid=msg][data-kind=court]").filter(has_text="is with the court")
    await expect(with_court).to_have_count(1, timeout=WAIT_MS)
    await _composer_at(page, "wait_review")
    await expect(page.get_by_test_id("waiting")).to_be_visible()
    await expect(page.get_by_test_id("identity-menu")).to_have_attribute("data-verified", "true")
    await _shot(page, str(tmp_path / "identity_with_court.png"))

    # the header entry now just says it is done
    await page.get_by_test_id("identity-menu").click()
    await expect(dialog).to_have_attribute("data-phase", "already", timeout=WAIT_MS)
    await expect(page.get_by_test_id("identity-method")).to_contain_text("live check")
    await page.keyboard.press("Escape")
    await expect(page.get_by_test_id("identity-panel")).to_have_count(0)

    assert page_errors == []
    await context.close()


async def test_a_still_photo_fails_and_the_panel_says_what_next(
    court_url: str,  # noqa: F811 - the imported fixture
    still_browser,
    tmp_path: Path,
) -> None:
    """From the header: a still picture fails with attempts left; busy and used-up are explained."""
    from playwright.async_api import expect

    context, page, page_errors = await _new_litigant(still_browser, court_url, "zh-CN")
    await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    menu = page.get_by_test_id("identity-menu")
    await expect(menu).to_have_text("实名认证")
    await menu.click()
    await _consent(page)
    await _reference(page, "王五", _resident_id("456"))

    dialog = page.get_by_test_id("identity-dialog")
    await page.get_by_test_id("identity-live-start").click()
    await expect(page.get_by_test_id("identity-instruction")).to_have_attribute(
        "data-actions", re.compile(r"\w"), timeout=WAIT_MS
    )
    await expect(dialog).to_have_attribute("data-phase", "failed", timeout=VERIFY_MS)
    failed = page.get_by_test_id("identity-failed")
    await expect(failed).to_have_attribute("data-error", re.compile(r"^no_(movement|blink)$"))
    await expect(failed).to_have_attribute("data-attempts-left", "4")
    await expect(dialog).to_contain_text("4")  # in the court's text, or else in the panel's own line
    await expect(page.get_by_test_id("identity-retry")).to_have_text("再试一次")
    await _shot(page, str(tmp_path / "identity_failed.png"))

    # the server's other answers, played back to the page: busy, then no attempts left
    async def answer(status: int, body: dict[str, object]) -> None:
        async def fulfil(route) -> None:
            await route.fulfill(status=status, content_type="application/json", body=json.dumps(body))

        await page.unroute("**/api/identity/recording")
        await page.route("**/api/identity/recording", fulfil)

    await answer(503, {"error": "busy", "text": "人脸核验繁忙，请稍后再试。"})
    await page.get_by_test_id("identity-retry").click()
    await expect(dialog).to_have_attribute("data-phase", "busy", timeout=VERIFY_MS)
    await expect(page.get_by_test_id("identity-busy")).to_have_text("人脸核验繁忙，请稍后再试。")
    await answer(429, {"error": "too_many_attempts", "text": "尝试次数过多，书记员将人工核验。"})
    await page.get_by_test_id("identity-retry").click()
    await expect(dialog).to_have_attribute("data-phase", "manual", timeout=VERIFY_MS)
    await expect(page.get_by_test_id("identity-manual")).to_have_text("尝试次数过多，书记员将人工核验。")
    await expect(dialog).to_contain_text("书记员会人工核验")
    await expect(page.get_by_test_id("identity-retry")).to_have_count(0)
    await _shot(page, str(tmp_path / "identity_manual.png"))
    await page.unroute("**/api/identity/recording")
    await page.get_by_test_id("identity-done").click()
    await expect(page.get_by_test_id("identity-panel")).to_have_count(0)
    await expect(menu).to_be_focused()

    # a camera the person refused: say what to do, in both languages
    refused = await context.new_page()
    await refused.add_init_script(
        "navigator.mediaDevices.getUserMedia = () =>"
        " Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));"
    )
    refused.on("pageerror", lambda exc: page_errors.append(str(exc)))
    await refused.goto(court_url)
    await refused.get_by_test_id("identity-menu").click()
    await expect(refused.get_by_test_id("identity-dialog")).to_have_attribute("data-phase", "live", timeout=WAIT_MS)
    await refused.get_by_test_id("identity-live-start").click()
    problem = refused.get_by_test_id("identity-camera-error")
    await expect(problem).to_have_attribute("data-problem", "denied", timeout=WAIT_MS)
    await expect(problem).to_contain_text("允许使用摄像头")
    await expect(refused.get_by_test_id("identity-telegram-hint")).to_contain_text("Telegram")
    await refused.get_by_test_id("identity-lang").click()
    await expect(problem).to_contain_text("Allow the camera")
    await expect(refused.get_by_test_id("identity-telegram-hint")).to_contain_text("round video note")
    await _shot(refused, str(tmp_path / "identity_camera_refused.png"))

    assert page_errors == []
    await context.close()
