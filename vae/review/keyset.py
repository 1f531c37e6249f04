"""Keyset pagination of the staff queue: a page is read by seeking from the previous page's
last row (or, backwards, from the next page's first row), never by skipping rows with OFFSET.

A sort is a list of keys (columns of ``dossiers``, the id last so that every row has its own
place). « After the cursor » is the union of one branch per key: the same values on the keys
before it and a greater (or, for a descending key, smaller) value on it. Each branch is an index
seek that reads at most one page; the union of a few pages is sorted again and cut. NULLs: the
deadline sort puts « no deadline » first in its key list (``due_missing``), so that within equal
prefixes a NULL deadline is never compared.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Select, bindparam, false, select, union_all


@dataclass(frozen=True)
class Key:
    name: str  # a column of ``dossiers``, or "due_missing" (decision_due IS NULL)
    descending: bool = False


SORT_KEYS: dict[str, tuple[Key, ...]] = {
    # Deadline first; decided dossiers (no deadline) after, most recent first.
    "echeance": (Key("due_missing"), Key("decision_due"), Key("submitted_at", True), Key("id")),
    # Overdue only: every row has a deadline; the (status, decision_due, …) index serves it.
    "retard": (Key("decision_due"), Key("submitted_at"), Key("id")),
    "depot": (Key("submitted_at", True), Key("id")),
    "depot_ancien": (Key("submitted_at"), Key("id")),
    "numero": (Key("number"), Key("id")),
    "candidat": (Key("last_name"), Key("first_name"), Key("id")),
}


def keys_for(sort: str, overdue: bool) -> tuple[Key, ...]:
    return SORT_KEYS["retard"] if overdue and sort == "echeance" else SORT_KEYS[sort]


def expression(cols: Any, key: Key) -> ColumnElement[Any]:
    if key.name == "due_missing":
        return cols.decision_due.is_(None)
    return getattr(cols, key.name)


def order_by(cols: Any, keys: tuple[Key, ...], backward: bool = False) -> list[Any]:
    """The ORDER BY of ``keys`` (each one matches an index of ``dossiers``), or its reverse."""
    return [
        expression(cols, k).desc() if k.descending != backward else expression(cols, k).asc()
        for k in keys
    ]


def value_of(row: Any, key: Key) -> Any:
    """A key's value in a row read with the columns of ``dossiers``."""
    if key.name == "due_missing":
        return row.decision_due is None
    return getattr(row, key.name)


def _equal(cols: Any, key: Key, value: Any) -> ColumnElement[bool]:
    if key.name == "due_missing":  # written as the index's expression, so that it seeks
        return expression(cols, key) == bindparam(None, value, type_=Boolean)
    if value is None:
        return expression(cols, key).is_(None)
    return expression(cols, key) == value


def _beyond(cols: Any, key: Key, value: Any, backward: bool) -> ColumnElement[bool] | None:
    """Rows strictly after ``value`` on this key (before it when reading backwards)."""
    if value is None:  # NULLs share one place: nothing lies beyond it on this key
        return None
    if key.name == "due_missing":
        return _equal(cols, key, not value) if value == backward else None
    column = expression(cols, key)
    return column < value if key.descending != backward else column > value


def seek(
    base: Select[Any],
    cols: Any,
    keys: tuple[Key, ...],
    cursor: tuple[Any, ...] | None,
    limit: int,
    backward: bool = False,
) -> Select[Any]:
    """``base`` (a select of ``dossiers`` columns, filtered) cut to the ``limit`` rows after
    ``cursor`` (before it when ``backward``; from the start or the end without cursor), in
    the order of ``keys`` read in that direction."""
    if cursor is None:
        return base.order_by(*order_by(cols, keys, backward)).limit(limit)
    branches = []
    for depth in range(len(keys) - 1, -1, -1):
        beyond = _beyond(cols, keys[depth], cursor[depth], backward)
        if beyond is None:
            continue
        same = [_equal(cols, k, v) for k, v in zip(keys[:depth], cursor[:depth], strict=True)]
        # Sorted on the keys left free only: SQLite (3.40) does not see that a key fixed by
        # ``=`` (above all the « no deadline » flag) is constant, and would sort every row of
        # the branch in a temporary B-tree instead of reading its index in order.
        free = keys[depth + 1 :] if keys[depth].name == "due_missing" else keys[depth:]
        branch = base.where(*same, beyond).order_by(*order_by(cols, free, backward)).limit(limit)
        branches.append(select(branch.subquery()))
    if not branches:
        return base.where(false()).limit(0)
    if len(branches) == 1:
        return branches[0]
    return union_all(*branches)


# Cursors travel in links: the key values as JSON, in URL-safe base64.


def encode(values: tuple[Any, ...]) -> str:
    plain = [
        v.hex
        if isinstance(v, uuid.UUID)
        else v.isoformat()
        if isinstance(v, date | datetime)
        else v
        for v in values
    ]
    raw = json.dumps(plain, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(text: str, keys: tuple[Key, ...]) -> tuple[Any, ...] | None:
    """The key values of a cursor, or None when it is not one of this sort (a bad link)."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        plain = json.loads(raw)
        if not isinstance(plain, list) or len(plain) != len(keys):
            return None
        return tuple(_typed(k, v) for k, v in zip(keys, plain, strict=True))
    except (ValueError, TypeError, binascii.Error):
        return None


def _typed(key: Key, value: Any) -> Any:
    if value is None:
        return None
    if key.name == "due_missing":
        if not isinstance(value, bool):
            raise ValueError("flag")
        return value
    if key.name == "id":
        return uuid.UUID(str(value))
    if key.name == "decision_due":
        return date.fromisoformat(str(value))
    if key.name == "submitted_at":
        moment = datetime.fromisoformat(str(value))
        if moment.tzinfo is None:
            raise ValueError("naive")
        return moment
    if not isinstance(value, str):
        raise ValueError("text")
    return value
