"""The migration that takes names out of the audit trail: existing rows get the actor's role."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, inspect, select

from tests.functional.test_migrations import empty_database  # noqa: F401  (fixture)
from vae import create_app
from vae.extensions import db

BEFORE = "8a1c0c0000a1"
MOMENT = datetime(2026, 11, 24, 10, tzinfo=UTC)


def test_existing_entries_lose_the_name_and_keep_the_role(
    empty_database: str,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VAE_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database})
    user_id = uuid.uuid4()
    with app.app_context():
        upgrade(revision=BEFORE)
        tables = MetaData()
        tables.reflect(bind=db.engine, only=["users", "audit_entries"])
        users, entries = tables.tables["users"], tables.tables["audit_entries"]
        row = {"at": MOMENT, "subject_type": "user", "action": "logged_in"}
        with db.engine.begin() as connection:
            connection.execute(
                users.insert().values(
                    id=user_id.hex,
                    email="lea.dupont@exemple.fr",
                    password_hash="x",
                    role="staff",
                    first_name="Léa",
                    last_name="Dupont",
                    active=True,
                    created_at=MOMENT,
                    session_token="t",
                )
            )
            connection.execute(
                entries.insert(),
                [
                    {
                        **row,
                        "actor_id": user_id.hex,
                        "subject_id": "1",
                        "actor_label": "Léa Dupont <lea.dupont@exemple.fr>",
                    },
                    {**row, "actor_id": None, "subject_id": "2", "actor_label": "système"},
                    {
                        **row,
                        "actor_id": None,
                        "subject_id": "3",
                        "actor_label": "Paul Durand <paul@exemple.fr>",
                    },
                ],
            )
        upgrade()
        assert "actor_label" not in {
            c["name"] for c in inspect(db.engine).get_columns("audit_entries")
        }
        tables = MetaData()
        tables.reflect(bind=db.engine, only=["audit_entries"])
        entries = tables.tables["audit_entries"]
        with db.engine.connect() as connection:
            rows = connection.execute(
                select(entries.c.subject_id, entries.c.actor_role).order_by(entries.c.subject_id)
            ).all()
        assert [tuple(r) for r in rows] == [("1", "staff"), ("2", None), ("3", "unknown")]
        downgrade(revision=BEFORE)
        tables = MetaData()
        tables.reflect(bind=db.engine, only=["audit_entries"])
        entries = tables.tables["audit_entries"]
        with db.engine.connect() as connection:
            labels = (
                connection.execute(select(entries.c.actor_label).order_by(entries.c.subject_id))
                .scalars()
                .all()
            )
        assert labels == ["Léa Dupont <lea.dupont@exemple.fr>", "système", "système"]
        db.engine.dispose()
