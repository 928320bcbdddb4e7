"""Telegram updates -> commands. One person's updates apply in order; different people's run
concurrently. A repeated `update_id` changes nothing.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import uuid
import weakref
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from telegram import Bot, CallbackQuery, Message, Update, User

from bot.telegram import callback_data
from bot.telegram.identity_step import IdentityStep
from bot.telegram.link_step import LinkStep
from bot.telegram.render import countdown
from bot.telegram.sender import keyboard_markup
from court import accounts
from court.commands import OpenCase, UploadEvidence
from court.dispatcher import deferred_deliveries, sent_so_far
from court.outcomes import NotAnAnswer, Outcome
from court.read_models import my_cases
from gateway.court import Court
from gateway.limits import may_open_case
from gateway.logs import case_id as log_case_id

log = logging.getLogger("microcourt.telegram")

ACTIVE_TTL = 30 * 86400
CLOUD_DOWNLOAD_LIMIT = 20 * 1024 * 1024
# what a person may send that the court does not read: said so (a pinned message, a service
# notice and the like are no answer at all, and get none)
UNREAD_KINDS = ("voice", "sticker", "animation", "location", "venue", "contact", "poll", "dice")


class TelegramInbound:
    def __init__(self, court: Court, bot: Bot, self_hosted_api: bool) -> None:
        self.court, self.bot, self.self_hosted_api = court, bot, self_hosted_api
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self._sending: set[asyncio.Future[list[int | BaseException]]] = set()

    async def handle(self, update: Update) -> None:
        """Apply one update; return once it is committed, before its replies are sent.

        The person's next update waits for those replies (their order), Telegram's connection
        does not: a slow Bot API (e.g. reached through a proxy) cannot tie up the webhook."""
        user = update.effective_user
        if user is None or user.is_bot:
            return
        chat = update.effective_chat
        if chat is not None and chat.type != "private":  # a case is nobody else's business
            await self._private_only(update, chat.id, user)
            return
        lock = self._locks.get(user.id)
        if lock is None:
            lock = self._locks[user.id] = asyncio.Lock()
        await lock.acquire()
        sending: list[asyncio.Task[int]] = []
        try:
            with deferred_deliveries() as sending:
                await self._handle(update, user)
        finally:
            if sending:
                sent = asyncio.gather(*sending, return_exceptions=True)  # failures: the outbox sends again
                self._sending.add(sent)
                sent.add_done_callback(partial(self._sent, lock))
            else:
                lock.release()

    async def _private_only(self, update: Update, chat_id: int, user: User) -> None:
        """In a group nothing reaches the court; a command there for this bot is answered, at most
        once an hour per group, with where to go."""
        message = update.message
        username = self.court.telegram_username
        command = (message.text or "").split(maxsplit=1)[0] if message is not None and message.text else ""
        addressed = command.startswith("/") and (
            "@" not in command or command.lower().endswith(f"@{username or ''}".lower())
        )
        now = self.court.clock().timestamp()
        if not addressed or not await self.court.rate_limiter.allow(f"group_pointer:{chat_id}", 1, 3600, now):
            return  # another bot's command, or this group was pointed to a private chat this hour
        locale = "en" if (user.language_code or "").startswith("en") else "zh"
        link = f"https://t.me/{username}" if username else "@bot"
        await self.bot.send_message(chat_id, self.court.catalog.render("telegram.private_only", locale, {"link": link}))

    def _sent(self, lock: asyncio.Lock, sent: asyncio.Future[list[int | BaseException]]) -> None:
        """The person's replies are out (or back in the outbox): their next update may run."""
        self._sending.discard(sent)
        if not sent.cancelled():
            sent.exception()  # retrieved: a failed send goes back to the outbox, nothing to log here
        lock.release()

    async def drain(self) -> None:
        """Wait for the replies still being sent (at shutdown)."""
        while self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)

    async def _handle(self, update: Update, user: User) -> None:
        key = str(update.update_id)
        person_id, locale = await self._person(user)
        turn = _Turn(self, person_id, locale, user.id, key)
        if update.callback_query is not None:
            await turn.button(update.callback_query)
        elif update.message is not None:
            await turn.message(update.message)
        elif (edited := update.edited_message) is not None and (edited.text or edited.caption):
            # once per message, however often it is edited (a live location's moves are no edit)
            await turn.not_read("telegram.edit_not_read", f"edit:{edited.chat_id}:{edited.message_id}")

    async def _person(self, user: User) -> tuple[str, str]:
        now = self.court.clock()
        known = await accounts.used(self.court.store, accounts.TELEGRAM, str(user.id), now)
        if known is not None:
            return known
        async with self.court.store.tx() as tx:  # first contact: a new person
            person = await accounts.person_for_account(
                tx,
                accounts.TELEGRAM,
                str(user.id),
                now,
                "en" if (user.language_code or "").startswith("en") else "zh",
                user.first_name or "",
            )
            return person.id, person.locale

    async def claim(self, key: str) -> bool:
        """Claim an update that changes no case (a command, a menu): False if seen before."""
        async with self.court.store.tx() as tx:
            return await accounts.first_time(tx, accounts.TELEGRAM, key, self.court.clock())


