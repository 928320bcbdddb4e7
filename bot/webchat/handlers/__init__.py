"""The web chat's frame handlers, by feature: each translates a frame, calls a command or a read
model, and renders the answer. `HANDLERS` is the socket's dispatch table, by frame type."""

from __future__ import annotations

from bot.webchat.connection import Handler
from bot.webchat.handlers import agency, cases, chat, clerk, deadlines, linking, service_records

HANDLERS: dict[str, Handler] = {
    **chat.HANDLERS,
    **cases.HANDLERS,
    **linking.HANDLERS,
    **agency.HANDLERS,
    **clerk.HANDLERS,
    **service_records.HANDLERS,
    **deadlines.HANDLERS,
}
