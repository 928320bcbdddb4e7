"""python-telegram-bot inside our aiohttp server: `.updater(None)`, fed by our own polling loop
or our own webhook route. No ConversationHandler, no JobQueue, no pickle persistence.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
from collections import defaultdict
from urllib.parse import urlparse

from aiohttp import web
from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.telegram.inbound import TelegramInbound
from bot.telegram.sender import TelegramSender
from bot.telegram.transport import AiohttpRequest
from gateway.court import Court
from gateway.settings import Settings

log = logging.getLogger("microcourt.telegram")

COMMANDS = ("new", "cases", "language", "cancel", "link", "help")
UPDATE_KINDS = ["message", "edited_message", "callback_query"]  # an edit is answered, not read
POLL_TIMEOUT = 25


def webhook_path(settings: Settings) -> str | None:
    return urlparse(settings.telegram_webhook_url).path or "/" if settings.telegram_webhook_url else None


class TelegramChannel:
    def __init__(self, court: Court, settings: Settings) -> None:
        assert settings.telegram_token
        self.court, self.settings = court, settings
        # Bot.get_updates adds the long-poll timeout to the read timeout: a poll may take POLL_TIMEOUT + 10 s.
        builder = (
            ApplicationBuilder()
            .token(settings.telegram_token)
            .updater(None)
            .request(AiohttpRequest(proxy=settings.telegram_proxy_url))
            .get_updates_request(
                AiohttpRequest(connection_pool_size=1, read_timeout=10, proxy=settings.telegram_proxy_url)
            )
        )
        if settings.telegram_api_base_url:
            root = settings.telegram_api_base_url.rstrip("/")
            builder = builder.base_url(f"{root}/bot").base_file_url(f"{root}/file/bot")
        self.app: Application = builder.build()  # type: ignore[type-arg]
        self.inbound = TelegramInbound(court, self.app.bot, bool(settings.telegram_api_base_url))
        self.app.add_handler(TypeHandler(Update, self._on_update))
        self.secret = secrets.token_urlsafe(32)
        self._poller: asyncio.Task[None] | None = None

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.inbound.handle(update)

    async def start(self) -> None:
        await self.app.initialize()
        await self.app.start()
        self.court.telegram_username = self.court.service.telegram_username = self.app.bot.username
        webapp_url = f"{self.settings.public_url.rstrip('/')}/" if self.settings.public_url else None
        self.court.router.channels["telegram"] = TelegramSender(
            self.app.bot, self.court.catalog, self.court.clock, webapp_url
        )
        await self._register_commands()
        if self.settings.telegram_webhook_url:
            await self.app.bot.set_webhook(
                self.settings.telegram_webhook_url, secret_token=self.secret, allowed_updates=UPDATE_KINDS
            )
        else:
            await self.app.bot.delete_webhook()
            self._poller = asyncio.create_task(self._poll())

    async def _register_commands(self) -> None:
        """The command menu in both languages (and English as the default)."""
        for language in ("zh", "en", None):
            locale = language or "en"
            commands = [BotCommand(c, self.court.catalog.render(f"telegram.commands.{c}", locale)) for c in COMMANDS]
            await self.app.bot.set_my_commands(commands, language_code=language)

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
        await self.inbound.drain()
        self.court.router.channels.pop("telegram", None)
        await self.app.stop()
        await self.app.shutdown()

    async def _poll(self) -> None:
        offset: int | None = None
        while True:
            try:
                updates = await self.app.bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT, allowed_updates=UPDATE_KINDS
                )
            except TelegramError:
                log.warning("getUpdates failed; retrying")
                await asyncio.sleep(1)
                continue
            if updates:
                await self.process_batch(updates)
                offset = updates[-1].update_id + 1

    async def process_batch(self, updates: list[Update]) -> None:
        """Each person's updates in order; different people concurrently."""
        by_user: dict[int, list[Update]] = defaultdict(list)
        for update in updates:
            user = update.effective_user
            by_user[user.id if user else 0].append(update)

        async def in_order(batch: list[Update]) -> None:
            for update in batch:
                await self.app.process_update(update)

        await asyncio.gather(*(in_order(batch) for batch in by_user.values()))

    async def webhook(self, request: web.Request) -> web.Response:
        """Telegram's webhook call: refused unless it carries our secret token."""
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given, self.secret):
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
            update = Update.de_json(data, self.app.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="bad update")
        if update is not None:
            await self.app.process_update(update)
        return web.Response(text="ok")