class _Turn:
    """One update from one person."""

    def __init__(self, inbound: TelegramInbound, person_id: str, locale: str, chat_id: int, key: str) -> None:
        self.inbound, self.court, self.bot = inbound, inbound.court, inbound.bot
        self.person_id, self.locale, self.chat_id, self.key = person_id, locale, chat_id, key

    def text(self, key: str, **params: Any) -> str:
        return self.court.catalog.render(key, self.locale, params)

    async def say(self, key: str, keyboard: list[list[dict[str, Any]]] | None = None, **params: Any) -> None:
        await sent_so_far()
        await self.bot.send_message(
            self.chat_id, self.text(key, **params), reply_markup=keyboard_markup(keyboard or [])
        )

    async def refuse(self, outcome: Outcome) -> None:
        if outcome.error == "duplicate_update":
            return  # Telegram repeated an update we already applied: say nothing twice
        self.court.metrics.inc("microcourt_errors_total", code=outcome.error or "")
        await self.say(f"errors.{outcome.error}", **outcome.params)

    # -- messages -------------------------------------------------------------------------

    async def message(self, message: Message) -> None:
        if message.text and message.text.startswith("/"):
            if await self.inbound.claim(self.key):
                await self.command(message.text)
            return
        attachment = _attachment(message)
        if attachment is not None:
            await self.file(message, attachment)
            return
        if message.text is not None:
            await self.answer_text(message.text)
        elif any(getattr(message, kind) for kind in UNREAD_KINDS):  # said so, not left unanswered
            await self.not_read("telegram.kind_not_read", self.key)

    async def not_read(self, text: str, once: str) -> None:
        """Something the court does not read: say what it reads instead (once per `once`)."""
        if await self.inbound.claim(once):
            await self.say(text, max_mb=self.court.settings.max_upload_mb)

    async def command(self, text: str) -> None:
        name, _, arg = text[1:].partition(" ")
        name = name.split("@")[0].lower()
        handlers: dict[str, Callable[[str], Awaitable[None]]] = {
            "start": self.start,
            "help": self.help,
            "new": self.new_case,
            "cases": self.cases,
            "language": self.language,
            "cancel": self.cancel,
            "link": self.link_code,
        }
        handler: Callable[[str], Awaitable[None]] = handlers.get(name, self.help)
        await handler(arg.strip())

    async def start(self, arg: str) -> None:
        if arg.startswith("link_"):
            await LinkStep(self).redeem(arg.removeprefix("link_"))
            return
        if arg.startswith("j"):
            await self.join(arg)
            return
        await self.say("telegram.welcome")

    async def help(self, _arg: str = "") -> None:
        await self.say("telegram.help", max_mb=self.court.settings.max_upload_mb)

    async def new_case(self, _arg: str = "") -> None:
        if not await may_open_case(self.court, self.person_id):
            await self.refuse(Outcome(error="too_many_new_cases"))
            return
        outcome = await self.court.service.open_case(OpenCase(self.person_id, "filing", accounts.TELEGRAM))
        if not outcome.ok:
            await self.refuse(outcome)
            return
        await self.set_active(str(outcome.case_id))

    async def cases(self, _arg: str = "") -> None:
        """My cases and their next step: whose move it is and the time left; a button opens each."""
        async with self.court.store.tx() as tx:
            cards = await my_cases(tx, self.person_id, self.locale, self.court.catalog, self.court.library)
        lines, keyboard = [], []
        for index, card in enumerate(cards[:20], 1):
            label = card["case_number"] or card["reference"]
            left = f" {countdown(card['due_at'], self.court.clock(), self.locale)}" if card["due_at"] else ""
            lines.append(f"{index}. {label} · {card['status_text']}: {card['prompt_text']}{left}")
            button = f"{index}. {label} · {card['status_text']}"
            keyboard.append([{"text": button, "callback_data": "o:" + _short(card["case_id"])}])
        keyboard.append([{"text": self.text("telegram.new_case"), "callback_data": "n:filing"}])
        if cards:
            await self.say("telegram.cases_header", keyboard, cases="\n".join(lines))
        else:
            await self.say("telegram.no_cases", keyboard)

    async def language(self, _arg: str = "") -> None:
        keyboard = [[{"text": "中文", "callback_data": "l:zh"}, {"text": "English", "callback_data": "l:en"}]]
        await self.say("telegram.choose_language", keyboard)

    async def cancel(self, _arg: str = "") -> None:
        await self.court.chat_state.delete(_active_key(self.person_id))
        await self.say("telegram.paused")

    async def link_code(self, _arg: str = "") -> None:
        await LinkStep(self).code()

    async def join(self, code: str) -> None:
        """The defendant's invitation deep link (OLR 10)."""
        outcome = await self.court.service.join_case(self.person_id, code, accounts.TELEGRAM)
        if not outcome.ok:
            await self.refuse(outcome)
            return
        await self.set_active(str(outcome.case_id))

    # -- answers --------------------------------------------------------------------------

    async def active_case(self) -> str | None:
        """The case this chat talks about: the one chosen last, else the newest."""
        chosen = await self.chosen_case()
        if chosen:
            return chosen
        async with self.court.store.tx() as tx:
            mine = await tx.cases_of(self.person_id)
        return mine[0][0].id if mine else None

    async def chosen_case(self) -> str | None:
        """The case this chat chose last (by /new, /cases, a link), if any."""
        state = await self.court.chat_state.get(_active_key(self.person_id), self.court.clock().timestamp())
        return str(state["case_id"]) if state else None

    async def set_active(self, case_id: str) -> None:
        log_case_id.set(case_id)
        await self.court.chat_state.put(
            _active_key(self.person_id), {"case_id": case_id}, ACTIVE_TTL, self.court.clock().timestamp()
        )

    async def prompt(self, case_id: str) -> dict[str, Any] | Outcome | None:
        found = await self.court.service.current_prompt(self.person_id, case_id)
        if isinstance(found, Outcome):
            return found
        return found[1]

    async def answer_text(self, text: str) -> None:
        case_id = await self.active_case()
        if case_id is None:
            await self.say("telegram.no_active_case")
            return

        def interpret(shown: dict[str, Any] | None) -> Any:
            prompt = shown["prompt"] if shown else None
            if prompt is None or prompt["kind"] == "wait":
                raise NotAnAnswer("waiting", shown)
            if prompt["kind"] == "identity":  # issue 4: this step takes photos; say which
                raise NotAnAnswer("identity", shown)
            if prompt.get("options") and prompt["kind"] != "files":
                value = _option_by_label(prompt["options"], text, self.court, self.locale)
                if value is None:
                    raise NotAnAnswer("press_button", shown)
                return value
            return text

        await self.answer(case_id, interpret)

    async def button(self, query: CallbackQuery) -> None:
        await query.answer()
        data = query.data or ""
        if data.startswith(("o:", "n:", "l:", "i:", "k:", "r:")):
            if await self.inbound.claim(self.key):
                await self.menu(data)
            return
        press = callback_data.decode(data)
        if press is None:
            await self.refuse(Outcome(error="bad_request"))
            return

        def interpret(shown: dict[str, Any] | None) -> Any:
            if shown is None or shown["prompt"]["seq"] != press.seq:
                raise NotAnAnswer("stale_step", shown)  # a button from an earlier prompt
            options = shown["prompt"].get("options", [])
            if not 0 <= press.option < len(options):
                raise NotAnAnswer("choose_an_option", shown)
            return options[press.option]["value"]

        await self.answer(press.case_id, interpret, activate=True)

    async def answer(
        self, case_id: str, interpret: Callable[[dict[str, Any] | None], Any], activate: bool = False
    ) -> None:
        """Answer the prompt shown, read and answered in one transaction; `activate`: make it the
        case this chat talks about (a button pressed on it)."""
        try:
            outcome = await self.court.service.answer_prompt(
                self.person_id, case_id, accounts.TELEGRAM, self.key, interpret
            )
        except NotAnAnswer as why:
            if activate:
                await self.set_active(case_id)
            await self.not_an_answer(case_id, why.reason)
            return
        if activate and outcome.error != "not_a_party":
            await self.set_active(case_id)
        if not outcome.ok:
            await self.refuse(outcome)
            return
        self.court.metrics.inc("microcourt_chat_turns_total", channel=accounts.TELEGRAM)

    async def not_an_answer(self, case_id: str, reason: str) -> None:
        if reason == "waiting":
            await self.say("telegram.waiting")
        elif reason == "identity":
            await IdentityStep(self).guide(case_id)
        elif reason == "press_button":
            await self.say("telegram.press_button")
        else:
            await self.refuse(Outcome(case_id, reason))

    async def menu(self, data: str) -> None:
        kind, _, arg = data.partition(":")
        if kind == "n":
            await self.new_case()
        elif kind == "l" and arg in ("zh", "en"):
            async with self.court.store.tx() as tx:
                person = await tx.person(self.person_id)
                assert person is not None
                person.locale = self.locale = arg
            await self.say("telegram.language_set")
        elif kind == "k":
            await LinkStep(self).confirm(arg)
        elif kind == "i":  # issue 4: the biometric consent button (PIPL 28)
            await IdentityStep(self).consent()
        elif kind == "r":  # "received": a served court document (OLR 31)
            if not re.fullmatch(r"[0-9]{1,19}", arg):
                await self.refuse(Outcome(error="bad_request"))
                return
            outcome = await self.court.service.acknowledge_service(self.person_id, int(arg), accounts.TELEGRAM)
            if not outcome.ok:
                await self.refuse(outcome)
                return
            await self.say("service.acknowledged", **outcome.params)
        elif kind == "o":
            case_id = _long(arg)
            current = await self.prompt(case_id) if case_id else Outcome(error="not_a_party")
            if isinstance(current, Outcome) or case_id is None:
                await self.refuse(current if isinstance(current, Outcome) else Outcome(error="not_a_party"))
                return
            await self.set_active(case_id)
            if current is not None:
                await self.resend(current)

    async def resend(self, message: dict[str, Any]) -> None:
        sender = self.court.router.channels.get(accounts.TELEGRAM)
        await sent_so_far()
        if sender is not None:
            await sender.send(message, str(self.chat_id), self.locale)

    async def file(self, message: Message, attachment: tuple[str, int, str, str]) -> None:
        case_id = await self.active_case()
        current = await self.prompt(case_id) if case_id else None
        if isinstance(current, Outcome):
            await self.refuse(current)
            return
        if current is not None and current["prompt"]["kind"] == "identity":  # issue 4: ID photo or selfie
            await IdentityStep(self).photo(str(case_id), message)
            return
        if current is None or current["prompt"]["kind"] != "files":
            await self.say("telegram.not_files_step")
            return
        file_id, size, name, mime = attachment
        limit_mb = self.court.settings.max_upload_mb
        if size > limit_mb * 1024 * 1024:
            await self.refuse(
                Outcome(
                    case_id, "file_too_large", {"name": name, "size_mb": f"{size / 1048576:.1f}", "limit_mb": limit_mb}
                )
            )
            return
        if size > CLOUD_DOWNLOAD_LIMIT and not self.inbound.self_hosted_api:
            await self.say("telegram.file_too_big_for_bot", name=name)
            return
        content = bytes(await (await self.bot.get_file(file_id)).download_as_bytearray())
        outcome = await self.court.service.upload_evidence(
            UploadEvidence(
                self.person_id,
                str(case_id),
                current["prompt"]["step"],
                current["prompt"]["seq"],
                name,
                mime,
                content,
                accounts.TELEGRAM,
                self.key,
            )
        )
        if not outcome.ok:
            await self.refuse(outcome)


