"""outbox: which rows carry a prompt (the current prompt is one indexed row); pending rows by
person; how much of a split message a channel already has

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 19:20:00
"""

import sqlalchemy as sa
from alembic import op

from storage.sealing import Sealer

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
    config = op.get_context().config
    _mark_prompts(config.attributes.get("sealer") if config else None)


def _mark_prompts(sealer: Sealer | None) -> None:
    """Set `prompt_seq` on the rows written before this revision (payloads are sealed: needs the key)."""
    if sealer is None:
        return
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, payload FROM outbox WHERE prompt_seq IS NULL")).fetchall()
    for row_id, payload in rows:
        prompt = sealer.open(payload).get("prompt")
        if prompt:
            bind.execute(
                sa.text("UPDATE outbox SET prompt_seq = :seq WHERE id = :id"), {"seq": int(prompt["seq"]), "id": row_id}
            )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_person_status")
        batch_op.drop_index("ix_outbox_person_case_prompt")
        batch_op.drop_column("parts_sent")
        batch_op.drop_column("prompt_seq")
