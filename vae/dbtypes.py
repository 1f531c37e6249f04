"""Column types shared by every feature's models."""

from __future__ import annotations

import contextlib
import enum
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, Enum, TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_uuid() -> uuid.UUID:
    return uuid.uuid4()


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite stores it naive, in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@contextlib.contextmanager
def stale_as(conflict: Callable[[], Exception]) -> Iterator[None]:
    """Within the block, a version column showing someone changed the row meanwhile
    (optimistic locking: any flush, an autoflush before a query included) rolls back and
    raises ``conflict()``, the caller's French explanation, never a 500."""
    from sqlalchemy.orm.exc import StaleDataError

    from vae.extensions import db

    try:
        yield
    except StaleDataError as exc:
        db.session.rollback()
        raise conflict() from exc


def commit_or(conflict: Callable[[], Exception]) -> None:
    """Commit; a concurrent change of the same row is ``conflict()`` (see :func:`stale_as`)."""
    from vae.extensions import db

    with stale_as(conflict):
        db.session.commit()


def lock_for_update(*instances: Any) -> None:
    """Take the write lock for the rest of the transaction, then reload ``instances`` from the
    database: concurrent requests run this block one after the other, each seeing what the
    previous one committed. Call it before changing anything in the session.

    PostgreSQL locks the instances' rows (``SELECT … FOR UPDATE``, in the order given: keep the
    same order everywhere). SQLite has no row locks: the transaction starts with ``BEGIN
    IMMEDIATE``, which takes the database's write lock at once (waiting ``busy_timeout`` for
    it). Without a write already made, pysqlite has not started the transaction yet; with one,
    the transaction holds the write lock already.
    """
    from vae.extensions import db

    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    for instance in instances:
        # OF its own table: the refresh repeats the instance's joined eager loads (LEFT OUTER
        # JOIN), whose rows PostgreSQL refuses to lock, and which must not be locked anyway.
        db.session.refresh(instance, with_for_update={"of": type(instance)})


@contextlib.contextmanager
def locked(*instances: Any) -> Iterator[None]:
    """``with locked(dossier):`` — :func:`lock_for_update`, and when the block raises, a
    rollback that releases the lock at once (not when the request ends)."""
    from vae.extensions import db

    lock_for_update(*instances)
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise


def searchable(text: str) -> str:
    """Lower case without accents: « Élise Müller » → « elise muller »."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def portable_enum(cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum column: VARCHAR with a CHECK constraint (no native type to migrate)."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=30,
        values_callable=lambda e: [m.value for m in e],
    )
