"""A bounded schemathesis run against the OpenAPI document (/api/openapi.json): every operation
it describes is called with generated input, signed in and signed out, and nothing answers 5xx.
Derandomized, so a failure here fails the same way on every machine."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import hypothesis
import pytest
import requests
import schemathesis
from aiohttp.test_utils import TestServer
from hypothesis import HealthCheck

from app.openapi import DOCUMENT
from app.web import build_app
from tests.support.clock import FakeClock
from tests.support.court import court_settings

# schemathesis 3 still uses jsonschema's RefResolver, deprecated there (not our code's warning)
pytestmark = pytest.mark.filterwarnings("ignore:jsonschema.RefResolver is deprecated:DeprecationWarning")
EXAMPLES = 10  # per operation and session: the whole run stays well under a minute
# routes whose effect would end the run's own session or need a browser's camera
SKIPPED = {("/api/signout", "POST")}


@pytest.fixture
async def server(tmp_path: Path, clock: FakeClock) -> AsyncIterator[TestServer]:
    async with TestServer(build_app(court_settings(tmp_path), clock, ticker=False)) as test_server:
        yield test_server


def _fuzz(base_url: str, signed_in: bool) -> list[str]:
    """Every described operation, EXAMPLES generated calls each; the 5xx answers found."""
    session = requests.Session()
    if signed_in:
        assert session.post(f"{base_url}/api/demo/signin", json={"person": "litigant_a"}).status_code == 200
    schemathesis.experimental.OPEN_API_3_1.enable()  # our document is 3.1; schemathesis 3 opts in
    schema = schemathesis.from_dict(DOCUMENT, base_url=base_url)
    failures: list[str] = []
    for found in schema.get_all_operations():
        operation = found.ok()
        if (operation.path, operation.method.upper()) in SKIPPED:
            continue

        @hypothesis.given(case=operation.as_strategy())
        @hypothesis.settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case) -> None:
            response = case.call(session=session, timeout=30)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:200]}")

        call()
    return failures


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
async def test_no_described_operation_answers_5xx_to_generated_input(server: TestServer, signed_in: bool) -> None:
    base_url = str(server.make_url("")).rstrip("/")
    failures = await asyncio.to_thread(_fuzz, base_url, signed_in)
    assert failures == []
