"""The real server and real python-telegram-bot against a local Bot API stand-in."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer, unused_port
from sqlalchemy import func, select

from app.simulation import PLAINTIFF_ANSWERS, Simulation
from app.web import build_app
from bot.telegram.callback_data import decode
from court import accounts
from gateway.court import Court
from gateway.requests import COURT_KEY
from identity.models import IdentityProfile
from storage.models import ChannelAccount, DeliveryProblem, OutboxMessage, Person
from tests.support.clock import FakeClock
from tests.support.court import court_settings, demo_person
from tests.support.telegram_standin import BotApiStandIn, Call

USER = 777001


@dataclass
class Rig:
    api: BotApiStandIn
    server: TestServer
    court: Court

    def texts(self) -> list[str]:
        return [c.params["text"] for c in self.api.sent_to(USER) if c.method == "sendMessage"]

    async def reply(self, since: int, contains: str | None = None) -> Call:
        """The next message the bot sends the user after call index `since`."""
        return await self.api.wait_for_call(
            lambda c: (
                c.method == "sendMessage"
                and c.ok is not None
                and c.params.get("chat_id") == USER
                and (contains is None or contains in c.params["text"])
            ),
            since=since,
        )

    async def push(self, update: dict[str, Any]) -> None:
        """Queue an update for the bot's next poll (polling mode)."""
        self.api.push_update(update)

    @contextlib.asynccontextmanager
    async def web(self, signin: tuple[str, dict[str, Any]]) -> AsyncIterator[aiohttp.ClientSession]:
        """A browser on the court's web chat, signed in by `signin` (path, JSON); cookie kept."""
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(base_url=str(self.server.make_url("/")), cookie_jar=jar) as http:
            assert (await http.post(signin[0], json=signin[1])).status == 200
            yield http

    async def new_draft(self) -> Call:
        """`/new` in the bot: the new draft's first question (consent to e-service)."""
        since = len(self.api.calls)
        self.api.push_update(self.api.command_update(USER, "new"))
        return await self.reply(since, "电子送达")

    async def person_case(self) -> tuple[str, str]:
        async with self.court.store.tx() as tx:
            account = await tx.session.get(ChannelAccount, ("telegram", str(USER)))
            assert account is not None
            cases = await tx.cases_of(account.person_id)
            return account.person_id, cases[0][0].id

    async def current(self) -> dict[str, Any]:
        person_id, case_id = await self.person_case()
        found = await self.court.service.current_prompt(person_id, case_id)
        assert not hasattr(found, "error")
        return found[1]["prompt"]  # type: ignore[index]


async def _rig(
    tmp_path: Path, clock: FakeClock, webhook: bool, public_url: str | None = "https://court.example"
) -> AsyncIterator[Rig]:
    """The court serving the bot against the Bot API stand-in; `public_url` None: a court with no
    public address (no mini-app)."""
    async with BotApiStandIn() as api:
        port = unused_port()
        settings = replace(
            court_settings(tmp_path),
            telegram_token=api.token,
            telegram_api_base_url=api.root_url,
            public_url=public_url,
            telegram_webhook_url=f"http://127.0.0.1:{port}/telegram/hook" if webhook else None,
        )
        async with TestServer(build_app(settings, clock, ticker=False), port=port) as server:
            yield Rig(api, server, server.app[COURT_KEY])


@pytest.fixture
async def polling(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Rig]:
    async for rig in _rig(tmp_path, clock, webhook=False):
        yield rig


@pytest.fixture
async def webhook(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Rig]:
    async for rig in _rig(tmp_path, clock, webhook=True):
        yield rig


async def _press(rig: Rig, value: str, push: Any) -> Call:
    """Press the button for `value` on the current question, once the bot has sent it (the
    court commits the question before its outbox row reaches Telegram, so wait for the message)."""
    prompt = await rig.current()

    def _data(call: Call) -> str | None:
        if call.method != "sendMessage" or call.ok is None or call.params.get("chat_id") != USER:
            return None
        for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data", "")
                press = decode(data)
                if press and press.seq == prompt["seq"] and prompt["options"][press.option]["value"] == value:
                    return str(data)
        return None

    try:
        call = await rig.api.wait_for_call(lambda c: _data(c) is not None)
    except TimeoutError as waited:
        raise AssertionError(f"no button for {value!r}") from waited
    since = len(rig.api.calls)
    await push(rig.api.callback_update(USER, _data(call), call.result["message_id"]))
    return await rig.reply(since)


async def _drive_to_summary(rig: Rig, push: Any) -> None:
    while (prompt := await rig.current())["step"] != "summary":
        step = prompt["step"]
        if step == "evidence":
            rig.api.add_file("doc-1", b"%PDF-1.4 order 123")
            since = len(rig.api.calls)
            await push(rig.api.document_update(USER, "doc-1", "order.pdf", "application/pdf", 18))
            received = await rig.reply(since, "order.pdf")
            assert "SHA-256" in received.params["text"]
            await _press(rig, "done", push)
        elif prompt["kind"] == "choice":
            await _press(rig, PLAINTIFF_ANSWERS[step], push)
        else:
            since = len(rig.api.calls)
            await push(rig.api.text_update(USER, PLAINTIFF_ANSWERS[step]))
            await rig.reply(since)


