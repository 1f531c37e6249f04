"""requests aimed at some blocks only

Revision ID: 8f6b3b0000f6
Revises: 8e5a2a0000e5
Create Date: 2026-12-01 12:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "8f6b3b0000f6"
down_revision = "8e5a2a0000e5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("requested_blocks", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("requested_blocks")
