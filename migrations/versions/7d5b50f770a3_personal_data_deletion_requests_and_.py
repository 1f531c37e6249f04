"""personal data: deletion requests and anonymisation

Revision ID: 7d5b50f770a3
Revises: 7c1d2e3f4a5b
Create Date: 2026-11-24 11:17:59.393293

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7d5b50f770a3"
down_revision = "7c1d2e3f4a5b"
branch_labels = None
depends_on = None


QUEUE_INDEXES = {
    "ix_dossiers_queue": ["(decision_due IS NULL)", "decision_due", "submitted_at DESC", "id"],
    "ix_dossiers_cert_queue": [
        "certification_id",
        "(decision_due IS NULL)",
        "decision_due",
        "submitted_at DESC",
        "id",
    ],
}


def upgrade():
    # Plain ADD COLUMN, not batch mode: on SQLite batch mode rebuilds the table from reflection,
    # which cannot see expression indexes, and the staff queue's indexes would be lost.
    op.add_column("dossiers", sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "users", sa.Column("deletion_requested_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("users", sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("anonymised_at")
        batch_op.drop_column("deletion_requested_at")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_column("anonymised_at")
    if op.get_bind().dialect.name == "sqlite":  # rebuilt by batch mode: put them back
        for name, parts in QUEUE_INDEXES.items():
            op.execute(f"DROP INDEX IF EXISTS {name}")
            op.create_index(
                name, "dossiers", [sa.text(p) if " " in p or "(" in p else p for p in parts]
            )
