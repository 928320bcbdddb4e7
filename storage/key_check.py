"""Whether the data key opens what is already sealed in the database: checked at start and by
/healthz, because a valid but wrong key would otherwise fail every case read later."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from storage.sealed_column import as_stored
from storage.sealing import SealError
from storage.store import Store


async def unopenable_column(store: Store, columns: Iterable[InstrumentedAttribute[Any]]) -> str | None:
    """`table.column` of the first of `columns` whose stored value (one row each) does not open
    with the store's keys; None when every sample opens or nothing is sealed yet."""
    async with store.tx() as tx:
        for column in columns:
            stored = as_stored(column)  # the token itself, for a SealedText column too
            value = await tx.session.scalar(select(stored).where(stored.is_not(None), stored != "").limit(1))
            if value is not None and not _opens(store, value):
                return f"{column.class_.__tablename__}.{column.key}"
    return None


def _opens(store: Store, token: str) -> bool:
    try:
        store.sealer.open(token)
    except SealError:
        return False
    return True
