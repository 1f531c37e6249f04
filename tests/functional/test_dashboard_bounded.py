"""#15: the dashboard's overdue and due-soon figures come from the kept counts by due day
(no count over the pending dossiers, which grows with the base), with the same numbers as a
count of the rows, in scope or not, and a change of deadline seen at once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from bench.seed import seed
from vae import clock
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.review import stats
from vae.review.models import Decision

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
TODAY = date(2026, 11, 24)


@pytest.fixture
def seeded(app_ctx, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """200 seeded dossiers (a quarter of them or so decided); the certification ids."""
    monkeypatch.setattr(clock, "now", lambda: NOW)
    seed(db.engine, 200, activities=1)
    return sorted(db.session.scalars(select(Dossier.certification_id).distinct()))


def counted(today: date, within: list[int] | None) -> tuple[int, int]:
    """Overdue and due within 7 days, counted on the dossiers themselves."""
    pending = [Dossier.status == DossierStatus.SUBMITTED]
    if within is not None:
        pending.append(Dossier.certification_id.in_(within))
    overdue = db.session.scalar(select(func.count()).where(*pending, Dossier.decision_due < today))
    soon = db.session.scalar(
        select(func.count()).where(
            *pending,
            Dossier.decision_due >= today,
            Dossier.decision_due <= today + timedelta(days=7),
        )
    )
    return overdue, soon


@pytest.mark.parametrize("scoped", [False, True])
def test_dashboard_figures_are_those_of_the_rows(seeded, scoped) -> None:
    within = seeded[:2] if scoped else None
    for today in (TODAY, TODAY - timedelta(days=40), TODAY + timedelta(days=30)):
        figures = stats.compute(today, within=within)
        overdue, soon = counted(today, within)
        assert (figures.overdue, figures.due_soon) == (overdue, soon)
    figures = stats.compute(TODAY, within=within)
    assert figures.overdue > 0 and figures.due_soon > 0
    kept = [Decision.days_to_decision.is_not(None)]
    if within is not None:
        kept.append(
            Decision.dossier_id.in_(select(Dossier.id).where(Dossier.certification_id.in_(within)))
        )
    assert figures.decisions_count == db.session.scalar(select(func.count()).where(*kept)) > 0


def test_dashboard_reads_no_pending_dossier_and_sees_a_new_deadline_at_once(seeded) -> None:
    statements: list[str] = []

    def record(_c, _cursor, statement: str, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        before = stats.compute(TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert statements and not [s for s in statements if "dossiers.decision_due" in s]

    late = db.session.scalars(
        select(Dossier).where(
            Dossier.status == DossierStatus.SUBMITTED, Dossier.decision_due < TODAY
        )
    ).first()
    late.decision_due = TODAY + timedelta(days=3)
    db.session.commit()
    after = stats.compute(TODAY)
    assert (after.overdue, after.due_soon) == (before.overdue - 1, before.due_soon + 1)
