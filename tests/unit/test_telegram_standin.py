"""The Telegram Bot API stand-in, driven by the real python-telegram-bot `Bot`.

No test waits for time to pass: long polls are observed through `wait_for_call` (a condition
notified on every recorded call) and answered by pushing an update.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
    WebAppInfo,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
)
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from tests.support.telegram_standin import SECRET_HEADER, BotApiStandIn, Call, Upload, html_to_plain

CHAT = 4242
WAIT = 10.0


pytestmark = pytest.mark.usefixtures("ptb_timedelta")


@pytest.fixture
async def bot(standin: BotApiStandIn) -> AsyncIterator[Bot]:
    async with Bot(standin.token, base_url=standin.base_url, base_file_url=standin.base_file_url) as client:
        yield client


def keyboard(*data: str) -> InlineKeyboardMarkup:
    """One row of callback buttons."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d) for d in data]])


def is_method(name: str) -> Any:
    """A wait_for_call predicate for calls of one method."""
    return lambda call: call.method == name


# --- basics ----------------------------------------------------------------------------------


async def test_get_me_answers_with_the_bot_user(standin: BotApiStandIn, bot: Bot) -> None:
    """`async with bot` calls getMe; the bot learns its username from the stand-in."""
    me = await bot.get_me()
    assert me.username == "microcourt_test_bot" and me.is_bot
    assert me.id == 123456
    assert [call.method for call in standin.calls] == ["getMe", "getMe"]
    assert standin.base_url == standin.root_url + "/bot"
    assert standin.base_file_url == standin.root_url + "/file/bot"


async def test_send_message_is_recorded_and_returns_a_message(standin: BotApiStandIn, bot: Bot) -> None:
    """The call is recorded with decoded parameters; the Message echoes text and keyboard."""
    first = await bot.send_message(CHAT, "Your hearing is at 10:00", reply_markup=keyboard("ok"))
    second = await bot.send_message(CHAT, "42")
    assert first.chat.id == CHAT and first.chat.type == "private"
    assert first.text == "Your hearing is at 10:00"
    assert first.reply_markup == keyboard("ok")
    assert first.from_user is not None and first.from_user.username == "microcourt_test_bot"
    assert second.message_id > first.message_id
    sent = standin.sent_to(CHAT)
    assert [call.params["text"] for call in sent] == ["Your hearing is at 10:00", "42"]
    assert sent[0].params["chat_id"] == CHAT
    assert sent[0].params["reply_markup"] == {"inline_keyboard": [[{"text": "ok", "callback_data": "ok"}]]}
    assert sent[0].ok and sent[0].result["message_id"] == first.message_id
    assert standin.sent_to(CHAT + 1) == []


async def test_wrong_token_is_unauthorized(standin: BotApiStandIn) -> None:
    """A bot with another token gets 401, which PTB reports as InvalidToken."""
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=standin.base_url):
            pass
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{standin.base_url}999:WRONG/getMe") as response,
    ):
        assert response.status == 401
        assert await response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_unknown_method_is_not_found(standin: BotApiStandIn, bot: Bot) -> None:
    """An unknown method answers 404 and is still recorded."""
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": CHAT})
    assert standin.calls[-1].method == "sendTelepathy"
    assert standin.calls[-1].error_code == 404


async def test_form_and_json_bodies_are_both_decoded(standin: BotApiStandIn) -> None:
    """Form values are JSON-decoded except text ones; JSON bodies are taken as they are."""
    url = f"{standin.base_url}{standin.token}/sendMessage"
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data={"chat_id": "7", "text": "123", "disable_notification": "true"}) as form:
            assert form.status == 200 and (await form.json())["result"]["text"] == "123"
        async with session.post(url, json={"chat_id": 8, "text": "json"}) as body:
            assert (await body.json())["result"]["chat"]["id"] == 8
        async with session.post(url, json={"chat_id": 8}) as empty:
            assert empty.status == 400
            assert await empty.json() == {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: message text is empty",
            }
    assert standin.sent_to(7)[0].params == {"chat_id": 7, "text": "123", "disable_notification": True}
    assert standin.sent_to(8)[0].params == {"chat_id": 8, "text": "json"}


# --- updates ---------------------------------------------------------------------------------


async def test_queued_update_is_returned_and_confirmed_by_offset(standin: BotApiStandIn, bot: Bot) -> None:
    """getUpdates returns the queued update until an offset past it confirms it."""
    update_id = standin.push_update(standin.text_update(CHAT, "hello", first_name="Mei"))
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [update_id]
    message = updates[0].message
    assert message is not None and message.text == "hello" and message.chat.id == CHAT
    assert message.from_user is not None
    assert (message.from_user.id, message.from_user.language_code) == (CHAT, "zh")
    assert message.from_user.first_name == "Mei"
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [update_id]
    assert await bot.get_updates(offset=update_id + 1, timeout=0) == ()
    assert standin.pending_updates == []
    assert standin.push_update(standin.text_update(CHAT, "again")) == update_id + 1


