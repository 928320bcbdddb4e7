"""Columns of personal data sealed at rest like the rest (names, file names, free-text reasons),
transparently: the ORM seals a value as it is written and opens it as it is read, with the data
key of the store the engine belongs to (`bind_sealer`, called by `storage.store.Store`).

The key check at start and the key rotation read the stored token itself (`as_stored`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

from storage.sealing import Sealer, SealError

_ATTRIBUTE = "microcourt_sealer"


def bind_sealer(engine: AsyncEngine, sealer: Sealer) -> None:
    """Seal and open this engine's SealedText columns with `sealer` (one store, one engine)."""
    setattr(engine.sync_engine.dialect, _ATTRIBUTE, sealer)


def _sealer(dialect: Dialect) -> Sealer:
    sealer: Sealer | None = getattr(dialect, _ATTRIBUTE, None)
    if sealer is None:
        raise SealError("no data key is bound to this database engine (storage.sealed_column.bind_sealer)")
    return sealer


class SealedText(TypeDecorator[str]):
    """Text sealed with the data key (Fernet, as `Sealer.seal`). The empty string, which says
    nothing about anyone, is stored as it is; so is NULL."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return _sealer(dialect).seal(value) if value else value

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return str(_sealer(dialect).open(value)) if value else value


def as_stored(column: Any) -> ColumnElement[Any]:
    """A sealed column as it is stored (the token, not opened): for the key check and rotation.
    Plain Text columns holding sealed JSON come back as they are, the same way."""
    return type_coerce(column, Text())