async def test_polling_full_filing_with_stale_button_and_duplicate_update(polling: Rig) -> None:
    """A whole filing by Telegram updates: commands, buttons, text, a document, the summary."""
    rig, api = polling, polling.api

    commands = [
        "new",
        "cases",
        "join",
        "language",
        "cancel",
        "link",
        "moretime",
        "withdraw_e_service",
        "live",
        "withdraw_suit",
        "withdrawal_view",
        "help",
    ]
    assert [c["command"] for c in api.my_commands("zh") or []] == commands
    assert (api.my_commands("en") or [])[0]["description"] == "File a new case"
    consent = await rig.new_draft()
    assert consent.params["reply_markup"]["inline_keyboard"][0][0]["text"] == "同意电子送达"
    await _press(rig, "yes", rig.push)
    since = len(api.calls)
    api.push_update(
        api.callback_update(
            USER, consent.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"], consent.result["message_id"]
        )
    )
    assert "之前的问题" in (await rig.reply(since)).params["text"]  # stale button refused
    await rig.reply(since, "请输入您的真实姓名")  # and the current question sent again below
    since = len(api.calls)
    update = api.text_update(USER, "张三")
    update_id = api.push_update(update)
    api.push_update(dict(update, update_id=update_id))  # Telegram re-delivers the same update_id
    await rig.reply(since, "身份证")
    deliveries = [u for c in api.calls[since:] if c.method == "getUpdates" for u in c.result or []]
    assert [u["update_id"] for u in deliveries].count(update_id) == 2  # the repeat reached us too
    since = len(api.calls)
    api.push_update(api.text_update(USER, "110105194912310021"))
    assert "校验码" in (await rig.reply(since)).params["text"]
    assert (await rig.current())["step"] == "plaintiff_id"
    _person, case_id = await rig.person_case()
    async with rig.court.store.tx() as tx:
        state = tx.open_state(await tx.get_case(case_id))  # type: ignore[arg-type]
    assert state["data"]["plaintiff"]["name"] == "张三" and state["stage"] == "drafting"
    await _drive_to_summary(rig, rig.push)
    summary = [c for c in api.sent_to(USER) if "请核对" in c.params["text"]][-1]
    assert summary.params.get("protect_content") is True
    buttons = [b["text"] for row in summary.params["reply_markup"]["inline_keyboard"] for b in row]
    assert "修改电话" in buttons and buttons[-1] == "在小程序中打开"
    await _press(rig, "submit", rig.push)
    assert "实名认证" in rig.texts()[-1]  # a new Telegram user verifies before the court receives it
    name_prompts = [t for t in rig.texts() if t.startswith("请输入您的18位居民身份证号码")]
    assert len(name_prompts) == 1  # the repeated update changed nothing and sent nothing


async def test_a_stale_button_is_refused_and_the_current_question_is_sent_again(polling: Rig) -> None:
    """The refusal says "answer the current question below": the current question, with its
    buttons, is sent below it."""
    rig, api = polling, polling.api
    consent = await rig.new_draft()
    await _press(rig, "yes", rig.push)
    current = await rig.current()
    since = len(api.calls)
    stale = consent.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    api.push_update(api.callback_update(USER, stale, consent.result["message_id"]))
    refused = await rig.reply(since, "之前的问题")
    again = await rig.reply(api.calls.index(refused) + 1)
    assert "姓名" in again.params["text"] and current["step"] == "plaintiff_name"
    assert (await rig.current())["seq"] == current["seq"]  # nothing changed


async def test_a_voice_message_or_an_edit_is_answered_with_what_the_court_reads(polling: Rig) -> None:
    """Bad input gets a clear answer and loses nothing: a voice message where no statement is
    asked for and an edited answer are not read, the person is told what to do instead (once,
    however often Telegram repeats it or the message is edited); a live location's moves and a
    pinned message get no answer at all."""
    rig, api = polling, polling.api
    await rig.new_draft()
    await _press(rig, "yes", rig.push)
    step = (await rig.current())["step"]
    since = len(api.calls)
    voice = api.message_update(USER, voice={"file_id": "v1", "file_unique_id": "u1", "duration": 3})
    update_id = api.push_update(voice)
    api.push_update(dict(voice, update_id=update_id))  # repeated by Telegram: answered once
    assert "输入文字或点击按钮" in (await rig.reply(since, "不接收语音消息")).params["text"]
    since = len(api.calls)
    edit = api.edited_update(USER, "张三")
    api.push_update(edit)
    api.push_update({"edited_message": {**edit["edited_message"], "text": "张三丰"}})  # edited again
    moving = api.message_update(USER, location={"latitude": 30.27, "longitude": 120.15, "live_period": 900})
    api.push_update({"edited_message": {**moving["message"], "edit_date": moving["message"]["date"]}})
    api.push_update(
        api.message_update(USER, pinned_message={"message_id": 1, "date": 0, "chat": {"id": USER, "type": "private"}})
    )
    assert "原来的回答仍然有效" in (await rig.reply(since)).params["text"]
    assert (await rig.current())["step"] == step  # nothing answered, nothing lost
    since = len(api.calls)
    api.push_update(api.text_update(USER, "张三"))
    await rig.reply(since, "身份证")  # the next real answer is read as usual
    texts = rig.texts()
    assert sum("不接收语音消息" in t for t in texts) == 1 and sum("原来的回答仍然有效" in t for t in texts) == 1


async def test_a_video_is_taken_as_evidence_like_a_document(polling: Rig) -> None:
    """A screen recording sent as a Telegram video (mp4, an accepted kind) is evidence: hashed on
    receipt and acknowledged with its name, as a document would be."""
    rig, api = polling, polling.api
    await rig.new_draft()
    while (prompt := await rig.current())["step"] != "evidence":
        if prompt["kind"] == "choice":
            await _press(rig, PLAINTIFF_ANSWERS[prompt["step"]], rig.push)
        else:
            since = len(api.calls)
            api.push_update(api.text_update(USER, PLAINTIFF_ANSWERS[prompt["step"]]))
            await rig.reply(since)
    content = b"\x00\x00\x00\x18ftypmp42 screen recording"
    api.add_file("vid-1", content)
    video = {
        "file_id": "vid-1",
        "file_unique_id": "uv1",
        "width": 720,
        "height": 1280,
        "duration": 12,
        "file_name": "screen.mp4",
        "mime_type": "video/mp4",
        "file_size": len(content),
    }
    since = len(api.calls)
    api.push_update(api.message_update(USER, video=video))
    received = await rig.reply(since, "screen.mp4")
    assert "SHA-256" in received.params["text"]
    assert hashlib.sha256(content).hexdigest()[:16] in received.params["text"]


