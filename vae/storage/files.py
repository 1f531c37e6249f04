"""Where and how uploads are written: atomically, under a random sharded name, mode ``0o640``.

Files live under ``folder/<first 2 hex chars>/<32 hex chars>.<pdf|jpg|png>``, written through
a temporary file in the target folder, ``fsync`` and ``os.replace``.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
import typing
from dataclasses import dataclass
from pathlib import Path

from vae.storage.checks import ACCEPTED, MAX_BYTES_DEFAULT, check
from vae.storage.names import display_name

STORED_NAME = re.compile(r"[0-9a-f]{32}\.(?:pdf|jpg|png)")
TEMPORARY_NAME = re.compile(r"\.upload-.*\.tmp")
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    display_name: str
    mime_type: str
    size: int
    sha256: str


def _read_limited(stream: typing.BinaryIO, limit: int) -> bytes:
    """Read at most ``limit`` bytes, in chunks, without asking the stream for more."""
    parts: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = stream.read(min(_CHUNK, remaining))
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)


def store(
    stream: typing.BinaryIO,
    filename: str | None,
    folder: Path,
    max_bytes: int = MAX_BYTES_DEFAULT,
) -> StoredFile:
    """Check and store an upload; raise :class:`UploadRejected` when it is refused.

    Reads at most ``max_bytes + 1`` bytes (one more than allowed, to detect "too large"),
    writes ``folder/<shard>/<random>.<ext>`` atomically with mode ``0o640``.
    """
    data = _read_limited(stream, max_bytes + 1)
    return _write(data, check(data, max_bytes), filename, Path(folder))


def _write(data: bytes, mime: str, filename: str | None, folder: Path) -> StoredFile:
    """Write checked ``data`` under a new random name, atomically, mode ``0o640``."""
    ext = ACCEPTED[mime]
    while True:
        stored_name = secrets.token_hex(16) + ext
        target = path_of(folder, stored_name)
        if not target.exists():
            break
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), 0o640)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return StoredFile(
        stored_name=stored_name,
        display_name=display_name(filename, mime),
        mime_type=mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def store_document(pdf: bytes, filename: str, folder: Path) -> StoredFile:
    """Store a PDF the app made itself (a submission, a letter). It is no upload: the scan for
    active content, which reads raw bytes, may find « /JS » by chance inside the compressed
    streams of a genuine document, and a letter must never be refused for that."""
    if not pdf.startswith(b"%PDF-"):
        raise ValueError("store_document takes a PDF")
    return _write(pdf, "application/pdf", filename, Path(folder))


def path_of(folder: Path, stored_name: str) -> Path:
    """Where a stored file lives; refuses anything but ``<32 hex>.<pdf|jpg|png>`` (ValueError)."""
    if not isinstance(stored_name, str) or not STORED_NAME.fullmatch(stored_name):
        raise ValueError(f"invalid stored file name: {stored_name!r}")
    return Path(folder) / stored_name[:2] / stored_name


def delete(folder: Path, stored_name: str) -> None:
    """Remove a stored file; nothing happens when it is already gone."""
    path_of(folder, stored_name).unlink(missing_ok=True)


class removed_on_failure:
    """``with removed_on_failure(folder, stored):`` deletes the stored file when the block
    raises, typically a commit that lost a race: no file is left that no row names."""

    def __init__(self, folder: Path, stored_name: str) -> None:
        self.folder = folder
        self.stored_name = stored_name

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: object, exc: object, tb: object) -> bool:
        if exc_type is not None:
            delete(self.folder, self.stored_name)
        return False
