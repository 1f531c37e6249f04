"""``flask backup DEST``: a consistent copy of the database, the uploads and a manifest."""

from __future__ import annotations

import shlex
from contextlib import closing
from pathlib import Path
from typing import Any

import click
from sqlalchemy.engine import URL

from vae import clock, storage
from vae.backup.database import (
    engine_counts,
    engine_referenced_files,
    engine_revision,
    read_only,
    sqlite_copy,
    sqlite_counts,
    sqlite_path,
    sqlite_referenced_files,
    sqlite_revision,
)
from vae.backup.files import (
    DATABASE_FILE,
    DUMP_FILE,
    FORMAT,
    MANIFEST,
    PG_METHOD,
    SQLITE_METHOD,
    UPLOADS,
    BackupError,
    Echo,
    file_hashes,
    save_uploads,
    sha256,
    size_text,
    stored_relative,
    write_manifest,
)
from vae.backup.storage_check import report
from vae.extensions import db


def create_backup(dest: Path, echo: Echo = click.echo) -> dict[str, Any]:
    """Back the instance up into ``dest`` (created; must not exist or be empty)."""
    dest = Path(dest).expanduser().absolute()
    files_at = storage.uploads()
    if isinstance(files_at, storage.LocalBackend):
        uploads = files_at.folder.absolute()
        if dest == uploads or uploads in dest.parents:
            raise BackupError(f"{dest} est dans le dossier des pièces jointes ({uploads}).")
    url = db.engine.url
    backend = url.get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        raise BackupError(f"Base de données non prise en charge : {backend}.")
    source = sqlite_path(url) if backend == "sqlite" else None
    if source is not None and not source.is_file():
        raise BackupError(f"Base SQLite introuvable : {source}.")
    _prepare_destination(dest)

    manifest: dict[str, Any] = {
        "format": FORMAT,
        "application": "vae",
        "created_at": clock.now().isoformat(timespec="seconds"),
    }
    if source is not None:
        snapshot = dest / DATABASE_FILE
        sqlite_copy(source, snapshot, self_contained=True)
        with closing(read_only(snapshot)) as connection:
            revision = sqlite_revision(connection)
            counts = sqlite_counts(connection)
            referenced = sqlite_referenced_files(connection)
        manifest["database"] = {
            "engine": "sqlite",
            "method": SQLITE_METHOD,
            "file": DATABASE_FILE,
            "size": snapshot.stat().st_size,
            "sha256": sha256(snapshot),
        }
    else:
        command = pg_dump_command(url, dest / DUMP_FILE)
        echo("Base PostgreSQL : la sauvegarde SQL se fait avec pg_dump, à lancer vous-même :")
        echo(f"  {command}")
        echo("  (mot de passe : variable PGPASSWORD ou fichier ~/.pgpass ; jamais affiché ici)")
        with db.engine.connect() as connection:
            revision = engine_revision(connection)
            counts = engine_counts(connection)
            referenced = engine_referenced_files(connection)
        manifest["database"] = {
            "engine": "postgresql",
            "method": PG_METHOD,
            "file": DUMP_FILE,
            "command": command,
            "note": "nombres de lignes lus au moment de la sauvegarde des fichiers",
        }
    manifest["alembic_revision"] = revision
    manifest["row_counts"] = counts

    # Only the files the saved database refers to: any other one would be an orphan there.
    found = storage.survey(files_at, lambda: referenced)
    save_uploads(files_at, dest / UPLOADS, {stored_relative(name) for name in referenced})
    files = file_hashes(dest / UPLOADS)
    missing = sorted(name for name in referenced if stored_relative(name) not in files)
    manifest["uploads"] = {
        "folder": UPLOADS,
        "file_count": len(files),
        "total_bytes": sum((dest / UPLOADS / rel).stat().st_size for rel in files),
        "files": files,
    }
    manifest["missing_referenced_files"] = missing
    manifest["orphan_files"] = list(found.orphans)
    manifest["abandoned_temporary_files"] = list(found.leftovers)
    manifest["unexpected_files"] = list(found.unexpected)
    write_manifest(dest / MANIFEST, manifest)
    _backup_summary(dest, manifest, echo)
    if found.orphans or found.leftovers or found.unexpected:
        echo(
            "  attention : fichiers que la base ne cite pas, non copiés "
            "(flask --app vae storage check --fix les supprime) :"
        )
        report(storage.Survey(found.orphans, found.leftovers, found.unexpected, ()), echo)
    return manifest


def pg_dump_command(url: URL, target: Path) -> str:
    """The ``pg_dump`` command for ``url`` (password left out: PGPASSWORD or ~/.pgpass)."""
    return shlex.join(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq_uri(url)]
    )


def pg_restore_command(url: URL, source: Path) -> str:
    """The ``pg_restore`` command restoring ``source`` into the (empty) database of ``url``."""
    return shlex.join(
        [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={_libpq_uri(url)}",
            str(source),
        ]
    )


def _libpq_uri(url: URL) -> str:
    plain = URL.create(  # libpq's own scheme, without the password (never printed)
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    return plain.render_as_string(hide_password=False)


def _prepare_destination(dest: Path) -> None:
    if dest.exists() or dest.is_symlink():
        if not dest.is_dir():
            raise BackupError(f"{dest} existe et n'est pas un dossier.")
        if any(dest.iterdir()):
            raise BackupError(f"{dest} n'est pas vide : choisissez un nouveau dossier.")
        return
    try:
        dest.mkdir(parents=True, mode=0o700)  # the backup holds personal data
    except OSError as error:
        raise BackupError(f"Impossible de créer {dest} : {error.strerror}.") from error


def _backup_summary(dest: Path, manifest: dict[str, Any], echo: Echo) -> None:
    database = manifest["database"]
    counts = manifest["row_counts"]
    uploads = manifest["uploads"]
    echo(f"Sauvegarde écrite dans {dest}")
    if database["method"] == SQLITE_METHOD:
        echo(f"  base SQLite : {database['file']} ({size_text(database['size'])})")
    else:
        echo(f"  base PostgreSQL : {database['file']} à produire par la commande pg_dump")
    echo(f"  révision Alembic : {manifest['alembic_revision'] or 'aucune'}")
    echo(f"  lignes : {sum(counts.values())} au total")
    for table, count in sorted(counts.items()):
        if count:
            echo(f"    {table} : {count}")
    echo(
        f"  pièces jointes : {uploads['file_count']} fichier(s), "
        f"{size_text(uploads['total_bytes'])}, dans {UPLOADS}/"
    )
    missing = manifest["missing_referenced_files"]
    if missing:
        echo(f"  attention : {len(missing)} fichier(s) cité(s) par la base absent(s) :")
        for name in missing:
            echo(f"    {name}")
    echo(f"  manifeste : {MANIFEST}")
