"""The identity step in Telegram: a new user files, consents, sends the ID photo, then a selfie.

Real server and python-telegram-bot against the Bot API stand-in (OLR 7, ICP 6, PIPL 28). The
face library runs in the test process through the session's cache (the pool is covered by
tests/e2e/test_identity_http.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app.simulation import PLAINTIFF_ANSWERS
from identity.service import IdentityService
from tests.e2e.test_telegram_filing import USER, Rig, _drive_to_summary, _press, _rig
from tests.support import recordings
from tests.support.cached_encoder import shared_encoder
from tests.support.clock import FakeClock
from tests.support.faces import FACES, FacePhotos
from tests.support.id_cards import card_photo
from tests.support.telegram_standin import Call

NAME, ID_NUMBER = PLAINTIFF_ANSWERS["plaintiff_name"], PLAINTIFF_ANSWERS["plaintiff_id"]  # the filing's
CARD = card_photo(NAME, ID_NUMBER, "obama_1.jpg")  # a specimen card of the filing's plaintiff


@pytest.fixture(scope="module")
def faces() -> FacePhotos:
    """The shared face photos."""
    return FacePhotos(FACES)


@pytest.fixture
async def rig(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Rig]:
    """The Telegram rig (polling) with the cached in-process face encoder."""
    async for polling in _rig(tmp_path, clock, webhook=False):
        await polling.court.identity.encoder.close()
        polling.court.identity.encoder = shared_encoder()
        yield polling


async def push(rig: Rig, update: dict[str, Any], contains: str | None = None) -> Call:
    """Deliver an update and return the bot's next reply to the user (containing ``contains``)."""
    since = len(rig.api.calls)
    rig.api.push_update(update)
    return await rig.reply(since, contains)


async def send_photo(rig: Rig, file_id: str, content: bytes, contains: str) -> Call:
    """The user sends a photo (Telegram's largest size carries ``file_id``)."""
    rig.api.add_file(file_id, content, f"photos/{file_id}.jpg")
    update = rig.api.photo_update(USER, file_id, [(90, 60, 900), (1280, 960, len(content))])
    return await push(rig, update, contains)


async def file_to_identity_step(rig: Rig) -> None:
    """/new, every filing answer by buttons and text, submit: the identity step's prompt."""

    async def deliver(update: dict[str, Any]) -> None:
        rig.api.push_update(update)

    await push(rig, rig.api.command_update(USER, "new"), "电子送达")
    await _press(rig, "yes", deliver)
    await _drive_to_summary(rig, deliver)
    await _press(rig, "submit", deliver)
    assert (await rig.current())["kind"] == "identity"


def buttons(call: Call) -> list[dict[str, Any]]:
    """The inline buttons of a sent message, row by row flattened."""
    markup = call.params.get("reply_markup") or {"inline_keyboard": []}
    return [button for row in markup["inline_keyboard"] for button in row]


async def test_a_new_telegram_user_verifies_with_id_photo_and_selfie(rig: Rig, faces: FacePhotos) -> None:
    """OLR 7: consent first (PIPL 28), the ID photo as reference, a matching selfie verifies."""
    identity: IdentityService = rig.court.identity
    identity.settings = replace(identity.settings, selfie_suffices=True)  # MICROCOURT_SELFIE_SUFFICES
    await file_to_identity_step(rig)
    measured = shared_encoder().measured
    consent = await send_photo(rig, "too-early", faces.raw("obama_2.jpg"), "个人信息保护法")
    assert shared_encoder().measured == measured  # nothing captured before consent
    [agree, miniapp] = buttons(consent)
    assert agree == {"text": "我同意人脸核验", "callback_data": "i:consent"}
    assert miniapp["web_app"]["url"].startswith("https://court.example/?verify=identity&case=")
    asked = await push(rig, rig.api.callback_update(USER, "i:consent", consent.result["message_id"]), "身份证人像面")
    assert "110105********002X" in asked.params["text"] and "张三" in asked.params["text"]
    saved = await send_photo(rig, "id-card", CARD, "圆形视频消息")
    assert "本院也认可" in saved.params["text"]  # this court's setting: a still selfie suffices too
    verified = await send_photo(rig, "selfie", faces.raw("obama_2.jpg"), "实名认证成功")
    assert "未进行活体检测" in verified.params["text"]  # the reply says liveness was not checked
    assert (await rig.current())["step"] == "wait_review"  # the filing went to the court
    status = await identity.status((await rig.person_case())[0])
    assert (status.verified, status.method) == (True, "face_selfie")


