"""Migration 0007 stamps `received_at` on the cases the court already had: from the case's first
message to the court, so a filing that went back to IDENTITY_MISMATCH after the court had it
counts, and a draft or a filing routed elsewhere before submission does not."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from storage.migrate import upgrade
from tests.support.court import fresh_pg_database

CASES = [
    ("draft", "DRAFT"),
    ("routed", "ROUTED_ELSEWHERE"),
    ("waiting", "IDENTITY_MISMATCH"),
    ("review", "FILING_REVIEW"),
]
MESSAGES = [  # case, role, day: the plaintiff's prompts do not count, the court's first does
    ("draft", "plaintiff", 1),
    ("routed", "plaintiff", 1),
    ("waiting", "plaintiff", 1),
    ("waiting", "court", 2),
    ("waiting", "court", 5),
    ("review", "court", 3),
]
EXPECTED = {"draft": None, "routed": None, "waiting": 2, "review": 3}


def _at(day: int) -> datetime:
    return datetime(2026, 11, day, 10, tzinfo=UTC)


def test_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'court.db'}"
    upgrade(url, "0006")
    with sqlite3.connect(tmp_path / "court.db") as db:  # foreign keys are off on a plain connection
        db.executemany(
            "INSERT INTO cases (id, court_code, reference, flow_id, flow_version, stage, status, state, version, "
            "created_at, updated_at) VALUES (?1, 'c', ?1, 'filing', 3, 's', ?2, 'x', 1, ?3, ?3)",
            [(case, status, str(_at(1))) for case, status in CASES],
        )
        db.executemany(
            "INSERT INTO outbox (case_id, role, payload, status, attempts, created_at, available_at) "
            "VALUES (?, ?, 'x', 'sent', 1, ?3, ?3)",
            [(case, role, _at(day).strftime("%Y-%m-%d %H:%M:%S.000000")) for case, role, day in MESSAGES],
        )
    upgrade(url)
    with sqlite3.connect(tmp_path / "court.db") as db:
        received = dict(db.execute("SELECT id, received_at FROM cases").fetchall())
    assert {k: v and int(v[8:10]) for k, v in received.items()} == EXPECTED


async def test_on_postgres() -> None:
    async with fresh_pg_database() as url:
        await asyncio.to_thread(upgrade, url, "0006")
        parts = make_url(url)
        db = await asyncpg.connect(host=parts.host, port=parts.port, user=parts.username, database=parts.database)
        try:
            for case, status in CASES:
                await db.execute(
                    "INSERT INTO cases (id, court_code, reference, flow_id, flow_version, stage, status, state, "
                    "version, created_at, updated_at) VALUES ($1, 'c', $1, 'filing', 3, 's', $2, 'x', 1, $3, $3)",
                    case,
                    status,
                    _at(1),
                )
            for case, role, day in MESSAGES:
                await db.execute(
                    "INSERT INTO outbox (case_id, role, payload, status, attempts, parts_sent, created_at, "
                    "available_at) VALUES ($1, $2, 'x', 'sent', 1, 0, $3, $3)",
                    case,
                    role,
                    _at(day),
                )
            await asyncio.to_thread(upgrade, url)
            rows = await db.fetch("SELECT id, received_at FROM cases")
        finally:
            await db.close()
    assert {r["id"]: r["received_at"] and r["received_at"].day for r in rows} == EXPECTED
