"""The review queue: filters read from the URL, one query for the page, one for the counts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from vae import clock
from vae.auth.models import User
from vae.dbtypes import searchable
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.referentials.models import Certification

PER_PAGE = 25
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
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: Any) -> Filters:
        filters = cls(
            status=args.get("statut", "") if args.get("statut") in _status_values() else "",
            certification=(args.get("certification") or "")[:40],
            officer=(args.get("agent") or "")[:36],
            overdue=args.get("retard") == "1",
            q=(args.get("q") or "").strip()[:100],
            sort=args.get("tri") if args.get("tri") in SORTS else "echeance",
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


@dataclass
class Page:
    rows: list[Row]
    total: int
    page: int
    counts: dict[str, int]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PER_PAGE))


def _filtered(filters: Filters, officer_id: uuid.UUID, *, with_status: bool) -> Select[Any]:
    stmt = select(Dossier).where(Dossier.status != DossierStatus.DRAFT)
    if with_status and filters.status:
        stmt = stmt.where(Dossier.status == DossierStatus(filters.status))
    if filters.certification:
        stmt = stmt.join(Certification, Certification.id == Dossier.certification_id).where(
            Certification.code == filters.certification
        )
    if filters.officer == "moi":
        stmt = stmt.where(Dossier.assigned_officer_id == officer_id)
    elif filters.officer == "aucun":
        stmt = stmt.where(Dossier.assigned_officer_id.is_(None))
    elif filters.officer:
        try:
            stmt = stmt.where(Dossier.assigned_officer_id == uuid.UUID(filters.officer))
        except ValueError:
            filters.errors["agent"] = "Chargé de mission inconnu."
    if filters.submitted_from:
        stmt = stmt.where(Dossier.submitted_at >= _start_of(filters.submitted_from))
    if filters.submitted_to:
        stmt = stmt.where(Dossier.submitted_at < _start_of(filters.submitted_to, next_day=True))
    if filters.overdue:
        stmt = stmt.where(
            Dossier.status == DossierStatus.SUBMITTED, Dossier.decision_due < clock.today()
        )
    if filters.q:
        stmt = stmt.where(
            Dossier.search_text.like(f"%{_escape_like(searchable(filters.q))}%", escape="\\")
        )
    return stmt


def _start_of(day: date, next_day: bool = False) -> datetime:
    from datetime import timedelta

    moment = datetime.combine(day + timedelta(days=1) if next_day else day, time(0), clock.PARIS)
    return moment


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _order(stmt: Select[Any], d: Any, sort: str, overdue: bool = False) -> Select[Any]:
    """Sort by ``d`` (the Dossier entity or an alias of it); the id breaks ties.

    Each order matches an index of ``dossiers`` (see its model), so a page never sorts the table.
    """
    if sort == "depot":
        return stmt.order_by(d.submitted_at.desc(), d.id)
    if sort == "depot_ancien":
        return stmt.order_by(d.submitted_at, d.id)
    if sort == "numero":
        return stmt.order_by(d.number, d.id)
    if sort == "candidat":
        return stmt.order_by(d.last_name, d.first_name, d.id)
    if overdue:  # every row has a deadline: the (status, decision_due, …) index serves it
        return stmt.order_by(d.decision_due, d.submitted_at, d.id)
    # Deadline first; decided dossiers (no deadline) after, most recent first.
    return stmt.order_by(d.decision_due.is_(None), d.decision_due, d.submitted_at.desc(), d.id)


def fetch(filters: Filters, officer_id: uuid.UUID) -> Page:
    """Two queries, whatever the number of dossiers: counts per status, then the page."""
    base = _filtered(filters, officer_id, with_status=False).subquery()
    counts = {
        str(status.value if isinstance(status, DossierStatus) else status): n
        for status, n in db.session.execute(
            select(base.c.status, func.count()).group_by(base.c.status)
        )
    }
    total = counts.get(filters.status, 0) if filters.status else sum(counts.values())
    rows = rows_for(filters, officer_id, PER_PAGE, (filters.page - 1) * PER_PAGE)
    return Page(rows=rows, total=total, page=filters.page, counts=counts)


def rows_for(filters: Filters, officer_id: uuid.UUID, limit: int, offset: int = 0) -> list[Row]:
    """One query: the dossiers of the slice, with certification and officer names."""
    inner = _order(
        _filtered(filters, officer_id, with_status=True), Dossier, filters.sort, filters.overdue
    )
    inner = inner.limit(limit).offset(offset).subquery()
    d = aliased(Dossier, inner)
    officer = aliased(User)
    stmt = (
        select(
            d.id,
            d.number,
            d.last_name,
            d.first_name,
            d.email,
            Certification.title,
            d.option_code,
            d.submitted_at,
            d.status,
            d.decision_due,
            officer.first_name,
            officer.last_name,
        )
        .join(Certification, Certification.id == d.certification_id)
        .outerjoin(officer, officer.id == d.assigned_officer_id)
    )
    return [
        Row(
            id=r[0],
            number=r[1] or "",
            candidate=f"{r[2]} {r[3]}".strip(),
            email=r[4],
            certification=r[5],
            option=r[6],
            submitted_at=r[7],
            status=DossierStatus(r[8]),
            due_on=r[9],
            officer=f"{r[10]} {r[11]}" if r[10] else None,
        )
        for r in db.session.execute(_order(stmt, d, filters.sort, filters.overdue))
    ]


EXPORT_LIMIT = 100_000
