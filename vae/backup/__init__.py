"""Backup and restore of a whole instance: the database and the uploaded files.

``flask --app vae backup DEST`` writes into a new (or empty) directory:

* ``vae.sqlite3``: a consistent copy of the SQLite database made with SQLite's online backup
  API (safe while the application runs: readers never block in WAL mode), switched to the
  ``DELETE`` journal mode so that the copy is a single self-contained file (mode ``0o600``);
* ``uploads/``: a copy of the upload storage, the local folder or the S3 bucket
  (``<2 hex>/<32 hex>.<pdf|jpg|png>``), without the temporary files of uploads in progress;
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

``flask --app vae storage migrate`` (:mod:`.migrate`) copies the local folder into the bucket.

User errors are :class:`click.ClickException` with French messages. The work is split by meaning:
:mod:`.create`, :mod:`.restore`, :mod:`.storage_check`, :mod:`.database` (reading SQLite and
any engine through SQLAlchemy) and :mod:`.files` (names, manifest, copies, hashes).
"""

from __future__ import annotations

from vae.backup.create import create_backup, pg_dump_command, pg_restore_command
from vae.backup.database import stored_references
from vae.backup.files import BackupError
from vae.backup.restore import restore_backup
from vae.backup.storage_check import check_storage

__all__ = [
    "BackupError",
    "check_storage",
    "create_backup",
    "pg_dump_command",
    "pg_restore_command",
    "restore_backup",
    "stored_references",
]
