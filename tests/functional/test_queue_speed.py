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
from vae import clock
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


def real_counts() -> dict[tuple[Any, ...], int]:
    """Dossiers per (status, certification, officer) and, under review, per (certification,
    deadline), counted from ``dossiers``."""
    rows = db.session.execute(
        select(Dossier.status, Dossier.certification_id, Dossier.assigned_officer_id, func.count())
        .where(Dossier.status != S.DRAFT)
        .group_by(Dossier.status, Dossier.certification_id, Dossier.assigned_officer_id)
    )
    found: dict[tuple[Any, ...], int] = {
        (s.value, c, o or status_counts.NOBODY): n for s, c, o, n in rows
    }
    due = db.session.execute(
        select(Dossier.certification_id, Dossier.decision_due, func.count())
        .where(Dossier.status == S.SUBMITTED, Dossier.decision_due.is_not(None))
        .group_by(Dossier.certification_id, Dossier.decision_due)
    )
    found.update({("due", c, d): n for c, d, n in due})
    submitted = db.session.execute(
        select(Dossier.certification_id, Dossier.submitted_at).where(
            Dossier.submitted_at.is_not(None)
        )
    )
    months: dict[tuple[Any, ...], int] = {}
    for c, moment in submitted:
        key = ("month", c, status_counts.month_of(moment))
        months[key] = months.get(key, 0) + 1
    return found | months


def kept_counts() -> dict[tuple[Any, ...], int]:
    statuses = status_counts.DossierStatusCount.__table__
    due = status_counts.DossierDueCount.__table__
    kept: dict[tuple[Any, ...], int] = {
        (s, c, o): n for s, c, o, n in db.session.execute(select(statuses)) if n
    }
    kept.update({("due", c, d): n for c, d, n in db.session.execute(select(due)) if n})
    months = status_counts.DossierMonthCount.__table__
    kept.update({("month", c, m): n for c, m, n in db.session.execute(select(months)) if n})
    return kept


def total(counts: dict[tuple[Any, ...], int]) -> int:
    return sum(n for key, n in counts.items() if key[0] not in ("due", "month"))


# --- 1. counts ----------------------------------------------------------------------------------


def test_kept_counts_equal_a_group_by_after_transitions(app_ctx) -> None:
    ids = make_dossiers(12)
    assert kept_counts() == real_counts() and total(kept_counts()) == 12
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
    assert total(kept_counts()) == 11
    assert queue.fetch(queue.Filters(), uuid.uuid4()).counts == {
        s: n for (s, _c), n in _by_status(real_counts()).items()
    }


def _by_status(counts: dict[tuple[Any, ...], int]) -> dict[tuple[str, int], int]:
    merged: dict[str, int] = {}
    for key, n in counts.items():
        if key[0] not in ("due", "month"):
            merged[key[0]] = merged.get(key[0], 0) + n
    return {(s, 0): n for s, n in merged.items()}


def test_kept_counts_follow_officers_and_deadlines(app_ctx, monkeypatch) -> None:
    """Assigning, reassigning and deciding move the counts by officer and by due day; the
    queue's « Moi », « Personne » and « En retard seulement » read them and agree with the
    rows they list."""
    ids = make_dossiers(12, ties=False)
    me, other = add_user("moi@cpnefp.fr", Role.STAFF), add_user("autre@cpnefp.fr", Role.STAFF)
    dossiers = [db.session.get(Dossier, i) for i in ids]
    pending = [d for d in dossiers if d.status == S.SUBMITTED]
    for dossier in pending[:4]:
        dossier.assigned_officer_id = me.id
    pending[4].assigned_officer_id = other.id
    db.session.commit()
    assert kept_counts() == real_counts()
    pending[0].assigned_officer_id = other.id  # reassigned
    pending[1].move_to(S.RECEVABLE, "decided")
    pending[1].decision_due = None
    pending[5].decision_due = pending[5].decision_due + timedelta(days=400)  # not late
    pending[6].submitted_at = pending[6].submitted_at + timedelta(days=40)  # sent again later
    db.session.commit()
    assert kept_counts() == real_counts()
    today = max(d.decision_due for d in pending[2:5]) - timedelta(days=1)
    monkeypatch.setattr(clock, "today", lambda: today)
    for args in [
        {"agent": "moi"},
        {"agent": "aucun"},
        {"agent": str(other.id)},
        {"retard": "1"},
        {"retard": "1", "certification": _code(pending[2].certification_id)},
        {"retard": "1", "agent": "moi"},  # not kept: counted, the same figures
    ]:
        filters = queue.Filters.from_args(args)
        page = queue.fetch(filters, me.id)
        every = queue.rows_for(filters, me.id, 1000)
        assert page.total == len(every), args
        assert sum(page.counts.values()) == len(every), args
    late = [d for d in pending if d.status == S.SUBMITTED and d.decision_due < today]
    assert queue.fetch(queue.Filters(overdue=True), me.id).total == len(late) > 0


