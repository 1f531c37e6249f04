"""Opaque cursors of the API's lists: the (moment, id) of the last row of the previous page.

Rows are read in (moment, id) order and the next page starts strictly after the cursor, so a
row added meanwhile (a later moment) comes at the end and no row is skipped or read twice.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from vae.api.problems import ApiProblem

BAD_CURSOR = "Curseur de pagination invalide : reprenez la valeur next_cursor d'une réponse."


def encode(moment: datetime, row_id: Any) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    raw = json.dumps([moment.astimezone(UTC).isoformat(), str(row_id)])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The (moment, id) of a cursor; a 400 problem for anything else."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        moment_text, id_text = json.loads(base64.urlsafe_b64decode(padded.encode()))
        moment = datetime.fromisoformat(moment_text)
        row_id = uuid.UUID(id_text)
        if moment.tzinfo is None:
            raise ValueError(moment_text)
        moment = moment.astimezone(UTC)
    except (ValueError, TypeError, OverflowError, binascii.Error, UnicodeError):
        raise ApiProblem(400, BAD_CURSOR) from None
    return moment, row_id


def after(moment_col: Any, id_col: Any, cursor: str) -> ColumnElement[bool]:
    """Rows strictly after ``cursor`` in (moment, id) order."""
    moment, row_id = decode(cursor)
    return or_(moment_col > moment, and_(moment_col == moment, id_col > row_id))


def page(
    rows: list[Any], limit: int, key: Callable[[Any], tuple[datetime, Any]]
) -> tuple[list[Any], str | None]:
    """The page (``rows`` were read with ``limit + 1``) and the cursor of the next one;
    ``key`` gives a row's (moment, id)."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode(*key(rows[-1]))
