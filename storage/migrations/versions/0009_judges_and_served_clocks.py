"""cases: the assigned judge (only they rule); deadlines: periods that start when a served
document's service takes effect (CPL 90, OLR 31), unstarted until then

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 08:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("judge_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("judge_assigned_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_judge_id"), ["judge_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_cases_judge_id_people"), "people", ["judge_id"], ["id"])
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.alter_column("due_at", existing_type=sa.DateTime(timezone=True), nullable=True)
        batch_op.add_column(sa.Column("starts_on", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("served_to", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("duration", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("remind_before", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("served_messages", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # an unstarted deadline has no end to keep: it goes with the columns that described it
    op.execute("DELETE FROM deadlines WHERE due_at IS NULL")
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_column("started_at")
        batch_op.drop_column("served_messages")
        batch_op.drop_column("remind_before")
        batch_op.drop_column("duration")
        batch_op.drop_column("served_to")
        batch_op.drop_column("starts_on")
        batch_op.alter_column("due_at", existing_type=sa.DateTime(timezone=True), nullable=False)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_cases_judge_id_people"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_cases_judge_id"))
        batch_op.drop_column("judge_assigned_at")
        batch_op.drop_column("judge_id")
