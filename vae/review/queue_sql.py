"""The review queue's statements, built once per *shape* and then only executed with values.

A queue view is a handful of filters, a sort and a cursor. Building its SELECT with SQLAlchemy
(coercions, column proxies of the subqueries, the keyset union) cost about three times what
executing it costs; yet the statement's text depends only on *which* filters are set, not on
their values. So :class:`Shape` names which ones are, each statement is built once per shape and
process (``functools.lru_cache``) with named bound parameters, and a page only executes it with
its values: SQLAlchemy's compiled cache then serves the SQL text too. A statement object is
immutable once built; sharing it between threads and requests is safe.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, String, bindparam, cast, func, literal_column, null, select
from sqlalchemy.orm import aliased

from vae.accompaniment.models import Accompaniment
from vae.auth.models import User
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.referentials.models import Certification
from vae.review import keyset, search

COLUMNS = (
    "id",
    "number",
    "last_name",
    "first_name",
    "email",
    "certification_id",
    "option_code",
    "submitted_at",
    "status",
    "decision_due",
    "assigned_officer_id",
)
CACHED_SHAPES = 1024


@dataclass(frozen=True)
class Shape:
    """Which filters a view sets (their values are parameters of the same names)."""

    within: bool = False  # ``within``: the certification ids the officer covers (expanding)
    status: bool = False  # ``status``
    certification: bool = False  # ``certification``: a code
    officer: str = ""  # "id" (``officer``) or "none" (nobody)
    since: bool = False  # ``since``, ``until``: moments (Paris days)
    until: bool = False
    overdue: bool = False  # ``today``
    search: str = ""  # a vae.review.search kind; its value is ``search``
    sqlite: bool = True  # the dialect: its planner needs hints PostgreSQL's must not get


@functools.lru_cache(maxsize=CACHED_SHAPES)
def filtered(shape: Shape) -> Select[Any]:
    """The dossiers' shown columns, filtered (every filter has an index; see the model)."""
    table = Dossier.__table__
    stmt = select(*(table.c[name] for name in COLUMNS)).where(table.c.status != DossierStatus.DRAFT)
    if shape.within:
        # « +column »: SQLite must not pick the certification index for the IN list (it would
        # then sort every dossier of the scope); the sort's index leads, the scope is checked.
        # PostgreSQL would lose the column's statistics (it then expected 700 rows out of
        # 70,000 and sorted them all instead of reading the sort's index).
        scope = table.c.certification_id
        if shape.sqlite:
            scope = literal_column("+dossiers.certification_id", scope.type)
        stmt = stmt.where(scope.in_(bindparam("within", expanding=True)))
    if shape.status:
        stmt = stmt.where(table.c.status == bindparam("status", type_=table.c.status.type))
    if shape.certification:
        code = select(Certification.id).where(Certification.code == bindparam("certification"))
        stmt = stmt.where(table.c.certification_id == code.scalar_subquery())
    if shape.officer == "id":
        stmt = stmt.where(table.c.assigned_officer_id == bindparam("officer"))
    elif shape.officer == "none":
        stmt = stmt.where(table.c.assigned_officer_id.is_(None))
    if shape.since:
        stmt = stmt.where(table.c.submitted_at >= bindparam("since"))
    if shape.until:
        stmt = stmt.where(table.c.submitted_at < bindparam("until"))
    if shape.overdue:
        stmt = stmt.where(
            table.c.status == DossierStatus.SUBMITTED, table.c.decision_due < bindparam("today")
        )
    if shape.search:
        stmt = stmt.where(search.clause(shape.search))
    return stmt


@functools.lru_cache(maxsize=CACHED_SHAPES)
def grouped_count(shape: Shape) -> Select[Any]:
    """Dossiers per status of the view: a COUNT of the filtered set."""
    base = filtered(shape).subquery()
    return select(base.c.status, func.count()).group_by(base.c.status)


