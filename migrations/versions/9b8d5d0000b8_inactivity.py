"""inactivity reminders and smaller points

Revision ID: 9b8d5d0000b8
Revises: 9a7c4c0000a7
Create Date: 2026-12-01 12:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "9b8d5d0000b8"
down_revision = "9a7c4c0000a7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row per reminder sent for a period of inactivity (a draft idle 60 days, a livret 2
    # idle 90 days): idle_since is the last touch it answers, so each period gets one reminder.
    op.create_table(
        "inactivity_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("idle_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_inactivity_reminders_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inactivity_reminders")),
        sa.UniqueConstraint(
            "dossier_id",
            "kind",
            "idle_since",
            name=op.f("uq_inactivity_reminders_dossier_id_kind_idle_since"),
        ),
    )
    with op.batch_alter_table("inactivity_reminders") as batch:
        batch.create_index(batch.f("ix_inactivity_reminders_dossier_id"), ["dossier_id"])


def downgrade() -> None:
    with op.batch_alter_table("inactivity_reminders") as batch:
        batch.drop_index(batch.f("ix_inactivity_reminders_dossier_id"))
    op.drop_table("inactivity_reminders")
