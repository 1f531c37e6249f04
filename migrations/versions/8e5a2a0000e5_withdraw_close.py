"""withdrawal and closing

Revision ID: 8e5a2a0000e5
Revises: 8d4f1f0000d4
Create Date: 2026-12-01 12:30:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "8e5a2a0000e5"
down_revision = "8d4f1f0000d4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
