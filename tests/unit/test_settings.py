"""Settings from the environment reach what they configure."""

from __future__ import annotations

from app.settings import Settings
from storage.db import create_engine


async def test_the_pool_size_setting_reaches_the_engine() -> None:
    settings = Settings.from_env(
        {"DATABASE_URL": "postgresql://court@db.example/court", "MICROCOURT_DB_POOL_SIZE": "5"}
    )
    engine = create_engine(settings.db_url, settings.db_pool_size)  # no connection is made yet
    try:
        assert settings.db_pool_size == 5
        assert engine.pool.size() == 5  # type: ignore[attr-defined]
        assert engine.pool._max_overflow == 5  # type: ignore[attr-defined]
    finally:
        await engine.dispose()
