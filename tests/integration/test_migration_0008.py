"""Migration 0008: a message sent before it to the web inbox of someone who had used the web chat
by then counts as having reached them there (for the e-service certificate); no other is backdated."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from storage.migrate import upgrade
from tests.support.court import fresh_pg_database

ACCOUNTS = [  # channel, external id, person, last used
    ("web", "w1", "web-before", "2026-11-01 00:00:00"),
    ("web", "w2", "web-after", "2026-11-09 00:00:00"),  # first seen on the web after the row
    ("web", "w3", "signed-in-before", "2026-11-09 00:00:00"),  # ...but signed in before it
    ("telegram", "777001", "telegram-only", "2026-11-01 00:00:00"),
]
SESSIONS = [("h1", "signed-in-before", "2026-11-01 00:00:00", "2026-12-01 00:00:00")]
ROWS = [  # id, person, channel, status, sent at
    (1, "web-before", "web", "sent", "2026-11-02 00:00:00"),
    (2, "web-after", "web", "sent", "2026-11-02 00:00:00"),
    (3, "signed-in-before", "web", "sent", "2026-11-02 00:00:00"),
    (4, "telegram-only", "web", "sent", "2026-11-02 00:00:00"),  # a fallback into an inbox never used
    (5, "telegram-only", "telegram", "sent", "2026-11-02 00:00:00"),
    (6, "web-before", "web", "pending", None),
]
EXPECTED = {1: "inbox", 2: None, 3: "inbox", 4: None, 5: None, 6: None}
ACCOUNT_SQL = "INSERT INTO channel_accounts (channel, external_id, person_id, last_used_at) VALUES "
SESSION_SQL = "INSERT INTO web_sessions (token_hash, person_id, created_at, expires_at) VALUES "
ROW_SQL = (
    "INSERT INTO outbox (id, case_id, role, person_id, payload, status, attempts, parts_sent, channel, "
    "sent_at, created_at, available_at) VALUES "
)


def test_on_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "court.db"
    upgrade(f"sqlite:///{path}", "0007")
    with sqlite3.connect(path) as db:  # foreign keys are off on a plain connection
        db.executemany(ACCOUNT_SQL + "(?, ?, ?, ?)", ACCOUNTS)
        db.executemany(SESSION_SQL + "(?, ?, ?, ?)", SESSIONS)
        db.executemany(
            ROW_SQL + "(?, 'c', 'plaintiff', ?, 'x', ?4, 1, 0, ?3, ?5, '2026-11-01 00:00:00', '2026-11-01 00:00:00')",
            ROWS,
        )
    upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as db:
        assert dict(db.execute("SELECT id, delivered_to FROM outbox").fetchall()) == EXPECTED


async def test_on_postgres() -> None:
    from datetime import UTC, datetime

    def at(text: str | None) -> datetime | None:
        return datetime.fromisoformat(text).replace(tzinfo=UTC) if text else None

    async with fresh_pg_database() as url:
        await asyncio.to_thread(upgrade, url, "0007")
        parts = make_url(url)
        db = await asyncpg.connect(host=parts.host, port=parts.port, user=parts.username, database=parts.database)
        try:
            await db.execute("SET session_replication_role = replica")  # no foreign keys for the fixture rows
            await db.executemany(ACCOUNT_SQL + "($1, $2, $3, $4)", [(*a[:3], at(a[3])) for a in ACCOUNTS])
            await db.executemany(SESSION_SQL + "($1, $2, $3, $4)", [(*s[:2], at(s[2]), at(s[3])) for s in SESSIONS])
            await db.executemany(
                ROW_SQL + "($1, 'c', 'plaintiff', $2, 'x', $4, 1, 0, $3, $5, now(), now())",
                [(*r[:4], at(r[4])) for r in ROWS],
            )
            await asyncio.to_thread(upgrade, url)
            rows = await db.fetch("SELECT id, delivered_to FROM outbox")
        finally:
            await db.close()
    assert {r["id"]: r["delivered_to"] for r in rows} == EXPECTED
