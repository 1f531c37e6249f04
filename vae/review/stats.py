"""Figures of the staff dashboard: a handful of aggregate queries, whatever the volume."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import extract, func, select

from vae import clock
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
expiring_blocks: Provided[[date, date], list[Any]] = Provided(
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


def compute(today: date | None = None) -> Figures:
    today = today or clock.today()
    submitted = Dossier.status != DossierStatus.DRAFT
    by_status = dict(
        db.session.execute(
            select(Dossier.status, func.count()).where(submitted).group_by(Dossier.status)
        ).all()
    )
    status_rows = [
        (STATUS_LABELS[s], by_status.get(s, 0)) for s in DossierStatus if s != DossierStatus.DRAFT
    ]
    by_certification = [
        (title, n)
        for title, n in db.session.execute(
            select(Certification.title, func.count(Dossier.id))
            .join(Dossier, Dossier.certification_id == Certification.id)
            .where(submitted)
            .group_by(Certification.title)
            .order_by(func.count(Dossier.id).desc())
        )
    ]
    first_month = today.replace(day=1) - relativedelta(months=MONTHS_SHOWN - 1)
    year = extract("year", Dossier.submitted_at)
    month = extract("month", Dossier.submitted_at)
    received = {
        (int(y), int(m)): n
        for y, m, n in db.session.execute(
            select(year, month, func.count())
            .where(
                submitted,
                Dossier.submitted_at >= datetime.combine(first_month, time(0), clock.PARIS),
            )
            .group_by(year, month)
        )
    }
    per_month = []
    for i in range(MONTHS_SHOWN):
        day = first_month + relativedelta(months=i)
        per_month.append((month_label(day.year, day.month), received.get((day.year, day.month), 0)))
    implicit_per_month = _implicit_per_month(first_month)
    durations = [
        (decided - submitted_at).total_seconds() / 86400
        for decided, submitted_at in db.session.execute(
            select(Decision.decided_at, Dossier.submitted_at).join(
                Dossier, Dossier.id == Decision.dossier_id
            )
        )
        if decided and submitted_at and decided >= submitted_at
    ]
    pending = Dossier.status == DossierStatus.SUBMITTED
    overdue = db.session.scalar(select(func.count()).where(pending, Dossier.decision_due < today))
    due_soon = db.session.scalar(
        select(func.count()).where(
            pending,
            Dossier.decision_due >= today,
            Dossier.decision_due <= today + relativedelta(days=7),
        )
    )
    expiring = expiring_blocks(today, today + relativedelta(months=EXPIRY_HORIZON_MONTHS))
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
        median_days_to_decision=statistics.median(durations) if durations else None,
        decisions_count=len(durations),
        overdue=overdue or 0,
        due_soon=due_soon or 0,
        charts=charts,
        expiring=expiring,
        implicit_per_month=implicit_per_month,
    )


def _implicit_per_month(first_month: date) -> list[tuple[str, int]]:
    """Implicit acceptances per month over the months shown: one GROUP BY query."""
    year = extract("year", Decision.decided_at)
    month = extract("month", Decision.decided_at)
    counted = {
        (int(y), int(m)): n
        for y, m, n in db.session.execute(
            select(year, month, func.count())
            .where(
                Decision.kind == DecisionKind.IMPLICIT,
                Decision.decided_at >= datetime.combine(first_month, time(0), clock.PARIS),
            )
            .group_by(year, month)
        )
    }
    days = [first_month + relativedelta(months=i) for i in range(MONTHS_SHOWN)]
    return [(month_label(d.year, d.month), counted.get((d.year, d.month), 0)) for d in days]
