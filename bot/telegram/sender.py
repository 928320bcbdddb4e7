"""Court messages to Telegram through the Bot API; flood limits and blocks become routing facts."""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, WebAppInfo
from telegram.error import BadRequest, Forbidden, RetryAfter

from bot.telegram.render import OutgoingMessage, render
from court.routing import Interrupted, RetryLater, Unreachable
from flows.texts import Catalog
from gateway.frames import render_message


def keyboard_markup(rows: list[list[dict[str, Any]]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    b["text"],
                    callback_data=b.get("callback_data"),
                    web_app=WebAppInfo(b["web_app"]["url"]) if "web_app" in b else None,
                )
                for b in row
            ]
            for row in rows
        ]
    )


def retry_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


Files = Callable[[str], Awaitable[bytes]]
"""A stored file's content by its SHA-256 (the court's blob store)."""


class TelegramSender:
    channel = "telegram"

    def __init__(
        self,
        bot: Bot,
        catalog: Catalog,
        clock: Callable[[], datetime],
        webapp_url: str | None = None,
        files: Files | None = None,
    ) -> None:
        self.bot, self.catalog, self.clock, self.webapp_url = bot, catalog, clock, webapp_url
        self.files = files

    async def send(self, message: dict[str, Any], external_id: str, locale: str) -> None:
        """Send the message, in parts if it is long; a retry resumes at the part that failed."""
        frame = render_message(message, locale, self.catalog)
        resume = message.get("resume") or {}
        done = resume.get("parts_sent", 0) if resume.get("channel") == self.channel else 0
        pieces = render(frame, message["text"], self.clock(), locale, self.webapp_url)
        for index, piece in enumerate(pieces[done:], start=done):
            try:
                await self.send_piece(int(external_id), piece)
            except RetryLater as wait:
                raise RetryLater(wait.seconds, self.channel, index) from None
            except Unreachable:
                raise  # the account is gone: another channel takes the whole message
            except Exception as error:
                if index == 0:
                    raise
                raise Interrupted(error, self.channel, index) from error

    async def notify(self, external_id: str, text: str) -> None:
        """A short notice that is not a court message (nothing to record in the outbox)."""
        await self.bot.send_message(int(external_id), text)

    async def send_piece(self, chat_id: int, piece: OutgoingMessage) -> None:
        try:
            if piece.document is not None:
                await self._send_document(chat_id, piece)
                return
            await self.bot.send_message(
                chat_id, piece.text, reply_markup=keyboard_markup(piece.keyboard), protect_content=piece.protect
            )
        except RetryAfter as error:
            raise RetryLater(retry_seconds(error)) from None
        except Forbidden as error:
            raise Unreachable(error.message) from None
        except BadRequest as error:
            if "chat not found" in error.message.lower():
                raise Unreachable(error.message) from None
            raise

    async def _send_document(self, chat_id: int, piece: OutgoingMessage) -> None:
        """The signed file the court issued, as stored (identical bytes), with protect_content."""
        assert piece.document is not None
        if self.files is None:
            raise RuntimeError("this sender has no access to the court's stored files")
        content = await self.files(piece.document["sha256"])
        document = InputFile(content, filename=piece.document["name"])
        await self.bot.send_document(chat_id, document, caption=piece.text, protect_content=piece.protect)