async def test_long_poll_returns_as_soon_as_an_update_is_pushed(standin: BotApiStandIn, bot: Bot) -> None:
    """A waiting getUpdates answers with the update pushed while it waits."""
    polling = asyncio.create_task(bot.get_updates(timeout=5))
    poll = await standin.wait_for_call(is_method("getUpdates"), timeout=WAIT)
    assert poll.ok is None and poll.params["timeout"] == 5
    update_id = standin.push_update(standin.command_update(CHAT, "start", "link-abc"))
    async with asyncio.timeout(WAIT):
        updates = await polling
    assert [u.update_id for u in updates] == [update_id]
    message = updates[0].message
    assert message is not None and message.text == "/start link-abc"
    assert message.parse_entities() == {message.entities[0]: "/start"}
    assert poll.ok is True


async def test_a_second_poll_terminates_the_first(standin: BotApiStandIn, bot: Bot) -> None:
    """Like Telegram, a new getUpdates ends a waiting one with a Conflict."""
    first = asyncio.create_task(bot.get_updates(timeout=30))
    await standin.wait_for_call(is_method("getUpdates"), timeout=WAIT)
    async with Bot(standin.token, base_url=standin.base_url) as other_instance:
        assert await other_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="(?i)terminated by other getUpdates"):
        async with asyncio.timeout(WAIT):
            await first


async def test_allowed_updates_filters_kinds(standin: BotApiStandIn, bot: Bot) -> None:
    """Only the kinds in allowed_updates come back, and the choice sticks."""
    sent = await bot.send_message(CHAT, "Accept?", reply_markup=keyboard("yes", "no"))
    standin.push_update(standin.text_update(CHAT, "hi"))
    press = standin.push_update(standin.callback_update(CHAT, "yes"))
    updates = await bot.get_updates(timeout=0, allowed_updates=["callback_query"])
    assert [u.update_id for u in updates] == [press]
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [press]
    query = updates[0].callback_query
    assert query is not None and query.data == "yes"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert query.message.chat.id == CHAT
    assert query.from_user.id == CHAT and query.chat_instance


async def test_stop_answers_a_waiting_poll(standin: BotApiStandIn, bot: Bot) -> None:
    """Stopping does not wait out a long poll: it answers with no updates."""
    polling = asyncio.create_task(bot.get_updates(timeout=30))
    await standin.wait_for_call(is_method("getUpdates"), timeout=WAIT)
    async with asyncio.timeout(WAIT):
        await standin.stop()
        assert await polling == ()


