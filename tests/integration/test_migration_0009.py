"""Migration 0009: cases get their judge; a deadline may wait unstarted for its document's service.
Deadlines set before it keep their end and stay started; going back drops only unstarted ones."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from alembic import command
from sqlalchemy.engine import make_url

from storage.migrate import alembic_config, upgrade
from tests.support.court import fresh_pg_database

CASE_SQL = (
    "INSERT INTO cases (id, court_code, reference, flow_id, flow_version, stage, status, state, version, "
    "created_at, updated_at) VALUES "
)
DEADLINE_SQL = "INSERT INTO deadlines (case_id, kind, stage, stage_seq, due_at, status, rule, warnings) VALUES "
DUE = datetime(2026, 12, 7, 15, 59, 59, tzinfo=UTC)


def test_on_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "court.db"
    url = f"sqlite:///{path}"
    upgrade(url, "0008")
    with sqlite3.connect(path) as db:  # foreign keys are off on a plain connection
        db.execute(CASE_SQL + "('c', 'z', 'r', 'filing', 3, 'fee_pending', 'FEE_PENDING', 'x', 1, ?1, ?1)", (str(DUE),))
        db.execute(DEADLINE_SQL + "('c', 'payment', 'fee_pending', 5, ?, 'pending', 'FM 22', '')", (str(DUE),))
    upgrade(url)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT judge_id, judge_assigned_at FROM cases").fetchall() == [(None, None)]
        kept = db.execute("SELECT status, due_at IS NOT NULL, served_messages, starts_on FROM deadlines").fetchall()
        assert kept == [("pending", 1, "", None)]
        db.execute(
            "INSERT INTO deadlines (case_id, kind, stage, stage_seq, due_at, status, rule, warnings, starts_on, "
            "served_to, duration, served_messages) VALUES "
            "('c', 'answer', 'defendant_joined', 9, NULL, 'unstarted', 'CPL 128', '', 'filing.defendant_welcome', "
            "'defendant', 'P15D', '')"
        )
    command.downgrade(alembic_config(url), "0008")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT kind FROM deadlines").fetchall() == [("payment",)]


async def test_on_postgres() -> None:
    async with fresh_pg_database() as url:
        await asyncio.to_thread(upgrade, url, "0008")
        parts = make_url(url)
        db = await asyncpg.connect(host=parts.host, port=parts.port, user=parts.username, database=parts.database)
        try:
            await db.execute("SET session_replication_role = replica")  # no foreign keys for the fixture rows
            await db.execute(
                CASE_SQL + "('c', 'z', 'r', 'filing', 3, 'fee_pending', 'FEE_PENDING', 'x', 1, $1, $1)", DUE
            )
            await db.execute(DEADLINE_SQL + "('c', 'payment', 'fee_pending', 5, $1, 'pending', 'FM 22', '')", DUE)
            await asyncio.to_thread(upgrade, url)
            rows = await db.fetch("SELECT status, due_at, served_messages, starts_on FROM deadlines")
            judges = await db.fetch("SELECT judge_id FROM cases")
        finally:
            await db.close()
    assert [tuple(r) for r in rows] == [("pending", DUE, "", None)]
    assert [r["judge_id"] for r in judges] == [None]
