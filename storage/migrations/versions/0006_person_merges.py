"""people: linking two accounts of one person merges them; the merged record points at the
person it now belongs to

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 21:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("merged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_people_merged_into"), ["merged_into"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_people_merged_into_people"), "people", ["merged_into"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_people_merged_into_people"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_people_merged_into"))
        batch_op.drop_column("merged_at")
        batch_op.drop_column("merged_into")
