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
    sealer = _sealer_if_needed()  # before any change: refusing must leave the database as it was
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prompt_seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("parts_sent", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_index("ix_outbox_person_case_prompt", ["person_id", "case_id", "prompt_seq"], unique=False)
        batch_op.create_index("ix_outbox_person_status", ["person_id", "status"], unique=False)
        batch_op.drop_index("ix_outbox_person_id")  # both new indexes lead with person_id
    if sealer is not None:
        _mark_prompts(sealer)


def _sealer_if_needed() -> Sealer | None:
    """The data key's sealer if there are rows to mark; refuses without it."""
    if op.get_bind().execute(sa.text("SELECT 1 FROM outbox LIMIT 1")).first() is None:
        return None
    config = op.get_context().config
    sealer: Sealer | None = config.attributes.get("sealer") if config else None
    if sealer is None:
        raise RuntimeError(
            "migration 0005 must read the existing outbox messages to find their questions: run it with "
            "MICROCOURT_SECRET_KEY set (as the server runs), e.g. `microcourt migrate` in the server's environment"
        )
    return sealer


def _mark_prompts(sealer: Sealer) -> None:
    """Set `prompt_seq` on the rows written before this revision, from their sealed payloads."""
    bind = op.get_bind()
    after = 0
    while True:  # in batches, not the whole table in memory
        rows = bind.execute(
            sa.text("SELECT id, payload FROM outbox WHERE id > :after ORDER BY id LIMIT 1000"), {"after": after}
        ).fetchall()
        if not rows:
            return
        for row_id, payload in rows:
            prompt = sealer.open(payload).get("prompt")
            if prompt:
                bind.execute(
                    sa.text("UPDATE outbox SET prompt_seq = :seq WHERE id = :id"),
                    {"seq": int(prompt["seq"]), "id": row_id},
                )
        after = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_person_id", ["person_id"], unique=False)
        batch_op.drop_index("ix_outbox_person_status")
        batch_op.drop_index("ix_outbox_person_case_prompt")
        batch_op.drop_column("parts_sent")
        batch_op.drop_column("prompt_seq")
