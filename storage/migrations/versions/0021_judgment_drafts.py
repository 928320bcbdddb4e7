"""judgment drafts: the judgment or ruling the case's judge is writing, saved on the server as they
type (one per case, sealed, cleared when the document is issued).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "judgment_drafts",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("saved_by", sa.String(length=36), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_judgment_drafts_case_id_cases")),
        sa.ForeignKeyConstraint(["saved_by"], ["people.id"], name=op.f("fk_judgment_drafts_saved_by_people")),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_judgment_drafts")),
    )


def downgrade() -> None:
    op.drop_table("judgment_drafts")
