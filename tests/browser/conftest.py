"""The fixture browser tests share when they build the case through the service layer first."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from app.web import build_app
from tests.support.browser_helpers import require_chromium
from tests.support.clock import FakeClock
from tests.support.court import court_settings


@pytest.fixture
async def server(tmp_path: Path, clock: FakeClock) -> AsyncIterator[TestServer]:
    """The demo court in this process (no ticker: the test sweeps and jumps the clock), so a test
    can bring a case to the point it shows in Chromium before the page opens."""
    require_chromium()
    async with TestServer(build_app(court_settings(tmp_path), clock, ticker=False)) as test_server:
        yield test_server
