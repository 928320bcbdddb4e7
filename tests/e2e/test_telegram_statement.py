"""Statements in Telegram (issue 13, items 6 and 7): a party answers the court's question in
writing, by voice message or by video note, against the Bot API stand-in and the real bot. The
statement question comes from a small test flow (tests/support/statement_flow.py)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from app.web import build_app
from gateway.court import Court
from gateway.requests import COURT_KEY
from storage.models import ChannelAccount, Evidence
from tests.support.clock import FakeClock
from tests.support.court import court_settings, demo_person
from tests.support.statement_flow import add_statement_flow, statement_case
from tests.support.telegram_standin import BotApiStandIn, Call
from tests.support.trial import case_state

USER = 777013
VOICE = b"OggS\x00\x02 a voice message: I paid the seller on 3 May"
VIDEO_NOTE = b"\x00\x00\x00\x18ftypmp42 a round video: the parcel arrived broken"


@dataclass
class Rig:
    api: BotApiStandIn
    court: Court
    person_id: str

    async def reply(self, since: int, contains: str) -> Call:
        """The next message the bot sends the user, from call index `since`, containing `contains`."""
        return await self.api.wait_for_call(
            lambda c: c.method == "sendMessage" and c.params.get("chat_id") == USER and contains in c.params["text"],
            since=since,
        )

    async def statement_prompt(self) -> tuple[str, Call]:
        """A new case whose statement question reaches the user in Telegram: (case id, that message)."""
        since = len(self.api.calls)
        case_id = await statement_case(self.court, self.person_id)
        return case_id, await self.reply(since, "语音消息")

    async def evidence_count(self) -> int:
        async with self.court.store.tx() as tx:
            return int(await tx.session.scalar(select(func.count()).select_from(Evidence)) or 0)


@pytest.fixture
async def rig(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Rig]:
    """The server polling the stand-in, with the statement flow loaded and the user known (/start)."""
    async with BotApiStandIn() as api:
        settings = replace(
            court_settings(tmp_path),
            telegram_token=api.token,
            telegram_api_base_url=api.root_url,
            public_url="https://court.example",
        )
        async with TestServer(build_app(settings, clock, ticker=False)) as server:
            court = server.app[COURT_KEY]
            add_statement_flow(court, tmp_path)
            since = len(api.calls)
            api.push_update(api.command_update(USER, "start"))
            await api.wait_for_call(lambda c: c.method == "sendMessage", since=since)
            async with court.store.tx() as tx:
                account = await tx.session.get(ChannelAccount, ("telegram", str(USER)))
                assert account is not None
                person_id = account.person_id
            yield Rig(api, court, person_id)


async def test_the_statement_prompt_says_how_to_answer_and_shows_the_time_left(rig: Rig) -> None:
    """DOMAIN §10.3: the statement question carries its window's countdown (Hangzhou's time left
    in every prompt) and says it is answered in writing, by voice message or by video note."""
    case_id, prompt = await rig.statement_prompt()
    text = prompt.params["text"]
    assert "证据交换期间：剩余 7 天 13 小时" in text  # due 2026-12-07 23:59:59 court time, sent 30 Nov 10:00
    assert "输入您的回答" in text and "🎤 语音消息" in text and "⭕ 视频消息" in text
    assert "webm" in text and "20 MB" in text  # the kinds and the size the court takes
    buttons = [b for row in prompt.params["reply_markup"]["inline_keyboard"] for b in row]
    assert [(b["text"], b["web_app"]["url"]) for b in buttons if "web_app" in b] == [
        ("🎥 在小程序中录制视频", f"https://court.example/?case={case_id}")
    ]  # a video can be recorded in the mini-app too


@pytest.mark.parametrize(
    ("kind", "sent", "content", "name"),
    [
        ("voice", {"duration": 4, "mime_type": "audio/ogg"}, VOICE, "voice-{}.ogg"),
        ("video_note", {"duration": 6, "length": 240}, VIDEO_NOTE, "video-note-{}.mp4"),
    ],
)
async def test_a_voice_message_or_a_video_note_is_the_statement(
    rig: Rig, kind: str, sent: dict[str, Any], content: bytes, name: str
) -> None:
    """OLR 16: a statement spoken into Telegram is downloaded, fingerprinted (SHA-256) on receipt
    and becomes the party's answer; the party is told its fingerprint."""
    case_id, _prompt = await rig.statement_prompt()
    rig.api.add_file(f"{kind}-1", content, f"{kind}/file_1")
    since = len(rig.api.calls)
    update = rig.api.message_update(
        USER, **{kind: {"file_id": f"{kind}-1", "file_unique_id": f"u-{kind}", "file_size": len(content), **sent}}
    )
    rig.api.push_update(update)
    sha256 = hashlib.sha256(content).hexdigest()
    received = await rig.reply(since, sha256)
    expected_name = name.format(update["message"]["message_id"])
    assert f"已收到您的陈述“{expected_name}”" in received.params["text"]
    answer = (await case_state(rig.court, case_id))["data"]["answers"]["plaintiff"]
    assert answer["file"]["sha256"] == sha256 and answer["file"]["name"] == expected_name
    assert await rig.evidence_count() == 1


