"""Reading a database for a backup: SQLite files directly, any database through SQLAlchemy."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import URL

from vae.backup.files import BackupError
from vae.extensions import db

# Filled by `flask referentials load` on a fresh instance; replaced by the backup's own rows.
# What `db upgrade` and `referentials load` write (certifiers named by the referentials, with
# their name only): an instance holding nothing else counts as empty for a restore.
REFERENTIAL_TABLES = frozenset(
    {"certifications", "certifiers", "referential_versions", "alembic_version"}
)


def sqlite_path(url: URL) -> Path:
    database = url.database
    if not database or database == ":memory:" or url.query.get("mode") == "memory":
        raise BackupError("Base SQLite en mémoire : rien à sauvegarder ni à restaurer.")
    return Path(database).absolute()


def sqlite_copy(source: Path, target: Path, *, self_contained: bool) -> None:
    """Copy a database page by page with SQLite's online backup API (consistent snapshot).

    ``self_contained``: leave the copy in the ``DELETE`` journal mode (one file, no ``-wal``),
    as a backup should be; otherwise the target keeps its own mode (the app's WAL).
    """
    if not target.exists():
        target.touch(mode=0o600)
    try:
        with (
            closing(sqlite3.connect(source, timeout=30)) as origin,
            closing(sqlite3.connect(target, timeout=30)) as copy,
        ):
            origin.backup(copy)
            if self_contained:
                copy.execute("PRAGMA journal_mode=DELETE").fetchone()
    except sqlite3.Error as error:
        raise BackupError(f"Copie de {source} vers {target} impossible : {error}.") from error


def read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)


def _sqlite_tables(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {name for (name,) in rows}


def sqlite_revision(connection: sqlite3.Connection) -> str | None:
    if "alembic_version" not in _sqlite_tables(connection):
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def sqlite_counts(connection: sqlite3.Connection) -> dict[str, int]:
    existing = _sqlite_tables(connection)
    return {
        table.name: connection.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0]
        for table in db.metadata.sorted_tables
        if table.name in existing
    }


def sqlite_referenced_files(connection: sqlite3.Connection) -> set[str]:
    existing = _sqlite_tables(connection)
    names: set[str] = set()
    for table, column in _stored_name_columns():
        if table in existing:
            query = f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'
            names.update(value for (value,) in connection.execute(query))
    return names


# --- any database, through SQLAlchemy ------------------------------------------------------


def engine_revision(connection: Any) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.scalar(text("SELECT version_num FROM alembic_version"))


def engine_counts(connection: Any) -> dict[str, int]:
    existing = set(inspect(connection).get_table_names())
    return {
        table.name: connection.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name in existing
    }


def engine_referenced_files(connection: Any) -> set[str]:
    existing = set(inspect(connection).get_table_names())
    names: set[str] = set()
    for table, column in _stored_name_columns():
        if table in existing:
            column_object = db.metadata.tables[table].c[column]
            names.update(
                connection.scalars(select(column_object).where(column_object.is_not(None)))
            )
    return names


def stored_references(connection: Any) -> dict[str, str]:
    """Every stored file name the database refers to → where (``table.column``).

    Files of anonymised dossiers are left out: anonymisation deleted them on purpose, and
    their rows keep the name only as history.
    """
    existing = set(inspect(connection).get_table_names())
    found: dict[str, str] = {}
    for table_name, column_name in _stored_name_columns():
        if table_name not in existing:
            continue
        table = db.metadata.tables[table_name]
        column = table.c[column_name]
        query = select(column).where(column.is_not(None))
        dossiers = db.metadata.tables["dossiers"]
        chain = _path_to(table, dossiers)
        if chain:
            for child, parent in chain:
                query = query.join_from(child, parent) if child is table else query.join(parent)
            query = query.where(dossiers.c.anonymised_at.is_(None))
        for name in connection.scalars(query):
            found.setdefault(name, f"{table_name}.{column_name}")
    return found


def _path_to(table: Any, target: Any) -> list[tuple[Any, Any]]:
    """The foreign-key hops from ``table`` to ``target`` (one or two), or ``[]``."""
    parents = {fk.column.table for fk in table.foreign_keys}
    if target in parents:
        return [(table, target)]
    for parent in parents:
        if target in {fk.column.table for fk in parent.foreign_keys}:
            return [(table, parent), (parent, target)]
    return []


def _stored_name_columns() -> Iterable[tuple[str, str]]:
    """Columns holding a stored file's name (``stored_name``, ``pdf_stored_name``…)."""
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if column.name == "stored_name" or column.name.endswith("_stored_name"):
                yield table.name, column.name


def stored_hashes(connection: Any) -> dict[str, str]:
    """Every stored file name → the SHA-256 its row recorded (``X_stored_name`` → ``X_sha256``)."""
    existing = set(inspect(connection).get_table_names())
    found: dict[str, str] = {}
    for table_name, column_name in _stored_name_columns():
        table = db.metadata.tables[table_name]
        hash_name = column_name.removesuffix("stored_name") + "sha256"
        if table_name not in existing or hash_name not in table.c:
            continue
        query = select(table.c[column_name], table.c[hash_name])
        found.update(connection.execute(query.where(table.c[column_name].is_not(None))).all())
    return found
