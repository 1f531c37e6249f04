"""Where stored bytes live: one interface, two backends (a local folder, S3-compatible storage).

Keys are relative POSIX paths (``ab/ab…cd.pdf``, ``<holder>/<hash>.pdf``). Every object is
written whole with its SHA-256: :class:`LocalBackend` writes through a temporary file,
``fsync`` and ``os.replace`` (mode ``0o640``), exactly the layout of the upload folder since
the beginning; :class:`S3Backend` keeps the SHA-256 as object metadata (``sha256``) and, on
:meth:`S3Backend.read`, refuses bytes that no longer match it (:class:`CorruptObject`).
No Flask here: :mod:`vae.storage.configured` builds the backend of the configuration.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

SHA256_METADATA = "sha256"


class CorruptObject(Exception):
    """An object whose bytes no longer match the SHA-256 recorded when it was written."""


@dataclass(frozen=True)
class Entry:
    """One listed object: its key, last modification (epoch seconds) and size in bytes."""

    key: str
    modified: float
    size: int


@typing.runtime_checkable
class Backend(typing.Protocol):
    """What the application asks of a storage: whole objects under relative keys."""

    def put(self, key: str, data: bytes, sha256: str) -> None: ...
    def open(self, key: str) -> typing.BinaryIO: ...
    def read(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...
    def size(self, key: str) -> int: ...
    def iter_names(self, prefix: str = "") -> Iterator[Entry]: ...
    def recorded_sha256(self, key: str) -> str | None: ...
    def describe(self) -> str: ...


def safe_key(key: str) -> str:
    """``key`` when it is a plain relative path (ValueError otherwise)."""
    parts = PurePosixPath(key).parts
    if not key or key.startswith("/") or any(p in {"..", "."} for p in parts) or "\\" in key:
        raise ValueError(f"invalid storage key: {key!r}")
    return key


class LocalBackend:
    """A folder of the local disk (the default): ``folder/<key>``."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        return self.folder / safe_key(key)

    def put(self, key: str, data: bytes, sha256: str) -> None:
        """Write atomically, mode ``0o640`` (the SHA-256 is the caller's database row)."""
        target = self._path(key)
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

    def open(self, key: str) -> typing.BinaryIO:
        return self._path(key).open("rb")

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        return self._path(key).stat().st_size

    def iter_names(self, prefix: str = "") -> Iterator[Entry]:
        root = self._path(prefix) if prefix else self.folder
        if not root.is_dir():
            return
        for path in sorted(root.rglob("*")):
            try:
                if not path.is_file():
                    continue
                stat = path.stat()
            except FileNotFoundError:  # removed meanwhile
                continue
            key = path.relative_to(self.folder).as_posix()
            yield Entry(key, stat.st_mtime, stat.st_size)

    def recorded_sha256(self, key: str) -> str | None:
        """A local file records no hash of its own: the database row holds it."""
        return None

    def describe(self) -> str:
        return str(self.folder)


class S3Backend:
    """A bucket of S3-compatible object storage, under ``prefix`` (``uploads/``…)."""

    def __init__(self, client: typing.Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def _key(self, key: str) -> str:
        return self.prefix + safe_key(key)

    def put(self, key: str, data: bytes, sha256: str) -> None:
        """One PUT (atomic for readers), the SHA-256 as metadata and checked by the server."""
        import base64

        self.client.put_object(
            Bucket=self.bucket,
            Key=self._key(key),
            Body=data,
            Metadata={SHA256_METADATA: sha256},
            ChecksumSHA256=base64.b64encode(bytes.fromhex(sha256)).decode(),
        )

    def _get(self, key: str) -> dict[str, typing.Any]:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.NoSuchKey as error:
            raise FileNotFoundError(key) from error

    def open(self, key: str) -> typing.BinaryIO:
        """A stream of the object (not checked: :func:`sha256_of` or ``storage check`` do)."""
        return self._get(key)["Body"]

    def read(self, key: str) -> bytes:
        """The whole object, checked against its recorded SHA-256 (:class:`CorruptObject`)."""
        found = self._get(key)
        data = found["Body"].read()
        expected = found.get("Metadata", {}).get(SHA256_METADATA)
        if expected and hashlib.sha256(data).hexdigest() != expected:
            raise CorruptObject(key)
        return data

    def _head(self, key: str) -> dict[str, typing.Any] | None:
        from botocore.exceptions import ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def size(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise FileNotFoundError(key)
        return int(head["ContentLength"])

    def iter_names(self, prefix: str = "") -> Iterator[Entry]:
        paginator = self.client.get_paginator("list_objects_v2")
        start = self.prefix + (safe_key(prefix) if prefix else "")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=start):
            for found in page.get("Contents", []):
                key = found["Key"][len(self.prefix) :]
                yield Entry(key, found["LastModified"].timestamp(), int(found["Size"]))

    def recorded_sha256(self, key: str) -> str | None:
        head = self._head(key)
        return None if head is None else head.get("Metadata", {}).get(SHA256_METADATA)

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def sha256_of(backend: Backend, key: str) -> str:
    """The SHA-256 of the bytes stored under ``key`` now, read in chunks."""
    with backend.open(key) as stream:
        digest = hashlib.sha256()
        while chunk := stream.read(64 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
