"""dashboard median and speed, round two

Revision ID: 9e1a8a0000e1
Revises: 9d0f7f0000d0
Create Date: 2026-12-01 16:10:00

``dossier_decisions.days_to_decision``: the days from the dossier's (last) submission to each
decision, set when a decision is recorded (vae.review.models) and backfilled here (None for a
decision older than that submission, as the dashboard's median always left them out), with an
index whose middle entry is the dashboard's median (vae.review.stats).
"""

import sqlalchemy as sa
from alembic import op

revision = "9e1a8a0000e1"
down_revision = "9d0f7f0000d0"
branch_labels = None
depends_on = None


STATUS_DUE = ["status", "decision_due", "submitted_at", "id"]
BACKFILL = {
    "sqlite": "julianday(dossier_decisions.decided_at) - julianday(dossiers.submitted_at)",
    "postgresql": "EXTRACT(EPOCH FROM dossier_decisions.decided_at - dossiers.submitted_at) / 86400",
}


def upgrade() -> None:
    with op.batch_alter_table("dossier_decisions") as batch:
        batch.add_column(sa.Column("days_to_decision", sa.Float(), nullable=True))
    days = BACKFILL[op.get_bind().dialect.name]
    op.execute(
        f"UPDATE dossier_decisions SET days_to_decision = (SELECT {days} FROM dossiers"
        " WHERE dossiers.id = dossier_decisions.dossier_id"
        " AND dossier_decisions.decided_at >= dossiers.submitted_at)"
    )
    op.create_index("ix_dossier_decisions_days", "dossier_decisions", ["days_to_decision"])
    # The overdue count of an officer's certifiers (queue « en retard ») from the index alone.
    op.drop_index("ix_dossiers_status_due", table_name="dossiers")
    op.create_index("ix_dossiers_status_due", "dossiers", [*STATUS_DUE, "certification_id"])


def downgrade() -> None:
    op.drop_index("ix_dossiers_status_due", table_name="dossiers")
    op.create_index("ix_dossiers_status_due", "dossiers", STATUS_DUE)
    op.drop_index("ix_dossier_decisions_days", table_name="dossier_decisions")
    with op.batch_alter_table("dossier_decisions") as batch:
        batch.drop_column("days_to_decision")
