"""court documents the judge issues as signed PDFs (a judgment, a ruling): `issued_documents` names
the stored file every party is served and downloads, so the sweep of unreferenced files keeps it.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-06 13:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issued_documents",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("blob_key", sa.String(length=100), nullable=False),
        sa.Column("signer", sa.String(length=200), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=36), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_issued_documents_case_id_cases")),
        sa.ForeignKeyConstraint(["issued_by"], ["people.id"], name=op.f("fk_issued_documents_issued_by_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_documents")),
    )
    op.create_index(op.f("ix_issued_documents_case_id"), "issued_documents", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_issued_documents_case_id"), "issued_documents")
    op.drop_table("issued_documents")
