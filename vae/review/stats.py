"""Figures of the staff dashboard: a handful of aggregate queries, whatever the volume."""

from __future__ import annotations

import itertools
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from vae import clock
from vae.dossier import status_counts
from vae.dossier.enums import STATUS_LABELS, DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.provided import Provided
from vae.referentials.models import Certification
from vae.review.charts import bar_chart, column_chart, month_label
from vae.review.models import Decision, DecisionKind

MONTHS_SHOWN = 12
EXPIRY_HORIZON_MONTHS = 6

# Acquired blocks expiring after a day and by another, soonest first (at most 100): the jury
# owns them and fills this slot (vae.jury.capitalisation); review sits below and never imports it.
expiring_blocks: Provided[[date, date, Collection[int] | None], list[Any]] = Provided(
    "the acquired blocks expiring in a period (vae.jury)"
)


@dataclass
class Figures:
    by_status: list[tuple[str, int]]
    by_certification: list[tuple[str, int]]
    per_month: list[tuple[str, int]]
    median_days_to_decision: float | None
    decisions_count: int
    overdue: int
    due_soon: int
    charts: dict[str, Any]
    expiring: list[Any]
    implicit_per_month: list[tuple[str, int]] = field(default_factory=list)


def compute(today: date | None = None, within: Collection[int] | None = None) -> Figures:
    """A few statements, each bounded by an index or a small table, whatever the volume;
    of the certifications ``within`` only when given (an officer's, vae.certifiers.scope)."""
    today = today or clock.today()
    if within is not None and set(within) >= set(db.session.scalars(select(Certification.id))):
        within = None  # an officer covering every certification: no condition to check
    by_status = status_counts.counts(within=within)
    mine = _within(Dossier.certification_id, within)
    status_rows = [
        (STATUS_LABELS[s], by_status.get(s.value, 0))
        for s in DossierStatus
        if s != DossierStatus.DRAFT
    ]
    table = status_counts.DossierStatusCount.__table__
    total = func.sum(table.c.count)
    by_certification = [
        (title, int(n))
        for title, n in db.session.execute(
            select(Certification.title, total)
            .join(table, table.c.certification_id == Certification.id)
            .where(*_within(table.c.certification_id, within))
            .group_by(Certification.title)
            .having(total > 0)
            .order_by(total.desc())
        )
    ]
    first_month = today.replace(day=1) - relativedelta(months=MONTHS_SHOWN - 1)
    days = [first_month + relativedelta(months=i) for i in range(MONTHS_SHOWN)]
    received = _received_per_month(days, within)
    per_month = [(month_label(d.year, d.month), n) for d, n in zip(days, received, strict=True)]
    decided = _within(Decision.dossier_id, within, select(Dossier.id).where(*mine))
    implicit = _per_month(
        Decision.decided_at, days, Decision.kind == DecisionKind.IMPLICIT, *decided
    )
    implicit_per_month = [
        (month_label(d.year, d.month), n) for d, n in zip(days, implicit, strict=True)
    ]
    median, decisions_count = _median_days_to_decision(within)
    # Dossiers under review by due day are kept (vae.dossier.status_counts): a few hundred
    # rows summed, instead of counting every pending dossier of the base.
    overdue = status_counts.overdue(today, within=within)
    due_days = status_counts.DossierDueCount.__table__
    due_soon = db.session.scalar(
        select(func.coalesce(func.sum(due_days.c.count), 0)).where(
            due_days.c.decision_due >= today,
            due_days.c.decision_due <= today + relativedelta(days=7),
            *_within(due_days.c.certification_id, within),
        )
    )
    expiring = expiring_blocks(today, today + relativedelta(months=EXPIRY_HORIZON_MONTHS), within)
    charts = {
        "status": bar_chart("Dossiers par état", status_rows, id_prefix="chart-status"),
        "certification": bar_chart(
            "Dossiers par certification", by_certification, id_prefix="chart-certification"
        ),
        "month": column_chart("Dossiers reçus par mois", per_month, id_prefix="chart-month"),
    }
    return Figures(
        by_status=status_rows,
        by_certification=by_certification,
        per_month=per_month,
        median_days_to_decision=median,
        decisions_count=decisions_count,
        overdue=overdue or 0,
        due_soon=due_soon or 0,
        charts=charts,
        expiring=expiring,
        implicit_per_month=implicit_per_month,
    )


def _within(column: Any, within: Collection[int] | None, values: Any = None) -> list[Any]:
    """The condition keeping ``column`` within scope (none for an admin): in ``within``, or
    in ``values`` (a subquery) when given."""
    if within is None:
        return []
    return [column.in_(within if values is None else values)]


def _per_month(moment: Any, months: list[date], *where: Any) -> list[int]:
    """One statement of range COUNTs, one per month: Paris months (a dossier sent at 00:30 on
    1 November in Paris is a November one, although it is still October in UTC), each a range
    of the column's index."""
    bounds = [datetime.combine(m, time(0), clock.PARIS) for m in months]
    bounds.append(datetime.combine(months[-1] + relativedelta(months=1), time(0), clock.PARIS))
    table = moment.class_.__table__
    counts = [
        select(func.count())
        .select_from(table)
        .where(moment >= start, moment < end, *where)
        .scalar_subquery()
        for start, end in itertools.pairwise(bounds)
    ]
    return [int(n or 0) for n in db.session.execute(select(*counts)).one()]


def _received_per_month(months: list[date], within: Collection[int] | None) -> list[int]:
    """Dossiers submitted in each of ``months`` (Paris months), from the kept counts
    (vae.dossier.status_counts): a dozen rows per certification whatever the volume."""
    table = status_counts.DossierMonthCount.__table__
    found = dict(
        db.session.execute(
            select(table.c.month, func.sum(table.c.count))
            .where(
                table.c.month >= months[0],
                table.c.month <= months[-1],
                *_within(table.c.certification_id, within),
            )
            .group_by(table.c.month)
        ).all()
    )
    return [int(found.get(month) or 0) for month in months]


def _median_days_to_decision(within: Collection[int] | None) -> tuple[float | None, int]:
    """The median time from (last) submission to each decision, in days: the kept
    ``days_to_decision`` counted then read at its middle on its index (no join per decision,
    no sort), of the dossiers ``within`` when given."""
    if within is not None and not within:
        return None, 0
    days = Decision.days_to_decision
    kept = [days.is_not(None)]
    if within is not None:
        kept.append(
            Decision.dossier_id.in_(select(Dossier.id).where(Dossier.certification_id.in_(within)))
        )
    # count(*), not count(days): the covering index alone answers, no value read per row.
    count = int(db.session.scalar(select(func.count()).select_from(Decision).where(*kept)) or 0)
    if not count:
        return None, 0
    middle = db.session.scalars(
        select(days).where(*kept).order_by(days).offset((count - 1) // 2).limit(2 - count % 2)
    ).all()
    return sum(middle) / len(middle), count
