"""The two-month clock (L6412-2): start and stop, days left, implicit acceptance by
``deadlines run``, staff digests, the review page after the due date, the admin's withdrawal,
the queue and the dashboard."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.functional.dossier_flow import SWORN, complete_dossier, url
from tests.functional.test_review import ask_complements, review_url
from tests.helpers import message_body, outbox_messages, pdf_text, submit, text
from vae.audit import AuditEntry
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.review.models import DeadlineDigest, Decision, DecisionKind
from vae.roles import Role

DUE = date(2027, 1, 24)  # two months after the submission of 24 November 2026


@pytest.fixture
def submitted(candidate):
    dossier_id = complete_dossier(candidate)
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    return dossier_id


@pytest.fixture
def officer(logged_in, fixed_clock):
    return logged_in(Role.STAFF, first_name="Sophie", last_name="Bernard")


def run(app, today: str):
    result = app.test_cli_runner().invoke(args=["deadlines", "run", "--today", today])
    assert result.exit_code == 0, result.output
    return result.output


def move_clock(monkeypatch, day: date) -> None:
    import vae.clock

    moment = datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)
    monkeypatch.setattr(vae.clock, "now", lambda: moment)


def dossier_of(app, dossier_id: str) -> Dossier:
    return db.session.get(Dossier, uuid.UUID(dossier_id))


def decisions(app, dossier_id: str) -> list[Decision]:
    return list(
        db.session.scalars(
            select(Decision)
            .where(Decision.dossier_id == uuid.UUID(dossier_id))
            .order_by(Decision.decided_at)
        )
    )


def test_clock_starts_stops_and_restarts(app, candidate, submitted, officer, monkeypatch):
    with app.app_context():
        dossier = dossier_of(app, submitted)
        assert dossier.decision_clock_started_on == date(2026, 11, 24)
        assert dossier.decision_due == DUE
    # Staff and candidate see the start, the due date and the days left.
    staff_page = text(officer.get(review_url(submitted)))
    assert "24 janvier 2027" in staff_page and "61 jours restants" in staff_page
    assert "depuis le 24 novembre 2026" in staff_page
    mine = text(candidate.get(url(submitted, "recapitulatif")))
    assert "dossier complet reçu le 24 novembre 2026" in mine
    assert "au plus tard le 24 janvier 2027" in mine and "61 jours restants" in mine
    # A request for complements stops the clock.
    ask_complements(officer, submitted, "Attestation employeur signée")
    with app.app_context():
        dossier = dossier_of(app, submitted)
        assert dossier.decision_due is None and dossier.decision_clock_started_on is None
    assert "délai arrêté" in text(officer.get(review_url(submitted)))
    # The resubmission answering it starts it again, from that day.
    move_clock(monkeypatch, date(2026, 12, 10))
    answer_every_item(app, candidate, submitted)
    assert submit(candidate, url(submitted, "recapitulatif"), SWORN).status_code == 302
    with app.app_context():
        dossier = dossier_of(app, submitted)
        assert dossier.status == DossierStatus.SUBMITTED
        assert dossier.decision_clock_started_on == date(2026, 12, 10)
        assert dossier.decision_due == date(2027, 2, 10)


def answer_every_item(app, candidate, dossier_id: str) -> None:
    from tests.helpers import csrf_token
    from vae.review.complements import ComplementItem

    with app.app_context():
        item_ids = db.session.scalars(select(ComplementItem.id)).all()
    for item_id in item_ids:
        summary = candidate.get(url(dossier_id, "recapitulatif"))
        answered = candidate.post(
            url(dossier_id, f"complements/{item_id}/reponse"),
            data={
                f"item-{item_id}-csrf_token": csrf_token(summary.data),
                f"item-{item_id}-answer": "Jointe.",
            },
        )
        assert answered.status_code == 302


def test_days_left_wording() -> None:
    from vae.french import days_left

    assert days_left(12) == "12 jours restants"
    assert days_left(1) == "1 jour restant"
    assert days_left(0) == "dernier jour"
    assert days_left(-3) == "échéance dépassée"


def test_implicit_acceptance_after_due_date(app, candidate, submitted, monkeypatch):
    output = run(app, "2027-01-24")  # the last day: nothing yet
    assert "Décisions implicites : 0" in output
    with app.app_context():
        assert dossier_of(app, submitted).status == DossierStatus.SUBMITTED
    before = len(outbox_messages(app))
    output = run(app, "2027-01-25")
    assert "Décisions implicites : 1" in output and "VAE-2026-000001" in output
    with app.app_context():
        dossier = dossier_of(app, submitted)
        assert dossier.status == DossierStatus.RECEVABLE
        assert dossier.decision_due is None
        assert dossier.livret2_due == date(2027, 7, 25)  # LIVRET2_DEFAULT_MONTHS = 6
        (decision,) = decisions(app, submitted)
        assert decision.kind == DecisionKind.IMPLICIT and decision.decided_by_id is None
        assert decision.livret2_due == date(2027, 7, 25)
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "decided_implicitly")
        ).one()
        assert entry.actor_id is None and entry.to_state == "recevable"
        decision_id = decision.id
    letter = candidate.get(url(submitted, f"decisions/{decision_id}.pdf"), buffered=True)
    assert letter.status_code == 200
    words = " ".join(pdf_text(letter.data).split())
    assert "décision implicite d'acceptation" in words and "L6412-2" in words
    assert "24 novembre 2026" in words and "24 janvier 2027" in words
    messages = outbox_messages(app)[before:]
    (mail,) = [m for m in messages if "implicite" in m["Subject"]]
    assert mail["To"] == candidate.user.email
    body = message_body(mail)
    assert f"/dossiers/{submitted}/recapitulatif" in body and "25 juillet 2027" in body
    # Idempotent: a second run changes nothing and sends nothing.
    assert "Décisions implicites : 0" in run(app, "2027-01-25")
    with app.app_context():
        assert len(decisions(app, submitted)) == 1
    assert len(outbox_messages(app)) == before + len(messages)


def test_only_the_implicit_decision_has_no_officer(app, submitted) -> None:
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        dossier = dossier_of(app, submitted)
        db.session.add(
            Decision(
                dossier_id=dossier.id,
                version=1,
                kind=DecisionKind.RECEVABLE,
                livret2_due=date(2027, 6, 1),
                decided_by_id=None,
                letter_stored_name="x",
                letter_sha256="y",
            )
        )
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_review_page_after_due_date_refuses_an_explicit_decision(
    app, submitted, officer, monkeypatch
):
    move_clock(monkeypatch, date(2027, 1, 25))
    html = text(officer.get(review_url(submitted)))
    assert "la demande est acceptée implicitement" in html
    assert "échéance dépassée" in html
    assert "Enregistrer la décision" not in html
    with app.app_context():
        from vae.review import operations

        dossier = dossier_of(app, submitted)
        with pytest.raises(operations.ReviewError, match="décision implicite"):
            operations.decide(
                dossier,
                DecisionKind.RECEVABLE,
                officer=officer.user,
                lock_version=dossier.lock_version,
                livret2_due=date(2027, 7, 1),
            )


def test_explicit_form_proposes_the_usual_livret2_deadline(submitted, officer) -> None:
    html = officer.get(review_url(submitted)).get_data(as_text=True)
    assert 'name="decision-livret2_due"' in html and 'value="2027-05-24"' in html


def withdraw(client, dossier_id: str, reason: str):
    import re

    from tests.helpers import csrf_token

    page = client.get(review_url(dossier_id))
    lock = re.search(r'name="withdraw-lock_version" type="hidden" value="(\d+)"', text(page))
    return client.post(
        review_url(dossier_id, "retrait-decision-implicite"),
        data={
            "withdraw-csrf_token": csrf_token(page.data),
            "withdraw-lock_version": lock.group(1),
            "withdraw-reason": reason,
        },
    )


def test_admin_withdraws_an_implicit_decision(
    app, candidate, submitted, officer, logged_in, monkeypatch
):
    run(app, "2027-01-25")
    move_clock(monkeypatch, date(2027, 1, 26))
    admin = logged_in(Role.ADMIN, first_name="Alex", last_name="Durand")
    # A staff officer (not admin) sees no form and is refused.
    assert "Retirer la décision implicite" not in text(officer.get(review_url(submitted)))
    path = review_url(submitted, "retrait-decision-implicite")
    assert officer.post(path, data={"withdraw-reason": "x"}).status_code == 403
    page = text(admin.get(review_url(submitted)))
    assert "Retirer la décision implicite" in page
    # The reason is mandatory.
    empty = withdraw(admin, submitted, "")
    assert "Indiquez le motif du retrait" in text(empty)
    before = len(outbox_messages(app))
    response = withdraw(admin, submitted, "Décision illégale : attestation falsifiée découverte.")
    assert response.status_code == 302
    with app.app_context():
        dossier = dossier_of(app, submitted)
        assert dossier.status == DossierStatus.SUBMITTED and dossier.livret2_due is None
        last = decisions(app, submitted)[-1]
        assert last.kind == DecisionKind.IMPLICIT_WITHDRAWN
        assert last.decided_by_id == admin.user.id
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "implicit_withdrawn")
        ).one()
        assert entry.actor_id == admin.user.id and entry.comment.startswith("Décision illégale")
        last_id = last.id
    letter = candidate.get(url(submitted, f"decisions/{last_id}.pdf"), buffered=True)
    words = " ".join(pdf_text(letter.data).split())
    assert "retrait de cette décision implicite" in words and "attestation falsifiée" in words
    (mail,) = [m for m in outbox_messages(app)[before:] if "retrait" in m["Subject"].lower()]
    assert mail["To"] == candidate.user.email
    # Back under review: an explicit decision is offered again, and the next run leaves it.
    assert "Enregistrer la décision" in text(officer.get(review_url(submitted)))
    assert "Décisions implicites : 0" in run(app, "2027-01-27")


def test_withdrawal_refused_once_the_livret2_is_submitted(app, submitted, logged_in):
    from vae.review import deadlines, operations

    run(app, "2027-01-25")
    admin = logged_in(Role.ADMIN)
    with app.app_context():
        dossier = dossier_of(app, submitted)
        dossier.status = DossierStatus.LIVRET2_SUBMITTED
        db.session.commit()
        with pytest.raises(operations.ReviewError, match="livret 2 a été déposé"):
            deadlines.withdraw_implicit(dossier, admin.user, "Motif", dossier.lock_version)


def test_digests_15_and_5_days_before_once_each(app, submitted, officer, logged_in):
    colleague = logged_in(Role.STAFF, first_name="Paul", last_name="Leroy")
    candidate_emails = {m["To"] for m in outbox_messages(app)}

    def digests() -> list:
        return [m for m in outbox_messages(app) if m["Subject"].startswith("Échéances légales")]

    run(app, "2027-01-08")  # 16 days left: nothing yet
    assert digests() == []
    run(app, "2027-01-09")  # 15 days left: unassigned, every active officer
    first = digests()
    assert {m["To"] for m in first} == {officer.user.email, colleague.user.email}
    assert all("VAE-2026-000001" in message_body(m) for m in first)
    assert "15 jours restants" in message_body(first[0])
    assert "/cpnefp/dossiers/" in message_body(first[0])
    run(app, "2027-01-09")
    run(app, "2027-01-10")
    assert len(digests()) == 2  # once per threshold
    with app.app_context():
        dossier = dossier_of(app, submitted)
        dossier.assigned_officer_id = colleague.user.id
        db.session.commit()
    run(app, "2027-01-19")  # 5 days left: the assigned officer only
    later = digests()[2:]
    assert [m["To"] for m in later] == [colleague.user.email]
    assert "5 jours restants" in message_body(later[0])
    run(app, "2027-01-20")
    assert len(digests()) == 3
    with app.app_context():
        assert db.session.scalar(select(db.func.count(DeadlineDigest.id))) == 2
    assert not candidate_emails & {officer.user.email, colleague.user.email}


def test_queue_shows_days_left_sorted_by_due_date(app, submitted, officer) -> None:
    html = text(officer.get("/cpnefp/dossiers"))
    assert "61 jours restants" in html
    from vae.review.queue import Filters

    assert Filters.from_args({}).sort == "echeance"


def test_dashboard_counts_implicit_decisions_per_month(app, submitted, officer, monkeypatch):
    move_clock(monkeypatch, date(2027, 1, 25))
    run(app, "2027-01-25")
    with app.app_context():
        from vae.review import stats

        figures = stats.compute(date(2027, 1, 26))
        assert figures.implicit_per_month[-1][1] == 1
        assert sum(n for _m, n in figures.implicit_per_month) == 1
    html = text(officer.get("/cpnefp/tableau-de-bord"))
    assert "Décisions implicites d'acceptation par mois" in html


def test_officer_deciding_as_the_run_records_the_implicit_decision(app, submitted, officer):
    import re

    from tests.helpers import csrf_token

    page = officer.get(review_url(submitted))  # loaded before the run
    stale = re.search(r'name="decision-lock_version" type="hidden" value="(\d+)"', text(page))[1]
    run(app, "2027-01-25")
    response = officer.post(
        review_url(submitted, "decision"),
        data={
            "decision-csrf_token": csrf_token(page.data),
            "decision-lock_version": stale,
            "decision-kind": "recevable",
            "decision-livret2_due": "2027-05-24",
        },
    )
    assert response.status_code == 302
    assert "vient d'être modifié par quelqu'un d'autre" in text(officer.get(review_url(submitted)))
    with app.app_context():
        (only,) = decisions(app, submitted)
        assert only.kind == DecisionKind.IMPLICIT
