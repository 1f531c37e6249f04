"""What a backup folder holds (names, manifest) and the file helpers of backup and restore."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

import click

from vae import storage
from vae.storage.backends import sha256_of

MANIFEST = "manifest.json"
DATABASE_FILE = "vae.sqlite3"
DUMP_FILE = "vae.dump"
UPLOADS = "uploads"
FORMAT = 1
SQLITE_METHOD = "sqlite-backup"
PG_METHOD = "pg_dump"

Echo = Callable[[str], Any]


class BackupError(click.ClickException):
    """A refusal or a failure to report to the operator (exit code 1), in French."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Erreur : {self.format_message()}", file=file, err=True)


def read_manifest(src: Path) -> dict[str, Any]:
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


def copy_uploads(source: Path, target: Path, keep: set[str] | None = None) -> None:
    """Copy the upload folder without temporary files; with ``keep``, only those files
    (paths relative to ``source``)."""
    if not source.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {name for name in names if storage.TEMPORARY_NAME.fullmatch(name)}
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


def save_uploads(backend: storage.Backend, target: Path, keep: set[str]) -> None:
    """Copy the ``keep`` files (keys) of the upload storage into the folder ``target``."""
    if isinstance(backend, storage.LocalBackend):
        copy_uploads(backend.folder, target, keep)
        return
    target.mkdir(parents=True, exist_ok=True)
    for key in sorted(keep):
        path = target / key
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with backend.open(key) as stream, path.open("wb") as copy:
                shutil.copyfileobj(stream, copy)
        except FileNotFoundError:  # a referenced file the storage lacks: the manifest says so
            path.unlink(missing_ok=True)
        except OSError as error:
            raise BackupError(f"Copie de {key} vers {target} impossible : {error}") from error


def load_uploads(source: Path, backend: storage.Backend) -> None:
    """Copy a backup's upload folder into the (empty) upload storage."""
    if isinstance(backend, storage.LocalBackend):
        copy_uploads(source, backend.folder)
        return
    for path in sorted(files_under(source)):
        data = path.read_bytes()
        backend.put(path.relative_to(source).as_posix(), data, hashlib.sha256(data).hexdigest())


def stored_hash(backend: storage.Backend, key: str) -> str | None:
    """The SHA-256 of what ``backend`` holds under ``key``, None when nothing."""
    try:
        return sha256_of(backend, key)
    except FileNotFoundError:
        return None


def files_under(root: Path) -> Iterable[Path]:
    if root.is_dir():
        yield from (path for path in root.rglob("*") if path.is_file())


def file_hashes(root: Path) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): sha256(path) for path in sorted(files_under(root))}


def stored_relative(stored_name: str) -> str:
    return f"{stored_name[:2]}/{stored_name}"


def sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    path.chmod(0o600)


def size_text(size: float) -> str:
    if size < 1024:
        return f"{int(size)} o"
    for unit in ("Kio", "Mio", "Gio"):
        size /= 1024
        if size < 1024 or unit == "Gio":
            break
    return f"{size:.1f} {unit}".replace(".", ",")
