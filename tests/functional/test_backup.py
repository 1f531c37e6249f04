"""`flask backup` / `flask restore`: a submitted dossier and its files survive the round trip.

Each test builds its own apps on their own SQLite files and upload folders, so the shared session
database is never touched. The target instance of a restore has run `db upgrade` **and**
`referentials load` (the usual first steps of a deployment): the referentials do not make an
instance "non-empty", only user data does (accounts, dossiers… any table but the referentials).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from tests.helpers import make_pdf
from tests.scenarios import recevable_dam

ON_POSTGRESQL = os.environ.get("VAE_TEST_DATABASE_URL", "").startswith("postgres")
sqlite_only = pytest.mark.skipif(
    ON_POSTGRESQL, reason="backup/restore of files is tested on SQLite (pg_dump covers PostgreSQL)"
)
PASSWORD = "phrase de passe de Lucas"


@pytest.fixture
def build_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Any]]:
    """``build_app(name, referentials=…)``: a fresh app on ``<tmp>/<name>.sqlite3``, migrated."""
    from flask_migrate import upgrade

    from vae import create_app
    from vae.extensions import db
    from vae.referentials.operations import load_all

    monkeypatch.setenv("VAE_INSTANCE_PATH", str(tmp_path))
    apps: list[Any] = []

    def build(name: str, *, referentials: bool = True, database_url: str | None = None) -> Any:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{tmp_path / name}.sqlite3",
                "UPLOAD_FOLDER": str(tmp_path / f"uploads-{name}"),
                "MAIL_OUTBOX": str(tmp_path / "outbox"),
            }
        )
        apps.append(app)
        if database_url is None:
            with app.app_context():
                upgrade()
                if referentials:
                    load_all()
        return app

    yield build
    for app in apps:  # no pooled connection left open at exit (warnings are errors)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def submitted_dossier(app: Any) -> None:
    """A candidate's cqp-dam dossier, submitted and declared recevable: three stored files."""
    recevable_dam(app, PASSWORD)


def snapshot(app: Any) -> dict[str, Any]:
    """What must survive: accounts, dossiers, attachments, row counts and stored files."""
    from vae.auth.models import User
    from vae.dossier.models import Attachment, Dossier
    from vae.dossier.operations import upload_folder
    from vae.extensions import db

    with app.app_context():
        folder = upload_folder()
        state = {
            "users": sorted(
                (u.email, u.role.value, u.password_hash) for u in db.session.scalars(select(User))
            ),
            "dossiers": sorted(
                (str(d.id), d.number, d.status.value, d.candidate.email)
                for d in db.session.scalars(select(Dossier))
            ),
            "attachments": sorted(
                (a.stored_name, a.sha256) for a in db.session.scalars(select(Attachment))
            ),
            "counts": {
                t.name: db.session.scalar(select(db.func.count()).select_from(t))
                for t in db.metadata.sorted_tables
            },
            "files": {
                p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*"))
                if p.is_file()
            },
        }
        db.session.remove()
    return state


