"""outbox: which rows carry a prompt (the current prompt is one indexed row); pending rows by
person; how much of a split message a channel already has

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 19:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prompt_seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("parts_sent", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_index("ix_outbox_person_case_prompt", ["person_id", "case_id", "prompt_seq"], unique=False)
        batch_op.create_index("ix_outbox_person_status", ["person_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_person_status")
        batch_op.drop_index("ix_outbox_person_case_prompt")
        batch_op.drop_column("parts_sent")
        batch_op.drop_column("prompt_seq")
