"""Alembic migrations build the schema from empty, match the models, and go back down."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from vae import create_app
from vae.extensions import db


@pytest.fixture
def empty_database(tmp_path: Path, database_url: str):
    """A brand-new empty database on the backend under test."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    name = f"fresh_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        database_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield database_url.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_from_empty_matches_models_and_downgrades(
    empty_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VAE_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "audit_entries", "certifications", "referential_versions"} <= tables
        assert {"ix_dossiers_queue", "ix_dossiers_cert_queue"} <= index_names(), (
            "the staff queue's expression indexes must survive every migration"
        )
        with db.engine.connect() as connection:
            opts = {"compare_type": True, "include_name": _not_search_index}
            context = MigrationContext.configure(connection, opts=opts)
            assert compare_metadata(context, db.metadata) == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def _not_search_index(name: str | None, type_: str, _parents: object) -> bool:
    """The search indexes are one backend's own (FTS5 tables and triggers on SQLite, a pg_trgm
    GIN index on PostgreSQL): the migration keeps them, the models do not describe them."""
    return not (name or "").startswith(("dossier_search", "ix_dossiers_search_trgm"))


def index_names() -> set[str]:
    """Index names straight from the catalogue (reflection skips expression indexes)."""
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            rows = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))
        else:
            rows = connection.execute(text("SELECT indexname FROM pg_indexes"))
        return {row[0] for row in rows}


def test_app_never_creates_tables_itself() -> None:
    root = Path(__file__).resolve().parents[2] / "vae"
    offenders = [p for p in root.rglob("*.py") if "create_all(" in p.read_text()]
    assert offenders == []


def test_suite_runs_on_the_configured_backend(database_url: str) -> None:
    expected = "postgresql" if os.environ.get("VAE_TEST_DATABASE_URL") else "sqlite"
    assert database_url.startswith(expected)