@sqlite_only
def test_backup_then_restore_into_an_empty_instance(build_app, tmp_path: Path) -> None:
    source = build_app("a")
    submitted_dossier(source)
    before = snapshot(source)
    assert len(before["users"]) == 2 and len(before["dossiers"]) == 1
    assert len(before["files"]) == 3  # attestation, submitted PDF, decision letter

    dest = tmp_path / "sauvegarde" / "2026-11-24"
    result = source.test_cli_runner().invoke(args=["backup", str(dest)])
    assert result.exit_code == 0, result.output
    assert f"Sauvegarde écrite dans {dest}" in result.output
    assert "pièces jointes : 3 fichier(s)" in result.output
    assert sorted(p.name for p in dest.iterdir()) == ["manifest.json", "uploads", "vae.sqlite3"]
    manifest = json.loads((dest / "manifest.json").read_text())
    assert manifest["database"]["method"] == "sqlite-backup"
    assert manifest["created_at"].endswith("+00:00")
    assert manifest["alembic_revision"]
    assert manifest["row_counts"] == before["counts"]
    assert manifest["row_counts"]["users"] == 2 and manifest["row_counts"]["attachments"] == 1
    assert manifest["uploads"]["file_count"] == 3
    assert manifest["uploads"]["files"] == before["files"]
    assert manifest["missing_referenced_files"] == []
    header = (dest / "vae.sqlite3").read_bytes()[:20]
    assert header.startswith(b"SQLite format 3\0") and header[18:20] == b"\x01\x01"  # not WAL

    again = source.test_cli_runner().invoke(args=["backup", str(dest)])
    assert again.exit_code == 1 and "n'est pas vide" in again.output

    target = build_app("b")  # migrated, referentials loaded, no user data
    result = target.test_cli_runner().invoke(args=["restore", str(dest)])
    assert result.exit_code == 0, result.output
    assert "vérification : nombres de lignes et empreintes SHA-256 identiques" in result.output
    after = snapshot(target)
    assert after == before
    for stored_name, sha256 in after["attachments"]:
        assert after["files"][f"{stored_name[:2]}/{stored_name}"] == sha256

    refused = target.test_cli_runner().invoke(args=["restore", str(dest)])
    assert refused.exit_code == 1
    assert "Restauration refusée" in refused.output
    assert "users : 2" in refused.output and "dossiers : 1" in refused.output
    assert snapshot(target) == before


@sqlite_only
def test_restore_refuses_a_folder_with_files_and_an_altered_backup(
    build_app, tmp_path: Path
) -> None:
    source = build_app("a")
    submitted_dossier(source)
    dest = tmp_path / "sauvegarde"
    assert source.test_cli_runner().invoke(args=["backup", str(dest)]).exit_code == 0

    target = build_app("b", referentials=False)
    stray = tmp_path / "uploads-b" / "ab" / "reste.pdf"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(make_pdf())
    result = target.test_cli_runner().invoke(args=["restore", str(dest)])
    assert result.exit_code == 1
    assert "contient 1 fichier(s)" in result.output
    stray.unlink()

    manifest = json.loads((dest / "manifest.json").read_text())
    altered = dest / "uploads" / next(iter(manifest["uploads"]["files"]))
    altered.write_bytes(altered.read_bytes() + b"\n")
    result = target.test_cli_runner().invoke(args=["restore", str(dest)])
    assert result.exit_code == 1
    assert "incomplète ou altérée (rien n'a été restauré)" in result.output
    assert snapshot(target)["counts"]["users"] == 0
    assert not any(p.is_file() for p in (tmp_path / "uploads-b").rglob("*"))

    result = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "nulle-part")])
    assert result.exit_code == 1 and "n'existe pas" in result.output


def test_postgresql_recipes_name_pg_dump_and_pg_restore_without_the_password(
    tmp_path: Path,
) -> None:
    from vae.backup import pg_dump_command, pg_restore_command

    url = make_url("postgresql+psycopg://vae:secret@db.exemple.fr:5433/vae")
    dump = pg_dump_command(url, tmp_path / "sauvegarde" / "vae.dump")
    assert dump == (
        f"pg_dump --format=custom --no-owner --file={tmp_path}/sauvegarde/vae.dump "
        "postgresql://vae@db.exemple.fr:5433/vae"
    )
    restore = pg_restore_command(url, tmp_path / "vae.dump")
    assert restore.startswith("pg_restore --no-owner --exit-on-error --single-transaction ")
    assert "--dbname=postgresql://vae@db.exemple.fr:5433/vae" in restore
    assert "secret" not in dump + restore


def test_restore_on_postgresql_refuses_with_the_pg_restore_recipe(
    build_app, tmp_path: Path
) -> None:
    app = build_app("pg", database_url="postgresql://vae:secret@127.0.0.1:9/vae")
    result = app.test_cli_runner().invoke(args=["restore", str(tmp_path)])
    assert result.exit_code == 1
    assert "pg_restore --no-owner" in result.output and "vae.dump" in result.output
    assert "secret" not in result.output
