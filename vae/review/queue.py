"""The review queue: filters read from the URL, one query for the page, one for the counts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from vae import clock
from vae.certifiers import scope
from vae.dossier import status_counts
from vae.dossier.enums import DossierStatus
from vae.extensions import db
from vae.review import keyset, queue_sql, search
from vae.review.queue_page import PER_PAGE, Page

QUEUE_STATUSES = [s for s in DossierStatus if s != DossierStatus.DRAFT]
SORTS = {
    "echeance": "Échéance la plus proche",
    "depot": "Dépôt le plus récent",
    "depot_ancien": "Dépôt le plus ancien",
    "numero": "Numéro de dossier",
    "candidat": "Nom du candidat",
}
SOON_DAYS = 7


@dataclass
class Filters:
    """What the officer asked for; built from and written back to the query string."""

    status: str = ""
    certification: str = ""
    officer: str = ""  # a user id, "moi" or "aucun"
    submitted_from: date | None = None
    submitted_to: date | None = None
    overdue: bool = False
    q: str = ""
    sort: str = "echeance"
    page: int = 1
    after: str = ""  # keyset cursors (vae.review.keyset): the page after or before a row
    before: str = ""
    last: bool = False
    from_end: bool = False  # a page before the last of a capped search (no page number)
    # The view's count once known, and out of how many dossiers (an estimate past a search's
    # cap): vae.review.search picks its plan by them.
    matches: int = 0
    indexed: int = 0
    found: tuple[uuid.UUID, ...] | None = None  # every match, when the count read them all
    # The certifications the officer covers (vae.certifiers.scope); None: all (an admin).
    within: tuple[int, ...] | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: Any, user: Any = None) -> Filters:
        """The view ``args`` asks for, within what ``user`` covers (everything without user)."""
        filters = cls(
            within=scope.certification_ids(user) if user is not None else None,
            status=args.get("statut", "") if args.get("statut") in _status_values() else "",
            certification=(args.get("certification") or "")[:40],
            officer=(args.get("agent") or "")[:36],
            overdue=args.get("retard") == "1",
            q=(args.get("q") or "").strip()[:100],
            sort=args.get("tri") if args.get("tri") in SORTS else "echeance",
            after=(args.get("apres") or "")[:400],
            before=(args.get("avant") or "")[:400],
            last=args.get("fin") == "1",
            from_end=args.get("depuis_fin") == "1",
        )
        filters.submitted_from = filters._date(args, "du")
        filters.submitted_to = filters._date(args, "au")
        try:
            filters.page = max(1, min(int(args.get("page", 1)), 100_000))
        except ValueError:
            filters.page = 1
        return filters

    def _date(self, args: Any, key: str) -> date | None:
        raw = (args.get(key) or "").strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.errors[key] = "Date invalide : utilisez le calendrier ou le format aaaa-mm-jj."
            return None

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query string of this view, with ``changes`` (for links: pages, sorting)."""
        values = {
            "statut": self.status,
            "certification": self.certification,
            "agent": self.officer,
            "du": self.submitted_from.isoformat() if self.submitted_from else "",
            "au": self.submitted_to.isoformat() if self.submitted_to else "",
            "retard": "1" if self.overdue else "",
            "q": self.q,
            "tri": self.sort if self.sort != "echeance" else "",
            "page": self.page if self.page > 1 else "",
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None)}

    def link(self, path: str, args: dict[str, Any] | None = None, **changes: Any) -> str:
        """``path`` (the queue's, from one ``url_for`` per page) with the query string of
        ``args`` or of this view with ``changes``: what ``url_for`` would write, without a
        routing lookup per link."""
        query = urlencode(self.args(**changes) if args is None else args, safe="!$'()*,/:;?@")
        return f"{path}?{query}" if query else path


def _status_values() -> set[str]:
    return {s.value for s in QUEUE_STATUSES}


@dataclass(frozen=True)
class Row:
    id: uuid.UUID
    number: str
    candidate: str
    email: str
    certification: str
    option: str | None
    submitted_at: datetime | None
    status: DossierStatus
    due_on: date | None
    officer: str | None
    cursor: str = field(default="", compare=False)  # this row's place in its sort (keyset)
    accompanied: bool = False  # an accompagnateur accompanies it now (accepted, unrevoked)
    days_left: int | None = None  # until the legal deadline (today's, when the row was read)

    @property
    def urgency(self) -> str:
        left = self.days_left
        if left is None:
            return ""
        if left < 0:
            return "overdue"
        return "soon" if left <= SOON_DAYS else ""


