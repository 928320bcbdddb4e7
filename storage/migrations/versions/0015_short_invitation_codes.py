"""the defendant's invitation gets a short code (`K7MQ-2XPD`) that can be read out or typed from
paper: `invitation_codes` maps each code's hash to its case. Invitations issued before keep only
their long code.

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-06 10:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invitation_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_invitation_codes_case_id_cases")),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_invitation_codes")),
    )
    op.create_index(op.f("ix_invitation_codes_case_id"), "invitation_codes", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_invitation_codes_case_id"), "invitation_codes")
    op.drop_table("invitation_codes")