async def test_nothing_said_in_a_group_reaches_the_court(polling: Rig) -> None:
    """A case is private (court content goes only to the person's private chat): in a group the
    bot acts on nothing, and a command there is answered with where to go instead."""
    rig, api = polling, polling.api
    group = -100777
    await rig.new_draft()

    await _press(rig, "yes", rig.push)
    assert (await rig.current())["step"] == "plaintiff_name"

    since = len(api.calls)
    api.push_update(api.text_update(USER, "李四", chat_id=group))  # would answer the name if heard
    api.push_update(api.text_update(USER, "/cases", chat_id=group))
    pointer = await api.wait_for_call(
        lambda c: c.method == "sendMessage" and c.params.get("chat_id") == group, since=since
    )
    assert "私聊" in pointer.params["text"] and f"t.me/{rig.court.telegram_username}" in pointer.params["text"]
    api.push_update(api.text_update(USER, "/help@OtherBot", chat_id=group))  # another bot's command
    api.push_update(api.text_update(USER, "/cases", chat_id=group))  # pointed there once this hour
    api.push_update(api.text_update(USER, "张三"))
    await rig.reply(since, "身份证")  # the private answer is the one the court took
    _person, case_id = await rig.person_case()
    async with rig.court.store.tx() as tx:
        state = tx.open_state(await tx.get_case(case_id))  # type: ignore[arg-type]
    assert state["data"]["plaintiff"]["name"] == "张三"
    group_calls = [c for c in api.calls[since:] if c.params.get("chat_id") == group]
    assert [c.method for c in group_calls] == ["sendMessage"]  # one pointer, and nothing about the case


