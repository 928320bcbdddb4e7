"""A local stand-in for the Telegram Bot API, for end-to-end tests of the Telegram channel.

The stand-in is a small aiohttp application bound to 127.0.0.1 on a free port. The real
python-telegram-bot (PTB) talks to it exactly as it talks to api.telegram.org:

    async with BotApiStandIn() as api:
        application = (
            ApplicationBuilder()
            .token(api.token)
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            .build()
        )
        ...
        api.push_update(api.text_update(42, "hello"))
        reply = await api.wait_for_call(lambda call: call.method == "sendMessage")

Requests arrive at ``/bot<TOKEN>/<method>`` as form-encoded, multipart or JSON bodies (or a
query string); every non-string form value is JSON-decoded before it is recorded. Answers are
``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N, "description": ...}`` with
the HTTP status equal to ``error_code``, which is what PTB maps to its exceptions.

It behaves like the real API where a bot is likely to trip over it: texts over 4096 characters,
captions over 1024, callback data over 64 bytes, text-only inline buttons, Web App buttons
whose URL is not https (the stand-in never opens it), malformed HTML with
``parse_mode="HTML"`` (length is counted after the markup is stripped, as Telegram does),
answering a callback query twice, getUpdates
while a webhook is set or while another getUpdates is waiting, and unknown file ids.
Deliberately unlike the real API: webhook URLs may be plain http (tests serve on localhost),
and MarkdownV2 is passed through unchecked. It answers only the methods the bot calls (getMe,
getUpdates, setWebhook, deleteWebhook, sendMessage, answerCallbackQuery, getFile,
setMyCommands) and sendDocument, which served documents as files will use; any other method is
an unknown-method error, so a new call the bot makes fails a test until it is added here.

Note for PTB 22: with ``filterwarnings = error`` PTB's ``RetryAfter`` raises a deprecation
warning while it is being constructed unless ``PTB_TIMEDELTA=true`` is set in the environment,
in which case ``RetryAfter.retry_after`` is a ``datetime.timedelta``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Self

import aiohttp
from aiohttp import hdrs, web

DEFAULT_TOKEN: Final = "123456:TEST-TOKEN"
DEFAULT_BOT_USERNAME: Final = "microcourt_test_bot"
SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"

MAX_TEXT_LENGTH: Final = 4096
MAX_CAPTION_LENGTH: Final = 1024
MAX_CALLBACK_DATA_BYTES: Final = 64
MAX_DOWNLOAD_BYTES: Final = 20 * 1024 * 1024
MAX_UPLOAD_BYTES: Final = 50 * 1024 * 1024
MAX_UPDATES_LIMIT: Final = 100
FIRST_UPDATE_ID: Final = 100_000

BLOCKED: Final = "Forbidden: bot was blocked by the user"
WEBHOOK_CONFLICT: Final = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
POLLING_CONFLICT: Final = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)
QUERY_INVALID: Final = "Bad Request: query is too old and response timeout expired or query ID is invalid"

# Update kinds Telegram leaves out unless they are asked for in allowed_updates.
_OPT_IN_UPDATES: Final = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

# Parameters whose values are strings even when they look like JSON ("42", "true", "null").
_STRING_PARAMS: Final = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "url",
        "secret_token",
        "ip_address",
        "callback_query_id",
        "inline_message_id",
        "file_id",
        "language_code",
        "business_connection_id",
        "message_effect_id",
        "document",
        "photo",
        "thumbnail",
        "title",
        "description",
        "short_description",
        "name",
        "emoji",
        "first_name",
        "last_name",
        "address",
    }
)

_BUTTON_ACTIONS: Final = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
_HTML_TAGS: Final = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
        "tg-time",
    }
)
_HTML_NAMED_ENTITIES: Final = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_ENTITY: Final = re.compile(r"&(?:#([0-9]+)|#[xX]([0-9a-fA-F]+)|([a-zA-Z]+));")
_COMMAND_NAME: Final = re.compile(r"[a-z0-9_]{1,32}")

# The methods whose target chat is blocked by block_user.
_CHAT_METHODS: Final = frozenset({"sendMessage", "sendDocument"})
_SEND_METHODS: Final = frozenset({"sendMessage", "sendDocument"})


class _Registered:
    """Marker for "use the secret registered with setWebhook" in deliver_webhook."""

    def __repr__(self) -> str:
        return "<registered secret>"


REGISTERED_SECRET: Final = _Registered()


@dataclass
class Call:
    """One request the bot made: the method and its decoded parameters, then its outcome.

    A call is recorded when it arrives (``ok`` is None while it is pending, which matters only
    for a long-polling getUpdates) and completed with the answer the stand-in gave.
    Uploaded files appear in ``params`` as `Upload` objects.
    """

    method: str
    params: dict[str, Any]
    ok: bool | None = None
    result: Any = None
    error_code: int | None = None
    description: str | None = None

    def __str__(self) -> str:
        """One line for failure listings: method, parameters and outcome."""
        shown = ", ".join(f"{key}={_short(value)}" for key, value in self.params.items())
        if self.ok is None:
            outcome = "pending"
        elif self.ok:
            outcome = "ok"
        else:
            outcome = f"{self.error_code} {self.description}"
        return f"{self.method}({shown}) -> {outcome}"


@dataclass(frozen=True)
class Upload:
    """A file sent as a multipart part."""

    filename: str
    content_type: str
    content: bytes

    def __repr__(self) -> str:
        return f"Upload({self.filename!r}, {self.content_type!r}, {len(self.content)} bytes)"


class ApiError(Exception):
    """An error answer of the Bot API; the HTTP status is the error code."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(f"{error_code} {description}")
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram answers with."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _bad_request(detail: str) -> ApiError:
    """A 400 error with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {detail}")


@dataclass
class _Failure:
    """An injected error for the next `remaining` calls of a method."""

    error_code: int
    description: str
    retry_after: int | None
    remaining: int
    after: int = 0  # calls to let through first


@dataclass
class _StoredFile:
    """A file the stand-in knows; downloadable when it has content and a path."""

    file_id: str
    file_unique_id: str
    content: bytes | None = None
    file_path: str | None = None
    file_size: int | None = None


@dataclass(eq=False)
class _Poll:
    """A getUpdates request waiting for an update; `reason` says why it was woken."""

    future: asyncio.Future[str] = field(default_factory=lambda: asyncio.get_running_loop().create_future())

    def wake(self, reason: str) -> None:
        """Wake the waiting request unless it was woken already."""
        if not self.future.done():
            self.future.set_result(reason)


def _short(value: Any, limit: int = 80) -> str:
    """A value's repr cut to `limit` characters for listings."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _decode(key: str, raw: str) -> Any:
    """A form value as Telegram reads it: JSON where it is JSON, except for string parameters."""
    if key in _STRING_PARAMS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _byte_offset(text: str, index: int) -> int:
    """The UTF-8 byte offset of character `index`, as Telegram reports parse errors."""
    return len(text[:index].encode("utf-8"))


