"""Where and how uploads are written: whole, under a random sharded name, with their SHA-256.

Files live under the key ``<first 2 hex chars>/<32 hex chars>.<pdf|jpg|png>`` of a storage
backend (:mod:`vae.storage.backends`): in a local folder, written through a temporary file in
the target folder, ``fsync`` and ``os.replace``, mode ``0o640``; in S3, one PUT.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import typing
from dataclasses import dataclass
from pathlib import Path

from vae.storage.backends import Backend, LocalBackend
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
    folder: Backend | Path,
    max_bytes: int = MAX_BYTES_DEFAULT,
) -> StoredFile:
    """Check and store an upload; raise :class:`UploadRejected` when it is refused.

    Reads at most ``max_bytes + 1`` bytes (one more than allowed, to detect "too large"),
    writes ``<shard>/<random>.<ext>`` whole into the backend (a folder: atomically, ``0o640``).
    """
    data = _read_limited(stream, max_bytes + 1)
    return _write(data, check(data, max_bytes), filename, folder)


def as_backend(where: Backend | Path | str) -> Backend:
    """A backend as is; a folder (the unit tests, older callers) as its :class:`LocalBackend`."""
    return LocalBackend(where) if isinstance(where, (Path, str)) else where


def key_of(stored_name: str) -> str:
    """The key of a stored file, ``<shard>/<name>``; refuses anything but
    ``<32 hex>.<pdf|jpg|png>`` (ValueError)."""
    if not isinstance(stored_name, str) or not STORED_NAME.fullmatch(stored_name):
        raise ValueError(f"invalid stored file name: {stored_name!r}")
    return f"{stored_name[:2]}/{stored_name}"


def _write(data: bytes, mime: str, filename: str | None, where: Backend | Path) -> StoredFile:
    """Write checked ``data`` under a new random name, whole, with its SHA-256."""
    backend = as_backend(where)
    ext = ACCEPTED[mime]
    while True:
        stored_name = secrets.token_hex(16) + ext
        if not backend.exists(key_of(stored_name)):
            break
    sha256 = hashlib.sha256(data).hexdigest()
    backend.put(key_of(stored_name), data, sha256)
    return StoredFile(
        stored_name=stored_name,
        display_name=display_name(filename, mime),
        mime_type=mime,
        size=len(data),
        sha256=sha256,
    )


def store_document(pdf: bytes, filename: str, folder: Backend | Path) -> StoredFile:
    """Store a PDF the app made itself (a submission, a letter). It is no upload: the scan for
    active content, which reads raw bytes, may find « /JS » by chance inside the compressed
    streams of a genuine document, and a letter must never be refused for that."""
    if not pdf.startswith(b"%PDF-"):
        raise ValueError("store_document takes a PDF")
    return _write(pdf, "application/pdf", filename, folder)


def path_of(folder: Path, stored_name: str) -> Path:
    """Where a stored file lives in a local folder (:class:`LocalBackend`'s layout)."""
    return Path(folder) / key_of(stored_name)


def read(where: Backend | Path, stored_name: str) -> bytes:
    """The bytes of a stored file (FileNotFoundError when it is gone)."""
    return as_backend(where).read(key_of(stored_name))


def delete(where: Backend | Path, stored_name: str) -> None:
    """Remove a stored file; nothing happens when it is already gone."""
    as_backend(where).delete(key_of(stored_name))


class removed_on_failure:
    """``with removed_on_failure(folder, stored):`` deletes the stored file when the block
    raises, typically a commit that lost a race: no file is left that no row names."""

    def __init__(self, folder: Backend | Path, stored_name: str) -> None:
        self.folder = folder
        self.stored_name = stored_name

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: object, exc: object, tb: object) -> bool:
        if exc_type is not None:
            delete(self.folder, self.stored_name)
        return False
