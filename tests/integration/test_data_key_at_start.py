"""A wrong data key is found at start (issue 15 item 13): the court refuses to serve on data it
cannot open, says to put the old key in MICROCOURT_PREVIOUS_SECRET_KEYS, and /healthz reports it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer, unused_port
from sqlalchemy import update

from app.bootstrap import WrongDataKey, build_court
from app.cli import main
from app.web import build_app
from court.commands import OpenCase
from gateway.requests import COURT_KEY
from gateway.settings import Settings
from storage.models import Case
from storage.sealing import Sealer
from tests.support.clock import FakeClock
from tests.support.court import TEST_KEY, court_settings, demo_person, started_court

OTHER_KEY = Sealer.new_key()


async def _sealed_under_test_key(tmp_path: Path, clock: FakeClock) -> tuple[Settings, str]:
    """A court's data directory with a draft case sealed under TEST_KEY: (its settings, case id)."""
    settings = court_settings(tmp_path)
    court = await started_court(settings, clock)
    try:
        plaintiff = await demo_person(court, "litigant_a")
        case_id = str((await court.service.open_case(OpenCase(plaintiff.id, "filing", "test"))).case_id)
    finally:
        await court.close()
    return settings, case_id


async def test_a_court_on_data_sealed_under_another_key_is_refused(tmp_path: Path, clock: FakeClock) -> None:
    """Key B on data sealed under key A: refused at start, naming MICROCOURT_PREVIOUS_SECRET_KEYS."""
    settings, _case = await _sealed_under_test_key(tmp_path, clock)
    with pytest.raises(WrongDataKey) as refused:
        await build_court(replace(settings, secret_key=OTHER_KEY), clock)
    assert "MICROCOURT_PREVIOUS_SECRET_KEYS" in str(refused.value) and "microcourt keys rotate" in str(refused.value)


async def test_the_old_key_among_the_previous_keys_lets_the_court_start(tmp_path: Path, clock: FakeClock) -> None:
    """Key B with key A in MICROCOURT_PREVIOUS_SECRET_KEYS: the court starts and reads the case."""
    settings, case_id = await _sealed_under_test_key(tmp_path, clock)
    court = await build_court(replace(settings, secret_key=OTHER_KEY, previous_secret_keys=(TEST_KEY,)), clock)
    try:
        async with court.store.tx() as tx:
            case = await tx.get_case(case_id)
            assert case is not None and tx.open_state(case)
    finally:
        await court.close()


async def test_healthz_reports_data_the_key_does_not_open(tmp_path: Path, clock: FakeClock) -> None:
    """/healthz is 200 while the key opens the sealed data, 503 with the reason once a row sealed
    under another key is there (another process started with a different key)."""
    settings, case_id = await _sealed_under_test_key(tmp_path, clock)
    async with TestClient(TestServer(build_app(settings, clock, ticker=False))) as client:
        assert (await client.get("/healthz")).status == 200
        court = client.server.app[COURT_KEY]
        async with court.store.tx() as tx:
            await tx.session.execute(update(Case).where(Case.id == case_id).values(state=Sealer(OTHER_KEY).seal({})))
        answer = await client.get("/healthz")
        body = await answer.json()
        assert answer.status == 503 and body["ok"] is False and "MICROCOURT_PREVIOUS_SECRET_KEYS" in body["text"]


def test_serve_without_a_key_never_says_it_is_serving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`serve` with no MICROCOURT_SECRET_KEY (not demo) exits with how to make one, and says nothing
    about serving."""
    monkeypatch.setenv("MICROCOURT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MICROCOURT_SECRET_KEY", raising=False)
    monkeypatch.delenv("MICROCOURT_DEMO", raising=False)
    with pytest.raises(SystemExit, match="microcourt secret-key"):
        main(["serve", "--port", str(unused_port())])
    assert "serving on" not in capsys.readouterr().out


async def test_serve_with_the_wrong_key_exits_with_the_reason(tmp_path: Path, clock: FakeClock) -> None:
    """`serve` on data sealed under another key exits 2 with the message, never "serving on"."""
    settings, _case = await _sealed_under_test_key(tmp_path, clock)
    env = {
        **os.environ,
        "MICROCOURT_DATA_DIR": str(settings.data_dir),
        "MICROCOURT_SECRET_KEY": OTHER_KEY,
        "MICROCOURT_PORT": str(unused_port()),
        "MICROCOURT_DEMO": "1",
    }
    env.pop("MICROCOURT_PREVIOUS_SECRET_KEYS", None)
    command = [sys.executable, "-m", "app.cli", "serve"]
    done = await asyncio.to_thread(
        subprocess.run, command, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2, done.stderr
    assert "MICROCOURT_PREVIOUS_SECRET_KEYS" in done.stderr and "serving on" not in done.stdout