def html_to_plain(text: str) -> str:
    """The visible text of a Telegram-HTML message, or ApiError 400 if the markup is invalid.

    Only the tags Telegram supports are allowed, every tag must be closed in order, and the
    entities &lt; &gt; &amp; &quot; and numeric ones are decoded.
    """
    plain: list[str] = []
    open_tags: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "<":
            end = text.find(">", index)
            offset = _byte_offset(text, index)
            if end < 0:
                raise _bad_request(f"can't parse entities: Unclosed start tag at byte offset {offset}")
            inner = text[index + 1 : end].strip()
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not open_tags:
                    raise _bad_request(f"can't parse entities: Unexpected end tag at byte offset {offset}")
                expected = open_tags.pop()
                if name and name != expected:
                    raise _bad_request(
                        f"can't parse entities: Unmatched end tag at byte offset {offset}, "
                        f'expected "</{expected}>", found "</{name}>"'
                    )
            else:
                name = inner.split(maxsplit=1)[0].lower() if inner else ""
                if name not in _HTML_TAGS:
                    raise _bad_request(f'can\'t parse entities: Unsupported start tag "{name}" at byte offset {offset}')
                open_tags.append(name)
            index = end + 1
        elif char == "&" and (match := _HTML_ENTITY.match(text, index)):
            decimal, hexadecimal, named = match.groups()
            if decimal is not None:
                plain.append(chr(int(decimal)))
            elif hexadecimal is not None:
                plain.append(chr(int(hexadecimal, 16)))
            else:
                plain.append(_HTML_NAMED_ENTITIES.get(named.lower(), match.group(0)))
            index = match.end()
        else:
            plain.append(char)
            index += 1
    if open_tags:
        raise _bad_request(f"can't parse entities: Can't find end tag corresponding to start tag \"{open_tags[-1]}\"")
    return "".join(plain)


