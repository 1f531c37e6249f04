"""complement requests item by item

Revision ID: 9a7c4c0000a7
Revises: 8f6b3b0000f6
Create Date: 2026-12-01 12:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "9a7c4c0000a7"
down_revision = "8f6b3b0000f6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complement_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "decision_id",
            sa.Uuid(),
            sa.ForeignKey("dossier_decisions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "dossier_id",
            sa.Uuid(),
            sa.ForeignKey("dossiers.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("target_ref", sa.String(36), nullable=True),
        sa.Column("target_label", sa.String(300), nullable=False),
        sa.Column("problem", sa.String(30), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "ix_complement_items_dossier", "complement_items", ["dossier_id", "decision_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_complement_items_dossier", table_name="complement_items")
    op.drop_table("complement_items")
