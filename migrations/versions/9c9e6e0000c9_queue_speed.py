"""queue speed: status counts, search indexes

Revision ID: 9c9e6e0000c9
Revises: 9b8d5d0000b8
Create Date: 2026-12-01 15:30:00

- ``dossier_status_counts``: dossiers per (status, certification), drafts excepted, kept by the
  ORM in the same transaction as each change (vae.dossier.status_counts); backfilled here.
- Search of the staff queue (vae.review.search): on SQLite an FTS5 trigram index kept by
  triggers (``dossier_search`` keyed by the integer ids of ``dossier_search_keys``: the implicit
  rowid of ``dossiers`` may change on VACUUM); on PostgreSQL a pg_trgm GIN index.
"""

import sqlalchemy as sa
from alembic import op

revision = "9c9e6e0000c9"
down_revision = "9b8d5d0000b8"
branch_labels = None
depends_on = None

SQLITE_SEARCH = [
    "CREATE TABLE dossier_search_keys (id INTEGER PRIMARY KEY, dossier_id CHAR(32) NOT NULL UNIQUE)",
    "CREATE VIRTUAL TABLE dossier_search USING fts5(search_text, tokenize = 'trigram')",
    """CREATE TRIGGER dossier_search_insert AFTER INSERT ON dossiers BEGIN
         INSERT INTO dossier_search_keys (dossier_id) VALUES (NEW.id);
         INSERT INTO dossier_search (rowid, search_text)
           VALUES ((SELECT id FROM dossier_search_keys WHERE dossier_id = NEW.id), NEW.search_text);
       END""",
    """CREATE TRIGGER dossier_search_update AFTER UPDATE OF search_text ON dossiers BEGIN
         UPDATE dossier_search SET search_text = NEW.search_text
           WHERE rowid = (SELECT id FROM dossier_search_keys WHERE dossier_id = NEW.id);
       END""",
    """CREATE TRIGGER dossier_search_delete AFTER DELETE ON dossiers BEGIN
         DELETE FROM dossier_search
           WHERE rowid = (SELECT id FROM dossier_search_keys WHERE dossier_id = OLD.id);
         DELETE FROM dossier_search_keys WHERE dossier_id = OLD.id;
       END""",
    "INSERT INTO dossier_search_keys (dossier_id) SELECT id FROM dossiers",
    """INSERT INTO dossier_search (rowid, search_text)
         SELECT k.id, d.search_text FROM dossier_search_keys k JOIN dossiers d ON d.id = k.dossier_id""",
]
SQLITE_SEARCH_DROP = [
    "DROP TRIGGER IF EXISTS dossier_search_insert",
    "DROP TRIGGER IF EXISTS dossier_search_update",
    "DROP TRIGGER IF EXISTS dossier_search_delete",
    "DROP TABLE IF EXISTS dossier_search",
    "DROP TABLE IF EXISTS dossier_search_keys",
]
POSTGRESQL_SEARCH = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_dossiers_search_trgm ON dossiers USING gin (search_text gin_trgm_ops)",
]


def upgrade() -> None:
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
    op.create_index(
        "ix_dossier_decisions_kind_decided", "dossier_decisions", ["kind", "decided_at"]
    )
    op.create_index(
        "ix_dossiers_cert_officer_status",
        "dossiers",
        ["certification_id", "assigned_officer_id", "status"],
    )
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_SEARCH if dialect == "sqlite" else POSTGRESQL_SEARCH:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_SEARCH_DROP:
            op.execute(statement)
    else:
        op.execute("DROP INDEX IF EXISTS ix_dossiers_search_trgm")
    op.drop_index("ix_dossier_decisions_kind_decided", table_name="dossier_decisions")
    op.drop_index("ix_dossiers_cert_officer_status", table_name="dossiers")
    op.drop_table("dossier_status_counts")
