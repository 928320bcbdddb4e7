"""agents

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 17:14:25.966995
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "agent_mandates",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("party_role", sa.String(length=20), nullable=False),
        sa.Column("party_id", sa.String(length=36), nullable=False),
        sa.Column("agent_id", sa.String(length=36), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("poa_sha256", sa.String(length=64), nullable=True),
        sa.Column("poa_name", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=36), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["people.id"], name=op.f("fk_agent_mandates_agent_id_people")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_agent_mandates_case_id_cases")),
        sa.ForeignKeyConstraint(["party_id"], ["people.id"], name=op.f("fk_agent_mandates_party_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_mandates")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_agent_mandates_code_hash")),
    )
    with op.batch_alter_table("agent_mandates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agent_mandates_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agent_mandates_case_id"), ["case_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("agent_mandates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_mandates_case_id"))
        batch_op.drop_index(batch_op.f("ix_agent_mandates_agent_id"))

    op.drop_table("agent_mandates")
