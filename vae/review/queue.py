"""The review queue: filters read from the URL, one query for the page, one for the counts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, literal_column, select
from sqlalchemy.orm import aliased

from vae import clock
from vae.accompaniment.models import Accompaniment
from vae.auth.models import User
from vae.certifiers import scope
from vae.dossier import status_counts
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.referentials.models import Certification
from vae.review import keyset, search
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
    matches: int = 0  # the view's count, once known (vae.review.search picks its plan by it)
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

    @property
    def days_left(self) -> int | None:
        return (self.due_on - clock.today()).days if self.due_on else None

    @property
    def urgency(self) -> str:
        left = self.days_left
        if left is None:
            return ""
        if left < 0:
            return "overdue"
        return "soon" if left <= SOON_DAYS else ""


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


def _certification_id(code: str) -> Any:
    """The id of a certification code, as a scalar subquery (no statement of its own)."""
    return select(Certification.id).where(Certification.code == code).scalar_subquery()


def _filtered(filters: Filters, officer_id: uuid.UUID, *, with_status: bool) -> Select[Any]:
    """The dossiers' shown columns, filtered (every filter has an index; see the model)."""
    table = Dossier.__table__
    stmt = select(*(table.c[name] for name in COLUMNS)).where(table.c.status != DossierStatus.DRAFT)
    if filters.within is not None:
        # « +column »: SQLite must not pick the certification index for the IN list (it would
        # then sort every dossier of the scope); the sort's index leads, the scope is checked.
        stmt = stmt.where(literal_column("+dossiers.certification_id").in_(filters.within))
    if with_status and filters.status:
        stmt = stmt.where(table.c.status == DossierStatus(filters.status))
    if filters.certification:
        stmt = stmt.where(table.c.certification_id == _certification_id(filters.certification))
    if filters.officer == "moi":
        stmt = stmt.where(table.c.assigned_officer_id == officer_id)
    elif filters.officer == "aucun":
        stmt = stmt.where(table.c.assigned_officer_id.is_(None))
    elif filters.officer:
        try:
            stmt = stmt.where(table.c.assigned_officer_id == uuid.UUID(filters.officer))
        except ValueError:
            filters.errors["agent"] = "Chargé de mission inconnu."
    if filters.submitted_from:
        stmt = stmt.where(table.c.submitted_at >= _start_of(filters.submitted_from))
    if filters.submitted_to:
        stmt = stmt.where(table.c.submitted_at < _start_of(filters.submitted_to, next_day=True))
    if filters.overdue:
        stmt = stmt.where(
            table.c.status == DossierStatus.SUBMITTED, table.c.decision_due < clock.today()
        )
    if filters.q:
        matching = search.condition(filters.q, filters.matches)
        if matching is None:
            filters.errors["q"] = search.TOO_SHORT
        else:
            stmt = stmt.where(matching)
    return stmt


def _start_of(day: date, next_day: bool = False) -> datetime:
    return datetime.combine(day + timedelta(days=1) if next_day else day, time(0), clock.PARIS)


def _counts(filters: Filters, officer_id: uuid.UUID) -> dict[str, int]:
    """Dossiers per status of the view (before its status filter).

    Without filters, or by certification only: the maintained counts (vae.dossier.status_counts),
    a few rows whatever the volume. With other filters: a real COUNT of the filtered set, which
    each filter bounds through an index (officer, dates, overdue, the search indexes).
    """
    narrowed = filters.officer or filters.submitted_from or filters.submitted_to
    if not (narrowed or filters.overdue or filters.q):
        return status_counts.counts(
            _certification_id(filters.certification) if filters.certification else None,
            within=filters.within,
        )
    if filters.q:  # a search: bounded, a common word costs what a rare one does
        return search.bounded_counts(_filtered(filters, officer_id, with_status=False))
    base = _filtered(filters, officer_id, with_status=False).subquery()
    return {
        str(status.value if isinstance(status, DossierStatus) else status): n
        for status, n in db.session.execute(
            select(base.c.status, func.count()).group_by(base.c.status)
        )
    }


def fetch(filters: Filters, officer_id: uuid.UUID) -> Page:
    """Two queries, whatever the number of dossiers: counts per status, then the page."""
    counts = _counts(filters, officer_id)
    total = counts.get(filters.status, 0) if filters.status else sum(counts.values())
    tabs_capped = bool(filters.q) and search.capped(sum(counts.values()))
    if tabs_capped and filters.status:  # that status's own matches, bounded the same way
        own = search.bounded_counts(_filtered(filters, officer_id, with_status=True))
        total = sum(own.values())
    capped = tabs_capped and search.capped(total)
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
    base = _filtered(filters, officer_id, with_status=True)
    sliced = keyset.seek(base, base.selected_columns, keys, cursor, limit, backward)
    if offset:
        sliced = sliced.offset(offset)
    inner = sliced.subquery()
    officer = aliased(User)
    stmt = (
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
    found = db.session.execute(stmt).all()
    # Only the first and last rows carry a cursor (the page links'; an export's next batch):
    # encoding one per row was most of a 2,000-row batch's time.
    rows = [_row(r, keys if i in (0, len(found) - 1) else ()) for i, r in enumerate(found)]
    return rows[::-1] if backward else rows


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


def _row(r: Any, keys: tuple[keyset.Key, ...]) -> Row:
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
    )


EXPORT_LIMIT = 100_000
