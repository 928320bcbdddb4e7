"""seal the personal data still stored in plain text: evidence file names, people's display
names, the clerk's reasons (identity overrides, agent mandates) and power-of-attorney file names

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 07:45:00
"""

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

from storage.sealing import Sealer

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# table, primary key, column, its plain type before (and after a downgrade)
SEALED: tuple[tuple[str, str, str, sa.types.TypeEngine[str]], ...] = (
    ("evidence", "id", "name", sa.String(length=255)),
    ("people", "id", "display_name", sa.String(length=100)),
    ("identity_decisions", "id", "override_reason", sa.Text()),
    ("agent_mandates", "id", "reason", sa.Text()),
    ("agent_mandates", "id", "poa_name", sa.String(length=255)),
)
_WIDENED = {"name": False, "display_name": False, "poa_name": True}  # longer when sealed: nullable?


def upgrade() -> None:
    sealer = _sealer_if_needed("seal")  # before any change: refusing must leave the database as it was
    for table, _key, column, plain in SEALED:
        if column in _WIDENED:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.alter_column(column, existing_type=plain, type_=sa.Text(), existing_nullable=_WIDENED[column])
    if sealer is not None:
        _rewrite(sealer.seal)


def downgrade() -> None:
    sealer = _sealer_if_needed("open")
    if sealer is not None:
        _rewrite(lambda token: str(sealer.open(token)))
    for table, _key, column, plain in SEALED:
        if column in _WIDENED:
            if column == "display_name":  # back to at most 100 characters, as it was
                op.execute(sa.text("UPDATE people SET display_name = substr(display_name, 1, 100)"))
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.alter_column(column, existing_type=sa.Text(), type_=plain, existing_nullable=_WIDENED[column])


def _sealer_if_needed(verb: str) -> Sealer | None:
    """The data key's sealer if any of the columns holds a value; refuses without it."""
    bind = op.get_bind()
    held = any(
        bind.execute(sa.text(f"SELECT 1 FROM {table} WHERE {column} <> '' LIMIT 1")).first() is not None
        for table, _key, column, _plain in SEALED
    )
    if not held:
        return None
    config = op.get_context().config
    sealer: Sealer | None = config.attributes.get("sealer") if config else None
    if sealer is None:
        raise RuntimeError(
            f"migration 0010 must {verb} the names and reasons already stored: run it with MICROCOURT_SECRET_KEY "
            "set (as the server runs), e.g. `microcourt migrate` in the server's environment"
        )
    return sealer


def _rewrite(change: Callable[[str], str]) -> None:
    """Every non-empty value of the columns, changed by `change` (sealed, or opened), in batches."""
    bind = op.get_bind()
    for table, key, column, _plain in SEALED:
        after: object = None
        while True:
            where, params = f"{column} <> ''", {}
            if after is not None:
                where, params = f"{where} AND {key} > :after", {"after": after}
            rows = bind.execute(
                sa.text(f"SELECT {key}, {column} FROM {table} WHERE {where} ORDER BY {key} LIMIT 1000"), params
            ).fetchall()
            if not rows:
                break
            for row_key, value in rows:
                bind.execute(
                    sa.text(f"UPDATE {table} SET {column} = :value WHERE {key} = :key"),
                    {"value": change(value), "key": row_key},
                )
            after = rows[-1][0]
