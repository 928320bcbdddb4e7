"""published judgments (DOMAIN §12.4): each final judgment as the public reads it, masked, with when
it was published and, once its judge unpublishes it on an OLR 27 ground, when, by whom and why.

Revision ID: 0020
Revises: 0015
Create Date: 2026-12-06 13:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "published_judgments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("case_number", sa.String(length=60), nullable=False),
        sa.Column("court_code", sa.String(length=20), nullable=False),
        sa.Column("cause", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("masked_text", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("unpublished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unpublished_by", sa.String(length=36), nullable=True),
        sa.Column("unpublish_ground", sa.String(length=30), nullable=True),
        sa.Column("unpublish_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_published_judgments_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_judgments")),
        sa.UniqueConstraint("case_id", name=op.f("uq_published_judgments_case_id")),
    )
    op.create_index(op.f("ix_published_judgments_case_number"), "published_judgments", ["case_number"])
    op.create_index("ix_published_judgments_cause_decided", "published_judgments", ["cause", "decided_on"])


def downgrade() -> None:
    op.drop_index("ix_published_judgments_cause_decided", "published_judgments")
    op.drop_index(op.f("ix_published_judgments_case_number"), "published_judgments")
    op.drop_table("published_judgments")
