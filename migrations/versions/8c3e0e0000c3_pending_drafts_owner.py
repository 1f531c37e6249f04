"""text kept after an expired session is bound to its owner

Revision ID: 8c3e0e0000c3
Revises: 8b2d0d0000b2
Create Date: 2026-12-01 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "8c3e0e0000c3"
down_revision = "8b2d0d0000b2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Drafts kept so far have no proven author: they cannot be given back to anyone.
    op.execute("DELETE FROM pending_drafts")
    with op.batch_alter_table("pending_drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.Uuid(), nullable=False))
        batch_op.create_index(batch_op.f("ix_pending_drafts_owner_id"), ["owner_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_pending_drafts_owner_id_users"),
            "users",
            ["owner_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("pending_drafts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_pending_drafts_owner_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_pending_drafts_owner_id"))
        batch_op.drop_column("owner_id")
