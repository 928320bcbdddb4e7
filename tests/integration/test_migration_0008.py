"""Migration 0008: a message sent before it to the web inbox of someone who uses the web chat
counts as having reached them there (for the e-service certificate); nobody else's does."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from storage.migrate import upgrade
from tests.conftest import fresh_pg_database

ACCOUNTS = [("web", "web-user", "uses-web"), ("telegram", "777001", "telegram-only")]
ROWS = [  # id, person, channel, status
    (1, "uses-web", "web", "sent"),
    (2, "telegram-only", "web", "sent"),  # a fallback into an inbox never used
    (3, "telegram-only", "telegram", "sent"),
    (4, "uses-web", "web", "pending"),
]
EXPECTED = {1: "inbox", 2: None, 3: None, 4: None}
ACCOUNT_SQL = "INSERT INTO channel_accounts (channel, external_id, person_id, last_used_at) VALUES "
ROW_SQL = (
    "INSERT INTO outbox (id, case_id, role, person_id, payload, status, attempts, parts_sent, channel, "
    "created_at, available_at) VALUES "
)


def test_on_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "court.db"
    upgrade(f"sqlite:///{path}", "0007")
    with sqlite3.connect(path) as db:  # foreign keys are off on a plain connection
        db.executemany(ACCOUNT_SQL + "(?, ?, ?, '2026-11-01 00:00:00')", ACCOUNTS)
        db.executemany(
            ROW_SQL + "(?, 'c', 'plaintiff', ?, 'x', ?4, 1, 0, ?3, '2026-11-01 00:00:00', '2026-11-01 00:00:00')",
            ROWS,
        )
    upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as db:
        assert dict(db.execute("SELECT id, delivered_to FROM outbox").fetchall()) == EXPECTED


async def test_on_postgres() -> None:
    async with fresh_pg_database() as url:
        await asyncio.to_thread(upgrade, url, "0007")
        parts = make_url(url)
        db = await asyncpg.connect(host=parts.host, port=parts.port, user=parts.username, database=parts.database)
        try:
            await db.execute("SET session_replication_role = replica")  # no foreign keys for the fixture rows
            await db.executemany(ACCOUNT_SQL + "($1, $2, $3, now())", ACCOUNTS)
            await db.executemany(
                ROW_SQL + "($1, 'c', 'plaintiff', $2, 'x', $4, 1, 0, $3, now(), now())",
                ROWS,
            )
            await asyncio.to_thread(upgrade, url)
            rows = await db.fetch("SELECT id, delivered_to FROM outbox")
        finally:
            await db.close()
    assert {r["id"]: r["delivered_to"] for r in rows} == EXPECTED
