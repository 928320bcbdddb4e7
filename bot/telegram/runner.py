"""python-telegram-bot inside our aiohttp server: `.updater(None)`, fed by our own polling loop
or our own webhook route. No ConversationHandler, no JobQueue, no pickle persistence.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import secrets
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlparse

from aiohttp import web
from telegram import BotCommand, Update
from telegram.error import NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.telegram.inbound import TelegramInbound
from bot.telegram.sender import TelegramSender, retry_seconds
from bot.telegram.transport import AiohttpRequest
from gateway.court import Court
from gateway.requests import parse_json
from gateway.settings import Settings

log = logging.getLogger("microcourt.telegram")

COMMANDS = (
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
)
UPDATE_KINDS = ["message", "edited_message", "callback_query"]  # an edit is answered, not read
POLL_TIMEOUT = 25


@dataclass(frozen=True)
class Backoff:
    """How long to wait between attempts to reach the Bot API: `first` seconds, doubling, at most `cap`."""

    first: float = 1.0
    cap: float = 60.0

    def delays(self) -> Iterator[float]:
        delay = self.first
        while True:
            yield delay
            delay = min(delay * 2, self.cap)


UNREACHABLE = (
    "Telegram is unreachable (%s: %s); the web chat serves meanwhile, and the bot starts once the Bot API "
    "answers (retrying with backoff, every %g s at most)"
)


def webhook_path(settings: Settings) -> str | None:
    return urlparse(settings.telegram_webhook_url).path or "/" if settings.telegram_webhook_url else None


class TelegramChannel:
    def __init__(self, court: Court, settings: Settings, backoff: Backoff = Backoff()) -> None:
        assert settings.telegram_token
        self.court, self.settings, self.backoff = court, settings, backoff
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
        self._starter: asyncio.Task[None] | None = None
        self._attempted = asyncio.Event()
        self.started = False

    async def launch(self, first_wait: float = 10.0) -> None:
        """Start the bot in the background, retrying until the Bot API answers: the court serves
        meanwhile. Waits up to `first_wait` s for the first attempt, so a reachable bot is up with the court."""
        self._starter = asyncio.create_task(self._start_when_reachable())
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(first_wait):
                await self._attempted.wait()

    async def _start_when_reachable(self) -> None:
        delays, failures = self.backoff.delays(), 0
        while not await self._attempt_start(failures):
            failures += 1
            delay = next(delays)
            log.debug("Telegram still unreachable (attempt %d); next attempt in %.2f s", failures, delay)
            await asyncio.sleep(delay)

    async def _attempt_start(self, failures: int) -> bool:
        """One attempt to start the bot: True once started or refused for good, False to retry."""
        try:
            await self.start()
        except (NetworkError, RetryAfter) as error:  # unreachable, timed out, or asked to wait
            await self._undo_start()
            if not failures:
                log.warning(UNREACHABLE, type(error).__name__, error, self.backoff.cap)
            else:
                log.debug("Telegram still unreachable: %s: %s", type(error).__name__, error)
            if isinstance(error, RetryAfter):
                await asyncio.sleep(retry_seconds(error))
            return False
        except TelegramError as error:  # refused for good (a bad token or webhook URL): no retry
            await self._undo_start()
            log.error(
                "Telegram refused to start the bot (%s: %s); the web chat serves without it. "
                "Check TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_URL.",
                type(error).__name__,
                error,
            )
            return True
        finally:
            self._attempted.set()
        if failures:
            log.warning("Telegram is reachable again: the bot has started")
        return True

    async def _undo_start(self) -> None:
        """Back to not started after a failed attempt, with no connection left open."""
        self.court.router.channels.pop("telegram", None)
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        await self.app.bot.shutdown()  # its HTTP sessions, opened before getMe failed (the app had not initialized)

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.inbound.handle(update)

    async def start(self) -> None:
        await self.app.initialize()
        await self.app.start()
        self.court.telegram_username = self.court.service.telegram_username = self.app.bot.username
        webapp_url = f"{self.settings.public_url.rstrip('/')}/" if self.settings.public_url else None
        self.court.router.channels["telegram"] = TelegramSender(
            self.app.bot, self.court.catalog, self.court.clock, webapp_url, self.court.service.blobs.get
        )
        await self._register_commands()
        if self.settings.telegram_webhook_url:
            await self.app.bot.set_webhook(
                self.settings.telegram_webhook_url, secret_token=self.secret, allowed_updates=UPDATE_KINDS
            )
        else:
            await self.app.bot.delete_webhook()
            self._poller = asyncio.create_task(self._poll())
        self.started = True

    async def _register_commands(self) -> None:
        """The command menu in both languages (and English as the default)."""
        for language in ("zh", "en", None):
            locale = language or "en"
            commands = [BotCommand(c, self.court.catalog.render(f"telegram.commands.{c}", locale)) for c in COMMANDS]
            await self.app.bot.set_my_commands(commands, language_code=language)

    async def stop(self) -> None:
        for task in (self._starter, self._poller):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        await self.inbound.drain()
        self.started = False
        await self._undo_start()

    async def _poll(self) -> None:
        offset: int | None = None
        delays, failures = self.backoff.delays(), 0
        while True:
            try:
                updates = await self.app.bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT, allowed_updates=UPDATE_KINDS
                )
            except TelegramError as error:
                failures += 1
                if failures == 1:
                    log.warning(
                        "Telegram's getUpdates failed (%s: %s); retrying with backoff, every %g s at most",
                        type(error).__name__,
                        error,
                        self.backoff.cap,
                    )
                delay = retry_seconds(error) if isinstance(error, RetryAfter) else next(delays)
                log.debug("getUpdates failed (%d in a row); next attempt in %.2f s", failures, delay)
                await asyncio.sleep(delay)
                continue
            if failures:
                log.warning("Telegram answers getUpdates again")
                delays, failures = self.backoff.delays(), 0
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
        if not self.started:
            return web.Response(status=503, text="starting")
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given, self.secret):
            return web.Response(status=403, text="forbidden")
        try:
            data = parse_json(await request.text())  # depth-limited (JsonRefused is a ValueError)
            update = Update.de_json(data, self.app.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="bad update")
        if update is not None:
            await self.app.process_update(update)
        return web.Response(text="ok")
