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
from court.access import identity_desk
from identity.service import IdentityService
from tests.e2e.test_telegram_filing import USER, Rig, _drive_to_summary, _press, _rig
from tests.support import recordings
from tests.support.cached_encoder import shared_encoder
from tests.support.clock import FakeClock
from tests.support.court import demo_person
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


@pytest.fixture
async def bare_rig(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Rig]:
    """The same rig for a court with no public address (MICROCOURT_PUBLIC_URL unset): no mini-app."""
    async for polling in _rig(tmp_path, clock, webhook=False, public_url=None):
        await polling.court.identity.encoder.close()
        polling.court.identity.encoder = shared_encoder()
        yield polling


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


def _identity_prompt(rig: Rig) -> Call:
    """The filing's identity prompt as the bot sent it (the newest message saying how to verify)."""
    return [c for c in rig.api.sent_to(USER) if "在 Telegram 中认证" in c.params.get("text", "")][-1]


async def test_issue_14_the_identity_prompt_says_what_to_send_here_and_no_mini_app_without_a_public_url(
    bare_rig: Rig, faces: FacePhotos
) -> None:
    """Issue 14 part 5: in Telegram the identity step says what to send in this chat (consent,
    then the ID card photo, then a video note doing the shown challenge), never a button it does
    not show; a court with no public address offers no mini-app anywhere in the step."""
    rig = bare_rig
    await file_to_identity_step(rig)
    prompt = _identity_prompt(rig)
    text = prompt.params["text"]
    assert "身份证人像面照片" in text and "圆形视频消息" in text and "自拍照" not in text
    assert text.index("同意人脸核验") < text.index("身份证人像面照片") < text.index("圆形视频消息")
    assert buttons(prompt) == [{"text": "🪪 在此认证", "callback_data": "i:start"}]
    consent = await push(rig, rig.api.callback_update(USER, "i:start", prompt.result["message_id"]), "个人信息保护法")
    assert buttons(consent) == [{"text": "我同意人脸核验", "callback_data": "i:consent"}]
    asked = await push(rig, rig.api.callback_update(USER, "i:consent", consent.result["message_id"]), "身份证人像面")
    saved = await send_photo(rig, "id-card", CARD, "圆形视频消息")
    assert "按顺序" in saved.params["text"]  # the challenge shown, to perform in the video note
    since = len(rig.api.calls)
    failed = await send_photo(rig, "impostor", faces.raw("biden_1.jpg"), "不一致")
    again = await rig.reply(since, "请重新录制一段圆形视频消息")  # what to send next, a new challenge
    pending = await send_photo(rig, "selfie", faces.raw("obama_2.jpg"), "书记员将人工确认")
    assert "小程序" not in pending.params["text"]
    for call in (prompt, consent, asked, saved, failed, again, pending):
        assert not any("web_app" in button for button in buttons(call))


async def test_issue_14_with_a_public_url_the_identity_prompt_also_offers_the_mini_app(rig: Rig) -> None:
    """Issue 14 part 5: where MICROCOURT_PUBLIC_URL is set, the mini-app is offered beside "verify here"."""
    await file_to_identity_step(rig)
    start, miniapp = buttons(_identity_prompt(rig))
    assert start["callback_data"] == "i:start"
    _person_id, case_id = await rig.person_case()
    assert miniapp["web_app"]["url"] == f"https://court.example/?verify=identity&case={case_id}"


async def _selfie_with_the_clerk(rig: Rig, faces: FacePhotos) -> tuple[str, str]:
    """File, agree, send the ID photo and a still selfie: with the clerk. The person and the case."""
    await file_to_identity_step(rig)
    guide = await push(rig, rig.api.text_update(USER, "开始"), "个人信息保护法")
    await push(rig, rig.api.callback_update(USER, "i:consent", guide.result["message_id"]), "身份证人像面")
    await send_photo(rig, "id-card", CARD, "圆形视频消息")
    await send_photo(rig, "selfie", faces.raw("obama_2.jpg"), "书记员将人工确认")
    return await rig.person_case()


async def test_issue_14_a_telegram_only_litigant_hears_the_clerk_confirm_and_the_filing_goes_on(
    rig: Rig, faces: FacePhotos
) -> None:
    """Issue 14 part 4: the clerk's pass reaches the Telegram-only litigant in the chat, with the
    reason, and the filing goes on to the court (before, they waited forever)."""
    person_id, _case_id = await _selfie_with_the_clerk(rig, faces)
    clerk = await demo_person(rig.court, "clerk")
    since = len(rig.api.calls)
    reason = "视频通话核对了本人与身份证"
    assert await rig.court.identity.override(clerk.id, identity_desk(clerk) or "", person_id, "verified", reason) == 1
    told = await rig.reply(since, "书记员已人工核验并确认您的身份")
    assert reason in told.params["text"]
    assert (await rig.current())["step"] == "wait_review"  # the filing reached the court


async def test_issue_14_a_telegram_only_litigant_hears_the_clerk_refuse_then_verifies_with_a_video_note(
    rig: Rig, faces: FacePhotos, clock: FakeClock
) -> None:
    """Issue 14 parts 4-5: the clerk's refusal reaches the chat with the reason and what to do; the
    litigant asks again, is shown a challenge, and a video note doing it verifies them."""
    identity: IdentityService = rig.court.identity
    identity.settings = replace(identity.settings, challenge_kinds=("turn_left", "turn_right"))
    person_id, _case_id = await _selfie_with_the_clerk(rig, faces)
    clerk = await demo_person(rig.court, "clerk")
    since = len(rig.api.calls)
    reason = "自拍是翻拍的屏幕"
    assert await identity.override(clerk.id, identity_desk(clerk) or "", person_id, "rejected", reason) == 0
    told = await rig.reply(since, "未能确认您的身份")
    assert reason in told.params["text"] and "发送任意消息" in told.params["text"]
    asked = await push(rig, rig.api.text_update(USER, "重新认证"), "圆形视频消息")
    clock.jump(seconds=8)
    video = recordings.live("obama_2.jpg", _asked_turns(asked.params["text"]), container="mp4")
    await push(rig, _video_note_update(rig, "note-1", video), "活体检测通过")
    assert (await rig.current())["step"] == "wait_review"
