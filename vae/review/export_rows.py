"""The rows of a queue export, read from the database in batches from one snapshot.

:func:`queue_rows` is lazy: the export streams a file of any size (no cut-off) while holding
at most one batch of rows. Every batch is read in the same transaction, opened for the export
(PostgreSQL: ``REPEATABLE READ``; SQLite: ``BEGIN``, a WAL read snapshot), so a decision taken
by a colleague while the file downloads neither repeats nor drops a row.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from flask import Flask, current_app

from vae import clock
from vae.extensions import db
from vae.review import keyset, queue

BATCH = 2_000


def read_snapshot() -> None:
    """End the request's transaction (nothing was written) and open a read-only snapshot."""
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        return
    connection = db.session.connection()
    raw = connection.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        connection.exec_driver_sql("BEGIN")


def queue_rows(
    filters: queue.Filters, officer_id: uuid.UUID, batch: int | None = None
) -> Iterator[dict[str, Any]]:
    """Every dossier of the queue view ``filters``, in its order, as export cells; each batch
    starts after the last row of the previous one (keyset: no OFFSET, linear at any size).

    Lazy, and independent of the request: the rows are read, once the response is iterated,
    in an application context (so a database session) of their own, closed at the end."""
    return _rows(current_app._get_current_object(), filters, officer_id, batch)  # type: ignore[attr-defined]


def _rows(
    app: Flask, filters: queue.Filters, officer_id: uuid.UUID, batch: int | None
) -> Iterator[dict[str, Any]]:
    with app.app_context():
        yield from _batches(filters, officer_id, batch)


def _batches(
    filters: queue.Filters, officer_id: uuid.UUID, batch: int | None
) -> Iterator[dict[str, Any]]:
    read_snapshot()
    keys = keyset.keys_for(filters.sort, filters.overdue)
    cursor = None
    today = clock.today()  # once: the file is one moment's view
    while True:
        rows = queue.rows_for(filters, officer_id, batch or BATCH, cursor=cursor)
        for r in rows:
            yield {
                "number": r.number,
                "candidate": r.candidate,
                "email": r.email,
                "certification": r.certification,
                "option": r.option or "",
                "submitted_on": clock.paris_date(r.submitted_at) if r.submitted_at else None,
                "status": r.status.label,
                "due_on": r.due_on,
                "days_left": (r.due_on - today).days if r.due_on else None,
                "officer": r.officer or "",
            }
        if len(rows) < (batch or BATCH):
            return
        cursor = keyset.decode(rows[-1].cursor, keys)
