"""Structured JSON logs carrying a request id and case id, and never personal data."""

from __future__ import annotations

import contextvars
import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
case_id: contextvars.ContextVar[str] = contextvars.ContextVar("case_id", default="-")

REDACTED = "<redacted>"
# A Bot API URL carries the bot token as a path segment: /bot<digits>:<secret>/getMe, /file/bot<...>/...
_BOT_TOKEN_SEGMENT = re.compile(r"(?<=/bot)\d+:[A-Za-z0-9_-]+")

_SAFE_EXTRAS = ("payment_id", "code", "channel", "deadline_id", "count", "worker", "path", "status")


class JsonFormatter(logging.Formatter):
    """One JSON object per line. Only whitelisted extras are written, so answers never leak."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": request_id.get(),
            "case_id": case_id.get(),
        }
        for key in _SAFE_EXTRAS:
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["error"] = getattr(record, "error_repr", None) or repr(record.exc_info[1])
        return json.dumps(entry, ensure_ascii=False)


class RedactSecrets(logging.Filter):
    """Takes the given secrets (the bot token) and any `/bot<digits>:<token>` URL segment out of a
    record's message, arguments, traceback and stack, whichever logger wrote it."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return _BOT_TOKEN_SEGMENT.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the message: keep both, redacted
            message = f"{record.msg} {record.args}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.error_repr = self.redact(repr(record.exc_info[1]))
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def configure(level: str, secrets: Iterable[str | None] = ()) -> None:
    """JSON lines on stderr at `level`; every handler redacts `secrets` (the bot token) and Bot API
    URLs' token segments, at any level (python-telegram-bot logs its API URL at DEBUG)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    redact = RedactSecrets(secrets)
    for each in root.handlers:
        each.addFilter(redact)
    root.setLevel(level)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # it logs every tick at INFO
    logging.getLogger("httpx").setLevel(logging.WARNING)  # the bot's HTTP calls carry the token in the URL
