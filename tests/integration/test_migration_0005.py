"""Migration 0005 marks which outbox rows written before it carry a prompt (so the current prompt
of a case paused across the upgrade is still found)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage.migrate import upgrade
from storage.sealing import Sealer
from tests.support.court import TEST_KEY


def test_rows_written_before_0005_get_their_prompt_seq(tmp_path: Path) -> None:
    path = tmp_path / "court.db"
    upgrade(f"sqlite:///{path}", "0004")
    sealer = Sealer(TEST_KEY)
    rows = [
        (1, sealer.seal({"text": "filing.ask_name", "params": {}, "prompt": {"step": "name", "seq": 7}})),
        (2, sealer.seal({"text": "filing.received", "params": {}})),
    ]
    with sqlite3.connect(path) as db:  # foreign keys are off on a plain connection
        db.executemany(
            "INSERT INTO outbox (id, case_id, role, person_id, payload, status, attempts, created_at, available_at) "
            "VALUES (?, 'c', 'plaintiff', 'p', ?, 'sent', 1, '2026-11-01 00:00:00', '2026-11-01 00:00:00')",
            rows,
        )
    with pytest.raises(RuntimeError, match="MICROCOURT_SECRET_KEY"):
        upgrade(f"sqlite:///{path}")  # without the data key the prompts cannot be found: refused
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0004",)]
    upgrade(f"sqlite:///{path}", sealer=sealer)
    with sqlite3.connect(path) as db:
        marked = dict(db.execute("SELECT id, prompt_seq FROM outbox ORDER BY id").fetchall())
    assert marked == {1: 7, 2: None}


def test_an_empty_outbox_migrates_without_the_key(tmp_path: Path) -> None:
    path = tmp_path / "court.db"
    upgrade(f"sqlite:///{path}", "0005")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0005",)]
