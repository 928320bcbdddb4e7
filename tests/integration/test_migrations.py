"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

import identity.models  # noqa: F401  (its tables belong to the same schema)
from storage.db import create_engine
from storage.migrate import upgrade_async
from storage.models import Base
from tests.support.court import fresh_pg_database


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def _drift(url: str) -> list[Any]:
    await upgrade_async(url)
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_differences)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
async def test_upgrading_to_head_leaves_nothing_for_autogenerate(database: str, tmp_path: Path) -> None:
    if database == "sqlite":
        assert await _drift(f"sqlite:///{tmp_path / 'court.db'}") == []
        return
    async with fresh_pg_database() as url:
        assert await _drift(url) == []
