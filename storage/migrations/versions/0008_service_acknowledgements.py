"""outbox: where a served court document arrived, when its recipient first saw it, and their
acknowledgement (OLR 31)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 05:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivered_to", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("read_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("acknowledged_via", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("acknowledged_via")
        batch_op.drop_column("acknowledged_at")
        batch_op.drop_column("read_at")
        batch_op.drop_column("delivered_to")
