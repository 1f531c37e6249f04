"""audit entries keep the actor's id and role, not their name

Revision ID: 8b2d0d0000b2
Revises: 8a1c0c0000a1
Create Date: 2026-12-01 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "8b2d0d0000b2"
down_revision = "8a1c0c0000a1"
branch_labels = None
depends_on = None

SYSTEM = "système"


def upgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_role", sa.String(length=20), nullable=True))
    op.execute(
        "UPDATE audit_entries SET actor_role = (SELECT CAST(users.role AS VARCHAR(20)) "
        "FROM users WHERE users.id = audit_entries.actor_id) WHERE actor_id IS NOT NULL"
    )
    # An actor whose account is gone: a person, of a role nobody knows any more.
    op.get_bind().execute(
        sa.text(
            "UPDATE audit_entries SET actor_role = 'unknown' "
            "WHERE actor_role IS NULL AND actor_label <> :system"
        ),
        {"system": SYSTEM},
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_column("actor_label")


def downgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("actor_label", sa.String(length=300), nullable=False, server_default=SYSTEM)
        )
    op.execute(
        "UPDATE audit_entries SET actor_label = (SELECT users.first_name || ' ' || "
        "users.last_name || ' <' || users.email || '>' FROM users "
        "WHERE users.id = audit_entries.actor_id) WHERE actor_id IS NOT NULL"
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.alter_column("actor_label", server_default=None)
        batch_op.drop_column("actor_role")
