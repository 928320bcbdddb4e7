"""Which handler takes an update: a slash command, a menu button, an answer, a file, or
something the court does not read."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, Message, Update

from bot.telegram import answers, files, menu, slash_commands
from bot.telegram.turn import Turn

# what a person may send that the court does not read: said so (a pinned message, a service
# notice and the like are no answer at all, and get none)
UNREAD_KINDS = ("sticker", "animation", "location", "venue", "contact", "poll", "dice")
MENU_KINDS = ("o:", "n:", "l:", "i:", "k:", "r:", "w:", "v:", "y:")  # menu buttons, each claimed once


async def on_update(turn: Turn, update: Update) -> None:
    if update.callback_query is not None:
        await on_button(turn, update.callback_query)
    elif update.message is not None:
        await on_message(turn, update.message)
    elif (edited := update.edited_message) is not None and (edited.text or edited.caption):
        # once per message, however often it is edited (a live location's moves are no edit)
        await not_read(turn, "telegram.edit_not_read", f"edit:{edited.chat_id}:{edited.message_id}")


async def on_message(turn: Turn, message: Message) -> None:
    if message.text and message.text.startswith("/"):
        if await turn.claim(turn.key):
            await on_command(turn, message.text)
        return
    attachment = files.attachment(message)
    if attachment is not None:
        await files.on_file(turn, message, attachment)
    elif message.text is not None:
        await answers.on_text(turn, message.text)
    elif any(getattr(message, kind) for kind in UNREAD_KINDS):  # said so, not left unanswered
        await not_read(turn, "telegram.kind_not_read", turn.key)


async def not_read(turn: Turn, text: str, once: str) -> None:
    """Something the court does not read: say what it reads instead (once per `once`)."""
    if await turn.claim(once):
        await turn.say(text, max_mb=turn.court.settings.max_upload_mb)


async def on_command(turn: Turn, text: str) -> None:
    name, _, arg = text[1:].partition(" ")
    handler = slash_commands.HANDLERS.get(name.split("@")[0].lower(), slash_commands.on_help)
    await handler(turn, arg.strip())


async def on_button(turn: Turn, query: CallbackQuery) -> None:
    await query.answer()
    data = query.data or ""
    if not data.startswith(MENU_KINDS):
        await answers.on_press(turn, data)
    elif await turn.claim(turn.key):
        kind, _, arg = data.partition(":")
        handler: Callable[[Turn, str], Awaitable[None]] | None = menu.HANDLERS.get(kind)
        if handler is not None:
            await handler(turn, arg)