def _code(certification_id: int) -> str:
    return db.session.get(Certification, certification_id).code


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
        filters.matches, filters.found = 0, None
        page = queue.fetch(filters, uuid.uuid4())  # counted: every match read, then by id
        assert filters.found is not None and len(filters.found) == len(found) == page.total, term
        assert {r.number for r in page.rows} <= found, term
        assert len(page.rows) == min(len(found), queue.PER_PAGE), term
    exact = queue.Filters.from_args({"q": " vae-2026-900012 "})
    assert [r.number for r in queue.rows_for(exact, uuid.uuid4(), 10)] == ["VAE-2026-900012"]


def test_a_long_term_whose_pieces_match_apart_finds_nothing(app_ctx) -> None:
    """A long term is looked up by its pieces (vae.review.search.CHUNK), then checked whole:
    « Abcdef Defghi » holds both pieces of « abcdefghi » (« abcdef », « efghi »), not the
    term."""
    from vae.review import search

    (dossier_id,) = make_dossiers(1)
    dossier = db.session.get(Dossier, dossier_id)
    dossier.last_name, dossier.first_name = "Abcdef", "Defghi"
    dossier.refresh_search_text()
    db.session.commit()
    if db.session.get_bind().dialect.name == "sqlite":  # PostgreSQL: LIKE the whole term
        assert search.plan("abcdefghi")[1]["search"] == '"abcdef" AND "efghi"'
    for term, found in [("abcdefghi", 0), ("abcdef defghi", 1), ("bcdef defgh", 1), ("fdefghx", 0)]:
        filters = queue.Filters.from_args({"q": term})
        page = queue.fetch(filters, uuid.uuid4())
        assert (page.total, len(page.rows)) == (found, found), term
        assert len(queue.rows_for(filters, uuid.uuid4(), 10)) == found, term


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


def test_a_common_word_is_estimated_then_searched_along_the_sort_index(
    app_ctx, monkeypatch
) -> None:
    """Past its cap, a search's count says how dense its matches are; a dense word is then
    read along the queue's sort index (each row's text checked), with the same page."""
    from vae.review import search

    if db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's FTS5 plans (PostgreSQL's planner picks its own)")
    make_dossiers(40, ties=False)
    me = uuid.uuid4()
    fts_page = [r.number for r in queue.fetch(queue.Filters.from_args({"q": "exemple"}), me).rows]
    monkeypatch.setattr(search, "COUNT_CAP", 4)
    filters = queue.Filters.from_args({"q": "exemple"})  # every dossier matches
    assert search.plan("exemple", 0)[0] == search.PIECES_KIND
    page = queue.fetch(filters, me)
    assert page.capped
    # 5 matches read, the 5th at about an eighth of the keys: about 40 in all
    assert 30 <= filters.matches <= 60 and filters.indexed >= 40
    assert search.plan("exemple", filters.matches, filters.indexed)[0] == search.PIECES_KIND
    monkeypatch.setattr(search, "WALK_RATIO", 1)  # as dense as « martin » among a million
    walked = queue.Filters.from_args({"q": "exemple"})
    page = queue.fetch(walked, me)
    assert search.plan("exemple", walked.matches, walked.indexed)[0] == search.WALK_KIND
    assert [r.number for r in page.rows] == fts_page and len(fts_page) == queue.PER_PAGE


def test_search_estimates_from_the_keys_it_reached() -> None:
    from vae.review import search

    cap = search.COUNT_CAP
    assert search.estimate(cap + 1, 2_000, 100_000) == ((cap + 1) * 50, 100_000)
    assert search.estimate(500, 3_000, 100_000) == (500, 100_000)  # under the cap: exact
    assert search.estimate(cap + 1, None, None) == (cap + 1, 0)  # no index (PostgreSQL)


def test_sqlite_planner_hints_never_reach_postgresql() -> None:
    """« +column » keeps SQLite on the sort's index; on PostgreSQL it hid the column's
    statistics (a page of 25 then sorted 70,000 rows): each dialect gets its own statement."""
    from sqlalchemy.dialects import postgresql, sqlite

    from vae.review import queue_sql

    shape = queue_sql.Shape(within=True, status=True)
    lite = str(queue_sql.filtered(shape).compile(dialect=sqlite.dialect()))
    pg_shape = queue_sql.Shape(within=True, status=True, sqlite=False)
    pg = str(queue_sql.filtered(pg_shape).compile(dialect=postgresql.dialect()))
    assert "+dossiers.certification_id" in lite and "+dossiers" not in pg


def test_a_counted_search_is_paged_by_the_ids_it_found(app_ctx) -> None:
    """Under the cap the count read every match: each page (cursor after cursor, any sort)
    reads those dossiers by id, each once, in the sort's order."""
    make_dossiers(2 * queue.PER_PAGE + 7, ties=False)
    for sort in ("echeance", "candidat", "depot"):
        current: dict[str, Any] = {"q": "exemple", "tri": sort}
        seen: list[str] = []
        while True:
            filters = queue.Filters.from_args(current)
            page = queue.fetch(filters, uuid.uuid4())
            assert filters.found is not None and page.total == 2 * queue.PER_PAGE + 7
            seen += [r.number for r in page.rows]
            if not page.has_next:
                break
            current = page.next_args(filters)
        every = queue.rows_for(queue.Filters.from_args({"tri": sort}), uuid.uuid4(), 1000)
        assert seen == [r.number for r in every], sort