@functools.lru_cache(maxsize=CACHED_SHAPES)
def bounded_matches(shape: Shape) -> Select[Any]:
    """A search's matches per status among its first ``cap`` (``search.COUNT_CAP + 1``, a
    parameter) only: at most that many index entries read, however many match. Rows of
    (status, count, reached, largest, ids): for an FTS5 search, the last index key reached and
    the largest one, which tell how dense the matches are (``search.estimate``; NULLs
    otherwise); ``ids``, the group's dossier ids joined by commas: under the cap, every match,
    which the page then reads by id (``search.IDS_KIND``) instead of searching again."""
    table = Dossier.__table__
    joined = search.matched_by_index(shape.search, table.c.id)
    columns = [table.c.status, cast(table.c.id, String).label("match_id")]
    if joined is None:
        sample = filtered(shape).with_only_columns(*columns).limit(bindparam("cap")).subquery()
        reached = largest = null()
    else:
        key, largest = search.spread()
        base = filtered(replace(shape, search="")).where(*joined)
        # Only what the count reads: the status, id and certification come from an index.
        base = base.with_only_columns(*columns, key.label("search_key"))
        sample = base.limit(bindparam("cap")).subquery()
        reached = func.max(sample.c.search_key)
    ids = func.aggregate_strings(sample.c.match_id, ",")
    return select(sample.c.status, func.count(), reached, largest, ids).group_by(sample.c.status)


CursorShape = tuple[bool | None, ...]
"""Per sort key: None for a NULL value, the flag itself for « no deadline », True otherwise."""


def cursor_shape(keys: tuple[keyset.Key, ...], cursor: tuple[Any, ...]) -> CursorShape:
    return tuple(
        None if v is None else bool(v) if k.name == "due_missing" else True
        for k, v in zip(keys, cursor, strict=True)
    )


def cursor_params(keys: tuple[keyset.Key, ...], cursor: tuple[Any, ...]) -> dict[str, Any]:
    """The cursor's values as the parameters of :func:`page`."""
    return {
        f"key{i}": v
        for i, (k, v) in enumerate(zip(keys, cursor, strict=True))
        if v is not None and k.name != "due_missing"
    }


@functools.lru_cache(maxsize=CACHED_SHAPES)
def page(
    shape: Shape,
    keys: tuple[keyset.Key, ...],
    cursor: CursorShape | None,
    limit: int,
    backward: bool,
    skips: bool,
) -> Select[Any]:
    """The rows of a slice (after or before a cursor of ``cursor``'s shape, by keyset; from
    the start or the end without one; ``skips``: after ``offset`` rows), with certification
    and officer names, in the order of the sort."""
    base = filtered(shape)
    marks = None
    if cursor is not None:
        marks = tuple(
            v if v is None or k.name == "due_missing" else bindparam(f"key{i}")
            for i, (k, v) in enumerate(zip(keys, cursor, strict=True))
        )
    sliced = keyset.seek(base, base.selected_columns, keys, marks, limit, backward)
    if skips:
        sliced = sliced.offset(bindparam("offset"))
    inner = sliced.subquery()
    officer = aliased(User)
    return (
        select(
            inner,
            Certification.title,
            _accompanied(inner.c.id),
            officer.first_name,
            officer.last_name,
        )
        .join(Certification, Certification.id == inner.c.certification_id)
        .outerjoin(officer, officer.id == inner.c.assigned_officer_id)
        .order_by(*keyset.order_by(inner.c, keys, backward))
        .limit(limit)
    )


def _accompanied(dossier_id: Any) -> Any:
    """EXISTS: the dossier has an active accompaniment (a column of the page's one query)."""
    return (
        select(Accompaniment.id)
        .where(
            Accompaniment.dossier_id == dossier_id,
            Accompaniment.accepted_at.is_not(None),
            Accompaniment.revoked_at.is_(None),
        )
        .exists()
        .label("accompanied")
    )