async def test_a_written_statement_is_the_answer_and_a_later_recording_does_not_replace_it(rig: Rig) -> None:
    """A statement may be written: the text message is the answer, stored as a text. It is the one
    the court keeps: a voice message sent afterwards is not taken, and the party is told so."""
    case_id, _prompt = await rig.statement_prompt()
    since = len(rig.api.calls)
    rig.api.push_update(rig.api.text_update(USER, "我已于5月3日付款。"))
    await rig.api.wait_for_call(lambda c: c.method == "sendMessage", since=since)
    assert (await case_state(rig.court, case_id))["data"]["answers"]["plaintiff"] == {"text": "我已于5月3日付款。"}
    rig.api.add_file("voice-late", VOICE, "voice/late")
    since = len(rig.api.calls)
    late = {"file_id": "voice-late", "file_unique_id": "u-late", "file_size": len(VOICE), "duration": 4}
    rig.api.push_update(rig.api.message_update(USER, voice=late))
    await rig.reply(since, "目前无需您回答")
    assert (await case_state(rig.court, case_id))["data"]["answers"]["plaintiff"] == {"text": "我已于5月3日付款。"}
    assert await rig.evidence_count() == 0


async def test_an_oversized_video_or_a_kind_not_taken_is_refused_before_anything_is_stored(rig: Rig) -> None:
    """Issue 13 (bad input): a video over the court's size limit, or a file of a kind the statement
    does not take, is refused from what Telegram says of it, with what to do instead; nothing is
    downloaded or stored and the question stays open."""
    case_id, _prompt = await rig.statement_prompt()
    before = await case_state(rig.court, case_id)
    since = len(rig.api.calls)
    big = 21 * 1024 * 1024
    video = {"file_id": "video-big", "file_unique_id": "u-big", "duration": 600, "width": 640, "height": 480}
    rig.api.push_update(rig.api.message_update(USER, video={**video, "file_size": big, "mime_type": "video/mp4"}))
    refused = await rig.reply(since, "21.0 MB")
    assert "20 MB" in refused.params["text"]
    since = len(rig.api.calls)
    rig.api.push_update(rig.api.document_update(USER, "doc-x", "notes.exe", "application/octet-stream", 100))
    refused = await rig.reply(since, "exe")
    assert "webm" in refused.params["text"]  # says which kinds are taken
    assert not [c for c in rig.api.calls if c.method == "getFile"]
    assert await rig.evidence_count() == 0
    after = await case_state(rig.court, case_id)
    assert after["cursors"] == before["cursors"] and "answers" not in after["data"]


async def test_olr20_a_party_answers_the_judges_inquiry_question_by_video_note(
    tmp_path: Path, clock: FakeClock
) -> None:
    """OLR 20(1), OLR 16: in the trial's inquiry round the defendant (in Telegram) answers the
    judge's question with a video note; it is fingerprinted on receipt and on record as the answer."""
    from tests.e2e.test_telegram_filing import USER as FILING_USER
    from tests.e2e.test_telegram_filing import _joined_for_the_company, _press, _rig

    async for rig in _rig(tmp_path, clock, webhook=False):
        case_id, sim, clerk, person_id = await _joined_for_the_company(rig)
        await sim.answer(clerk, case_id, "admit")
        async with rig.court.store.tx() as tx:
            defendant = await tx.person(person_id)
        assert defendant is not None
        plaintiff, judge = await demo_person(rig.court, "litigant_a"), await demo_person(rig.court, "judge")
        for value in ("yes", "yes", "confirm", "admit", "accept", "no", "done", "submit"):
            await sim.answer(defendant, case_id, value)
        for person, values in (
            (plaintiff, ("done",)),  # nothing more in the evidence period (CPL 68)
            (defendant, ("done",)),
            (plaintiff, ("yes",)),  # an asynchronous exchange
            (defendant, ("yes",)),
            (plaintiff, ("opinion", "done")),
            (defendant, ("opinion", "accept", "done")),
        ):
            for value in values:
                await sim.answer(person, case_id, value)
        for person, value in ((judge, "inquiry"), (plaintiff, "yes"), (defendant, "yes")):
            await sim.answer(person, case_id, value)
        for value in ("defendant", "快递由谁签收？", "open"):
            await sim.answer(judge, case_id, value)
        question = await _press(rig, "answer", rig.push)
        assert "⭕ 视频消息" in question.params["text"] and "剩余 7 天" in question.params["text"]
        rig.api.add_file("note-1", VIDEO_NOTE, "video_notes/file_1.mp4")
        since = len(rig.api.calls)
        note = {"file_id": "note-1", "file_unique_id": "u-note", "file_size": len(VIDEO_NOTE), "duration": 6}
        note["length"] = 240  # a video note is round: one side
        await rig.push(rig.api.message_update(FILING_USER, video_note=note))
        sha256 = hashlib.sha256(VIDEO_NOTE).hexdigest()
        await rig.reply(since, sha256)
        state = await case_state(rig.court, case_id)
        [asked] = state["data"]["inquiry"]["rounds"][0]["questions"]
        assert asked["to"] == "defendant" and asked["answer"]["file"]["sha256"] == sha256
