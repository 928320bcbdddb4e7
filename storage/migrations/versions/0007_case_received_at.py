"""cases: when the court first received the filing (kept if the filing goes back to its plaintiff)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 04:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# the statuses of a filing the court has not received (identity.settings.UNFILED_STATUSES then)
_UNFILED = ("DRAFT", "IDENTITY_CHECK", "IDENTITY_MISMATCH")


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("received_at", sa.DateTime(timezone=True), nullable=True))
    # cases already past filing: the last change is the best time known (an upper bound)
    op.execute(
        sa.text("UPDATE cases SET received_at = updated_at WHERE status NOT IN :unfiled").bindparams(
            sa.bindparam("unfiled", _UNFILED, expanding=True)
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("received_at")