def _check_text(value: Any, parse_mode: Any, limit: int, too_long: str, empty: str | None) -> str | None:
    """The visible text of a text or caption parameter, or ApiError if Telegram would refuse it.

    `empty` is the error for a missing or blank value, or None where the value is optional.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        if empty is not None:
            raise _bad_request(empty)
        return None
    text = value if isinstance(value, str) else json.dumps(value)
    if isinstance(parse_mode, str) and parse_mode.upper() == "HTML":
        text = html_to_plain(text)
        if not text.strip() and empty is not None:
            raise _bad_request(empty)
    if len(text) > limit:
        raise _bad_request(too_long)
    return text


def _check_markup(markup: Any) -> dict[str, Any] | None:
    """Validate a reply_markup; return it if it is an inline keyboard (the part Telegram echoes)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad_request("can't parse inline keyboard markup JSON object")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise _bad_request("can't parse inline keyboard button: Text must be a string")
            if not _BUTTON_ACTIONS & button.keys():
                raise _bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
            web_app = button.get("web_app")
            if web_app is not None:
                url = web_app.get("url") if isinstance(web_app, dict) else None
                if not isinstance(url, str) or not url.startswith("https://"):
                    raise _bad_request(
                        f"inline keyboard button Web App URL '{url}' is invalid: Only HTTPS links are allowed"
                    )
            data = button.get("callback_data")
            if data is not None:
                size = len(str(data).encode("utf-8"))
                if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                    raise _bad_request("BUTTON_DATA_INVALID")
    return markup


def _chat_id(params: Mapping[str, Any], required: bool = True) -> int | None:
    """The integer chat_id parameter; usernames and unknown values are 'chat not found'."""
    value = params.get("chat_id")
    if value is None or value == "":
        if required:
            raise _bad_request("chat_id is empty")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad_request("chat not found")
    return value


def _int_param(params: Mapping[str, Any], key: str, default: int) -> int:
    """An integer parameter, or 400 if it is present but not an integer."""
    value = params.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _bad_request(f"invalid {key} specified")
    return int(value)


