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
    # rows sent before: a copy in the web inbox reached someone who had used the web chat by then
    # (court.routing.INBOX): shown by a web sign-in no later (sessions kept), or by a web account whose
    # last use was no later. Other rows stay unknown: reading or confirming decides (never backdated)
    op.execute(
        "UPDATE outbox SET delivered_to = 'inbox' WHERE status = 'sent' AND channel = 'web' AND ("
        "EXISTS (SELECT 1 FROM web_sessions s WHERE s.person_id = outbox.person_id AND s.created_at <= outbox.sent_at)"
        " OR EXISTS (SELECT 1 FROM channel_accounts a WHERE a.person_id = outbox.person_id AND a.channel = 'web'"
        " AND a.last_used_at <= outbox.sent_at))"
    )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("acknowledged_via")
        batch_op.drop_column("acknowledged_at")
        batch_op.drop_column("read_at")
        batch_op.drop_column("delivered_to")
