"""telegram channel

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 16:57:00.547363
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "processed_inputs",
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "key", name=op.f("pk_processed_inputs")),
    )
    op.create_table(
        "delivery_problems",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("fallback", sa.String(length=20), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_delivery_problems_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_problems")),
    )
    with op.batch_alter_table("delivery_problems", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_problems_person_id"), ["person_id"], unique=False)

    with op.batch_alter_table("channel_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unreachable_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("unreachable_reason", sa.String(length=200), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("channel_accounts", schema=None) as batch_op:
        batch_op.drop_column("unreachable_reason")
        batch_op.drop_column("unreachable_at")

    with op.batch_alter_table("delivery_problems", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_problems_person_id"))

    op.drop_table("delivery_problems")
    op.drop_table("processed_inputs")
