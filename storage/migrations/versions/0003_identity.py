"""identity

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 17:07:18.480043
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "identity_decisions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("purpose", sa.String(length=30), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("distance", sa.Float(), nullable=True),
        sa.Column("tolerance", sa.Float(), nullable=False),
        sa.Column("liveness", sa.String(length=40), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("decided_by", sa.String(length=36), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_identity_decisions_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_decisions")),
    )
    with op.batch_alter_table("identity_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_decisions_person_id"), ["person_id"], unique=False)

    op.create_table(
        "identity_profiles",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("id_number_hash", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=30), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_identity_profiles_person_id_people")),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_identity_profiles")),
    )
    with op.batch_alter_table("identity_profiles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_profiles_id_number_hash"), ["id_number_hash"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("identity_profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_profiles_id_number_hash"))

    op.drop_table("identity_profiles")
    with op.batch_alter_table("identity_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_decisions_person_id"))

    op.drop_table("identity_decisions")