# evidence Telegram carries as a file of its own kind: (attribute, default name, default type)
_FILE_KINDS = (
    ("document", "document-{}", "application/octet-stream"),
    ("video", "video-{}.mp4", "video/mp4"),
    ("video_note", "video-note-{}.mp4", "video/mp4"),  # in the identity step, the selfie (IdentityStep)
    ("audio", "audio-{}.mp3", "audio/mpeg"),
)


def _attachment(message: Message) -> tuple[str, int, str, str] | None:
    """A file sent as evidence: (file id, size, name, type) of a document, the largest size of a
    photo, a video, a video note or an audio file; None for anything else."""
    number = message.message_id
    if message.photo:
        photo = message.photo[-1]
        return photo.file_id, photo.file_size or 0, f"photo-{number}.jpg", "image/jpeg"
    for kind, name, mime in _FILE_KINDS:
        sent = getattr(message, kind)
        if sent is not None:
            given_name, given_mime = getattr(sent, "file_name", None), getattr(sent, "mime_type", None)
            return sent.file_id, sent.file_size or 0, given_name or name.format(number), given_mime or mime
    return None


def _active_key(person_id: str) -> str:
    return f"active_case:{person_id}"


def _short(case_id: str) -> str:
    return base64.urlsafe_b64encode(uuid.UUID(case_id).bytes).decode().rstrip("=")


def _long(short: str) -> str | None:
    try:
        return str(uuid.UUID(bytes=base64.urlsafe_b64decode(short + "==")))
    except ValueError:
        return None


def _option_by_label(options: list[dict[str, Any]], text: str, court: Court, locale: str) -> str | None:
    """A typed reply that names an option (its label in either language, or its value)."""
    wanted = text.strip().casefold()
    for option in options:
        labels = {court.catalog.render(option["text"], loc).casefold() for loc in ("zh", "en")}
        if wanted == option["value"].casefold() or wanted in labels:
            return str(option["value"])
    return None