async def test_cases_lists_each_case_with_its_next_step_and_opens_one(polling: Rig, clock: FakeClock) -> None:
    """/cases: my cases and their next step, newest first; a case's button makes it the one the
    chat talks about and shows its current question again."""
    rig, api = polling, polling.api

    await rig.new_draft()
    await _press(rig, "yes", rig.push)  # the first case now asks for the name
    first_person, first = await rig.person_case()
    clock.jump(minutes=5)
    await rig.new_draft()  # a second case, now the active one
    since = len(api.calls)
    api.push_update(api.command_update(USER, "cases"))
    listing = await rig.reply(since, "您的案件")
    async with rig.court.store.tx() as tx:
        mine = [case for case, _role in await tx.cases_of(first_person)]
    assert [c.id for c in mine][1] == first and len(mine) == 2
    lines = listing.params["text"].splitlines()
    assert lines[1] == f"1. {mine[0].reference} · 草稿——正在回答法院问题: 需要您作答"
    assert lines[2] == f"2. {mine[1].reference} · 草稿——正在回答法院问题: 需要您作答"
    buttons = listing.params["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in buttons][-1] == "➕ 新立案"

    since = len(api.calls)
    api.push_update(api.callback_update(USER, buttons[1][0]["callback_data"], listing.result["message_id"]))
    assert "姓名" in (await rig.reply(since)).params["text"]  # the first case's question again
    since = len(api.calls)
    api.push_update(api.text_update(USER, "张三"))
    await rig.reply(since, "身份证")
    async with rig.court.store.tx() as tx:
        state = tx.open_state(await tx.get_case(first))  # type: ignore[arg-type]
    assert state["data"]["plaintiff"]["name"] == "张三"  # the answer went to the case chosen


async def test_webhook_requires_the_secret_and_serves_updates(webhook: Rig) -> None:
    """Webhook mode: registered with a random secret; a request without it is refused unprocessed."""
    rig, api = webhook, webhook.api
    assert api.webhook_url and api.webhook_url.endswith("/telegram/hook")
    assert api.webhook_secret and len(api.webhook_secret) >= 32
    since = len(api.calls)
    assert await api.deliver_webhook(api.command_update(USER, "new"), secret="wrong") == 403
    assert await api.deliver_webhook(api.command_update(USER, "new"), secret=None) == 403
    async with rig.court.store.tx() as tx:
        assert await tx.session.get(ChannelAccount, ("telegram", str(USER))) is None
    assert await api.deliver_webhook(api.command_update(USER, "new")) == 200
    await rig.reply(since, "电子送达")

    async def push(update: dict[str, Any]) -> None:
        assert await api.deliver_webhook(update) == 200

    await _press(rig, "yes", push)
    assert (await rig.current())["step"] == "plaintiff_name"
    answer = dict(api.text_update(USER, "李四"), update_id=990001)
    since = len(api.calls)
    assert await api.deliver_webhook(answer) == 200
    assert await api.deliver_webhook(answer) == 200  # redelivered after a timeout: applied once
    await rig.reply(since)
    assert (await rig.current())["step"] == "plaintiff_id"
    assert len([c for c in api.calls[since:] if c.method == "sendMessage"]) == 1


async def test_the_webhook_answers_once_committed_while_a_slow_bot_api_sends(webhook: Rig) -> None:
    """A slow Bot API does not hold Telegram's webhook connection: the update is answered once
    committed; the reply follows; the person's next update waits for it (their order)."""
    rig, api = webhook, webhook.api
    gate = api.hold("sendMessage")
    since = len(api.calls)
    assert await api.deliver_webhook(api.command_update(USER, "new")) == 200
    held = await api.wait_for_call(lambda c: c.method == "sendMessage", since=since)
    assert held.ok is None  # the reply is still on its way
    async with rig.court.store.tx() as tx:
        rows = list(await tx.session.scalars(select(OutboxMessage.status)))
    assert rows == ["pending"]  # committed before the webhook answered, so it cannot be lost
    nxt = asyncio.create_task(api.deliver_webhook(api.text_update(USER, "yes")))
    gate.set()
    assert await nxt == 200
    await rig.reply(since, "电子送达")
    await rig.court.dispatcher.settle()
    assert (await rig.current())["step"] == "plaintiff_name"
    texts = rig.texts()
    assert "电子送达" in texts[0] and "姓名" in texts[1]  # in order


async def test_flood_limit_is_honoured_and_a_blocked_bot_falls_back(polling: Rig, clock: FakeClock) -> None:
    """429 retry_after keeps the row pending until then; 'blocked' marks the channel unreachable."""
    rig, api = polling, polling.api
    await rig.new_draft()
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    since = len(api.calls)
    await _press_without_reply(rig)
    await api.wait_for_call(lambda c: c.method == "sendMessage" and c.ok is False, since=since)
    await rig.court.dispatcher.settle()
    async with rig.court.store.tx() as tx:
        pending = (await tx.session.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending"))).all()
    assert len(pending) == 1 and pending[0].error == "retry_after"
    assert await rig.court.dispatcher.run_once() == 0  # not before retry_after
    clock.jump(seconds=4)
    assert await rig.court.dispatcher.run_once() == 1
    assert "真实姓名" in rig.texts()[-1]

    api.block_user(USER)
    api.push_update(api.text_update(USER, "张三"))
    await api.wait_for_call(lambda c: c.method == "sendMessage" and c.ok is False and c.error_code == 403)
    await rig.court.dispatcher.settle()
    async with rig.court.store.tx() as tx:
        account = await tx.session.get(ChannelAccount, ("telegram", str(USER)))
        problems = (await tx.session.scalars(select(DeliveryProblem))).all()
        rows = (await tx.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    assert account is not None and account.unreachable_at is not None
    assert [(p.channel, p.fallback) for p in problems] == [("telegram", "web")]
    assert rows[-1].status == "sent" and rows[-1].channel == "web"  # kept in the web inbox
    from court.read_models import delivery_problems

    async with rig.court.store.tx() as tx:
        queue = await delivery_problems(tx, rig.court.settings.court_code)
    assert [(q["channel"], q["fallback"]) for q in queue] == [("telegram", "web")]
    assert "blocked" in queue[0]["reason"]


async def _press_without_reply(rig: Rig) -> None:
    calls = [c for c in rig.api.sent_to(USER) if c.params.get("reply_markup")]
    data = calls[-1].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    rig.api.push_update(rig.api.callback_update(USER, data, calls[-1].result["message_id"]))


async def test_link_web_and_telegram_then_prompts_follow_the_channel_used_last(polling: Rig, clock: FakeClock) -> None:
    """A web person links Telegram by deep link; either channel answers; prompts go where used last."""

    rig, api = polling, polling.api
    async with rig.web(("/api/demo/signin", {"person": "litigant_a"})) as http:
        ws = await http.ws_connect("/ws")
        await ws.send_json({"type": "hello", "locale": "en"})
        await ws.send_json({"type": "link_telegram"})
        await ws.send_json({"type": "new_case", "flow": "filing"})
        frames: dict[str, dict[str, Any]] = {}
        while not {"link", "case_opened"} <= frames.keys():
            frame = await ws.receive_json(timeout=10)
            frames.setdefault(frame["type"], frame)
        link = frames["link"]["deep_link"]
        assert link.startswith("https://t.me/microcourt_test_bot?start=link_")
        since = len(api.calls)
        api.push_update(api.command_update(USER, "start", link.split("start=", 1)[1]))
        await _confirm_link(rig, since, "确认关联")
        await rig.reply(since, "关联成功")
        while (frame := await ws.receive_json(timeout=10))["type"] != "notice":
            pass  # the tab that made the link hears of it: a leaked link would not go unnoticed
        assert frame["text"].startswith("A Telegram account was just linked to yours")
        case_id = frames["case_opened"]["case"]["case_id"]
        prompt = frames["case_opened"]["messages"][-1]["prompt"]
        clock.jump(minutes=1)
        since = len(api.calls)
        await ws.send_json(
            {
                "type": "answer",
                "case_id": case_id,
                "step": prompt["step"],
                "seq": prompt["seq"],
                "value": "yes",
                "client_id": "c1",
            }
        )
        # answered on the web: the web was used last, so Telegram stays quiet
        while not (
            (frame := await ws.receive_json(timeout=10))["type"] == "message"
            and frame["prompt"]
            and frame["prompt"]["step"] == "plaintiff_name"
        ):
            pass
        assert not [c for c in api.calls[since:] if c.method == "sendMessage"]
        # a minute later, answer in Telegram: the next prompt arrives there
        clock.jump(minutes=1)
        since = len(api.calls)
        api.push_update(api.text_update(USER, "张三"))
        await rig.reply(since, "resident ID number")  # in the person's language, English
        await ws.close()


async def test_a_case_begun_in_telegram_before_linking_is_in_the_web_chat_after(polling: Rig) -> None:
    """Issue 3: linking merges the two records, so a draft filed from the bot first is not lost."""

    rig, api = polling, polling.api
    await rig.new_draft()
    _telegram_person, case_id = await rig.person_case()
    async with rig.web(("/api/demo/signin", {"person": "litigant_a"})) as http:
        ws = await http.ws_connect("/ws")
        await ws.send_json({"type": "hello", "locale": "en"})
        await ws.send_json({"type": "link_telegram"})
        while (frame := await ws.receive_json(timeout=10))["type"] != "link":
            pass
        since = len(api.calls)
        api.push_update(api.command_update(USER, "start", frame["deep_link"].split("start=", 1)[1]))
        question = await _confirm_link(rig, since, "确认关联")
        assert "1 件案件也将转入" in question.params["text"]  # says what will move before it does
        assert "在此开始的 1 件案件也已并入" in (await rig.reply(since, "关联成功")).params["text"]
        await ws.send_json({"type": "list_cases"})
        while (frame := await ws.receive_json(timeout=10))["type"] != "cases":
            pass
        assert case_id in [card["case_id"] for card in frame["cases"]]
        await ws.close()
    since = len(api.calls)
    api.push_update(api.text_update(USER, "yes"))  # the bot still talks about the same case
    await rig.reply(since, "full legal name")  # now in the web person's language
    person, still = await rig.person_case()
    async with rig.court.store.tx() as tx:
        web_person = await tx.person_by_demo_key("litigant_a")
    assert web_person is not None and (person, still) == (web_person.id, case_id)


async def test_a_web_case_follows_the_bots_link_code_and_the_tab_keeps_receiving(polling: Rig) -> None:
    """/link in the bot, the code entered on the web: the web's case is the linked person's, and
    the open tab now carries that person's messages."""
    rig, api = polling, polling.api
    since = len(api.calls)
    code = await _bot_link_code(rig)
    async with rig.web(("/api/session", {"locale": "en"})) as http:
        ws = await http.ws_connect("/ws")
        await ws.send_json({"type": "hello", "locale": "en"})
        await ws.send_json({"type": "new_case", "flow": "filing"})
        while (frame := await ws.receive_json(timeout=10))["type"] != "case_opened":
            pass
        case_id, prompt = frame["case"]["case_id"], frame["messages"][-1]["prompt"]
        other_tab = await http.ws_connect("/ws")
        await other_tab.send_json({"type": "hello", "locale": "en"})
        while (await other_tab.receive_json(timeout=10))["type"] != "cases":
            pass
        question = await _web_link(ws, code, accept=True)
        assert "“Test”" in question["text"] and "the 1 case(s) begun here move to it" in question["text"]
        while (frame := await ws.receive_json(timeout=10))["type"] != "linked":  # said, then welcome
            assert frame["type"] != "welcome"
        while (frame := await ws.receive_json(timeout=10))["type"] != "cases":
            pass
        assert [card["case_id"] for card in frame["cases"]] == [case_id]
        closed = await other_tab.receive(timeout=10)  # the record it showed was merged: sign in again
        assert (closed.type, closed.data) == (aiohttp.WSMsgType.CLOSE, 4001)
        await rig.reply(since, "刚刚有一个网页版账号与您的账号关联")  # the bot's side hears of it
        answer = {"type": "answer", "case_id": case_id, "step": prompt["step"], "seq": prompt["seq"], "value": "yes"}
        await ws.send_json(answer)
        while not (
            (frame := await ws.receive_json(timeout=10))["type"] == "message"
            and (frame.get("prompt") or {}).get("step") == "plaintiff_name"
        ):
            pass
        await ws.close()
    _telegram_person, still = await rig.person_case()
    assert still == case_id  # the bot's person (who issued the code) holds the web's case now


async def _web_link(ws: Any, code: str, accept: bool) -> dict[str, Any]:
    """Enter the bot's code in the web chat; answer the court's question; return the question."""
    await ws.send_json({"type": "link_code", "code": code})
    while (question := await ws.receive_json(timeout=10))["type"] != "link_confirm":
        pass
    await ws.send_json({"type": "link_answer", "nonce": question["nonce"], "accept": accept})
    return question


async def test_a_code_entered_on_the_web_links_nothing_until_the_person_says_yes(polling: Rig) -> None:
    """Someone's /link code typed into a victim's browser would hand its record to them: the court
    names the Telegram account and asks; "not mine" changes nothing, and the code is spent."""

    rig = polling
    code = await _bot_link_code(rig)
    async with rig.web(("/api/session", {"locale": "en"})) as http:
        me = (await (await http.get("/api/me")).json())["person"]["id"]
        ws = await http.ws_connect("/ws")
        await ws.send_json({"type": "hello", "locale": "en"})
        await ws.send_json({"type": "link_answer", "nonce": "guessed", "accept": True})  # nothing was asked
        while (frame := await ws.receive_json(timeout=10))["type"] != "error":
            pass
        assert frame["code"] == "link_bad"
        question = await _web_link(ws, code, accept=False)
        assert "Do this only if that Telegram account is yours" in question["text"]
        while (frame := await ws.receive_json(timeout=10))["type"] != "link_cancelled":
            pass
        assert frame["text"] == "Not linked. Nothing changed."
        assert (await (await http.get("/api/me")).json())["person"]["id"] == me
        await ws.send_json({"type": "link_answer", "nonce": question["nonce"], "accept": True})  # too late
        while (frame := await ws.receive_json(timeout=10))["type"] != "error":
            pass
        assert frame["code"] == "link_bad"
        await ws.close()
    async with rig.court.store.tx() as tx:
        person = await tx.person(me)
        assert person is not None and person.merged_into is None


async def _confirm_link(rig: Rig, since: int, button: str) -> Call:
    """The bot asks before linking; press `button` on its question and return the question."""
    question = await rig.reply(since, "是否将本 Telegram 账号")
    row = question.params["reply_markup"]["inline_keyboard"][0]
    data = next(b["callback_data"] for b in row if b["text"] == button)
    rig.api.push_update(rig.api.callback_update(USER, data, question.result["message_id"]))
    return question


async def _web_deep_link(rig: Rig, signin: tuple[str, dict[str, str]]) -> str:
    """A new web session (`signin`: path and body) asks for a Telegram link; the /start payload."""

    async with rig.web((signin[0], signin[1])) as http:
        ws = await http.ws_connect("/ws")
        await ws.send_json({"type": "link_telegram"})
        while (frame := await ws.receive_json(timeout=10))["type"] != "link":
            pass
        await ws.close()
    return str(frame["deep_link"]).split("start=", 1)[1]


async def _bot_link_code(rig: Rig) -> str:
    """The one-time code the bot's /link shows."""
    since = len(rig.api.calls)
    rig.api.push_update(rig.api.command_update(USER, "link"))
    return str((await rig.reply(since, "一次性验证码")).params["text"]).rsplit("\n", 1)[1]


NEW_WEB_SESSION = ("/api/session", {"locale": "en"})


async def test_a_deep_link_is_not_followed_when_the_person_says_it_is_not_theirs(polling: Rig) -> None:
    """A link sent by someone else: 'not mine' changes nothing, and the code is spent."""
    rig, api = polling, polling.api
    await rig.new_draft()
    telegram_person, case_id = await rig.person_case()
    start = await _web_deep_link(rig, NEW_WEB_SESSION)
    since = len(api.calls)
    api.push_update(api.command_update(USER, "start", start))
    await _confirm_link(rig, since, "不是我的，取消")
    await rig.reply(since, "未关联")
    assert await rig.person_case() == (telegram_person, case_id)
    since = len(api.calls)
    api.push_update(api.command_update(USER, "start", start))  # the same link again: spent
    await rig.reply(since, "关联码无效")


async def test_a_verified_web_account_is_not_linked_by_someone_elses_code(polling: Rig) -> None:
    """The web chat's code cannot bring its issuer into a verified account: start from it."""

    rig = polling
    code = await _bot_link_code(rig)
    async with rig.web(("/api/demo/signin", {"person": "litigant_a"})) as http:
        ws = await http.ws_connect("/ws")
        await ws.send_json({"type": "hello", "locale": "en"})
        await _web_link(ws, code, accept=True)
        while (frame := await ws.receive_json(timeout=10))["type"] != "error":
            pass
        assert frame["code"] == "link_start_here" and "Start the link from this account" in frame["text"]
        await ws.close()


async def test_a_staff_account_is_never_linked_by_code(polling: Rig) -> None:
    """A code must not turn a chat account into a clerk's (or a clerk's into anyone's)."""
    rig, api = polling, polling.api
    start = await _web_deep_link(rig, ("/api/demo/signin", {"person": "clerk"}))
    since = len(api.calls)
    api.push_update(api.command_update(USER, "start", start))
    await _confirm_link(rig, since, "确认关联")
    await rig.reply(since, "工作人员账号不与其他账号关联")
    async with rig.court.store.tx() as tx:
        account = await tx.session.get(ChannelAccount, ("telegram", str(USER)))
        person = await tx.person(account.person_id) if account else None
    assert person is not None and person.staff_role is None


async def test_the_buttons_of_an_earlier_link_question_do_not_confirm_a_later_link(polling: Rig) -> None:
    """Two links tapped one after the other: 'Link them' under the first does not take the second."""
    rig, api = polling, polling.api
    links = [await _web_deep_link(rig, NEW_WEB_SESSION) for _ in range(2)]
    since = len(api.calls)
    api.push_update(api.command_update(USER, "start", links[0]))
    first = await rig.reply(since, "是否将本 Telegram 账号")
    since = len(api.calls)
    api.push_update(api.command_update(USER, "start", links[1]))
    await rig.reply(since, "是否将本 Telegram 账号")
    since = len(api.calls)
    yes = first.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    api.push_update(api.callback_update(USER, yes, first.result["message_id"]))
    await rig.reply(since, "关联码无效")
    async with rig.court.store.tx() as tx:
        merged = await tx.session.scalar(select(func.count()).where(Person.merged_into.is_not(None)))
    assert merged == 0


async def test_mini_app_signs_in_with_valid_init_data_only(polling: Rig) -> None:
    """The mini-app's initData is checked (HMAC with the bot token, fresh auth_date) before a session."""
    import json
    from urllib.parse import urlencode

    from bot.telegram.webapp import sign

    rig, api = polling, polling.api
    fields = {
        "auth_date": str(int(rig.court.clock().timestamp())),
        "query_id": "Q1",
        "user": json.dumps({"id": USER, "first_name": "Zhang", "language_code": "en"}),
    }
    good = urlencode({**fields, "hash": sign(fields, api.token)})
    forged = urlencode({**fields, "hash": sign(fields, "42:someone-else")})
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(base_url=str(rig.server.make_url("/")), cookie_jar=jar) as http:
        refused = await http.post("/api/telegram/session", json={"init_data": forged})
        assert refused.status == 401 and (await refused.json())["error"] == "init_data_bad"
        assert (await (await http.get("/api/me")).json())["person"] is None  # signed out: 200, nobody
        accepted = await http.post("/api/telegram/session", json={"init_data": good})
        assert accepted.status == 200
        me = await (await http.get("/api/me")).json()
    async with rig.court.store.tx() as tx:
        account = await tx.session.get(ChannelAccount, ("telegram", str(USER)))
    assert account is not None and account.person_id == me["person"]["id"]


async def test_mini_app_sign_in_refuses_deep_json_and_a_name_no_database_holds(polling: Rig) -> None:
    """A body nested 100,000 deep is a 400; validly signed initData whose first_name holds a lone
    surrogate is refused (401 init_data_bad), not a 500 when the name is stored."""
    import json
    from urllib.parse import urlencode

    from bot.telegram.webapp import sign

    rig, api = polling, polling.api
    fields = {
        "auth_date": str(int(rig.court.clock().timestamp())),
        "user": json.dumps({"id": USER, "first_name": "Zh\ud800ang"}),
    }
    odd_name = urlencode({**fields, "hash": sign(fields, api.token)})
    async with aiohttp.ClientSession(base_url=str(rig.server.make_url("/"))) as http:
        deep = "[" * 100_000 + "]" * 100_000
        answer = await http.post("/api/telegram/session", data=deep, headers={"Content-Type": "application/json"})
        assert 400 <= answer.status < 500 and (await answer.json())["error"] == "init_data_bad"
        refused = await http.post("/api/telegram/session", json={"init_data": odd_name})
        assert refused.status == 401 and "reopen" in (await refused.json())["text"]


async def _joined_for_the_company(polling: Rig, by_short_code: bool = False) -> tuple[str, Simulation, Person, str]:
    """The Telegram user follows a company defendant's invitation (its deep link, or its short
    code typed after /join), verified, and sends the business licence; the court has yet to admit
    them: (case id, simulation, clerk, their person id)."""
    court = polling.court
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    case_id = await sim.file_case(plaintiff)
    await sim.accept(clerk, case_id)
    await sim.answer(plaintiff, case_id, "pay")
    lines: list[str] = []
    await Simulation(court, "en", lines.append).prompt_for(clerk, case_id)
    link = next(m for line in lines if (m := re.search(r"Telegram: https://t\.me/(\w+)\?start=(\S+)", line)))
    assert link.group(1) == polling.api.bot_username

    since = len(polling.api.calls)
    await polling.push(polling.api.command_update(USER, "start"))
    await polling.reply(since)
    async with court.store.tx() as tx:  # verified in the mini-app, as the identity tests do for real
        account = await tx.session.get(ChannelAccount, ("telegram", str(USER)))
        assert account is not None
        person_id, now = account.person_id, court.clock()
        sealed = tx.sealer.seal({"name": "王五", "id_number": "11010519800101001X"})
        tx.add(
            IdentityProfile(
                person_id=person_id,
                sealed=sealed,
                id_number_hash="e2e",
                method="face_liveness",
                verified_at=now,
                consent_at=now,
            )
        )

    since = len(polling.api.calls)
    if by_short_code:  # read out by phone, typed in lower case
        short = next(m for line in lines if (m := re.search(r"Code: (\w{4}-\w{4})", line))).group(1)
        await polling.push(polling.api.command_update(USER, "join", short.lower()))
    else:
        await polling.push(polling.api.command_update(USER, "start", link.group(2)))
    asked = await polling.reply(since, "营业执照")
    assert "某某电子商务有限公司" in asked.params["text"]
    polling.api.add_file("licence-1", b"%PDF-1.4 business licence")
    since = len(polling.api.calls)
    await polling.push(polling.api.document_update(USER, "licence-1", "licence.pdf", "application/pdf", 26))
    assert "SHA-256" in (await polling.reply(since, "licence.pdf")).params["text"]
    waiting = await _press(polling, "done", polling.push)
    assert "正在审核您代表公司的权限" in waiting.params["text"]
    assert not any("13800138000" in text for text in polling.texts())  # nothing of the complaint yet

    return case_id, sim, clerk, person_id


async def test_olr10_a_defendant_joins_in_telegram_by_typing_the_short_code(polling: Rig) -> None:
    """/join with the short code from the court's notice works like the deep link (OLR 10); /join
    alone says how."""
    since = len(polling.api.calls)
    await polling.push(polling.api.command_update(USER, "join"))
    await polling.reply(since, "/join K7MQ-2XPD")
    await _joined_for_the_company(polling, by_short_code=True)


async def test_a_company_defendant_joins_by_deep_link_proves_authority_and_is_served(polling: Rig) -> None:
    """The court's notice carries a t.me deep link (OLR 10); the verified Telegram user who
    follows it for a company sends the business licence as a document and sees nothing of the
    complaint until the court admits them (CPL 51, 62); then the complaint is served, protected."""
    case_id, sim, clerk, person_id = await _joined_for_the_company(polling)
    court = polling.court
    since = len(polling.api.calls)
    await sim.answer(clerk, case_id, "admit")
    await polling.reply(since, "在线参加本案诉讼")  # asked first: online, e-service, the address (OLR 10, 29, 30)
    await _press(polling, "yes", polling.push)
    await _press(polling, "yes", polling.push)
    since = len(polling.api.calls)
    await _press(polling, "confirm", polling.push)
    welcome = await polling.reply(since, "您是本院案件")
    assert welcome.params.get("protect_content") is True  # the complaint served: no forwarding
    assert "13800138000" in welcome.params["text"]  # now it carries the complaint
    async with court.store.tx() as tx:
        case = await tx.get_case(case_id)
        assert case is not None and case.status == "ANSWER_PERIOD"

    # OLR 31: Telegram shows no read status, so the defendant says "received"; the court's
    # e-service certificate has the delivery to this Telegram account and the acknowledgement
    rows = welcome.params["reply_markup"]["inline_keyboard"]
    [row] = [r for r in rows if r[0].get("callback_data", "").startswith("r:")]
    assert row[0]["text"] == "✅ 确认收到"
    since = len(polling.api.calls)
    await polling.push(polling.api.callback_update(USER, row[0]["callback_data"], welcome.result["message_id"]))
    assert "确认收到《起诉状副本及应诉通知书》" in (await polling.reply(since, "已记录")).params["text"]
    found = await court.service.service_certificates(clerk.id, case_id)
    assert isinstance(found, list)
    [served] = [c for c in found if c["document"] == "document.complaint_copy"]
    assert served["recipient_id"] == person_id and served["recipient_role"] == "defendant"
    assert served["channel"] == "telegram" and served["address"] == f"telegram ···{str(USER)[-4:]}"
    assert served["delivered_at"] and served["effective_at"] == served["delivered_at"]
    assert served["acknowledged_via"] == "telegram" and served["acknowledged_at"]
    assert len(served["content_sha256"]) == 64


async def test_olr31_a_notice_the_blocked_bot_could_not_bring_is_not_certified_served(polling: Rig) -> None:
    """The plaintiff talks to the court only in Telegram and has blocked the bot: the acceptance
    notice falls back to a web inbox they never use. The certificate says it reached no address
    of theirs and is not yet effective (DOMAIN §7.2, 7.5); a malformed "received" is refused."""
    court, api = polling.court, polling.api
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    async with court.store.tx() as tx:
        await accounts.link(tx, plaintiff.id, accounts.TELEGRAM, str(USER), court.clock())
    sim = Simulation(court, "en")
    case_id = await sim.file_case(plaintiff)
    api.block_user(USER)
    await sim.accept(clerk, case_id)
    await court.dispatcher.settle()
    found = await court.service.service_certificates(clerk.id, case_id)
    assert isinstance(found, list) and found
    notice = found[0]
    assert (notice["channel"], notice["address"]) == ("web", "web inbox, unused")
    assert (notice["effective_at"], notice["effective_by"]) == (None, None)

    api.unblock_user(USER)
    for data in (f"r:{'9' * 60}", "r:²", "r:-1"):
        since = len(api.calls)
        await polling.push(api.callback_update(USER, data, 1))
        assert "无法识别" in (await polling.reply(since)).params["text"]  # bad_request, said plainly
    since = len(api.calls)
    await polling.push(api.callback_update(USER, f"r:{notice['message_id']}", 1))
    assert "确认收到" in (await polling.reply(since, "已记录")).params["text"]
    [after, *_rest] = await court.service.service_certificates(clerk.id, case_id)  # type: ignore[misc]
    assert after["effective_by"] == "acknowledged"  # OLR 31(2): effective once they said so


async def test_a_redelivered_update_is_answered_once_on_every_path(webhook: Rig) -> None:
    """Telegram re-delivers an update (same update_id) when the webhook's answer is late: every
    path records it as seen, refusals and "nothing to answer" included, so it is answered once: no
    case open, a button the court cannot read, a typed reply where a button is asked for, a file
    where none is asked for, and (the reported case) "nothing to answer" after the filing is in."""
    rig, api = webhook, webhook.api
    update_ids = iter(range(880_000, 890_000, 100))  # the stand-in numbers the /help after each one

    async def push(update: dict[str, Any]) -> None:
        assert await api.deliver_webhook(update) == 200

    async def twice(update: dict[str, Any]) -> list[str]:
        """Deliver `update` twice under one update_id, then /help: what the bot said before the help."""
        since, update = len(api.calls), dict(update, update_id=next(update_ids))
        await push(update)
        await push(update)
        await push(api.command_update(USER, "help"))
        await rig.reply(since, "/new")
        said = [c.params["text"] for c in api.calls[since:] if c.method == "sendMessage" and c.ok is not None]
        assert said[-1].startswith("命令") and len(said) == 2, said  # one answer, then the help
        return said[:1]

    assert "当前没有打开的案件" in (await twice(api.text_update(USER, "你好")))[0]
    assert "无法识别" in (await twice(api.callback_update(USER, "not-a-button")))[0]
    since = len(api.calls)
    await push(api.command_update(USER, "new"))
    await rig.reply(since, "电子送达")
    assert "请点击问题下方的按钮" in (await twice(api.text_update(USER, "随便说说")))[0]
    api.add_file("doc-early", b"%PDF-1.4 too early")
    early = api.document_update(USER, "doc-early", "early.pdf", "application/pdf", 18)
    assert "当前问题不接收文件" in (await twice(early))[0]

    async with rig.court.store.tx() as tx:  # verified as the person the filing names (filing v2)
        account = await tx.session.get(ChannelAccount, ("telegram", str(USER)))
        assert account is not None
        now = rig.court.clock()
        named = {"name": PLAINTIFF_ANSWERS["plaintiff_name"], "id_number": PLAINTIFF_ANSWERS["plaintiff_id"]}
        sealed = tx.sealer.seal(named)
        tx.add(
            IdentityProfile(
                person_id=account.person_id,
                sealed=sealed,
                id_number_hash="e2e-redelivery",
                method="face_liveness",
                verified_at=now,
                consent_at=now,
            )
        )
    await _drive_to_summary(rig, push)
    await _press(rig, "submit", push)
    assert "本案目前无需您回答" in (await twice(api.text_update(USER, "法官好")))[0]


async def test_cpl86_moretime_sends_an_application_as_text(polling: Rig) -> None:
    """/moretime in Telegram: without a date it says how; with one it goes to the court's service,
    which answers in the chat (a draft has no period to extend)."""
    rig, api = polling, polling.api
    await rig.new_draft()
    since = len(api.calls)
    api.push_update(api.command_update(USER, "moretime"))
    await rig.reply(since, "/moretime 2026-12-01")
    since = len(api.calls)
    api.push_update(api.command_update(USER, "moretime", "2026-11-29 住院治疗"))
    await rig.reply(since, "没有正在计算或已耽误的期限")


async def test_cpl128_the_defendant_answers_in_telegram_with_the_time_left_in_every_prompt(polling: Rig) -> None:
    """Issue 13: once admitted, the defendant is asked to answer in the trial, each prompt showing
    the time left (the countdown); the answer goes to the plaintiff, then both are asked whether
    they agree to an asynchronous evidence exchange (OLR 20(1)), with that window's countdown."""
    case_id, sim, clerk, _person_id = await _joined_for_the_company(polling)
    since = len(polling.api.calls)
    await sim.answer(clerk, case_id, "admit")
    await polling.reply(since, "在线参加本案诉讼")  # asked first: online, e-service, the address (OLR 10, 29, 30)
    await _press(polling, "yes", polling.push)
    await _press(polling, "yes", polling.push)
    since = len(polling.api.calls)
    await _press(polling, "confirm", polling.push)
    asked = await polling.reply(since, "您是否承认这些诉讼请求")
    # the copy was sent with this question: the period runs once its service takes effect (CPL 128)
    assert "通知送达后将告知您具体日期" in asked.params["text"] and "民事诉讼法第128条" in asked.params["text"]
    await polling.court.dispatcher.settle()
    await polling.court.sweeper.run_once()  # the copy arrived: the 15 days start
    statement = await _press(polling, "dispute", polling.push)
    assert "剩余 15 天" in statement.params["text"]
    since = len(polling.api.calls)
    await polling.push(polling.api.text_update(USER, "手机签收时完好。"))
    await polling.reply(since, "管辖")
    await _press(polling, "accept", polling.push)
    await _press(polling, "no", polling.push)
    polling.api.add_file("receipt-1", b"%PDF-1.4 signed on delivery")
    since = len(polling.api.calls)
    await polling.push(polling.api.document_update(USER, "receipt-1", "签收单.pdf", "application/pdf", 27))
    assert "SHA-256" in (await polling.reply(since, "签收单.pdf")).params["text"]
    summary = await _press(polling, "done", polling.push)
    assert "手机签收时完好。" in summary.params["text"]
    await _press(polling, "submit", polling.push)  # then the evidence period (CPL 68): nothing more
    await sim.answer(await demo_person(polling.court, "litigant_a"), case_id, "done")
    consent = await _press(polling, "done", polling.push)
    assert "异步" in consent.params["text"] and "剩余 7 天" in consent.params["text"]
    lines: list[str] = []
    await Simulation(polling.court, "en", lines.append).prompt_for(
        await demo_person(polling.court, "litigant_a"), case_id
    )
    assert any("The defendant disputes the claims." in line and "手机签收时完好。" in line for line in lines)
