"""cases waiting where filing ends (the defendant joined, or served offline) continue in the
asynchronous trial: each is queued as a `flow_handover` row that the deadline sweeper fires once,
handing the case over through the service layer as the newest filing version's `next_flow` says
(court.handover). Nothing sealed is read here: the kernel moves the case, with its messages and
deadlines, in one transaction per case.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 08:00:00
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

WAITING_STAGES = ("defendant_joined", "offline_service")  # filing v1-v3's last stages


def upgrade() -> None:
    # due since the case began waiting there; stage_seq -1 is never a stage's own (they start at 1)
    op.execute(
        "INSERT INTO deadlines (case_id, kind, stage, stage_seq, due_at, status, rule, warnings) "
        "SELECT id, 'flow_handover', stage, -1, updated_at, 'pending', 'OLR 10, CPL 128', '' FROM cases "
        "WHERE flow_id = 'filing' AND stage IN ('defendant_joined', 'offline_service')"
    )


def downgrade() -> None:
    op.execute("DELETE FROM deadlines WHERE kind = 'flow_handover' AND status = 'pending'")
