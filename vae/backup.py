"""Backup and restore of a whole instance: the database and the uploaded files.

``flask --app vae backup DEST`` writes into a new (or empty) directory:

* ``vae.sqlite3``: a consistent copy of the SQLite database made with SQLite's online backup
  API (safe while the application runs: readers never block in WAL mode), switched to the
  ``DELETE`` journal mode so that the copy is a single self-contained file (mode ``0o600``);
* ``uploads/``: a copy of the upload folder (``<2 hex>/<32 hex>.<pdf|jpg|png>``), without the
  temporary files of uploads in progress;
* ``manifest.json``: creation time (UTC), Alembic revision, rows per table, SHA-256 of the
  database copy and of every file, and the stored files the database refers to but that were
  missing from the upload folder (a warning, not an error).

With PostgreSQL the database is not copied: the exact ``pg_dump --format=custom`` command to
run is printed and recorded in the manifest (``database.method = "pg_dump"``); the files and
the manifest are written as for SQLite.

``flask --app vae restore SRC`` only restores into an **empty** instance: it refuses (exit 1)
when the target database holds any user data (every table but the referentials, which
``referentials load`` may already have filled and which the backup replaces anyway) or when
the upload folder holds a file. It first checks the backup against its manifest (nothing is
touched when the backup is incomplete or altered), copies the database with the backup API
into the configured file, copies the files back, then checks rows per table and every file's
SHA-256 against the manifest (exit 1 on any difference). With PostgreSQL it refuses and prints
the ``pg_restore`` recipe.

User errors are :class:`click.ClickException` with French messages.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import shutil
import sqlite3
from collections.abc import Callable, Iterable
from contextlib import closing
from pathlib import Path, PurePosixPath
from typing import IO, Any

import click
from flask import current_app
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import URL

from vae import clock, storage
from vae.dossier.operations import upload_folder
from vae.extensions import db

MANIFEST = "manifest.json"
DATABASE_FILE = "vae.sqlite3"
DUMP_FILE = "vae.dump"
UPLOADS = "uploads"
FORMAT = 1
SQLITE_METHOD = "sqlite-backup"
PG_METHOD = "pg_dump"

# Filled by `flask referentials load` on a fresh instance; replaced by the backup's own rows.
REFERENTIAL_TABLES = frozenset({"certifications", "referential_versions", "alembic_version"})
_TEMPORARY_UPLOAD = re.compile(r"^\.upload-.*\.tmp$")  # storage.store's file being written

Echo = Callable[[str], Any]


class BackupError(click.ClickException):
    """A refusal or a failure to report to the operator (exit code 1), in French."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Erreur : {self.format_message()}", file=file, err=True)


# --- backup -------------------------------------------------------------------------------


def create_backup(dest: Path, echo: Echo = click.echo) -> dict[str, Any]:
    """Back the instance up into ``dest`` (created; must not exist or be empty)."""
    dest = Path(dest).expanduser().absolute()
    uploads = upload_folder().absolute()
    if dest == uploads or uploads in dest.parents:
        raise BackupError(f"{dest} est dans le dossier des pièces jointes ({uploads}).")
    url = db.engine.url
    backend = url.get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        raise BackupError(f"Base de données non prise en charge : {backend}.")
    source = _sqlite_path(url) if backend == "sqlite" else None
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
        _sqlite_copy(source, snapshot, self_contained=True)
        with closing(_read_only(snapshot)) as connection:
            revision = _sqlite_revision(connection)
            counts = _sqlite_counts(connection)
            referenced = _sqlite_referenced_files(connection)
        manifest["database"] = {
            "engine": "sqlite",
            "method": SQLITE_METHOD,
            "file": DATABASE_FILE,
            "size": snapshot.stat().st_size,
            "sha256": _sha256(snapshot),
        }
    else:
        command = pg_dump_command(url, dest / DUMP_FILE)
        echo("Base PostgreSQL : la sauvegarde SQL se fait avec pg_dump, à lancer vous-même :")
        echo(f"  {command}")
        echo("  (mot de passe : variable PGPASSWORD ou fichier ~/.pgpass ; jamais affiché ici)")
        with db.engine.connect() as connection:
            revision = _engine_revision(connection)
            counts = _engine_counts(connection)
            referenced = _engine_referenced_files(connection)
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
    found = storage.survey(uploads, lambda: referenced)
    _copy_uploads(uploads, dest / UPLOADS, {_stored_relative(name) for name in referenced})
    files = _file_hashes(dest / UPLOADS)
    missing = sorted(name for name in referenced if _stored_relative(name) not in files)
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
    _write_manifest(dest / MANIFEST, manifest)
    _backup_summary(dest, manifest, echo)
    if found.orphans or found.leftovers or found.unexpected:
        echo(
            "  attention : fichiers que la base ne cite pas, non copiés "
            "(flask --app vae storage check --fix les supprime) :"
        )
        _report(storage.Survey(found.orphans, found.leftovers, found.unexpected, ()), echo)
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
        echo(f"  base SQLite : {database['file']} ({_size(database['size'])})")
    else:
        echo(f"  base PostgreSQL : {database['file']} à produire par la commande pg_dump")
    echo(f"  révision Alembic : {manifest['alembic_revision'] or 'aucune'}")
    echo(f"  lignes : {sum(counts.values())} au total")
    for table, count in sorted(counts.items()):
        if count:
            echo(f"    {table} : {count}")
    echo(
        f"  pièces jointes : {uploads['file_count']} fichier(s), "
        f"{_size(uploads['total_bytes'])}, dans {UPLOADS}/"
    )
    missing = manifest["missing_referenced_files"]
    if missing:
        echo(f"  attention : {len(missing)} fichier(s) cité(s) par la base absent(s) :")
        for name in missing:
            echo(f"    {name}")
    echo(f"  manifeste : {MANIFEST}")


