"""``flask restore SRC``: only into an empty instance, checked before and after."""

from __future__ import annotations

import shlex
from pathlib import Path, PurePosixPath
from typing import Any

import click
from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import URL

from vae import storage
from vae.backup.create import pg_restore_command
from vae.backup.database import (
    REFERENTIAL_TABLES,
    engine_counts,
    engine_revision,
    sqlite_copy,
    sqlite_path,
)
from vae.backup.files import (
    DATABASE_FILE,
    DUMP_FILE,
    SQLITE_METHOD,
    UPLOADS,
    BackupError,
    Echo,
    load_uploads,
    read_manifest,
    sha256,
    stored_hash,
)
from vae.extensions import db


def restore_backup(src: Path, echo: Echo = click.echo) -> None:
    """Restore the backup in ``src`` into this (empty) instance, then check it."""
    src = Path(src).expanduser().absolute()
    url = db.engine.url
    backend = url.get_backend_name()
    if backend == "postgresql":
        raise BackupError(_pg_restore_recipe(url, src))
    if backend != "sqlite":
        raise BackupError(f"Base de données non prise en charge : {backend}.")
    if not src.is_dir():
        raise BackupError(f"{src} n'existe pas ou n'est pas un dossier.")
    manifest = read_manifest(src)
    if manifest["database"].get("method") != SQLITE_METHOD:
        raise BackupError(
            f"{src} contient une sauvegarde PostgreSQL (pg_dump) : elle ne se restaure pas "
            "dans une base SQLite."
        )
    target = sqlite_path(url)
    uploads = storage.uploads()
    _refuse_unless_empty(target, uploads)
    _check_backup(src, manifest)

    db.session.remove()
    db.engine.dispose()  # no pooled connection may keep the old file open
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        sqlite_copy(src / DATABASE_FILE, target, self_contained=False)
    finally:
        db.engine.dispose()
    load_uploads(src / UPLOADS, uploads)

    problems = verify_restored(manifest, uploads)
    counts = manifest["row_counts"]
    echo(f"Sauvegarde du {manifest['created_at']} restaurée depuis {src}")
    echo(f"  base : {target}")
    echo(f"  lignes : {sum(counts.values())} au total")
    for table, count in sorted(counts.items()):
        if count:
            echo(f"    {table} : {count}")
    echo(
        f"  pièces jointes : {len(manifest['uploads']['files'])} fichier(s) "
        f"dans {uploads.describe()}"
    )
    if problems:
        raise BackupError(
            "La vérification après restauration a échoué :\n"
            + "\n".join(f"  - {problem}" for problem in problems)
        )
    echo("  vérification : nombres de lignes et empreintes SHA-256 identiques au manifeste")
    head = _head_revision()
    revision = manifest.get("alembic_revision")
    if head is not None and revision != head:
        echo(
            f"  la sauvegarde est à la révision {revision}, le code à la révision {head} : "
            "lancez `flask --app vae db upgrade`."
        )


def _pg_restore_recipe(url: URL, src: Path) -> str:
    return (
        "Base PostgreSQL : la restauration ne se fait pas par cette commande. Dans une base "
        "neuve et vide (createdb, sans `db upgrade`), avec le mot de passe dans PGPASSWORD ou "
        "~/.pgpass :\n"
        f"  {pg_restore_command(url, src / DUMP_FILE)}\n"
        "puis copiez les pièces jointes dans le dossier des pièces jointes vide :\n"
        f"  {shlex.join(['cp', '-a', f'{src / UPLOADS}/.', f'{storage.upload_folder()}/'])}"
    )


def _refuse_unless_empty(target: Path, uploads: storage.Backend) -> None:
    reasons = []
    if target.exists():
        with db.engine.connect() as connection:
            data = {
                table: count
                for table, count in engine_counts(connection).items()
                if count and table not in REFERENTIAL_TABLES
            }
            if data.get("audit_entries"):
                # Loading the referentials writes audit entries about certifications and the
                # certifiers they name; an admin's edit of a certifier is data.
                data["audit_entries"] = connection.scalar(
                    text(
                        "SELECT count(*) FROM audit_entries WHERE subject_type <> 'certification'"
                        " AND NOT (subject_type = 'certifier' AND action = 'certifier_created')"
                    )
                )
                if not data["audit_entries"]:
                    del data["audit_entries"]
        db.session.remove()
        if data:
            listed = ", ".join(f"{table} : {count}" for table, count in data.items())
            reasons.append(f"la base {target} contient déjà des données ({listed})")
    files = sum(1 for _ in uploads.iter_names())
    if files:
        reasons.append(
            f"le dossier des pièces jointes {uploads.describe()} contient {files} fichier(s)"
        )
    if reasons:
        raise BackupError(
            "Restauration refusée : elle ne se fait que dans une instance vide, or "
            + " ; ".join(reasons)
            + ". Configurez une base neuve et un dossier de pièces jointes vide."
        )


def _check_backup(src: Path, manifest: dict[str, Any]) -> None:
    """The backup matches its manifest (before anything in the instance is touched)."""
    problems = []
    database = src / DATABASE_FILE
    if not database.is_file():
        problems.append(f"{DATABASE_FILE} absent")
    elif sha256(database) != manifest["database"].get("sha256"):
        problems.append(f"{DATABASE_FILE} : empreinte SHA-256 différente du manifeste")
    for rel, expected in manifest["uploads"]["files"].items():
        relative = PurePosixPath(rel)
        if relative.is_absolute() or ".." in relative.parts:
            problems.append(f"chemin invalide dans le manifeste : {rel}")
            continue
        path = src / UPLOADS / relative
        if not path.is_file():
            problems.append(f"{UPLOADS}/{rel} absent")
        elif sha256(path) != expected:
            problems.append(f"{UPLOADS}/{rel} : empreinte SHA-256 différente du manifeste")
    if problems:
        raise BackupError(
            f"La sauvegarde {src} est incomplète ou altérée (rien n'a été restauré) :\n"
            + "\n".join(f"  - {problem}" for problem in problems)
        )


def verify_restored(manifest: dict[str, Any], uploads: storage.Backend) -> list[str]:
    problems = []
    with db.engine.connect() as connection:
        counts = engine_counts(connection)
        revision = engine_revision(connection)
    db.session.remove()
    if revision != manifest.get("alembic_revision"):
        problems.append(f"révision Alembic {revision}, attendue {manifest.get('alembic_revision')}")
    for table, expected in manifest["row_counts"].items():
        found = counts.get(table)
        if found != expected:
            problems.append(f"table {table} : {found} ligne(s), {expected} attendue(s)")
    for rel, expected in manifest["uploads"]["files"].items():
        found_hash = stored_hash(uploads, rel)
        if found_hash is None:
            problems.append(f"fichier {rel} absent")
        elif found_hash != expected:
            problems.append(f"fichier {rel} : empreinte SHA-256 différente")
    return problems


def _head_revision() -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        config = Config()
        config.set_main_option("script_location", current_app.extensions["migrate"].directory)
        return ScriptDirectory.from_config(config).get_current_head()
    except (KeyError, CommandError):
        return None
