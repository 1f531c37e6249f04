"""queue counts by officer and by due day, dashboard counts by month

Revision ID: b2d4e2000b22
Revises: a1c3d1000a11
Create Date: 2026-12-01 19:05:00

- ``dossier_status_counts`` gains the assigned officer (``officer_id``, the zero UUID for
  nobody) in its key: the queue's « Moi », « Personne » and officer filters read their counts
  from it instead of counting dossiers.
- ``dossier_due_counts``: dossiers under review per (certification, legal deadline): « En
  retard seulement » sums the days before today (a few hundred rows whatever the volume).
Both are kept by the ORM in the same transaction as each change (vae.dossier.status_counts)
and backfilled here.
- ``dossier_month_counts``: dossiers per (certification, Paris month of submission), the
  dashboard's « Dossiers reçus par mois » (12 rows summed instead of 12 range counts that step
  through every dossier of the year).
- ``ix_dossiers_id_status`` (id, status, certification_id) replaces ``ix_dossiers_status_search``
  (no search reads it any more): a search's bounded count joins each FTS5 match to its
  dossier's status and certification from this index alone, without reading the row.
"""

from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "b2d4e2000b22"
down_revision = "a1c3d1000a11"
branch_labels = None
depends_on = None

NOBODY = "00000000-0000-0000-0000-000000000000"
PARIS = ZoneInfo("Europe/Paris")
HOUR_SQL = {  # the UTC hour of submitted_at (as vae.dossier.status_counts.HOUR_SQL)
    "sqlite": "substr(submitted_at, 1, 13)",
    "postgresql": "to_char(submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')",
}


def upgrade() -> None:
    op.drop_index("ix_dossiers_status_search", table_name="dossiers")
    op.create_index("ix_dossiers_id_status", "dossiers", ["id", "status", "certification_id"])
    op.drop_table("dossier_status_counts")
    op.create_table(
        "dossier_status_counts",
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("certification_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Uuid(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("status", "certification_id", "officer_id"),
    )
    op.create_table(
        "dossier_due_counts",
        sa.Column("certification_id", sa.Integer(), nullable=False),
        sa.Column("decision_due", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("certification_id", "decision_due"),
    )
    # The backfill is vae.dossier.status_counts.rebuild, written out (a migration does not
    # import the application): the zero UUID as each dialect stores a Uuid.
    nobody = "'00000000000000000000000000000000'" if _sqlite() else f"'{NOBODY}'::uuid"
    op.execute(
        "INSERT INTO dossier_status_counts (status, certification_id, officer_id, count) "
        f"SELECT status, certification_id, COALESCE(assigned_officer_id, {nobody}), COUNT(*) "
        "FROM dossiers WHERE status <> 'draft' "
        "GROUP BY status, certification_id, COALESCE(assigned_officer_id, " + nobody + ")"
    )
    op.execute(
        "INSERT INTO dossier_due_counts (certification_id, decision_due, count) "
        "SELECT certification_id, decision_due, COUNT(*) FROM dossiers "
        "WHERE status = 'submitted' AND decision_due IS NOT NULL "
        "GROUP BY certification_id, decision_due"
    )
    months = op.create_table(
        "dossier_month_counts",
        sa.Column("certification_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("certification_id", "month"),
    )
    # Paris months, counted per UTC hour in SQL (Paris is a whole number of hours from UTC).
    per_month: Counter = Counter()
    hour = HOUR_SQL[op.get_bind().dialect.name]
    for certification_id, utc_hour, count in op.get_bind().exec_driver_sql(
        f"SELECT certification_id, {hour} AS hour, COUNT(*) FROM dossiers "
        "WHERE submitted_at IS NOT NULL GROUP BY certification_id, hour"
    ):
        moment = datetime.strptime(utc_hour, "%Y-%m-%d %H").replace(tzinfo=UTC)
        per_month[(certification_id, moment.astimezone(PARIS).date().replace(day=1))] += count
    if per_month:
        op.bulk_insert(
            months,
            [{"certification_id": c, "month": m, "count": n} for (c, m), n in per_month.items()],
        )


def downgrade() -> None:
    op.drop_table("dossier_month_counts")
    op.drop_index("ix_dossiers_id_status", table_name="dossiers")
    op.create_index("ix_dossiers_status_search", "dossiers", ["status", "search_text"])
    op.drop_table("dossier_due_counts")
    op.drop_table("dossier_status_counts")
    op.create_table(
        "dossier_status_counts",
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("certification_id", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("status", "certification_id"),
    )
    op.execute(
        "INSERT INTO dossier_status_counts (status, certification_id, count) "
        "SELECT status, certification_id, COUNT(*) FROM dossiers WHERE status <> 'draft' "
        "GROUP BY status, certification_id"
    )


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"