# --- storage check ------------------------------------------------------------------------


def check_storage(*, fix: bool, older_than_s: float, echo: Echo = click.echo) -> bool:
    """Report (and with ``fix`` remove) what the upload folder holds that no row explains.

    Returns whether the instance is consistent afterwards: nothing left to remove, no
    unexpected file and no row whose file is missing (those are reported, never fixed).
    """
    folder = upload_folder()
    references: dict[str, str] = {}

    def referenced() -> set[str]:
        with db.engine.connect() as connection:
            references.update(stored_references(connection))
        return set(references)

    found = storage.survey(folder, referenced, older_than_s=older_than_s)
    minutes = f"{older_than_s / 60:g}".replace(".", ",")
    echo(f"Dossier des pièces jointes : {folder} (fichiers de plus de {minutes} min)")
    _report(found, echo, references)
    removed = 0
    if fix:
        for relative in found.removable:
            (folder / relative).unlink(missing_ok=True)
            removed += 1
        echo(f"{removed} fichier(s) supprimé(s).")
    consistent = not (found.unexpected or found.missing) and (fix or not found.removable)
    if found.clean:
        echo("Rien à signaler.")
    elif not consistent:
        echo("Des écarts restent à traiter (code de sortie 1).")
    return consistent


def _report(found: storage.Survey, echo: Echo, references: dict[str, str] | None = None) -> None:
    """One line per file no row explains and per row whose file is missing."""
    for relative in found.orphans:
        echo(f"  fichier sans ligne dans la base : {relative}")
    for relative in found.leftovers:
        echo(f"  fichier temporaire abandonné : {relative}")
    for relative in found.unexpected:
        echo(f"  fichier inattendu (jamais supprimé) : {relative}")
    for name in found.missing:
        where = f" (cité par {references[name]})" if references and name in references else ""
        echo(f"  fichier introuvable{where} : {name}")


# --- restore ------------------------------------------------------------------------------


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
    manifest = _read_manifest(src)
    if manifest["database"].get("method") != SQLITE_METHOD:
        raise BackupError(
            f"{src} contient une sauvegarde PostgreSQL (pg_dump) : elle ne se restaure pas "
            "dans une base SQLite."
        )
    target = _sqlite_path(url)
    uploads = upload_folder().absolute()
    _refuse_unless_empty(target, uploads)
    _check_backup(src, manifest)

    db.session.remove()
    db.engine.dispose()  # no pooled connection may keep the old file open
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(src / DATABASE_FILE, target, self_contained=False)
    finally:
        db.engine.dispose()
    _copy_uploads(src / UPLOADS, uploads)

    problems = _verify(manifest, uploads)
    counts = manifest["row_counts"]
    echo(f"Sauvegarde du {manifest['created_at']} restaurée depuis {src}")
    echo(f"  base : {target}")
    echo(f"  lignes : {sum(counts.values())} au total")
    for table, count in sorted(counts.items()):
        if count:
            echo(f"    {table} : {count}")
    echo(f"  pièces jointes : {len(manifest['uploads']['files'])} fichier(s) dans {uploads}")
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
        f"  {shlex.join(['cp', '-a', f'{src / UPLOADS}/.', f'{upload_folder()}/'])}"
    )


def _read_manifest(src: Path) -> dict[str, Any]:
    path = src / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path} introuvable : {src} n'est pas une sauvegarde.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise BackupError(f"{path} illisible : {error}.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} : format de manifeste inconnu.")
    for key in ("database", "row_counts", "uploads"):
        if not isinstance(manifest.get(key), dict):
            raise BackupError(f"{path} : champ « {key} » absent ou invalide.")
    if not isinstance(manifest["uploads"].get("files"), dict):
        raise BackupError(f"{path} : liste des fichiers absente.")
    return manifest


