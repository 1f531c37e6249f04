"""The bench's bulk seeder (bench/seed.py, bench/seed_sql.py): the same arguments give the same
rows, and the rows have the shape the pages expect (counts, search, numbers, decisions)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select, text

from bench.seed import BENCH_CANDIDATE_EMAIL, seed
from tests.helpers import empty_user_tables
from vae import clock
from vae.dbtypes import searchable
from vae.dossier import status_counts
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Activity, Attachment, Dossier
from vae.extensions import db
from vae.review import queue
from vae.review.models import Decision

DOSSIERS = 300
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
TABLES = (
    "users",
    "dossiers",
    "dossier_activities",
    "attachments",
    "dossier_decisions",
    "dossier_counters",
)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return NOW


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every seeded row (but the argon2 hashes, salted at random), in a stable order."""
    db.session.remove()
    rows = {}
    with db.engine.connect() as connection:
        for table in TABLES:
            result = connection.execute(text(f"SELECT * FROM {table}"))
            keys = list(result.keys())
            kept = [i for i, k in enumerate(keys) if k != "password_hash"]
            rows[table] = sorted((tuple(r[i] for i in kept) for r in result), key=repr)
    return rows


def test_seeding_twice_gives_the_same_rows(app_ctx, frozen) -> None:
    seed(db.engine, DOSSIERS, activities=2)
    first = snapshot()
    empty_user_tables()
    seed(db.engine, DOSSIERS, activities=2)
    assert snapshot() == first
    assert len(first["dossiers"]) == DOSSIERS + 1  # and the bench candidate's draft
    assert len(first["dossier_activities"]) == DOSSIERS * 2 + 10


def test_seeded_rows_have_the_shape_of_real_ones(app_ctx, frozen) -> None:
    seeded = seed(db.engine, DOSSIERS, activities=1)
    assert seeded.dossiers == DOSSIERS + 1 and seeded.activities == DOSSIERS + 10
    dossiers = db.session.execute(
        select(Dossier).where(Dossier.status != DossierStatus.DRAFT)
    ).scalars()
    dossiers = list(dossiers)
    mix = Counter(d.status for d in dossiers)
    assert set(mix) == {
        DossierStatus.SUBMITTED,
        DossierStatus.INCOMPLETE,
        DossierStatus.RECEVABLE,
        DossierStatus.NON_RECEVABLE,
    }
    assert 0.6 < mix[DossierStatus.SUBMITTED] / DOSSIERS < 0.8
    by_year: dict[int, list[Dossier]] = defaultdict(list)
    for d in dossiers:
        assert re.fullmatch(r"VAE-\d{4}-\d{6}", d.number)
        assert d.number[4:8] == str(clock.paris_date(d.submitted_at).year)
        assert d.search_text == (
            f"{d.number.lower()} {searchable(f'{d.last_name} {d.first_name}')} {d.email}"
        )
        assert d.created_at < d.submitted_at <= NOW
        if d.status == DossierStatus.SUBMITTED:
            assert d.decided_at is None and d.decision_due is not None
        else:
            assert d.submitted_at < d.decided_at <= NOW and d.assigned_officer_id is not None
        assert (d.livret2_due is not None) == (d.status == DossierStatus.RECEVABLE)
        by_year[int(d.number[4:8])].append(d)
    for year_dossiers in by_year.values():  # numbered 1, 2, 3… in order of submission
        ordered = sorted(year_dossiers, key=lambda d: d.submitted_at)
        assert [int(d.number[-6:]) for d in ordered] == list(range(1, len(ordered) + 1))
    assert any(any(c in d.last_name + d.first_name for c in "éèëïô") for d in dossiers)
    assert any(d.assigned_officer_id is None for d in dossiers)

    decisions = db.session.execute(select(Decision.dossier_id, Decision.days_to_decision)).all()
    decided = {d.id: d for d in dossiers if d.decided_at is not None}
    assert {i for i, _days in decisions} == set(decided)
    for dossier_id, days in decisions:
        d = decided[dossier_id]
        assert days == pytest.approx((d.decided_at - d.submitted_at).total_seconds() / 86400)

    draft = db.session.execute(
        select(Dossier).where(Dossier.email == BENCH_CANDIDATE_EMAIL)
    ).scalar_one()
    assert draft.status == DossierStatus.DRAFT
    assert db.session.scalar(select(func.count()).where(Activity.dossier_id == draft.id)) == 10
    assert db.session.scalar(select(func.count()).where(Attachment.dossier_id == draft.id)) == 10

    # The kept counts are those of the rows; the search index finds a seeded name.
    assert status_counts.counts() == {str(s.value): n for s, n in mix.items()}
    officer = decided[next(iter(decided))].assigned_officer_id
    sample = dossiers[len(dossiers) // 2]
    words = f"{sample.last_name} {sample.first_name}"  # a substring of « name first name »
    page = queue.fetch(
        queue.Filters.from_args({"q": words, "statut": sample.status.value}), officer
    )
    assert sample.number in {row.number for row in page.rows}
