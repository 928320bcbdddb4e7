"""The aiohttp transport under the real python-telegram-bot `Bot`, against the Bot API stand-in."""

from __future__ import annotations

import asyncio
import datetime as dtm
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import unused_port
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut

from bot.telegram.transport import AiohttpRequest
from tests.support.telegram_standin import BotApiStandIn, Upload

CHAT = 4242
WAIT = 10.0


pytestmark = pytest.mark.usefixtures("ptb_timedelta")


@pytest.fixture
async def bot(standin: BotApiStandIn) -> AsyncIterator[Bot]:
    """A bot whose calls and getUpdates both go through AiohttpRequest."""
    async with Bot(
        standin.token,
        base_url=standin.base_url,
        base_file_url=standin.base_file_url,
        request=AiohttpRequest(),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    ) as client:
        yield client


async def test_get_me(standin: BotApiStandIn, bot: Bot) -> None:
    """`async with bot` calls getMe once; a second call answers the bot user again."""
    me = await bot.get_me()
    assert me.username == standin.bot_username and me.is_bot
    assert [(call.method, call.ok) for call in standin.calls] == [("getMe", True), ("getMe", True)]


async def test_send_message_with_a_keyboard_round_trips(standin: BotApiStandIn, bot: Bot) -> None:
    """Form-encoded parameters arrive decoded, non-ASCII text intact; the answer parses back."""
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("同意", callback_data="yes:1")]])
    message = await bot.send_message(CHAT, "<b>开庭</b> & 10:00", parse_mode="HTML", reply_markup=markup)
    [call] = standin.sent_to(CHAT)
    assert call.params == {
        "chat_id": CHAT,
        "text": "<b>开庭</b> & 10:00",
        "parse_mode": "HTML",
        "reply_markup": {"inline_keyboard": [[{"text": "同意", "callback_data": "yes:1"}]]},
    }
    assert message.text == "开庭 & 10:00" and message.reply_markup == markup
    assert message.message_id == call.result["message_id"]


async def test_document_upload_is_multipart(standin: BotApiStandIn, bot: Bot) -> None:
    """The file arrives as a multipart part with its (unquoted) name and type; fields beside it."""
    content = bytes(range(256)) * 64
    message = await bot.send_document(CHAT, content, filename="判决书 v2.pdf", caption="判决")
    [call] = standin.sent_to(CHAT)
    assert call.params["document"] == Upload("判决书 v2.pdf", "application/pdf", content)
    assert call.params["chat_id"] == CHAT and call.params["caption"] == "判决"
    assert message.document is not None and message.document.file_name == "判决书 v2.pdf"
    assert message.caption == "判决"


async def test_file_download_returns_the_bytes(standin: BotApiStandIn, bot: Bot) -> None:
    """getFile, then a GET of the file URL: the whole content (1 MiB), byte for byte."""
    content = bytes(range(256)) * 4096
    standin.add_file("evidence-1", content, file_path="documents/evidence.bin")
    file = await bot.get_file("evidence-1")
    assert file.file_size == len(content)
    assert bytes(await file.download_as_bytearray()) == content


async def test_long_poll_answers_when_an_update_arrives(standin: BotApiStandIn, bot: Bot) -> None:
    """getUpdates waits in the stand-in; an update pushed meanwhile comes back through it."""
    polling = asyncio.create_task(bot.get_updates(timeout=20))
    poll = await standin.wait_for_call(lambda call: call.method == "getUpdates", timeout=WAIT)
    assert poll.ok is None and poll.params["timeout"] == 20
    update_id = standin.push_update(standin.text_update(CHAT, "你好"))
    async with asyncio.timeout(WAIT):
        updates = await polling
    assert [(u.update_id, u.message and u.message.text) for u in updates] == [(update_id, "你好")]


async def test_429_is_retry_after(standin: BotApiStandIn, bot: Bot) -> None:
    """The error body's retry_after reaches PTB's RetryAfter."""
    standin.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(CHAT, "hello")
    assert caught.value.retry_after == dtm.timedelta(seconds=7)


async def test_403_is_forbidden(standin: BotApiStandIn, bot: Bot) -> None:
    """A blocked chat's 403 is Forbidden with Telegram's description."""
    standin.block_user(CHAT)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(CHAT, "hello")
    assert standin.sent_to(CHAT, include_failed=True)[0].error_code == 403


async def test_connection_refused_is_a_network_error(standin: BotApiStandIn) -> None:
    """Nobody listening on the port: NetworkError (not TimedOut), naming the aiohttp error."""
    async with AiohttpRequest() as request:
        bot = Bot(standin.token, base_url=f"http://127.0.0.1:{unused_port()}/bot", request=request)
        with pytest.raises(NetworkError, match=r"^aiohttp\.ClientConnectorError: Cannot connect") as caught:
            await bot.get_me()
    assert not isinstance(caught.value, TimedOut)


async def test_no_answer_within_the_read_timeout_is_timed_out(standin: BotApiStandIn) -> None:
    """A request the server holds (a long poll) past the read timeout raises TimedOut."""
    url = f"{standin.base_url}{standin.token}/getUpdates?timeout=30"
    async with AiohttpRequest() as request:
        with pytest.raises(TimedOut):
            await request.retrieve(url, read_timeout=0.05)
    assert [(call.method, call.ok) for call in standin.calls] == [("getUpdates", None)]


async def test_requests_need_an_initialized_session(standin: BotApiStandIn) -> None:
    """Before initialize and after shutdown a request fails; in between it is served."""
    standin.add_file("f", b"content", file_path="documents/f.txt")
    url = f"{standin.base_file_url}{standin.token}/documents/f.txt"
    request = AiohttpRequest()
    with pytest.raises(NetworkError, match="not initialized"):
        await request.retrieve(url)
    async with request:
        assert await request.retrieve(url) == b"content"
    with pytest.raises(NetworkError, match="not initialized"):
        await request.retrieve(url)


async def test_a_proxy_carries_every_call(standin: BotApiStandIn) -> None:
    """With `proxy`, calls to an unresolvable Bot API host still arrive: the proxy (here the
    stand-in, which serves absolute-form requests) carried them."""
    async with Bot(
        standin.token,
        base_url="http://api.telegram.invalid/bot",
        request=AiohttpRequest(proxy=standin.root_url),
    ) as client:
        await client.send_message(CHAT, "经代理 / via the proxy")
    assert [call.params["text"] for call in standin.sent_to(CHAT)] == ["经代理 / via the proxy"]
