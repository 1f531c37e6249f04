"""The staff queue's search: a substring of « number name first name email », through an index.

``dossiers.search_text`` holds that text in lower case without accents (``searchable``). On
SQLite an FTS5 trigram table (``dossier_search``, kept by triggers: see migration 9c9e6e0000c9)
finds the rows holding the substring; on PostgreSQL a pg_trgm GIN index serves the same LIKE.
A dossier number is looked up exactly on its unique index. Fewer than three characters match
no trigram: such a query is refused with a message beside the field.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, Select, Uuid, column, func, literal_column, select, table

from vae.dbtypes import searchable
from vae.dossier.models import Dossier
from vae.extensions import db

MIN_LENGTH = 3
TOO_SHORT = "Saisissez au moins 3 caractères (ou un numéro de dossier complet)."
NUMBER = re.compile(r"vae-\d{4}-\d{6}")

_keys = table("dossier_search_keys", column("id"), column("dossier_id", Uuid))
_fts = table("dossier_search", column("rowid"), column("search_text"))


COUNT_CAP = 1000
"""A search counts at most this many matches (+ 1): a common word (« martin ») costs the
same as a rare one; the page then says « plus de 1 000 dossiers », without counts per status."""

BROAD = 1000
"""Above this many matches, SQLite reads the queue's sort index and checks each row against
the matches (a page is found within a few hundred rows) instead of sorting every match."""


def condition(query: str, matches: int = 0) -> ColumnElement[bool] | None:
    """The WHERE clause of a search, or None when the query is too short to search.
    ``matches``: how many rows it finds, when known (the page's count came first)."""
    term = searchable(query).strip()
    if NUMBER.fullmatch(term):
        return Dossier.number == term.upper()
    if len(term) < MIN_LENGTH:
        return None
    if db.session.get_bind().dialect.name == "sqlite":
        phrase = '"' + term.replace('"', '""') + '"'  # one FTS5 phrase: the exact substring
        matching = (
            select(_keys.c.dossier_id)
            .join(_fts, _fts.c.rowid == _keys.c.id)
            .where(_fts.c.search_text.op("MATCH")(phrase))
        )
        if matches > BROAD:  # « +id » cannot use an index: the sort's index leads
            return literal_column("+dossiers.id", Uuid).in_(matching)
        return Dossier.id.in_(matching)
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Dossier.search_text.like(f"%{escaped}%", escape="\\")


def bounded_counts(filtered: Select[Any]) -> dict[str, int]:
    """The matches of ``filtered`` (a search) per status, among its first ``COUNT_CAP + 1``
    only: one statement reading at most that many rows, whatever the number of matches."""
    sample = filtered.limit(COUNT_CAP + 1).subquery()
    rows = db.session.execute(select(sample.c.status, func.count()).group_by(sample.c.status))
    return {getattr(status, "value", status): int(n) for status, n in rows}


def capped(count: int) -> bool:
    """Whether ``count`` came from :func:`bounded_counts` stopping at its cap."""
    return count > COUNT_CAP
