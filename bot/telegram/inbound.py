"""Telegram updates -> commands. One person's updates apply in order; different people's run
concurrently. A repeated `update_id` changes nothing. The handlers are bot/telegram/dispatch.py's.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from functools import partial

from telegram import Bot, Update, User

from bot.telegram.dispatch import on_update
from bot.telegram.turn import Turn
from court import accounts
from court.commands import RecordContact
from court.deliveries import TurnDeliveries
from gateway.court import Court

log = logging.getLogger("microcourt.telegram")


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
        deliveries = TurnDeliveries()  # the court's sends of this turn, awaited before the next
        try:
            await self._handle(update, user, deliveries)
        finally:
            if deliveries.tasks:
                sent = asyncio.gather(*deliveries.tasks, return_exceptions=True)  # failures: the outbox sends again
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

    async def _handle(self, update: Update, user: User, deliveries: TurnDeliveries) -> None:
        locale = "en" if (user.language_code or "").startswith("en") else "zh"
        contact = RecordContact(accounts.TELEGRAM, str(user.id), locale, user.first_name or "")
        person_id, locale = await self.court.people.record_contact(contact)
        key = str(update.update_id)
        turn = Turn(self.court, self.bot, person_id, locale, user.id, key, deliveries, self.self_hosted_api)
        await on_update(turn, update)
