"""Migration 0007 stamps `received_at` on the cases the court already had (a draft stays unstamped)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storage.migrate import upgrade


def test_cases_past_filing_count_as_received_from_their_last_change(tmp_path: Path) -> None:
    path = tmp_path / "court.db"
    upgrade(f"sqlite:///{path}", "0006")
    cases = [
        ("draft", "DRAFT", "2026-11-01 10:00:00"),
        ("waiting", "IDENTITY_MISMATCH", "2026-11-02 10:00:00"),
        ("review", "FILING_REVIEW", "2026-11-03 10:00:00"),
        ("served", "SERVING_DEFENDANT", "2026-11-04 10:00:00"),
    ]
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO cases (id, court_code, reference, flow_id, flow_version, stage, status, state, version, "
            "created_at, updated_at) VALUES (?1, 'c', ?1, 'filing', 3, 's', ?2, 'x', 1, ?3, ?3)",
            cases,
        )
    upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as db:
        received = dict(db.execute("SELECT id, received_at FROM cases").fetchall())
    assert received == {
        "draft": None,
        "waiting": None,
        "review": "2026-11-03 10:00:00",
        "served": "2026-11-04 10:00:00",
    }
