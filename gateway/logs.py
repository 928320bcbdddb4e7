"""Structured JSON logs carrying a request id and case id, and never personal data."""

from __future__ import annotations

import contextvars
import json
import logging
from datetime import UTC, datetime

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
case_id: contextvars.ContextVar[str] = contextvars.ContextVar("case_id", default="-")

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
            entry["error"] = repr(record.exc_info[1])
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # it logs every tick at INFO
    logging.getLogger("httpx").setLevel(logging.WARNING)  # the bot's HTTP calls carry the token in the URL
