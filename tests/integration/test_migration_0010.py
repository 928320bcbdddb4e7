"""Migration 0010 seals the personal data that was stored in plain text (file names, display
names, the clerk's reasons): it needs the data key, leaves the database as it was without it, and
a downgrade opens the values again. On SQLite here; the lead runs PostgreSQL's migration tests."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from identity.models import IdentityDecision
from storage.db import create_engine
from storage.migrate import downgrade, upgrade
from storage.models import AgentMandate, Evidence, Person
from storage.sealing import Sealer
from storage.store import Store

NOW = "2026-11-01 00:00:00"
PLAIN = {
    "people": ("INSERT INTO people (id, display_name, locale, created_at) VALUES ('p1', '张三', 'zh', ?)", "张三"),
    "evidence": (
        "INSERT INTO evidence (id, case_id, uploader_id, name, content_type, size, sha256, chain_hash, blob_key, "
        "received_at) VALUES ('e1', 'c1', 'p1', '名字张三身份证.pdf', 'application/pdf', 1, 'h', 'h', 'h', ?)",
        "名字张三身份证.pdf",
    ),
    "agent_mandates": (
        "INSERT INTO agent_mandates (id, case_id, party_role, party_id, code_hash, status, poa_name, reason, "
        "created_at) VALUES ('m1', 'c1', 'plaintiff', 'p1', 'x', 'refused', '委托书.pdf', '未签名', ?)",
        "委托书.pdf 未签名",
    ),
    "identity_decisions": (
        "INSERT INTO identity_decisions (person_id, purpose, channel, tolerance, liveness, outcome, override_reason, "
        "at) VALUES ('p1', 'verify', 'clerk', 0.5, 'not_checked', 'override_verified', '本人到庭', ?)",
        "本人到庭",
    ),
}
READ_BACK = {
    "people": "SELECT display_name FROM people",
    "evidence": "SELECT name FROM evidence",
    "agent_mandates": "SELECT poa_name || ' ' || reason FROM agent_mandates",
    "identity_decisions": "SELECT override_reason FROM identity_decisions",
}


def _stored(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as db:
        return {table: db.execute(sql).fetchone()[0] for table, sql in READ_BACK.items()}


def _at_0008_with_plain_rows(tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "court.db"
    upgrade(f"sqlite:///{path}", "0008")
    with sqlite3.connect(path) as db:  # foreign keys are off on a plain connection
        for sql, _value in PLAIN.values():
            db.execute(sql, (NOW,))
        db.execute("INSERT INTO people (id, display_name, locale, created_at) VALUES ('p2', '', 'zh', ?)", (NOW,))
    return f"sqlite:///{path}", path


def test_without_the_data_key_it_refuses_and_changes_nothing(tmp_path: Path) -> None:
    url, path = _at_0008_with_plain_rows(tmp_path)
    with pytest.raises(RuntimeError, match="MICROCOURT_SECRET_KEY"):
        upgrade(url)
    assert _stored(path) == {table: value for table, (_sql, value) in PLAIN.items()}


async def test_it_seals_every_value_the_orm_opens_and_a_downgrade_opens_them_again(tmp_path: Path) -> None:
    url, path = await asyncio.to_thread(_at_0008_with_plain_rows, tmp_path)  # Alembic runs its own loop
    sealer = Sealer(Sealer.new_key())
    await asyncio.to_thread(upgrade, url, "head", sealer)
    stored = _stored(path)
    for table, value in stored.items():
        assert all(part.startswith("gAAAAA") for part in value.split(" ")), table
        assert " ".join(str(sealer.open(part)) for part in value.split(" ")) == PLAIN[table][1]
    with sqlite3.connect(path) as db:  # an empty name says nothing about anyone: left as it is
        assert db.execute("SELECT display_name FROM people WHERE id = 'p2'").fetchone()[0] == ""

    store = Store(create_engine(url), sealer)
    try:
        async with store.tx() as tx:
            assert (await tx.session.get(Person, "p1")).display_name == "张三"  # type: ignore[union-attr]
            assert (await tx.session.get(Evidence, "e1")).name == "名字张三身份证.pdf"  # type: ignore[union-attr]
            mandate = await tx.session.get(AgentMandate, "m1")
            assert mandate is not None and (mandate.poa_name, mandate.reason) == ("委托书.pdf", "未签名")
            reason = await tx.session.scalar(select(IdentityDecision.override_reason))
            assert reason == "本人到庭"
    finally:
        await store.close()

    await asyncio.to_thread(downgrade, url, "0008", sealer)
    assert _stored(path) == {table: value for table, (_sql, value) in PLAIN.items()}


@pytest.mark.postgres
async def test_on_postgres_it_seals_and_a_downgrade_opens_them_again() -> None:
    """The same on PostgreSQL (varchar columns widened to text, then sealed in place)."""
    import asyncpg
    from sqlalchemy.engine import make_url

    from tests.support.court import fresh_pg_database

    sealer = Sealer(Sealer.new_key())
    async with fresh_pg_database() as url:
        await asyncio.to_thread(upgrade, url, "0008")
        parts = make_url(url)
        db = await asyncpg.connect(host=parts.host, port=parts.port, user=parts.username, database=parts.database)
        try:
            # The fixture rows have no case: drop the foreign keys to cases in this throwaway database
            # (the migration's UPDATEs would check them again, whatever the session's replication role).
            for table, constraint in await db.fetch(
                "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'f' "
                "AND confrelid = 'cases'::regclass"
            ):
                await db.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
            await db.execute("SET session_replication_role = replica")  # no foreign keys for the fixture rows
            for sql, _value in PLAIN.values():
                await db.execute(sql.replace("?", "now()"))
            await asyncio.to_thread(upgrade, url, "head", sealer)
            stored = {table: await db.fetchval(sql) for table, sql in READ_BACK.items()}
            for table, value in stored.items():
                assert " ".join(str(sealer.open(part)) for part in value.split(" ")) == PLAIN[table][1], table
            await asyncio.to_thread(downgrade, url, "0008", sealer)
            plain = {table: await db.fetchval(sql) for table, sql in READ_BACK.items()}
        finally:
            await db.close()
    assert plain == {table: value for table, (_sql, value) in PLAIN.items()}
