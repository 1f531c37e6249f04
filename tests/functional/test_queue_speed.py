"""The queue at any size (#15): maintained counts, keyset pages, indexed search, the dashboard."""

from __future__ import annotations

import re
import threading
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.helpers import text
from vae.auth.models import User
from vae.dbtypes import lock_for_update, searchable
from vae.dossier import status_counts
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.referentials.models import Certification
from vae.review import queue, stats
from vae.review.models import Decision, DecisionKind
from vae.roles import Role

S = DossierStatus
MOMENT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
NAMES = ["Martin", "Bernard", "Dubois", "Martin", "Petit", "Durand", "Lefèvre", "Moreau"]


def add_user(email: str, role: Role) -> User:
    user = User(email=email, role=role, first_name="Camille", last_name="X", password_hash="!")
    db.session.add(user)
    db.session.flush()
    return user


def make_dossiers(count: int, *, status: S = S.SUBMITTED, ties: bool = True) -> list[uuid.UUID]:
    """``count`` dossiers straight in the database (with many equal sort keys when ``ties``)."""
    certifications = list(db.session.scalars(select(Certification.id).order_by(Certification.id)))
    ids = []
    for i in range(count):
        user = add_user(f"c{i}-{uuid.uuid4().hex[:6]}@exemple.fr", Role.CANDIDATE)
        submitted = MOMENT + timedelta(days=(i % 3 if ties else i))
        decided = i % 4 == 0
        dossier = Dossier(
            candidate_id=user.id,
            certification_id=certifications[i % 2],
            referential_version_id=_version_of(certifications[i % 2]),
            status=status if not decided else S.RECEVABLE,
            number=f"VAE-2026-{900000 + i:06d}",
            submission_count=1,
            submitted_at=submitted,
            decided_at=submitted + timedelta(days=10) if decided else None,
            decision_due=None if decided else submitted.date() + timedelta(days=61),
            last_name=NAMES[i % len(NAMES)] if ties else f"Nom{i:03d}",
            first_name=["Alex", "Sam"][i % 2],
            email=f"personne.{i}@exemple.fr",
        )
        dossier.refresh_search_text()
        db.session.add(dossier)
        db.session.flush()
        ids.append(dossier.id)
    db.session.commit()
    return ids


def _version_of(certification_id: int) -> int:
    from vae.referentials.models import ReferentialVersion

    return db.session.scalar(
        select(ReferentialVersion.id)
        .where(ReferentialVersion.certification_id == certification_id)
        .limit(1)
    )


def real_counts() -> dict[tuple[str, int], int]:
    rows = db.session.execute(
        select(Dossier.status, Dossier.certification_id, func.count())
        .where(Dossier.status != S.DRAFT)
        .group_by(Dossier.status, Dossier.certification_id)
    )
    return {(s.value, c): n for s, c, n in rows}


def kept_counts() -> dict[tuple[str, int], int]:
    table = status_counts.DossierStatusCount.__table__
    return {(s, c): n for s, c, n in db.session.execute(select(table)) if n}


# --- 1. counts ----------------------------------------------------------------------------------


def test_kept_counts_equal_a_group_by_after_transitions(app_ctx) -> None:
    ids = make_dossiers(12)
    assert kept_counts() == real_counts() and sum(kept_counts().values()) == 12
    dossiers = [db.session.get(Dossier, i) for i in ids]
    pending = [d for d in dossiers if d.status == S.SUBMITTED]
    pending[0].move_to(S.INCOMPLETE, "complements_requested")
    pending[1].move_to(S.NON_RECEVABLE, "decided")
    pending[2].move_to(S.WITHDRAWN, "withdrawn")
    db.session.commit()
    pending[0].move_to(S.SUBMITTED, "submitted")
    db.session.delete(pending[3])
    other = db.session.scalar(
        select(Certification.id).where(Certification.id != pending[4].certification_id).limit(1)
    )
    pending[4].certification_id = other
    db.session.commit()
    pending[5].move_to(S.RECEVABLE, "decided")
    db.session.rollback()  # a rolled back change leaves no count behind
    assert kept_counts() == real_counts()
    assert sum(kept_counts().values()) == 11
    assert queue.fetch(queue.Filters(), uuid.uuid4()).counts == {
        s: n for (s, _c), n in _by_status(real_counts()).items()
    }


def _by_status(counts: dict[tuple[str, int], int]) -> dict[tuple[str, int], int]:
    merged: dict[str, int] = {}
    for (s, _c), n in counts.items():
        merged[s] = merged.get(s, 0) + n
    return {(s, 0): n for s, n in merged.items()}