async def test_a_polling_application_answers_and_shuts_down(standin: BotApiStandIn) -> None:
    """A whole PTB Application polls the stand-in, replies to /start and stops cleanly."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"welcome {' '.join(context.args or [])}")

    application = (
        ApplicationBuilder()
        .token(standin.token)
        .base_url(standin.base_url)
        .base_file_url(standin.base_file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=10)
        standin.push_update(standin.command_update(CHAT, "start", "case-7"))
        reply = await standin.wait_for_call(is_method("sendMessage"), timeout=WAIT)
        async with asyncio.timeout(WAIT):
            await application.updater.stop()
            await application.stop()
    assert reply.params == {"chat_id": CHAT, "text": "welcome case-7"}
    assert standin.calls[-1].method == "getUpdates" and standin.calls[-1].ok
    assert standin.pending_updates == []


# --- webhook ---------------------------------------------------------------------------------


async def test_get_updates_conflicts_with_a_webhook(standin: BotApiStandIn, bot: Bot) -> None:
    """While a webhook is set getUpdates is a Conflict; deleting it allows polling again."""
    assert await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="s3cret-token")
    assert standin.webhook_url == "http://127.0.0.1:9/hook"
    with pytest.raises(Conflict, match="(?i)can't use getUpdates method while webhook is active"):
        await bot.get_updates(timeout=0)
    assert await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()
    assert standin.webhook_url is None


async def test_deliver_webhook_posts_json_with_the_secret(standin: BotApiStandIn, bot: Bot) -> None:
    """deliver_webhook POSTs the update to the registered URL with the registered secret."""
    received: list[tuple[dict[str, Any], str | None]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((await request.json(), request.headers.get(SECRET_HEADER)))
        return web.Response(status=200 if request.headers.get(SECRET_HEADER) == "abc" else 403)

    app = web.Application()
    app.router.add_post("/hook", hook)
    async with TestServer(app) as receiver:
        with pytest.raises(RuntimeError):
            await standin.deliver_webhook(standin.text_update(CHAT, "early"))
        await bot.set_webhook(str(receiver.make_url("/hook")), secret_token="abc")
        assert await standin.deliver_webhook(standin.text_update(CHAT, "hi")) == 200
        assert await standin.deliver_webhook(standin.text_update(CHAT, "x"), secret="bad") == 403
        assert await standin.deliver_webhook(standin.text_update(CHAT, "y"), secret=None) == 403
    assert [secret for _, secret in received] == ["abc", "bad", None]
    first = received[0][0]
    assert first["message"]["text"] == "hi" and isinstance(first["update_id"], int)
    assert received[1][0]["update_id"] == first["update_id"] + 1


# --- errors ----------------------------------------------------------------------------------


async def test_fail_next_429_is_retry_after(standin: BotApiStandIn, bot: Bot) -> None:
    """An injected 429 with retry_after surfaces as RetryAfter; the next call succeeds."""
    standin.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(CHAT, "hello")
    assert caught.value.retry_after == dtm.timedelta(seconds=3)
    await bot.send_message(CHAT, "hello")
    assert [call.ok for call in standin.sent_to(CHAT, include_failed=True)] == [False, True]
    assert len(standin.sent_to(CHAT)) == 1


async def test_fail_next_counts_and_queues(standin: BotApiStandIn, bot: Bot) -> None:
    """`times` failures, then the next queued failure, then success."""
    standin.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user", times=2)
    standin.fail_next("sendMessage", 400, "Bad Request: chat not found")
    for expected in (Forbidden, Forbidden, BadRequest):
        with pytest.raises(expected):
            await bot.send_message(CHAT, "hello")
    assert (await bot.send_message(CHAT, "hello")).text == "hello"


async def test_blocked_user_is_forbidden(standin: BotApiStandIn, bot: Bot) -> None:
    """Sends to a blocked chat are 403; other chats are unaffected."""
    await bot.send_message(CHAT, "before")
    standin.block_user(CHAT)
    with pytest.raises(Forbidden, match="(?i)bot was blocked by the user"):
        await bot.send_message(CHAT, "after")
    with pytest.raises(Forbidden):
        await bot.send_document(CHAT, b"data", filename="a.txt")
    await bot.send_message(CHAT + 1, "fine")
    assert [call.params["text"] for call in standin.sent_to(CHAT)] == ["before"]
    standin.unblock_user(CHAT)
    await bot.send_message(CHAT, "back")


async def test_too_long_text_is_a_bad_request(standin: BotApiStandIn, bot: Bot) -> None:
    """4096 characters are fine, 4097 are not; HTML tags do not count."""
    await bot.send_message(CHAT, "x" * 4096)
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(CHAT, "x" * 4097)
    tagged = await bot.send_message(CHAT, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    assert tagged.text == "x" * 4096


async def test_callback_data_over_64_bytes_is_invalid(bot: Bot) -> None:
    """callback_data is limited to 64 bytes, counted in UTF-8."""
    await bot.send_message(CHAT, "ok", reply_markup=keyboard("x" * 64))
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT, "too long", reply_markup=keyboard("x" * 65))
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT, "too long", reply_markup=keyboard("案" * 22))


async def test_web_app_buttons_need_https(bot: Bot) -> None:
    """Telegram refuses Web App buttons with a plain-http URL."""

    def web_app(url: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("Open", web_app=WebAppInfo(url))]])

    await bot.send_message(CHAT, "ok", reply_markup=web_app("https://court.example/app"))
    with pytest.raises(BadRequest, match="(?i)Only HTTPS links are allowed"):
        await bot.send_message(CHAT, "no", reply_markup=web_app("http://127.0.0.1:8080/app"))


async def test_invalid_html_is_a_bad_request(bot: Bot) -> None:
    """Malformed or unsupported HTML is refused the way Telegram refuses it."""
    sent = await bot.send_message(CHAT, "<b>Case</b> A &lt;1&gt; &amp; <i>B</i>", parse_mode="HTML")
    assert sent.text == "Case A <1> & B"
    for text in ("<b>open", "a < b", "<div>x</div>", "<b><i>x</b></i>"):
        with pytest.raises(BadRequest, match="(?i)can't parse entities"):
            await bot.send_message(CHAT, text, parse_mode="HTML")
    assert (await bot.send_message(CHAT, "a < b")).text == "a < b"


def test_html_to_plain_decodes_entities() -> None:
    """Numeric and the four named entities are decoded; unknown ones stay as they are."""
    assert html_to_plain('&#65;&#x42; &quot;q&quot; &nbsp; <a href="https://x">l</a>') == ('AB "q" &nbsp; l')


# --- edits and callbacks ---------------------------------------------------------------------


async def test_callback_answers(standin: BotApiStandIn, bot: Bot) -> None:
    """A pushed callback query can be answered once; a second answer is refused."""
    sent = await bot.send_message(CHAT, "Accept?", reply_markup=keyboard("yes", "no"))
    update = standin.callback_update(CHAT, "yes", message_id=sent.message_id)
    assert update["callback_query"]["message"]["text"] == "Accept?"
    standin.push_update(update)
    query_id = update["callback_query"]["id"]
    assert await bot.answer_callback_query(query_id, text="Done")
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(LookupError):
        standin.callback_update(CHAT + 1, "yes")


# --- files -----------------------------------------------------------------------------------


async def test_added_file_downloads(standin: BotApiStandIn, bot: Bot) -> None:
    """add_file makes getFile answer and the file downloadable through PTB."""
    content = b"%PDF-1.7 complaint"
    standin.add_file("doc-file-1", content, file_path="documents/complaint.pdf")
    file = await bot.get_file("doc-file-1")
    assert file.file_size == len(content)
    assert bytes(await file.download_as_bytearray()) == content
    with pytest.raises(BadRequest, match="(?i)invalid file_id"):
        await bot.get_file("never-added")


async def test_documents_and_photos_from_users(standin: BotApiStandIn, bot: Bot) -> None:
    """document_update and photo_update carry the file ids; those can be sent back."""
    standin.push_update(standin.document_update(CHAT, "BQ-1", "claim.pdf", "application/pdf", 2048, caption="my claim"))
    standin.push_update(standin.photo_update(CHAT, "AG-1", [(90, 60), (1280, 853, 99_000)]))
    document_message, photo_message = [u.message for u in await bot.get_updates(timeout=0)]
    assert document_message is not None and document_message.document is not None
    assert document_message.document.file_name == "claim.pdf"
    assert document_message.caption == "my claim"
    assert photo_message is not None
    assert [(p.file_id, p.width) for p in photo_message.photo] == [("AG-1-0", 90), ("AG-1", 1280)]
    resent = await bot.send_document(CHAT, "BQ-1")
    assert resent.document is not None and resent.document.file_id == "BQ-1"
    with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
        await bot.send_document(CHAT, "unknown-id")


async def test_uploads_are_recorded_and_downloadable(standin: BotApiStandIn, bot: Bot) -> None:
    """Multipart uploads arrive as Upload objects, recorded and downloadable."""
    sent = await bot.send_document(
        CHAT, b"judgment text", filename="judgment.txt", caption="<b>Judgment</b>", parse_mode="HTML"
    )
    assert sent.document is not None and sent.document.file_name == "judgment.txt"
    assert sent.caption == "Judgment"
    upload = standin.sent_to(CHAT)[0].params["document"]
    assert isinstance(upload, Upload) and upload.content == b"judgment text"
    downloaded = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == b"judgment text"

    with pytest.raises(BadRequest, match="(?i)caption is too long"):
        await bot.send_document(CHAT, b"x", filename="x.txt", caption="c" * 1025)


# --- commands and menu -----------------------------------------------------------------------


async def test_commands(standin: BotApiStandIn, bot: Bot) -> None:
    """setMyCommands is stored per language; invalid commands are refused."""
    await bot.set_my_commands([BotCommand("start", "开始"), BotCommand("help", "帮助")], language_code="zh")
    assert standin.my_commands("zh") == [
        {"command": "start", "description": "开始"},
        {"command": "help", "description": "帮助"},
    ]
    assert standin.my_commands() is None
    call = standin.calls[-1]
    assert call.method == "setMyCommands" and call.params["language_code"] == "zh"
    with pytest.raises(BadRequest, match="(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start-Now", "x")])


async def test_a_method_the_bot_does_not_call_is_unknown(standin: BotApiStandIn, bot: Bot) -> None:
    """The stand-in answers only what the bot calls: anything else fails loudly."""
    with pytest.raises(InvalidToken, match="method not found"):  # PTB's name for any 404
        await bot.get_my_commands()


# --- waiting ---------------------------------------------------------------------------------


async def test_wait_for_call_times_out_with_a_listing(standin: BotApiStandIn, bot: Bot) -> None:
    """A call that never comes raises TimeoutError naming the calls that did come."""
    await bot.send_message(CHAT, "only this")
    with pytest.raises(TimeoutError, match=r"sendMessage\(.*only this"):
        await standin.wait_for_call(is_method("sendDocument"), timeout=0)
    found = await standin.wait_for_call(is_method("sendMessage"), timeout=0)
    assert isinstance(found, Call) and found.params["text"] == "only this"
    with pytest.raises(TimeoutError):
        await standin.wait_for_call(is_method("sendMessage"), timeout=0, since=len(standin.calls))