def _copy(message: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of a JSON object, so answers and records do not change with later edits."""
    return json.loads(json.dumps(message))


def _update_kind(update: Mapping[str, Any]) -> str:
    """The kind of an update: its one key besides update_id."""
    return next((key for key in update if key != "update_id"), "")


class BotApiStandIn:
    """A fake Telegram Bot API server with controls for tests.

    Every request is appended to `calls`; `wait_for_call` waits on an asyncio.Condition that is
    notified whenever a call is recorded or completed.
    """

    def __init__(self, token: str = DEFAULT_TOKEN, bot_username: str = DEFAULT_BOT_USERNAME, port: int = 0) -> None:
        """`port`: where to serve (0: a free one), e.g. a port a bot already tries in vain."""
        self.token = token
        self.port = port
        self.bot_username = bot_username
        bot_id = token.split(":", 1)[0]
        self.bot_user: dict[str, Any] = {
            "id": int(bot_id) if bot_id.isdigit() else 123456,
            "is_bot": True,
            "first_name": "Micro Court",
            "username": bot_username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[Call] = []
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.webhook_allowed_updates: list[str] | None = None
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.blocked: set[int] = set()
        self._calls_changed = asyncio.Condition()
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = FIRST_UPDATE_ID
        self._allowed_updates: list[str] | None = None
        self._polls: set[_Poll] = set()
        self._failures: dict[str, list[_Failure]] = {}
        self._files: dict[str, _StoredFile] = {}
        self._file_numbers = itertools.count(1)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._last_bot_message: dict[int, int] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._callback_ids = itertools.count(1)
        self._open_callback_queries: set[str] = set()
        self._gates: dict[str, asyncio.Event] = {}
        self._runner: web.AppRunner | None = None
        self._root: str | None = None
        self._handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "sendMessage": self._send_message,
            "answerCallbackQuery": self._answer_callback_query,
            "getFile": self._get_file,
            "sendDocument": self._send_document,
            "setMyCommands": self._set_my_commands,
        }
        self._method_names = {name.lower(): name for name in self._handlers}

    # --- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> str:
        """Serve on 127.0.0.1 at `port` (or a free one); return the root URL (``http://127.0.0.1:PORT``)."""
        if self._root is not None:
            return self._root
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_download)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", self.port)
        await site.start()
        host, port = runner.addresses[0][:2]
        self._runner = runner
        self._root = f"http://{host}:{port}"
        return self._root

    async def stop(self) -> None:
        """Answer waiting long polls with no updates and stop serving. Safe to call twice."""
        for poll in list(self._polls):
            poll.wake("stop")
        runner, self._runner, self._root = self._runner, None, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT`` while started."""
        if self._root is None:
            raise RuntimeError("the Bot API stand-in is not started")
        return self._root

    @property
    def base_url(self) -> str:
        """What to pass to PTB's ``base_url``: the token and method are appended to it."""
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        """What to pass to PTB's ``base_file_url``."""
        return f"{self.root_url}/file/bot"

    # --- test controls: updates ------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; assign the next update_id if it has none; return it."""
        update = self._numbered(update)
        self._updates.append(update)
        for poll in list(self._polls):
            poll.wake("update")
        return int(update["update_id"])

    async def deliver_webhook(
        self, update: dict[str, Any], secret: str | _Registered | None = REGISTERED_SECRET
    ) -> int:
        """POST the update as JSON to the webhook from setWebhook; return the HTTP status.

        The secret header carries the registered secret token unless `secret` overrides it;
        ``secret=None`` sends no header.
        """
        if self.webhook_url is None:
            raise RuntimeError("no webhook is set; the bot has not called setWebhook")
        update = self._numbered(update)
        token = self.webhook_secret if isinstance(secret, _Registered) else secret
        headers = {SECRET_HEADER: token} if token is not None else {}
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.webhook_url, json=update, headers=headers) as response,
        ):
            await response.read()
            return response.status

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return list(self._updates)

    def text_update(
        self,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        language_code: str = "zh",
        first_name: str = "Test",
    ) -> dict[str, Any]:
        """An update with a text message from the user (in their private chat by default)."""
        return {"message": self._user_message(user_id, chat_id, language_code, first_name, text=text)}

    def message_update(self, user_id: int, **content: Any) -> dict[str, Any]:
        """An update with a message of any other kind (voice, sticker, location...) from the user."""
        return {"message": self._user_message(user_id, None, "zh", "Test", **content)}

    def edited_update(self, user_id: int, text: str) -> dict[str, Any]:
        """An edit of an earlier text message of the user's (an `edited_message` update)."""
        edited = self._user_message(user_id, None, "zh", "Test", text=text)
        return {"edited_message": {**edited, "edit_date": edited["date"]}}

    def command_update(
        self,
        user_id: int,
        command: str,
        args: str = "",
        *,
        language_code: str = "zh",
        first_name: str = "Test",
    ) -> dict[str, Any]:
        """An update with ``/command args`` and its bot_command entity, in a private chat."""
        slash = "/" + command.lstrip("/")
        text = f"{slash} {args}" if args else slash
        entity = {"type": "bot_command", "offset": 0, "length": len(slash)}
        return {"message": self._user_message(user_id, None, language_code, first_name, text=text, entities=[entity])}

    def callback_update(
        self,
        user_id: int,
        data: str,
        message_id: int | None = None,
        *,
        language_code: str = "zh",
        first_name: str = "Test",
    ) -> dict[str, Any]:
        """An update with a button press on a bot message in the user's private chat.

        The message is the bot's latest one in that chat, or the one with `message_id`; it is
        attached as it now stands (after any edits). LookupError if there is no such message.
        """
        if message_id is None:
            message_id = self._last_bot_message.get(user_id)
        message = self._messages.get((user_id, message_id)) if message_id is not None else None
        if message is None:
            raise LookupError(
                f"no bot message {message_id if message_id is not None else ''} "
                f"in chat {user_id} to attach a callback query to"
            )
        query_id = f"{user_id}{next(self._callback_ids):08d}"
        return {
            "callback_query": {
                "id": query_id,
                "from": self._user(user_id, language_code, first_name),
                "message": _copy(message),
                "chat_instance": f"instance-{user_id}",
                "data": data,
            }
        }

    def document_update(
        self,
        user_id: int,
        file_id: str,
        file_name: str,
        mime_type: str,
        file_size: int,
        *,
        caption: str | None = None,
        language_code: str = "zh",
        first_name: str = "Test",
    ) -> dict[str, Any]:
        """An update with a document the user sent; the file id becomes known to the stand-in."""
        stored = self._known_file(file_id, file_size)
        document = {
            "file_id": file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": file_size,
        }
        content: dict[str, Any] = {"document": document}
        if caption is not None:
            content["caption"] = caption
        return {"message": self._user_message(user_id, None, language_code, first_name, **content)}

    def photo_update(
        self,
        user_id: int,
        file_id: str,
        sizes: Sequence[tuple[int, int] | tuple[int, int, int]],
        *,
        caption: str | None = None,
        language_code: str = "zh",
        first_name: str = "Test",
    ) -> dict[str, Any]:
        """An update with a photo the user sent, in `sizes` ``(width, height[, file_size])``.

        Like Telegram the sizes go smallest first; the last (largest) has `file_id` and the
        smaller ones ``f"{file_id}-{i}"``.
        """
        if not sizes:
            raise ValueError("a photo needs at least one size")
        photo: list[dict[str, Any]] = []
        for position, size in enumerate(sizes):
            width, height, *rest = size
            file_size = rest[0] if rest else width * height // 10
            size_id = file_id if position == len(sizes) - 1 else f"{file_id}-{position}"
            stored = self._known_file(size_id, file_size)
            photo.append(
                {
                    "file_id": size_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": width,
                    "height": height,
                    "file_size": file_size,
                }
            )
        content: dict[str, Any] = {"photo": photo}
        if caption is not None:
            content["caption"] = caption
        return {"message": self._user_message(user_id, None, language_code, first_name, **content)}

    # --- test controls: files, failures, inspection ---------------------------------------

    def add_file(self, file_id: str, content: bytes, file_path: str | None = None) -> None:
        """Make a file downloadable: getFile(file_id), then GET /file/bot<token>/<file_path>."""
        stored = self._known_file(file_id, len(content))
        stored.content = content
        stored.file_size = len(content)
        stored.file_path = file_path or stored.file_path or f"documents/file_{file_id}"

    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
        after: int = 0,
    ) -> None:
        """Make `times` calls of `method` fail with this error (after earlier ones), letting the
        first `after` calls through."""
        if times < 1 or after < 0:
            raise ValueError("times must be at least 1 and after at least 0")
        key = method.lower()
        self._failures.setdefault(key, []).append(_Failure(error_code, description, retry_after, times, after))

    def hold(self, method: str) -> asyncio.Event:
        """Hold every call to `method` (recorded, not answered) until the returned event is set:
        a slow Bot API."""
        gate = self._gates[method] = asyncio.Event()
        return gate

    def block_user(self, chat_id: int) -> None:
        """From now on sends to the chat answer 403 "bot was blocked by the user"."""
        self.blocked.add(chat_id)

    def unblock_user(self, chat_id: int) -> None:
        """Undo `block_user`."""
        self.blocked.discard(chat_id)

    def sent_to(self, chat_id: int, include_failed: bool = False) -> list[Call]:
        """sendMessage/sendDocument/sendPhoto calls to the chat, in order.

        Only those that succeeded (what the user received) unless `include_failed`.
        """
        return [
            call
            for call in self.calls
            if call.method in _SEND_METHODS and call.params.get("chat_id") == chat_id and (call.ok or include_failed)
        ]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """A copy of a bot message as it now stands, after any edits (KeyError if unknown)."""
        return _copy(self._messages[(chat_id, message_id)])

    def my_commands(
        self, language_code: str = "", scope: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]] | None:
        """The commands set for that scope and language, or None if none were set."""
        return self.commands.get((self._scope_key(scope), language_code))

    async def wait_for_call(self, predicate: Callable[[Call], bool], timeout: float = 10, since: int = 0) -> Call:
        """The first recorded call from index `since` on that satisfies `predicate`.

        Waits on the condition notified at every recorded or completed call; raises
        TimeoutError listing the calls so far if none matches within `timeout` seconds.
        """
        async with self._calls_changed:
            try:
                async with asyncio.timeout(timeout):
                    while True:
                        for call in self.calls[since:]:
                            if predicate(call):
                                return call
                        await self._calls_changed.wait()
            except TimeoutError:
                listing = "\n".join(f"  {i}: {call}" for i, call in enumerate(self.calls))
                raise TimeoutError(
                    f"no matching Bot API call within {timeout} s; calls so far:\n{listing or '  (none)'}"
                ) from None

    # --- HTTP ------------------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.Response:
        """Dispatch ``/bot<token>/<method>``: check the token, record, inject failures, answer."""
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        requested = request.match_info["method"]
        method = self._method_names.get(requested.lower(), requested)
        try:
            params = await self._read_params(request)
        except ApiError as error:
            call = Call(method, {})
            await self._record(call)
            return await self._fail(call, error)
        call = Call(method, params)
        await self._record(call)
        if method in self._gates:
            await self._gates[method].wait()
        handler = self._handlers.get(method)
        try:
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            self._raise_injected(method)
            if method in _CHAT_METHODS and params.get("chat_id") in self.blocked:
                raise ApiError(403, BLOCKED)
            result = await handler(params)
        except ApiError as error:
            return await self._fail(call, error)
        call.ok, call.result = True, result
        await self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _handle_download(self, request: web.Request) -> web.Response:
        """Serve ``/file/bot<token>/<file_path>`` for files added with add_file or uploaded."""
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        path = request.match_info["file_path"]
        for stored in self._files.values():
            if stored.file_path == path and stored.content is not None:
                return web.Response(body=stored.content, content_type="application/octet-stream")
        return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        """The request's parameters from query, form, multipart or JSON body, decoded."""
        params: dict[str, Any] = {key: _decode(key, value) for key, value in request.query.items()}
        if not request.can_read_body:
            return params
        content_type = request.content_type
        if content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise _bad_request("can't parse JSON encoded request parameters") from None
            if not isinstance(body, dict):
                raise _bad_request("can't parse JSON encoded request parameters")
            params.update(body)
        elif content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
                    continue
                if part.filename is not None:
                    params[part.name] = Upload(
                        filename=part.filename,
                        content_type=part.headers.get(hdrs.CONTENT_TYPE, "application/octet-stream"),
                        content=bytes(await part.read(decode=True)),
                    )
                else:
                    params[part.name] = _decode(part.name, await part.text())
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, str):
                    params[key] = _decode(key, value)
        return params

    async def _record(self, call: Call) -> None:
        """Append the call and wake whoever waits for calls."""
        self.calls.append(call)
        await self._notify()

    async def _notify(self) -> None:
        """Notify the calls condition (a call was recorded or completed)."""
        async with self._calls_changed:
            self._calls_changed.notify_all()

    async def _fail(self, call: Call, error: ApiError) -> web.Response:
        """Complete the call with the error and answer it."""
        call.ok, call.error_code, call.description = False, error.error_code, error.description
        await self._notify()
        return web.json_response(error.payload(), status=error.error_code)

    def _raise_injected(self, method: str) -> None:
        """Raise the next error queued by fail_next for the method, if any."""
        queue = self._failures.get(method.lower())
        if not queue:
            return
        failure = queue[0]
        if failure.after > 0:
            failure.after -= 1
            return
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.pop(0)
        raise ApiError(failure.error_code, failure.description, failure.retry_after)

    # --- helpers -----------------------------------------------------------------------------

    def _numbered(self, update: dict[str, Any]) -> dict[str, Any]:
        """A copy of the update with an update_id; note any callback query it carries."""
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)
        query = update.get("callback_query")
        if isinstance(query, dict) and "id" in query:
            self._open_callback_queries.add(str(query["id"]))
        return update

    def _next_message_id(self, chat_id: int) -> int:
        """The next message id in the chat (ids are per chat, shared by bot and user)."""
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _user(self, user_id: int, language_code: str, first_name: str) -> dict[str, Any]:
        """A user's ``from`` object, remembered for their private chat's name."""
        user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language_code}
        self._users[user_id] = user
        return user

    def _chat(self, chat_id: int) -> dict[str, Any]:
        """The chat object: private for positive ids, a group for negative ones."""
        if chat_id > 0:
            first_name = self._users.get(chat_id, {}).get("first_name", "Test")
            return {"id": chat_id, "type": "private", "first_name": first_name}
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": f"Test {kind} {chat_id}"}

    def _user_message(
        self,
        user_id: int,
        chat_id: int | None,
        language_code: str,
        first_name: str,
        **content: Any,
    ) -> dict[str, Any]:
        """A message from the user in their private chat or in `chat_id`."""
        sender = self._user(user_id, language_code, first_name)
        chat = chat_id if chat_id is not None else user_id
        return {
            "message_id": self._next_message_id(chat),
            "from": sender,
            "chat": self._chat(chat),
            "date": int(time.time()),
            **content,
        }

    def _bot_message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        """Store and return a new message from the bot in the chat."""
        message_id = self._next_message_id(chat_id)
        message = {
            "message_id": message_id,
            "from": self.bot_user,
            "chat": self._chat(chat_id),
            "date": int(time.time()),
        }
        message.update({key: value for key, value in content.items() if value is not None})
        self._messages[(chat_id, message_id)] = message
        self._last_bot_message[chat_id] = message_id
        return _copy(message)

    def _known_file(self, file_id: str, file_size: int | None) -> _StoredFile:
        """The stored file with that id, registering it if new."""
        stored = self._files.get(file_id)
        if stored is None:
            stored = _StoredFile(file_id, f"unique-{next(self._file_numbers)}", file_size=file_size)
            self._files[file_id] = stored
        return stored

    def _stored_upload(self, prefix: str, upload: Upload, folder: str) -> _StoredFile:
        """Register an uploaded file under a new id so it can be sent again or downloaded."""
        number = next(self._file_numbers)
        file_id = f"{prefix}-{number}"
        suffix = upload.filename.rsplit(".", 1)[-1] if "." in upload.filename else "bin"
        stored = _StoredFile(
            file_id, f"unique-{number}", upload.content, f"{folder}/file_{number}.{suffix}", len(upload.content)
        )
        self._files[file_id] = stored
        return stored

    def _file_reference(self, value: Any, what: str) -> _StoredFile | str | Upload:
        """A file parameter: an upload, a known file id, or an HTTP URL; 400 otherwise."""
        if isinstance(value, Upload):
            return value
        if value is None or value == "":
            raise _bad_request(f"there is no {what} in the request")
        text = str(value)
        if text.startswith(("http://", "https://")):
            return text
        stored = self._files.get(text)
        if stored is None:
            raise _bad_request("wrong file identifier/HTTP URL specified")
        return stored

    @staticmethod
    def _scope_key(scope: Any) -> str:
        """A hashable key for a BotCommandScope (default scope when absent)."""
        return json.dumps(scope or {"type": "default"}, sort_keys=True)

    # --- methods -----------------------------------------------------------------------------

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        """getMe: the bot's user."""
        return self.bot_user

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """getUpdates: confirm below `offset`, then answer at once or long-poll up to `timeout`."""
        if self.webhook_url is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        offset = _int_param(params, "offset", 0)
        limit = min(max(_int_param(params, "limit", MAX_UPDATES_LIMIT), 1), MAX_UPDATES_LIMIT)
        timeout = max(_int_param(params, "timeout", 0), 0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(kind) for kind in allowed] or None
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        for poll in list(self._polls):
            poll.wake("terminated")
        ready = self._deliverable(limit)
        if ready or timeout == 0:
            return ready
        poll = _Poll()
        self._polls.add(poll)
        try:
            await asyncio.wait({poll.future}, timeout=timeout)
        finally:
            self._polls.discard(poll)
        reason = poll.future.result() if poll.future.done() else "timeout"
        if reason == "terminated":
            raise ApiError(409, POLLING_CONFLICT)
        if reason == "webhook":
            raise ApiError(409, WEBHOOK_CONFLICT)
        if reason == "stop":
            return []
        return self._deliverable(limit)

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        """Queued updates of the allowed kinds, oldest first, at most `limit`."""
        allowed = self._allowed_updates
        return [
            update
            for update in self._updates
            if (_update_kind(update) in allowed if allowed is not None else _update_kind(update) not in _OPT_IN_UPDATES)
        ][:limit]

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        """setWebhook: store url, secret_token and allowed_updates; an empty url removes it."""
        url = params.get("url")
        if not url:
            return await self._delete_webhook(params)
        if not str(url).startswith(("http://", "https://")):
            raise _bad_request("invalid webhook URL specified")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise _bad_request("secret token contains unallowed characters")
        self.webhook_url = str(url)
        self.webhook_secret = str(secret) if secret is not None else None
        allowed = params.get("allowed_updates")
        self.webhook_allowed_updates = allowed if isinstance(allowed, list) else None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        for poll in list(self._polls):
            poll.wake("webhook")
        return True

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        """deleteWebhook: forget the webhook; drop queued updates if asked."""
        self.webhook_url = self.webhook_secret = None
        self.webhook_allowed_updates = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        """sendMessage: validate text and keyboard; store and return the new message."""
        chat_id = _chat_id(params)
        assert chat_id is not None
        text = _check_text(
            params.get("text"),
            params.get("parse_mode"),
            MAX_TEXT_LENGTH,
            "message is too long",
            "message text is empty",
        )
        markup = _check_markup(params.get("reply_markup"))
        return self._bot_message(chat_id, text=text, reply_markup=markup)

    def _set_markup(message: dict[str, Any], markup: dict[str, Any] | None) -> None:
        """Give an edited message its new keyboard and an edit_date."""
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        """answerCallbackQuery: each query pushed or delivered can be answered once."""
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_callback_queries:
            raise ApiError(400, QUERY_INVALID)
        self._open_callback_queries.discard(query_id)
        return True

    async def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        """getFile: the file's id, size and download path, for files with content."""
        stored = self._files.get(str(params.get("file_id") or ""))
        if stored is None or stored.content is None or stored.file_path is None:
            raise _bad_request("invalid file_id")
        if len(stored.content) > MAX_DOWNLOAD_BYTES:
            raise _bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    async def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        """sendDocument: an upload, known file id or URL, with an optional caption."""
        chat_id = _chat_id(params)
        assert chat_id is not None
        caption = _check_text(
            params.get("caption"), params.get("parse_mode"), MAX_CAPTION_LENGTH, "message caption is too long", None
        )
        markup = _check_markup(params.get("reply_markup"))
        reference = self._file_reference(params.get("document"), "document")
        if isinstance(reference, Upload):
            stored = self._stored_upload("document", reference, "documents")
            document = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": reference.filename,
                "mime_type": reference.content_type,
                "file_size": len(reference.content),
            }
        elif isinstance(reference, str):
            stored = self._known_file(f"url-{next(self._file_numbers)}", None)
            document = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": reference.rsplit("/", 1)[-1] or "file",
            }
        else:
            document = {"file_id": reference.file_id, "file_unique_id": reference.file_unique_id}
            if reference.file_size is not None:
                document["file_size"] = reference.file_size
        return self._bot_message(chat_id, document=document, caption=caption, reply_markup=markup)

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        """setMyCommands: validate and store the commands for their scope and language."""
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad_request("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict):
                raise _bad_request("can't parse BotCommand JSON object")
            if not _COMMAND_NAME.fullmatch(str(command.get("command", ""))):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (self._scope_key(params.get("scope")), str(params.get("language_code") or ""))
        self.commands[key] = commands
        return True