def test_kept_counts_survive_simultaneous_transitions(app) -> None:
    with app.app_context():
        ids = [i for i in make_dossiers(16, ties=False)]
        pending = [
            i for i in ids if db.session.get(Dossier, i).status == S.SUBMITTED
        ]  # 12 under review, two certifications
        db.session.remove()
    barrier = threading.Barrier(len(pending))
    errors: list[BaseException] = []

    def decide(dossier_id: uuid.UUID, target: S) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                dossier = db.session.get(Dossier, dossier_id)
                lock_for_update(dossier)
                dossier.move_to(target, "decided")
                db.session.commit()
                db.session.remove()
        except BaseException as exc:  # reported below
            errors.append(exc)

    targets = [S.RECEVABLE, S.NON_RECEVABLE, S.INCOMPLETE]
    threads = [
        threading.Thread(target=decide, args=(i, targets[n % 3])) for n, i in enumerate(pending)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        assert kept_counts() == real_counts()
        assert db.session.scalar(select(func.count()).where(Dossier.status == S.SUBMITTED)) == 0
        db.session.remove()


def test_migration_backfill_and_seeded_rows_are_counted_by_rebuild(app_ctx) -> None:
    make_dossiers(5)
    with db.engine.begin() as connection:
        connection.execute(status_counts.DossierStatusCount.__table__.delete())
        status_counts.rebuild(connection)
    assert kept_counts() == real_counts()


# --- 2. keyset pages ----------------------------------------------------------------------------


def expected_order(sort: str) -> list[str]:
    rows = db.session.execute(
        select(
            Dossier.number,
            Dossier.id,
            Dossier.decision_due,
            Dossier.submitted_at,
            Dossier.last_name,
            Dossier.first_name,
        ).where(Dossier.status != S.DRAFT)
    ).all()

    def key(r: Any) -> tuple[Any, ...]:
        moment = r.submitted_at.timestamp()
        return {
            "echeance": (r.decision_due is None, r.decision_due or date.min, -moment, r.id),
            "depot": (-moment, r.id),
            "depot_ancien": (moment, r.id),
            "numero": (r.number, r.id),
            "candidat": (r.last_name, r.first_name, r.id),
        }[sort]

    return [r.number for r in sorted(rows, key=key)]


def walk(args: dict[str, str], *, backward: bool = False) -> list[str]:
    """Every page by its links' cursors, from the first (or the last) page."""
    seen: list[list[str]] = []
    current = {**args, "fin": "1"} if backward else dict(args)
    while True:
        filters = queue.Filters.from_args(current)
        page = queue.fetch(filters, uuid.uuid4())
        seen.append([r.number for r in page.rows])
        if backward and page.page > 1:
            current = {**args, "page": str(page.page - 1), "avant": page.previous_cursor}
        elif not backward and page.page < page.pages:
            current = {**args, "page": str(page.page + 1), "apres": page.next_cursor}
        else:
            break
    pages = seen[::-1] if backward else seen
    return [n for p in pages for n in p]


@pytest.mark.parametrize("sort", list(queue.SORTS))
def test_walking_every_page_both_ways_gives_each_row_once_in_order(app_ctx, sort) -> None:
    make_dossiers(2 * queue.PER_PAGE + 7)  # ties on dates, deadlines and names; no deadline too
    expected = expected_order(sort)
    args = {"tri": sort}
    assert walk(args) == expected
    assert walk(args, backward=True) == expected
    # Filtered by status, overdue (another key list): the same both ways.
    assert walk({"tri": sort, "statut": "submitted"}) == [
        n for n in expected if n in set(walk({"tri": sort, "statut": "submitted"}, backward=True))
    ]


def test_page_links_carry_cursors_and_no_page_offsets_rows(
    app_ctx, client, make_user, monkeypatch
) -> None:
    make_dossiers(3 * queue.PER_PAGE + 1)
    officer = make_user(Role.STAFF, email="agent@cpnefp.exemple.fr")
    from tests.helpers import login

    login(client, officer.email)
    offsets: list[int] = []
    reading = queue.rows_for

    def spied(*args: Any, **kwargs: Any) -> Any:
        offsets.append(args[3] if len(args) > 3 else kwargs.get("offset", 0))
        return reading(*args, **kwargs)

    monkeypatch.setattr(queue, "rows_for", spied)
    html = client.get("/cpnefp/dossiers").text
    assert "Dernière page" in html and "Première page" not in html
    next_link = re.search(r'href="([^"]*apres=[^"]*)"', html)
    last_link = re.search(r'href="([^"]*fin=1[^"]*)"', html)
    assert next_link and last_link
    deep = client.get(next_link.group(1).replace("&amp;", "&"))
    last = client.get(last_link.group(1).replace("&amp;", "&"))
    assert deep.status_code == last.status_code == 200
    assert "Page 2 sur 4" in text(deep) and "Page 4 sur 4" in text(last)
    assert len(re.findall(r"<tr class", last.text)) == 1  # 76 dossiers: one on the last page
    back = re.search(r'href="([^"]*avant=[^"]*)"', last.text)
    assert back and "Page 3 sur 4" in text(client.get(back.group(1).replace("&amp;", "&")))
    assert offsets == [0, 0, 0, 0]
    # A page number typed without a cursor may skip rows; a bad cursor is no error.
    assert client.get("/cpnefp/dossiers?page=3").status_code == 200 and offsets[-1] == 50
    assert client.get("/cpnefp/dossiers?page=3&apres=pas-un-curseur").status_code == 200


# --- 3. search ----------------------------------------------------------------------------------


def old_like(term: str) -> set[str]:
    pattern = f"%{searchable(term)}%"
    return set(
        db.session.scalars(
            select(Dossier.number).where(
                Dossier.status != S.DRAFT, Dossier.search_text.like(pattern)
            )
        )
    )


def test_search_finds_what_the_old_like_found(app_ctx) -> None:
    make_dossiers(30)
    for term in [
        "martin",
        "MARTIN",
        "lefèvre",
        "lefevre",
        "dubois alex",
        "personne.17@",
        "exemple.fr",
        "nom",
        "vae-2026-9000",
        "VAE-2026-900012",
        "zzz",
        "tin",
    ]:
        filters = queue.Filters.from_args({"q": term})
        found = {r.number for r in queue.rows_for(filters, uuid.uuid4(), 1000)}
        assert found == old_like(term), term
        assert filters.errors == {}
        filters.matches = 10_000  # a broad search: SQLite reads the sort index instead
        assert {r.number for r in queue.rows_for(filters, uuid.uuid4(), 1000)} == found, term
    exact = queue.Filters.from_args({"q": " vae-2026-900012 "})
    assert [r.number for r in queue.rows_for(exact, uuid.uuid4(), 10)] == ["VAE-2026-900012"]


def test_search_index_follows_changes_at_once(app_ctx) -> None:
    (dossier_id,) = make_dossiers(1)
    dossier = db.session.get(Dossier, dossier_id)
    dossier.last_name = "Quenneville"
    dossier.refresh_search_text()
    db.session.commit()
    assert old_like("quennev") == {dossier.number}
    filters = queue.Filters.from_args({"q": "quennev"})
    assert [r.number for r in queue.rows_for(filters, uuid.uuid4(), 10)] == [dossier.number]
    db.session.delete(dossier)
    db.session.commit()
    assert queue.rows_for(filters, uuid.uuid4(), 10) == []


def test_a_too_short_search_is_refused_beside_the_field(app_ctx, client, make_user) -> None:
    make_dossiers(2)
    from tests.helpers import login

    officer = make_user(Role.STAFF, email="agent@cpnefp.exemple.fr")
    login(client, officer.email)
    html = text(client.get("/cpnefp/dossiers?q=ma"))
    assert "Saisissez au moins 3 caractères" in html
    assert 'aria-invalid="true"' in client.get("/cpnefp/dossiers?q=ma").text


# --- 4. dashboard -------------------------------------------------------------------------------


def test_dashboard_months_are_paris_months_and_median_is_computed(app_ctx) -> None:
    ids = make_dossiers(4, ties=False)
    first = db.session.get(Dossier, ids[1])
    # 31 October 23:30 UTC is 1 November 00:30 in Paris: a November dossier.
    first.submitted_at = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)
    officer = add_user("agent@cpnefp.exemple.fr", Role.STAFF)
    db.session.commit()
    for n, dossier_id in enumerate(ids):
        dossier = db.session.get(Dossier, dossier_id)
        db.session.add(
            Decision(
                dossier_id=dossier.id,
                version=1,
                kind=DecisionKind.RECEVABLE,
                decided_by_id=officer.id,
                decided_at=dossier.submitted_at + timedelta(days=[3, 5, 11, 40][n]),
                letter_stored_name=f"lettre-{n}.pdf",
                letter_sha256="0" * 64,
                livret2_due=date(2027, 11, 1),
            )
        )
    db.session.commit()
    figures = stats.compute(date(2026, 11, 24))
    months = dict(figures.per_month)
    assert months["oct. 2026"] == 0 and months["nov. 2026"] == 4
    assert figures.median_days_to_decision == pytest.approx(8.0)
    assert figures.decisions_count == 4
    assert dict(figures.by_status)["Déposé, en cours d'examen"] == 3