async def test_by_default_a_telegram_selfie_goes_to_the_clerk_once(rig: Rig, faces: FacePhotos) -> None:
    """Without liveness the court's default asks a clerk; a repeated update is not a second try."""
    identity: IdentityService = rig.court.identity
    await file_to_identity_step(rig)
    guide = await push(rig, rig.api.text_update(USER, "你好"), "个人信息保护法")  # text: say what to do
    await push(rig, rig.api.callback_update(USER, "i:consent", guide.result["message_id"]), "身份证人像面")
    wrong = await send_photo(rig, "not-an-id", faces.raw("obama_4.jpg"), "不是居民身份证")  # issue 14's probe
    assert "请发送身份证人像面" in wrong.params["text"]
    await send_photo(rig, "id-card", CARD, "书记员确认")
    rig.api.add_file("impostor", faces.raw("biden_1.jpg"), "photos/impostor.jpg")
    update = rig.api.photo_update(USER, "impostor", [(1280, 960, 80_000)])
    since = len(rig.api.calls)
    update_id = rig.api.push_update(update)
    failed = await rig.reply(since, "不一致")
    assert "本小时剩余次数：4。" in failed.params["text"]
    rig.api.push_update(dict(update, update_id=update_id))  # Telegram delivers it again
    pending = await send_photo(rig, "selfie", faces.raw("obama_4.jpg"), "书记员将人工确认")
    assert any("web_app" in b for b in buttons(pending))
    assert len([t for t in rig.texts() if "不一致" in t]) == 1  # the repeat was not a second try
    again = await push(rig, rig.api.text_update(USER, "好了吗"), "人工核验")  # in review: told so
    assert again.params["text"]
    person_id, _case_id = await rig.person_case()
    status = await identity.status(person_id)
    assert (status.verified, status.in_review, status.attempts_left) == (False, True, 3)
    [item] = await identity.manual_review_queue(rig.court.settings.court_code)
    assert (item.person_id, item.reason, item.channel) == (person_id, "liveness_not_checked", "telegram")
    assert (await rig.current())["kind"] == "identity"  # still waiting for the clerk


async def test_issue_14_an_unreadable_card_three_times_goes_to_the_clerk_in_telegram(rig: Rig) -> None:
    """A blurred card asks for a better photo of the card's photo side; the third goes to the
    clerk's manual review, and the bot then says the identity is with a clerk."""
    identity: IdentityService = rig.court.identity
    await file_to_identity_step(rig)
    guide = await push(rig, rig.api.text_update(USER, "你好"), "个人信息保护法")
    await push(rig, rig.api.callback_update(USER, "i:consent", guide.result["message_id"]), "身份证人像面")
    blurred = card_photo(NAME, ID_NUMBER, "obama_1.jpg", blur=6.0)
    for n in (1, 2):
        better = await send_photo(rig, f"blurred-{n}", blurred, "无法识别")
        assert "请重新发送身份证人像面" in better.params["text"]
    await send_photo(rig, "blurred-3", blurred, "书记员将人工核对")
    await push(rig, rig.api.text_update(USER, "好了吗"), "人工核验")  # in review: told so
    person_id, _case_id = await rig.person_case()
    [item] = await identity.manual_review_queue(rig.court.settings.court_code)
    assert (item.person_id, item.reason, item.channel) == (person_id, "card_unreadable", "telegram")


def _asked_turns(text: str) -> tuple[str, ...]:
    """The turns a Chinese prompt asks for, in its order."""
    words = (("向左", "turn_left"), ("向右", "turn_right"))
    found = sorted((text.index(word), kind) for word, kind in words if word in text)
    return tuple(kind for _, kind in found)


def _video_note_update(rig: Rig, file_id: str, video: bytes) -> dict[str, Any]:
    """A message carrying a round video note."""
    rig.api.add_file(file_id, video, f"video_notes/{file_id}.mp4")
    update = rig.api.text_update(USER, "x")
    message = update["message"]
    del message["text"]
    message["video_note"] = {
        "file_id": file_id,
        "file_unique_id": f"u-{file_id}",
        "length": 640,
        "duration": 4,
        "file_size": len(video),
    }
    return update


async def test_olr_7_a_video_note_doing_the_shown_challenge_verifies_at_once(
    rig: Rig, faces: FacePhotos, clock: FakeClock
) -> None:
    """Issue 14, Telegram: after the ID photo the bot shows a challenge and asks for a round video
    note doing it; the note is the live check and verifies at once (the clerk is not needed)."""
    identity: IdentityService = rig.court.identity
    identity.settings = replace(identity.settings, challenge_kinds=("turn_left", "turn_right"))
    await file_to_identity_step(rig)
    guide = await push(rig, rig.api.text_update(USER, "开始"), "个人信息保护法")
    await push(rig, rig.api.callback_update(USER, "i:consent", guide.result["message_id"]), "身份证人像面")
    asked = await send_photo(rig, "id-card", CARD, "圆形视频消息")
    assert "按顺序" in asked.params["text"] and "60秒内" in asked.params["text"]
    actions = _asked_turns(asked.params["text"])
    assert len(actions) == 2
    clock.jump(seconds=8)  # the person records and sends
    video = recordings.live("obama_2.jpg", actions, container="mp4")
    verified = await push(rig, _video_note_update(rig, "note-1", video), "活体检测通过")
    assert verified.params["text"]
    assert (await rig.current())["step"] == "wait_review"
    status = await identity.status((await rig.person_case())[0])
    assert (status.verified, status.method) == (True, "face_liveness")
