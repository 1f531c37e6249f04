"""#15, round two: the kept days to decision (dashboard median), bounded search counts, the
export's batches read on their index, the bench seeder's decisions."""

from __future__ import annotations

import re
import statistics
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from bench.seed import seed
from tests.functional.test_migrations import empty_database  # noqa: F401 (a fixture)
from tests.functional.test_queue_speed import add_user, make_dossiers
from tests.helpers import text
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.review import keyset, queue, search, stats
from vae.review.models import Decision, DecisionKind
from vae.roles import Role


def decide(dossier: Dossier, officer_id: uuid.UUID, days: float, n: int) -> Decision:
    decision = Decision(
        dossier_id=dossier.id,
        version=dossier.submission_count,
        kind=DecisionKind.INCOMPLETE,
        decided_by_id=officer_id,
        decided_at=dossier.submitted_at + timedelta(days=days),
        letter_stored_name=f"lettre-{n}.pdf",
        letter_sha256="0" * 64,
    )
    db.session.add(decision)
    db.session.commit()
    return decision


# --- 1. the dashboard's median ------------------------------------------------------------------


def test_each_decision_keeps_its_days_from_the_submission_it_decided(app_ctx) -> None:
    (first, second) = make_dossiers(2, ties=False)
    officer = add_user("agent@cpnefp.exemple.fr", Role.STAFF)
    dossier = db.session.get(Dossier, first)
    early = decide(dossier, officer.id, 3, 1)
    # Resubmitted 20 days later, then decided 5 days after that resubmission.
    dossier.submitted_at = dossier.submitted_at + timedelta(days=20)
    dossier.submission_count = 2
    db.session.commit()
    late = decide(dossier, officer.id, 5, 2)
    decide(db.session.get(Dossier, second), officer.id, 12.5, 3)
    assert early.days_to_decision == pytest.approx(3)
    assert late.days_to_decision == pytest.approx(5)
    figures = stats.compute(date(2026, 11, 24))
    # Every decision counts, each from the submission it decided (not only the last one's).
    assert figures.decisions_count == 3
    assert figures.median_days_to_decision == pytest.approx(5)
    scoped = stats.compute(date(2026, 11, 24), within=[dossier.certification_id])
    assert scoped.decisions_count == 2 and scoped.median_days_to_decision == pytest.approx(4)


def test_seeded_bench_base_has_its_decisions_and_the_dashboard_reads_them(app_ctx) -> None:
    seed(db.engine, 60, activities=1)
    decided = db.session.execute(
        select(Dossier.submitted_at, Dossier.decided_at).where(Dossier.decided_at.is_not(None))
    ).all()
    decisions = db.session.execute(select(Decision.kind, Decision.days_to_decision)).all()
    assert len(decisions) == len(decided) > 0
    days = [(d - s).total_seconds() / 86400 for s, d in decided]
    figures = stats.compute(date(2026, 11, 24))
    assert figures.decisions_count == len(decided)
    assert figures.median_days_to_decision == pytest.approx(statistics.median(days))
    assert {k for k, _d in decisions} <= {
        DecisionKind.INCOMPLETE,
        DecisionKind.RECEVABLE,
        DecisionKind.NON_RECEVABLE,
    }


# --- 2. a common word ---------------------------------------------------------------------------


@pytest.fixture
def small_cap(monkeypatch: pytest.MonkeyPatch) -> int:
    """The search's count capped at 4 matches per status (instead of 1,000)."""
    monkeypatch.setattr(search, "COUNT_CAP", 4)
    return 4


def numbers(html: str) -> list[str]:
    return re.findall(r"VAE-\d{4}-\d{6}", html)


def test_a_common_word_is_counted_up_to_the_cap_and_said_so(
    app_ctx, small_cap, client, make_user
) -> None:
    from tests.helpers import login

    make_dossiers(40, ties=False)  # Nom000…Nom039; « nom00 »: the first ten
    filters = queue.Filters.from_args({"q": "nom00", "tri": "numero"})
    page = queue.fetch(filters, uuid.uuid4())
    # only the first 4 + 1 matches were read and counted
    assert page.capped and page.tabs_capped and sum(page.counts.values()) == small_cap + 1
    officer = make_user(Role.STAFF, email="agent@cpnefp.exemple.fr")
    login(client, officer.email)
    html = text(client.get("/cpnefp/dossiers?q=nom00&tri=numero"))
    assert "plus de 4 dossiers – page 1." in html
    assert "Tous\u00a0: plus de 4<" in html and ">Recevable</a>" in html
    # « Dernière page » reads backwards from the end of the sorted matches.
    last = client.get("/cpnefp/dossiers?q=nom00&tri=numero&fin=1")
    assert last.status_code == 200
    assert numbers(last.text) == sorted(f"VAE-2026-{900000 + i:06d}" for i in range(10))
    assert "plus de 4 dossiers – dernière page." in text(last)
    # a status with fewer matches than the cap is counted exactly and paged as before
    exact = text(client.get("/cpnefp/dossiers?q=nom00&statut=recevable"))
    assert "3 dossiers – page 1 sur 1." in exact
    assert sorted(numbers(exact)) == [f"VAE-2026-{900000 + i:06d}" for i in (0, 4, 8)]
    # and a status with more is counted up to the cap on its own
    many = text(client.get("/cpnefp/dossiers?q=nom00&statut=submitted"))
    assert "plus de 4 dossiers – page 1." in many and len(numbers(many)) == 7


