"""The Bot API unreachable does not take the court down (issue 15 item 2): the web chat serves,
one plain line says Telegram is unreachable, and the bot starts (or polls again) once it answers."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer, unused_port

from app.web import TELEGRAM_KEY, build_app
from bot.telegram.runner import Backoff, TelegramChannel
from tests.support.clock import FakeClock
from tests.support.court import court_settings
from tests.support.telegram_standin import BotApiStandIn

FAST = Backoff(first=0.01, cap=0.05)  # the backoff's shape, without the test waiting for it
WAIT_SECONDS = 20


async def _until(condition: Callable[[], bool]) -> None:
    """Wait until `condition` holds (the bot works in the background), failing after WAIT_SECONDS."""
    async with asyncio.timeout(WAIT_SECONDS):
        while not condition():  # noqa: ASYNC110 - the condition is another task's progress, bounded
            await asyncio.sleep(0.01)


def _lines(caplog: pytest.LogCaptureFixture, level: int, contains: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "microcourt.telegram" and r.levelno == level and contains in r.getMessage()
    ]


def _no_unclosed_session(caplog: pytest.LogCaptureFixture) -> None:
    gc.collect()
    assert not [r for r in caplog.records if "Unclosed" in r.getMessage()]


async def _court(stack: AsyncExitStack, tmp_path: Path, clock: FakeClock, api: BotApiStandIn) -> TestClient:  # type: ignore[type-arg]
    """The court in polling mode with its Bot API at the stand-in's port, started or not."""
    settings = replace(
        court_settings(tmp_path), telegram_token=api.token, telegram_api_base_url=f"http://127.0.0.1:{api.port}"
    )
    app = build_app(settings, clock, ticker=False, telegram_backoff=FAST)
    return await stack.enter_async_context(TestClient(TestServer(app)))


@pytest.fixture
async def stack() -> AsyncIterator[AsyncExitStack]:
    async with AsyncExitStack() as stack:
        yield stack


async def test_the_court_serves_while_the_bot_api_is_down_and_starts_the_bot_when_it_answers(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture, stack: AsyncExitStack
) -> None:
    """Bot API on a closed port: /healthz and the web chat's /api/me answer, one warning line is
    logged however often the start is retried; the stand-in comes up on that port and the bot starts."""
    caplog.set_level(logging.DEBUG, logger="microcourt.telegram")
    api = BotApiStandIn(port=unused_port())
    stack.push_async_callback(api.stop)  # stopped after the court
    client = await _court(stack, tmp_path, clock, api)
    assert (await client.get("/healthz")).status == 200
    assert (await client.post("/api/demo/signin", json={"person": "litigant_a"})).status == 200
    assert (await client.get("/api/me")).status == 200
    await _until(lambda: len(_lines(caplog, logging.DEBUG, "still unreachable")) >= 3)
    assert len(_lines(caplog, logging.WARNING, "Telegram is unreachable")) == 1
    await api.start()
    await api.wait_for_call(lambda c: c.method == "getUpdates", timeout=WAIT_SECONDS)
    channel = client.server.app[TELEGRAM_KEY]
    assert isinstance(channel, TelegramChannel) and channel.started
    assert [c.method for c in api.calls][:2] == ["getMe", "setMyCommands"]
    assert _lines(caplog, logging.WARNING, "reachable again")
    await stack.aclose()
    _no_unclosed_session(caplog)


async def test_polling_survives_the_bot_api_going_away_and_coming_back(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture, stack: AsyncExitStack
) -> None:
    """The Bot API stops while the bot polls: one warning, retries with backoff, the web chat
    serves; it comes back on the same port and the bot polls and answers again."""
    caplog.set_level(logging.DEBUG, logger="microcourt.telegram")
    api = BotApiStandIn(port=unused_port())
    await api.start()
    stack.push_async_callback(api.stop)
    client = await _court(stack, tmp_path, clock, api)
    await api.wait_for_call(lambda c: c.method == "getUpdates", timeout=WAIT_SECONDS)
    await api.stop()
    await _until(lambda: len(_lines(caplog, logging.DEBUG, "getUpdates failed")) >= 3)
    assert len(_lines(caplog, logging.WARNING, "getUpdates failed")) == 1
    assert (await client.get("/healthz")).status == 200
    since = len(api.calls)
    await api.start()
    api.push_update(api.command_update(777002, "help"))
    await api.wait_for_call(lambda c: c.method == "sendMessage" and c.ok is not None, since=since, timeout=WAIT_SECONDS)
    assert _lines(caplog, logging.WARNING, "answers getUpdates again")
    await stack.aclose()
    _no_unclosed_session(caplog)
