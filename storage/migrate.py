"""Run the Alembic migrations shipped in `storage/migrations` against a database URL."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

from storage.db import normalise_url
from storage.sealing import Sealer

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head", sealer: Sealer | None = None) -> None:
    """Bring the database at `url` up to `revision` (blocking; call off the event loop).

    `sealer` opens sealed data for migrations that derive a column from it (0005); without it they
    leave old rows as they are.
    """
    config = alembic_config(url)
    config.attributes["sealer"] = sealer
    command.upgrade(config, revision)


def downgrade(url: str, revision: str, sealer: Sealer | None = None) -> None:
    """Take the database at `url` back to `revision` (blocking); `sealer` as for `upgrade`."""
    config = alembic_config(url)
    config.attributes["sealer"] = sealer
    command.downgrade(config, revision)


async def upgrade_async(url: str, sealer: Sealer | None = None) -> None:
    await asyncio.to_thread(upgrade, url, "head", sealer)