def test_a_capped_search_walks_backwards_from_the_end_over_every_match(app_ctx, small_cap) -> None:
    make_dossiers(2 * queue.PER_PAGE + 3, ties=False)
    args = {"q": "nom", "tri": "numero"}
    current: dict[str, Any] = {**args, "fin": "1"}
    seen: list[list[str]] = []
    while True:
        page = queue.fetch(queue.Filters.from_args(current), uuid.uuid4())
        assert page.capped
        seen.append([r.number for r in page.rows])
        if not page.has_previous:
            break
        current = page.previous_args(queue.Filters.from_args(current))
    walked = [n for p in seen[::-1] for n in p]
    assert walked == sorted(f"VAE-2026-{900000 + i:06d}" for i in range(2 * queue.PER_PAGE + 3))


def test_a_rare_word_is_counted_exactly(app_ctx, small_cap) -> None:
    make_dossiers(4, ties=False)
    page = queue.fetch(queue.Filters.from_args({"q": "nom00"}), uuid.uuid4())
    assert not page.capped and page.total == 4 and page.tab("Tous") == "Tous : 4"
    assert page.summary == "4 dossiers – page 1 sur 1"


# --- 3. the export's batches --------------------------------------------------------------------


def test_each_batch_after_a_cursor_reads_its_index_in_order(app_ctx) -> None:
    """No branch of the keyset union sorts its rows (SQLite sorted every undecided dossier
    once per 2,000-row batch of an export: minutes for 100,000 rows)."""
    if db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's query plan (PostgreSQL sorts a bounded top-N)")
    make_dossiers(30)
    filters = queue.Filters.from_args({})
    keys = keyset.keys_for(filters.sort, filters.overdue)
    rows = queue.rows_for(filters, uuid.uuid4(), 10)
    cursor = keyset.decode(rows[-1].cursor, keys)
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, sql: str, params: Any, *_args: Any) -> None:
        seen.append((sql, params))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        queue.rows_for(filters, uuid.uuid4(), 10, cursor=cursor)  # the batch's one statement
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    sql, params = seen[-1]
    raw = db.session.connection().connection.dbapi_connection
    plan = raw.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    details = [row[3] for row in plan]
    on_queue_index = [i for i, d in enumerate(details) if "ix_dossiers_queue" in d]
    # the two branches on the queue's index (« beyond this deadline », « no deadline ») read
    # it in order; only the tie branches (one date each, a few rows) may sort theirs
    assert len(on_queue_index) == 2, details
    assert not any("TEMP B-TREE" in details[i + 1] for i in on_queue_index), details


def test_export_cells_keep_days_left_and_every_row(app_ctx, fixed_clock) -> None:
    from vae.review import export_rows

    make_dossiers(7, ties=False)
    filters = queue.Filters.from_args({"tri": "numero"})
    rows = list(export_rows._batches(filters, uuid.uuid4(), 2))
    assert [r["number"] for r in rows] == sorted(r["number"] for r in rows)
    assert len(rows) == 7
    for row in rows:
        expected = (row["due_on"] - date(2026, 11, 24)).days if row["due_on"] else None
        assert row["days_left"] == expected


def test_migration_backfills_the_days_of_past_decisions(
    empty_database: str,  # noqa: F811 (the fixture imported above)
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text as sql

    from vae import create_app
    from vae.referentials.operations import load_all

    monkeypatch.setenv("VAE_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        load_all()
        (dossier_id,) = make_dossiers(1, ties=False)
        officer = add_user("agent@cpnefp.exemple.fr", Role.STAFF)
        dossier = db.session.get(Dossier, dossier_id)
        decide(dossier, officer.id, 6.5, 1)
        dossier.submitted_at = dossier.submitted_at + timedelta(days=30)  # resubmitted later
        db.session.commit()
        decide(dossier, officer.id, 2, 2)
        db.session.remove()
        downgrade(revision="9d0f7f0000d0")  # as before this round: no kept days
        upgrade()
        with db.engine.connect() as connection:
            days = connection.execute(
                sql("SELECT days_to_decision FROM dossier_decisions ORDER BY letter_stored_name")
            ).scalars()
            # the decision older than the last submission is left out, as the median did
            assert [None if d is None else round(d, 6) for d in days] == [None, 2.0]
        db.engine.dispose()