def _plan(
    filters: Filters, officer_id: uuid.UUID, *, with_status: bool
) -> tuple[queue_sql.Shape, dict[str, Any]]:
    """The shape of the view's statements and their parameters; a filter that cannot apply
    (an officer that is no id, a search too short) gets its message beside its field."""
    shape: dict[str, Any] = {"sqlite": db.session.get_bind().dialect.name == "sqlite"}
    params: dict[str, Any] = {}

    def given(name: str, value: Any) -> None:
        shape[name] = True
        params[name] = value

    if filters.within is not None:
        given("within", list(filters.within))
    if with_status and filters.status:
        given("status", DossierStatus(filters.status))
    if filters.certification:
        given("certification", filters.certification)
    officer = _officer_filter(filters, officer_id)
    if officer == status_counts.NOBODY:
        shape["officer"] = "none"
    elif officer is not None:
        shape["officer"], params["officer"] = "id", officer
    elif filters.officer:
        filters.errors["agent"] = "Chargé de mission inconnu."
    if filters.submitted_from:
        given("since", _start_of(filters.submitted_from))
    if filters.submitted_to:
        given("until", _start_of(filters.submitted_to, next_day=True))
    if filters.overdue:
        shape["overdue"], params["today"] = True, clock.today()
    if filters.q and filters.found is not None:  # every match is known (_bounded)
        shape["search"], params["ids"] = search.IDS_KIND, list(filters.found)
    elif filters.q:
        searched = search.plan(filters.q, filters.matches, filters.indexed)
        if searched is None:
            filters.errors["q"] = search.TOO_SHORT
        else:
            shape["search"], values = searched
            params.update(values)
    return queue_sql.Shape(**shape), params


def _start_of(day: date, next_day: bool = False) -> datetime:
    return datetime.combine(day + timedelta(days=1) if next_day else day, time(0), clock.PARIS)


def _statuses(rows: Any) -> dict[str, int]:
    return {str(getattr(status, "value", status)): int(n) for status, n in rows}


def _bounded(filters: Filters, officer_id: uuid.UUID, *, with_status: bool) -> dict[str, int]:
    """A search's counts per status, up to the cap. Under it, ``filters.found`` gets the
    ids of every match (the page reads them); past it, ``filters.matches`` and ``indexed``
    get the estimate of how many match, out of how many (search.estimate)."""
    shape, params = _plan(filters, officer_id, with_status=with_status)
    params["cap"] = search.COUNT_CAP + 1
    rows = db.session.execute(queue_sql.bounded_matches(shape), params).all()
    counted = {str(getattr(r[0], "value", r[0])): int(r[1]) for r in rows}
    reached = max((r[2] for r in rows if r[2] is not None), default=None)
    largest = max((r[3] for r in rows if r[3] is not None), default=None)
    total = sum(counted.values())
    filters.matches, filters.indexed = search.estimate(total, reached, largest)
    filters.found = None
    if not search.capped(total):
        filters.found = tuple(uuid.UUID(i) for r in rows for i in r[4].split(","))
    return counted


def _counts(filters: Filters, officer_id: uuid.UUID) -> dict[str, int]:
    """Dossiers per status of the view (before its status filter).

    By certification, officer or « en retard » (one at a time or together, the last without
    officer): the kept counts (vae.dossier.status_counts), a few hundred rows at most whatever
    the volume. With dates or a search: a COUNT of the filtered set, which each filter bounds
    through an index (the dates) or a cap (the search).
    """
    certification = filters.certification or None
    if filters.q:  # a search: bounded, a common word costs what a rare one does
        return _bounded(filters, officer_id, with_status=False)
    if not (filters.submitted_from or filters.submitted_to):
        if filters.overdue and not filters.officer:
            late = status_counts.overdue(clock.today(), certification, within=filters.within)
            return {DossierStatus.SUBMITTED.value: late} if late else {}
        if not filters.overdue:
            officer = _officer_filter(filters, officer_id)
            return status_counts.counts(certification, within=filters.within, officer_id=officer)
    shape, params = _plan(filters, officer_id, with_status=False)
    return _statuses(db.session.execute(queue_sql.grouped_count(shape), params))


