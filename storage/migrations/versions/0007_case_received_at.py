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


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("received_at", sa.DateTime(timezone=True), nullable=True))
    # the court received a case when the case first said something to it (its review prompt);
    # this also finds filings that went back to IDENTITY_MISMATCH after the court had them
    op.execute(
        "UPDATE cases SET received_at = "
        "(SELECT min(outbox.created_at) FROM outbox WHERE outbox.case_id = cases.id AND outbox.role = 'court')"
    )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("received_at")
