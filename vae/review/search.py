"""The staff queue's search: a substring of « number name first name email », through an index.

``dossiers.search_text`` holds that text in lower case without accents (``searchable``). On
SQLite an FTS5 trigram table (``dossier_search``, kept by triggers: see migration 9c9e6e0000c9)
finds the rows holding the substring (or, for a common word, the queue's sort index is read
and each row's text checked: see ``WALK_RATIO``); on PostgreSQL a pg_trgm GIN index serves
the same LIKE.
A dossier number is looked up exactly on its unique index. Fewer than three characters match
no trigram: such a query is refused with a message beside the field.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, Uuid, bindparam, column, func, literal_column, select, table

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

WALK_RATIO = 75
"""SQLite, a page of a search: collecting its M matches from the index costs about M row
reads; walking the queue's sort index and checking each row's text until a page is full costs
about PER_PAGE × N / M (N dossiers), each some three times dearer. The walk is taken when
M² > WALK_RATIO × N: whichever is cheaper, the page never reads more than about √(75 N) rows
(8 700 at a million) however common the word."""

CHUNK = 6
"""A longer term is looked up in FTS5 as its pieces of ``CHUNK`` characters, each overlapping
the next by two (so every trigram of the term is in one): « ".777@e" AND "@exemp" AND "mple" ».
FTS5 reads a phrase by walking every one of its trigrams' lists, and a common trigram (« exe »
of every address) lists every dossier; ANDed pieces seek instead (measured at 100,000 dossiers:
4 ms down to 0.45 ms for one match). The pieces can match apart, so each candidate's text is
then checked for the whole term (``pattern``). A word of six letters (« martin ») stays one
phrase: read in order, its first thousand matches come at once."""

NUMBER_KIND, FTS_KIND, PIECES_KIND, WALK_KIND, LIKE_KIND, IDS_KIND = (
    "number",
    "fts",
    "pieces",
    "walk",
    "like",
    "ids",
)
"""``ids``: a search whose count (under the cap) read every match: the page reads those
dossiers by id (parameter ``ids``) instead of searching again. On PostgreSQL this also keeps
the planner, which guesses 1 % of the rows for any LIKE, from walking the sort's index to find
a rare word's two dossiers among all of them (165 ms at 100,000 dossiers, 2 ms by id)."""


def plan(query: str, matches: int = 0, indexed: int = 0) -> tuple[str, dict[str, str]] | None:
    """How to search ``query``: (kind, the parameters of :func:`clause`: ``search`` and for
    some kinds ``pattern``), or None when the query is too short to search. ``matches``: how
    many rows it finds (or an estimate, past the cap) and ``indexed``: out of how many, when
    known (the page's count came first)."""
    term = searchable(query).strip()
    if NUMBER.fullmatch(term):
        return NUMBER_KIND, {"search": term.upper()}
    if len(term) < MIN_LENGTH:
        return None
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    if db.session.get_bind().dialect.name != "sqlite":
        return LIKE_KIND, {"search": pattern}
    if matches > COUNT_CAP and matches * matches > WALK_RATIO * indexed:
        # The same substring test as the FTS5 phrase (the text is in lower case, unaccented).
        return WALK_KIND, {"search": pattern}
    if len(term) <= CHUNK:
        return FTS_KIND, {"search": _phrase(term)}  # one FTS5 phrase: the substring
    pieces = [term[i : i + CHUNK] for i in range(0, len(term) - 2, CHUNK - 2)]
    return PIECES_KIND, {"search": " AND ".join(map(_phrase, pieces)), "pattern": pattern}


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def clause(kind: str) -> ColumnElement[bool]:
    """The WHERE clause of a search of this kind (its parameters: :func:`plan`)."""
    if kind == IDS_KIND:
        return Dossier.id.in_(bindparam("ids", expanding=True))
    value = bindparam("search")
    if kind == NUMBER_KIND:
        return Dossier.number == value
    if kind == LIKE_KIND:
        return Dossier.search_text.like(value, escape="\\")
    if kind == WALK_KIND:  # « +column »: no index on it; the sort's index leads
        return literal_column("+dossiers.search_text").like(value, escape="\\")
    return Dossier.id.in_(
        select(_keys.c.dossier_id).join(_fts, _fts.c.rowid == _keys.c.id).where(*_matching(kind))
    )


def _matching(kind: str) -> tuple[ColumnElement[bool], ...]:
    found = _fts.c.search_text.op("MATCH")(bindparam("search"))
    if kind != PIECES_KIND:
        return (found,)
    # « +column »: checked on each candidate's stored text, not handed to FTS5 as a phrase.
    whole = literal_column("+dossier_search.search_text").like(bindparam("pattern"), escape="\\")
    return found, whole


def matched_by_index(kind: str, dossier_id: Any) -> tuple[ColumnElement[bool], ...] | None:
    """For an FTS5 search: the conditions joining its matches to ``dossier_id`` row by row
    (read in the index's order, a LIMIT stops after that many matches instead of collecting
    them all first, as ``IN (…)`` does); None for the other kinds."""
    if kind not in (FTS_KIND, PIECES_KIND):
        return None
    return (*_matching(kind), _keys.c.id == _fts.c.rowid, _keys.c.dossier_id == dossier_id)


def spread() -> tuple[Any, Any]:
    """For the count of an FTS5 search (:func:`matched_by_index`): the index key of a match,
    and the largest key. Matches come in key order; when the count stops at its cap, the keys
    it reached tell how dense the matches are: about cap × largest key ÷ last key reached
    match in all (:func:`estimate`), a fair guess since keys follow the dossiers' creation."""
    return _keys.c.id, select(func.max(_keys.c.id)).scalar_subquery()


def estimate(counted: int, reached: int | None, largest: int | None) -> tuple[int, int]:
    """(matches, indexed): how many dossiers an FTS5 search finds, out of how many, from
    what its bounded count saw (see :func:`spread`)."""
    if not reached or not largest or counted <= COUNT_CAP:
        return counted, largest or 0
    return max(counted, counted * largest // reached), largest


def capped(count: int) -> bool:
    """Whether ``count`` came from a count bounded at the cap (vae.review.queue_sql) stopping
    there."""
    return count > COUNT_CAP
