"""The bot token never reaches a log line, whatever the level and whichever library logs it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from telegram import Bot

from gateway import logs

TOKEN = "5550001234:AAH-secret_part_of_the_bot_token_xyz"
OTHER = "4440009876:AAE-another_bots_token_not_configured"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """`logs.configure` changes the root logger; put it back for the other tests."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    named = {name: logging.getLogger(name).level for name in ("aiohttp.access", "apscheduler", "httpx")}
    yield
    root.handlers[:], root.level = handlers, level
    for name, each in named.items():
        logging.getLogger(name).setLevel(each)


@pytest.mark.usefixtures("restore_logging")
def test_the_bot_token_is_redacted_from_every_logger_at_debug(capsys: pytest.CaptureFixture[str]) -> None:
    """Configured as `serve` does at DEBUG: PTB's "Set Bot API URL", an httpx line, a traceback and
    another bot's URL all reach the log without a token."""
    logs.configure("DEBUG", secrets=(TOKEN,))
    Bot(TOKEN, base_url="http://127.0.0.1:9/bot")  # logs its API URL at DEBUG
    logging.getLogger("telegram.ext.Application").debug("token %s in an argument", TOKEN)
    logging.getLogger("httpx").warning("HTTP Request: POST https://api.telegram.org/bot%s/getMe", TOKEN)
    logging.getLogger("microcourt").info("file at https://api.telegram.org/file/bot%s/photos/1.jpg", OTHER)
    try:
        raise ConnectionError(f"cannot reach http://127.0.0.1:9/bot{TOKEN}/getMe")
    except ConnectionError:
        logging.getLogger("telegram.ext.Updater").exception("network error")
    err = capsys.readouterr().err
    assert "Set Bot API URL" in err and "getMe" in err and "network error" in err and "<redacted>" in err
    for secret in (TOKEN, OTHER, TOKEN.split(":")[1], OTHER.split(":")[1]):
        assert secret not in err


@pytest.mark.usefixtures("restore_logging")
def test_a_traceback_is_redacted_by_a_plain_formatter_too(capsys: pytest.CaptureFixture[str]) -> None:
    """A handler with the standard formatter (a traceback in full) gets the redacted text as well."""
    logs.configure("DEBUG", secrets=(TOKEN,))
    handler = logging.getLogger().handlers[0]
    handler.setFormatter(logging.Formatter("%(message)s"))
    try:
        raise ConnectionError(f"cannot reach /bot{TOKEN}/getUpdates")
    except ConnectionError:
        logging.getLogger("telegram").exception("polling failed for %s", TOKEN)
    err = capsys.readouterr().err
    assert "ConnectionError" in err and "polling failed for <redacted>" in err
    assert TOKEN.split(":")[1] not in err
