"""Telegram Web App `initData` validation (HMAC-SHA256 keyed by the bot token). Pure."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from gateway.requests import parse_json
from storage.text import storable

MAX_AGE = timedelta(hours=1)


class InitDataError(ValueError):
    """`code`: `init_data_missing_hash`, `init_data_bad_hash`, `init_data_stale`, `init_data_malformed`."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class WebAppUser:
    id: int
    first_name: str
    language_code: str | None
    auth_date: datetime


def _secret(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def sign(fields: dict[str, str], bot_token: str) -> str:
    """The `hash` Telegram would put on `fields` (used by tests and the stand-in)."""
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    return hmac.new(_secret(bot_token), check.encode(), hashlib.sha256).hexdigest()


def validate(init_data: str, bot_token: str, now: datetime, max_age: timedelta = MAX_AGE) -> WebAppUser:
    """Check the signature and freshness of `initData`; return who it speaks for."""
    try:
        fields = dict(parse_qsl(init_data, keep_blank_values=True, strict_parsing=True))
    except ValueError:
        raise InitDataError("init_data_malformed") from None
    received = fields.pop("hash", None)
    if not received:
        raise InitDataError("init_data_missing_hash")
    if not hmac.compare_digest(sign(fields, bot_token), received):
        raise InitDataError("init_data_bad_hash")
    try:
        auth_date = datetime.fromtimestamp(int(fields["auth_date"]), UTC)
        user: dict[str, Any] = parse_json(fields["user"])  # depth-limited
        uid = int(user["id"])
        first_name = str(user.get("first_name", ""))
    except (KeyError, ValueError, TypeError, AttributeError):
        raise InitDataError("init_data_malformed") from None
    if not (now - max_age <= auth_date <= now + timedelta(minutes=5)):
        raise InitDataError("init_data_stale")
    if not storable(first_name):  # stored as the person's name: no NUL, no lone surrogate
        raise InitDataError("init_data_malformed")
    language = user.get("language_code")
    return WebAppUser(uid, first_name, language if isinstance(language, str) else None, auth_date)