def _officer_filter(filters: Filters, officer_id: uuid.UUID) -> uuid.UUID | None:
    """The officer the view is narrowed to (``status_counts.NOBODY``: nobody), None when it is
    not, or not by an id (``_plan`` then shows its error and leaves the rows unfiltered)."""
    if not filters.officer:
        return None
    if filters.officer == "moi":
        return officer_id
    if filters.officer == "aucun":
        return status_counts.NOBODY
    try:
        return uuid.UUID(filters.officer)
    except ValueError:
        return None


def fetch(filters: Filters, officer_id: uuid.UUID) -> Page:
    """Two queries, whatever the number of dossiers: counts per status, then the page."""
    counts = _counts(filters, officer_id)
    total = counts.get(filters.status, 0) if filters.status else sum(counts.values())
    tabs_capped = bool(filters.q) and search.capped(sum(counts.values()))
    if tabs_capped and filters.status:  # that status's own matches, bounded the same way
        own = _bounded(filters, officer_id, with_status=True)
        total = sum(own.values())
    capped = tabs_capped and search.capped(total)
    if not capped:  # past the cap, the estimate of the count (_bounded) stays
        filters.matches = total
    pages = max(1, -(-total // PER_PAGE))
    if not capped:
        filters.page = pages if filters.last else min(filters.page, pages)
    keys = keyset.keys_for(filters.sort, filters.overdue)
    after = keyset.decode(filters.after, keys) if filters.after else None
    before = keyset.decode(filters.before, keys) if filters.before else None
    if capped and filters.last:  # the end of the sorted matches, read backwards
        rows = rows_for(filters, officer_id, PER_PAGE, backward=True)
    elif not capped and (
        filters.last or (filters.page == pages and pages > 1 and not (after or before))
    ):
        rows = rows_for(filters, officer_id, total - (pages - 1) * PER_PAGE, backward=True)
    elif before:
        rows = rows_for(filters, officer_id, PER_PAGE, cursor=before, backward=True)
    elif after or filters.page == 1:
        rows = rows_for(filters, officer_id, PER_PAGE, cursor=after)
    else:  # a page number typed without a cursor: the only read that skips rows
        rows = rows_for(filters, officer_id, PER_PAGE, (filters.page - 1) * PER_PAGE)
    return Page(
        rows=rows,
        total=total,
        page=filters.page,
        counts=counts,
        capped=capped,
        from_end=capped and filters.from_end and not filters.last,
        last=capped and filters.last,
        tabs_capped=tabs_capped,
    )


def rows_for(
    filters: Filters,
    officer_id: uuid.UUID,
    limit: int,
    offset: int = 0,
    *,
    cursor: tuple[Any, ...] | None = None,
    backward: bool = False,
) -> list[Row]:
    """One query: the dossiers of the slice (after or before ``cursor``, by keyset), with
    certification and officer names, in the order of the sort."""
    keys = keyset.keys_for(filters.sort, filters.overdue)
    shape, params = _plan(filters, officer_id, with_status=True)
    if cursor is not None:
        params |= queue_sql.cursor_params(keys, cursor)
    if offset:
        params["offset"] = offset
    stmt = queue_sql.page(
        shape,
        keys,
        None if cursor is None else queue_sql.cursor_shape(keys, cursor),
        limit,
        backward,
        bool(offset),
    )
    found = db.session.execute(stmt, params).all()
    # Only the first and last rows carry a cursor (the page links'; an export's next batch):
    # encoding one per row was most of a 2,000-row batch's time.
    today = clock.today()
    last = len(found) - 1
    rows = [_row(r, keys if i in (0, last) else (), today) for i, r in enumerate(found)]
    return rows[::-1] if backward else rows


def _row(r: Any, keys: tuple[keyset.Key, ...], today: date) -> Row:
    return Row(
        id=r.id,
        number=r.number or "",
        candidate=f"{r.last_name} {r.first_name}".strip(),
        email=r.email,
        certification=r.title,
        option=r.option_code,
        submitted_at=r.submitted_at,
        status=DossierStatus(r.status),
        due_on=r.decision_due,
        officer=f"{r[-2]} {r[-1]}" if r[-2] else None,
        cursor=keyset.encode(tuple(keyset.value_of(r, k) for k in keys)) if keys else "",
        accompanied=bool(r.accompanied),
        days_left=(r.decision_due - today).days if r.decision_due else None,
    )


EXPORT_LIMIT = 100_000
