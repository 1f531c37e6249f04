"""one open dossier per certification, enforced by the database

Revision ID: 8a1c0c0000a1
Revises: 7d5b50f770a3
Create Date: 2026-12-01 09:30:00

A partial unique index: at most one dossier in draft, submitted or incomplete per candidate and
certification (eight simultaneous « Nouveau dossier » used to create eight drafts).
"""

import sqlalchemy as sa
from alembic import op

revision = "8a1c0c0000a1"
down_revision = "7d5b50f770a3"
branch_labels = None
depends_on = None

# The open statuses of vae.dossier.models.OPEN_STATUSES, frozen here as they were.
WHERE = "status IN ('draft', 'submitted', 'incomplete')"


def upgrade() -> None:
    twins = (
        op.get_bind()
        .execute(
            sa.text(
                f"SELECT candidate_id, certification_id, COUNT(*) FROM dossiers WHERE {WHERE} "
                "GROUP BY candidate_id, certification_id HAVING COUNT(*) > 1"
            )
        )
        .all()
    )
    if twins:
        raise RuntimeError(
            "Several open dossiers for the same candidate and certification (withdraw all but "
            f"one, then upgrade again): {[(str(c), cert, n) for c, cert, n in twins]}"
        )
    with op.batch_alter_table("dossiers") as batch:
        batch.create_index(
            "uq_dossiers_one_open",
            ["candidate_id", "certification_id"],
            unique=True,
            sqlite_where=sa.text(WHERE),
            postgresql_where=sa.text(WHERE),
        )


def downgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_index("uq_dossiers_one_open")