def _refuse_unless_empty(target: Path, uploads: Path) -> None:
    reasons = []
    if target.exists():
        with db.engine.connect() as connection:
            data = {
                table: count
                for table, count in _engine_counts(connection).items()
                if count and table not in REFERENTIAL_TABLES
            }
            if data.get("audit_entries"):
                # Loading the referentials writes audit entries about certifications.
                data["audit_entries"] = connection.scalar(
                    text("SELECT count(*) FROM audit_entries WHERE subject_type <> 'certification'")
                )
                if not data["audit_entries"]:
                    del data["audit_entries"]
        db.session.remove()
        if data:
            listed = ", ".join(f"{table} : {count}" for table, count in data.items())
            reasons.append(f"la base {target} contient déjà des données ({listed})")
    files = sum(1 for _ in _files(uploads))
    if files:
        reasons.append(f"le dossier des pièces jointes {uploads} contient {files} fichier(s)")
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
    elif _sha256(database) != manifest["database"].get("sha256"):
        problems.append(f"{DATABASE_FILE} : empreinte SHA-256 différente du manifeste")
    for rel, expected in manifest["uploads"]["files"].items():
        relative = PurePosixPath(rel)
        if relative.is_absolute() or ".." in relative.parts:
            problems.append(f"chemin invalide dans le manifeste : {rel}")
            continue
        path = src / UPLOADS / relative
        if not path.is_file():
            problems.append(f"{UPLOADS}/{rel} absent")
        elif _sha256(path) != expected:
            problems.append(f"{UPLOADS}/{rel} : empreinte SHA-256 différente du manifeste")
    if problems:
        raise BackupError(
            f"La sauvegarde {src} est incomplète ou altérée (rien n'a été restauré) :\n"
            + "\n".join(f"  - {problem}" for problem in problems)
        )


def _verify(manifest: dict[str, Any], uploads: Path) -> list[str]:
    problems = []
    with db.engine.connect() as connection:
        counts = _engine_counts(connection)
        revision = _engine_revision(connection)
    db.session.remove()
    if revision != manifest.get("alembic_revision"):
        problems.append(f"révision Alembic {revision}, attendue {manifest.get('alembic_revision')}")
    for table, expected in manifest["row_counts"].items():
        found = counts.get(table)
        if found != expected:
            problems.append(f"table {table} : {found} ligne(s), {expected} attendue(s)")
    for rel, expected in manifest["uploads"]["files"].items():
        path = uploads / PurePosixPath(rel)
        if not path.is_file():
            problems.append(f"fichier {rel} absent")
        elif _sha256(path) != expected:
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


# --- SQLite -------------------------------------------------------------------------------


def _sqlite_path(url: URL) -> Path:
    database = url.database
    if not database or database == ":memory:" or url.query.get("mode") == "memory":
        raise BackupError("Base SQLite en mémoire : rien à sauvegarder ni à restaurer.")
    return Path(database).absolute()


def _sqlite_copy(source: Path, target: Path, *, self_contained: bool) -> None:
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


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)


def _sqlite_tables(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {name for (name,) in rows}


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    if "alembic_version" not in _sqlite_tables(connection):
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def _sqlite_counts(connection: sqlite3.Connection) -> dict[str, int]:
    existing = _sqlite_tables(connection)
    return {
        table.name: connection.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0]
        for table in db.metadata.sorted_tables
        if table.name in existing
    }


def _sqlite_referenced_files(connection: sqlite3.Connection) -> set[str]:
    existing = _sqlite_tables(connection)
    names: set[str] = set()
    for table, column in _stored_name_columns():
        if table in existing:
            query = f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'
            names.update(value for (value,) in connection.execute(query))
    return names


# --- any database, through SQLAlchemy ------------------------------------------------------


def _engine_revision(connection: Any) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.scalar(text("SELECT version_num FROM alembic_version"))


def _engine_counts(connection: Any) -> dict[str, int]:
    existing = set(inspect(connection).get_table_names())
    return {
        table.name: connection.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name in existing
    }


def _engine_referenced_files(connection: Any) -> set[str]:
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


# --- files --------------------------------------------------------------------------------


def _copy_uploads(source: Path, target: Path, keep: set[str] | None = None) -> None:
    """Copy the upload folder without temporary files; with ``keep``, only those files
    (paths relative to ``source``)."""
    if not source.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {name for name in names if _TEMPORARY_UPLOAD.match(name)}
        if keep is not None:
            here = Path(folder)
            skipped |= {
                name
                for name in names
                if (here / name).is_file()
                and (here / name).relative_to(source).as_posix() not in keep
            }
        return skipped

    try:
        shutil.copytree(source, target, ignore=ignore, dirs_exist_ok=True)
    except (OSError, shutil.Error) as error:
        raise BackupError(f"Copie de {source} vers {target} impossible : {error}") from error


def _files(root: Path) -> Iterable[Path]:
    if root.is_dir():
        yield from (path for path in root.rglob("*") if path.is_file())


def _file_hashes(root: Path) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): _sha256(path) for path in sorted(_files(root))}


def _stored_relative(stored_name: str) -> str:
    return f"{stored_name[:2]}/{stored_name}"


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    path.chmod(0o600)


def _size(size: float) -> str:
    if size < 1024:
        return f"{int(size)} o"
    for unit in ("Kio", "Mio", "Gio"):
        size /= 1024
        if size < 1024 or unit == "Gio":
            break
    return f"{size:.1f} {unit}".replace(".", ",")
