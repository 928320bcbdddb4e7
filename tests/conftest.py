"""Fixtures shared by every suite: a court on SQLite, and on PostgreSQL/Redis when present (their
helpers, and every test double, live in tests/support).

Tests that need PostgreSQL or Redis skip locally with the reason when the service is absent,
and fail in CI (CI=true), where `.ci/run` starts both.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gateway.court import Court
from tests.support.clock import FakeClock
from tests.support.court import (
    court_settings,
    fresh_pg_database,
    started_court,
)
from tests.support.telegram_standin import BotApiStandIn


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def court(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Court]:
    """A demo court on an embedded SQLite file."""
    court = await started_court(court_settings(tmp_path), clock)
    yield court
    await court.close()


@pytest.fixture
async def pg_database_url() -> AsyncIterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    async with fresh_pg_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
async def any_court(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> AsyncIterator[Court]:
    """The same court on the embedded SQLite default and on real PostgreSQL (contract suites)."""
    if request.param == "sqlite":
        court = await started_court(court_settings(tmp_path), clock)
        yield court
        await court.close()
        return
    async with fresh_pg_database() as url:
        court = await started_court(court_settings(tmp_path, url), clock)
        yield court
        await court.close()


@pytest.fixture
async def pg_court(tmp_path: Path, clock: FakeClock, pg_database_url: str) -> AsyncIterator[Court]:
    """A demo court on real PostgreSQL."""
    court = await started_court(court_settings(tmp_path, pg_database_url), clock)
    yield court
    await court.close()


@pytest.fixture
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns when building RetryAfter unless time periods are timedeltas (warnings fail)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    """A local Bot API stand-in, started and stopped around the test."""
    async with BotApiStandIn() as api:
        yield api
