"""CPNEFP officers: queue, findings, decisions with letters and emails, conflicts, exports."""

from __future__ import annotations

import csv
import io
import re
import uuid
import zipfile

import pytest
from sqlalchemy import select

from tests.functional.dossier_flow import SWORN, complete_dossier, url
from tests.helpers import csrf_token, outbox_messages, pdf_text, submit, text
from vae.audit import AuditEntry, AuditImmutableError
from vae.auth.models import User
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.review.complements import ComplementItem
from vae.review.models import Decision
from vae.roles import Role


@pytest.fixture
def submitted(candidate):
    """A submitted cqp-spp dossier (the worked example: 1 662 FTE days, eligible)."""
    dossier_id = complete_dossier(candidate)
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    return dossier_id


@pytest.fixture
def officer(logged_in, fixed_clock):
    return logged_in(Role.STAFF, first_name="Sophie", last_name="Bernard")


def review_url(dossier_id: str, path: str = "") -> str:
    return f"/cpnefp/dossiers/{dossier_id}" + (f"/{path}" if path else "")


def post(client, dossier_id: str, path: str, data: dict, prefix: str = ""):
    page = client.get(review_url(dossier_id))
    html = text(page)
    lock = re.search(r'name="decision-lock_version" type="hidden" value="(\d+)"', html)
    token = csrf_token(page.data)
    payload = {**data}
    for key in list(payload):
        if payload[key] == "{lock}":
            payload[key] = lock.group(1)
    payload.setdefault(f"{prefix}csrf_token" if prefix else "csrf_token", token)
    return client.post(review_url(dossier_id, path), data=payload)


def activity_refs(app, dossier_id: str) -> list[str]:
    with app.app_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        return [a["id"] for a in dossier.submissions[-1].snapshot["activities"]]


def test_queue_lists_filters_and_searches(app, submitted, officer) -> None:
    html = text(officer.get("/cpnefp/dossiers"))
    assert "VAE-2026-000001" in html and "Martin Camille" in html
    assert "24 janvier 2027" in html  # two months after 24 November 2026
    assert "Déposé, en cours d'examen\u00a0: 1" in html
    for query in ("martin", "MARTIN", "camille.martin", "VAE-2026-000001", "mârtin"):
        assert "VAE-2026-000001" in text(officer.get(f"/cpnefp/dossiers?q={query}")), query
    assert "Aucun dossier" in text(officer.get("/cpnefp/dossiers?q=dupont"))
    assert "Aucun dossier" in text(officer.get("/cpnefp/dossiers?statut=recevable"))
    assert "VAE-2026-000001" in text(officer.get("/cpnefp/dossiers?certification=cqp-spp"))
    assert "Aucun dossier" in text(officer.get("/cpnefp/dossiers?certification=cmc"))
    assert "Aucun dossier" in text(officer.get("/cpnefp/dossiers?agent=moi"))
    assert "VAE-2026-000001" in text(officer.get("/cpnefp/dossiers?agent=aucun"))
    assert "VAE-2026-000001" in text(officer.get("/cpnefp/dossiers?du=2026-11-24&au=2026-11-24"))
    assert "Aucun dossier" in text(officer.get("/cpnefp/dossiers?du=2026-11-25"))
    assert "Date invalide" in text(officer.get("/cpnefp/dossiers?du=2026-13-45"))
    assert "Aucun dossier" in text(officer.get("/cpnefp/dossiers?retard=1"))


def test_queue_flags_overdue_and_paginates(app, candidate, officer, monkeypatch) -> None:
    from datetime import UTC, datetime

    import vae.clock

    dossier_id = complete_dossier(candidate)
    submit(candidate, url(dossier_id, "recapitulatif"), SWORN)
    with app.app_context():
        base = db.session.get(Dossier, uuid.UUID(dossier_id))
        for i in range(30):
            # One open dossier per candidate and certification: each clone has its own candidate.
            other = User(
                email=f"t{i}@exemple.fr",
                role=Role.CANDIDATE,
                first_name="Test",
                last_name=f"Nom{i:02d}",
                password_hash="!",
            )
            db.session.add(other)
            db.session.flush()
            clone = Dossier(
                candidate_id=other.id,
                certification_id=base.certification_id,
                referential_version_id=base.referential_version_id,
                status=DossierStatus.SUBMITTED,
                number=f"VAE-2026-9{i:05d}",
                submission_count=1,
                submitted_at=base.submitted_at,
                decision_due=base.decision_due,
                last_name=f"Nom{i:02d}",
                first_name="Test",
                email=f"t{i}@exemple.fr",
            )
            clone.refresh_search_text()
            db.session.add(clone)
        db.session.commit()
    html = text(officer.get("/cpnefp/dossiers"))
    assert "31 dossiers – page 1 sur 2" in html
    assert "page=2" in html
    later = datetime(2027, 2, 1, 10, 0, tzinfo=UTC)
    monkeypatch.setattr(vae.clock, "now", lambda: later)
    html = text(officer.get("/cpnefp/dossiers?retard=1"))
    assert "31 dossiers" in html and "En retard de 8 jours" in html


def test_queue_uses_a_bounded_number_of_queries(app, submitted, officer) -> None:
    from sqlalchemy import event

    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        officer.get("/cpnefp/dossiers?q=martin&statut=submitted&tri=candidat")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) <= 6, statements


def test_findings_update_the_assessment(app, submitted, officer) -> None:
    _first, second = activity_refs(app, submitted)
    html = text(officer.get(review_url(submitted)))
    assert "Éligible</strong> selon vos constats" in html
    response = post(
        officer,
        submitted,
        "constats",
        {
            "activity_ref": second,
            f"f-{second}-activity_ref": second,
            f"f-{second}-lock_version": "{lock}",
            f"f-{second}-relevant": "non",
            f"f-{second}-attestation_valid": "oui",
            f"f-{second}-comment": "Poste d'accueil sans lien avec les prestations.",
        },
        prefix=f"f-{second}-",
    )
    assert response.status_code == 302
    html = text(officer.get(review_url(submitted)))
    assert "Non éligible</strong> selon vos constats" in html
    assert "il manque 693,00 jours" in html
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "finding"))
        assert "sans rapport" in entry.comment


def ask_complements(officer, dossier_id: str, what: str) -> None:
    """« Incomplet » through the review page, one free item ticked with ``what``."""
    response = post(
        officer,
        dossier_id,
        "decision",
        {
            "decision-lock_version": "{lock}",
            "decision-kind": "incomplete",
            "decision-item_free-selected": "y",
            "decision-item_free-comment": what,
        },
        prefix="decision-",
    )
    assert response.status_code == 302, text(response)[:3000]


def test_decision_incomplete_then_resubmit_then_recevable(app, candidate, submitted, officer):
    ask_complements(officer, submitted, "Attestation employeur signée ; Bulletins 2015")
    with app.app_context():
        dossier = db.session.get(Dossier, uuid.UUID(submitted))
        assert dossier.status == DossierStatus.INCOMPLETE and dossier.decision_due is None
    message = next(m for m in outbox_messages(app) if "incomplet" in m["Subject"].lower())
    assert message["Subject"].count(":") == 1, message["Subject"]  # no double colon
    letter = next(message.iter_attachments()).get_content()
    assert "Bulletins 2015" in pdf_text(letter)
    html = text(candidate.get(url(submitted, "recapitulatif")))
    assert "Attestation employeur signée" in html and "Télécharger le courrier" in html
    # The candidate answers the request and resubmits: version 2, the deadline starts again.
    with app.app_context():
        item_id = db.session.scalar(select(ComplementItem.id))
    summary = candidate.get(url(submitted, "recapitulatif"))
    answered = candidate.post(
        url(submitted, f"complements/{item_id}/reponse"),
        data={
            f"item-{item_id}-csrf_token": csrf_token(summary.data),
            f"item-{item_id}-answer": "Jointes.",
        },
    )
    assert answered.status_code == 302
    assert submit(candidate, url(submitted, "recapitulatif"), SWORN).status_code == 302
    with app.app_context():
        dossier = db.session.get(Dossier, uuid.UUID(submitted))
        assert dossier.submission_count == 2 and dossier.status == DossierStatus.SUBMITTED
    response = post(
        officer,
        submitted,
        "decision",
        {
            "decision-lock_version": "{lock}",
            "decision-kind": "recevable",
            "decision-livret2_due": "2027-05-24",
        },
        prefix="decision-",
    )
    assert response.status_code == 302
    html = text(candidate.get(url(submitted, "recapitulatif")))
    assert "Recevable" in html and "24 mai 2027" in html
    history = text(candidate.get(url(submitted, "historique")))
    assert "Décision de la CPNEFP\u00a0: recevable." in history
    with app.app_context():
        decision = db.session.scalars(select(Decision).order_by(Decision.decided_at)).all()[-1]
    letter = candidate.get(url(submitted, f"decisions/{decision.id}.pdf"), buffered=True)
    assert "24 mai 2027" in pdf_text(letter.data)


def test_decision_non_recevable_needs_reason_and_explanation(app, candidate, submitted, officer):
    response = post(
        officer,
        submitted,
        "decision",
        {
            "decision-lock_version": "{lock}",
            "decision-kind": "non_recevable",
        },
        prefix="decision-",
    )
    html = text(response)
    assert response.status_code == 200
    assert "Choisissez le motif." in html and "Expliquez le motif au candidat." in html
    response = post(
        officer,
        submitted,
        "decision",
        {
            "decision-lock_version": "{lock}",
            "decision-kind": "non_recevable",
            "decision-reason": "experience_duration",
            "decision-comment": "Vos activités en rapport totalisent moins de trois ans.",
        },
        prefix="decision-",
    )
    assert response.status_code == 302
    message = next(m for m in outbox_messages(app) if "non recevable" in m["Subject"].lower())
    assert "recours gracieux" in pdf_text(next(message.iter_attachments()).get_content())
    assert "Durée d'expérience insuffisante" in text(candidate.get(url(submitted, "recapitulatif")))


def test_recevable_needs_a_future_livret2_date(submitted, officer) -> None:
    response = post(
        officer,
        submitted,
        "decision",
        {
            "decision-lock_version": "{lock}",
            "decision-kind": "recevable",
            "decision-livret2_due": "2026-01-01",
        },
        prefix="decision-",
    )
    assert "postérieure à aujourd'hui" in text(response)


def test_concurrent_decisions_second_one_is_told(app, submitted, officer, logged_in) -> None:
    colleague = logged_in(Role.STAFF)
    page = text(officer.get(review_url(submitted)))
    stale_lock = re.search(r'name="decision-lock_version" type="hidden" value="(\d+)"', page)[1]
    assert (
        post(
            colleague,
            submitted,
            "decision",
            {
                "decision-lock_version": "{lock}",
                "decision-kind": "recevable",
                "decision-livret2_due": "2027-05-24",
            },
            prefix="decision-",
        ).status_code
        == 302
    )
    response = officer.post(
        review_url(submitted, "decision"),
        data={
            "decision-csrf_token": csrf_token(officer.get(review_url(submitted)).data),
            "decision-lock_version": stale_lock,
            "decision-kind": "incomplete",
            "decision-item_cv-selected": "y",
        },
    )
    assert response.status_code == 302
    html = text(officer.get(review_url(submitted)))
    assert "vient d'être modifié par quelqu'un d'autre" in html
    with app.app_context():
        assert db.session.scalars(select(Decision)).all()[0].kind.value == "recevable"
        assert len(db.session.scalars(select(Decision)).all()) == 1


def test_assign_to_self_and_filter(app, submitted, officer) -> None:
    response = post(
        officer,
        submitted,
        "attribution",
        {
            "assign-lock_version": "{lock}",
            "assign-officer": str(officer.user.id),
        },
        prefix="assign-",
    )
    assert response.status_code == 302
    assert "VAE-2026-000001" in text(officer.get("/cpnefp/dossiers?agent=moi"))
    assert "Sophie Bernard" in text(officer.get("/cpnefp/dossiers"))


def test_csv_and_xlsx_exports(submitted, officer) -> None:
    response = officer.get("/cpnefp/dossiers/export.csv?q=martin")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "N° de dossier" and rows[1][0] == "VAE-2026-000001"
    assert "24/11/2026" in rows[1]
    response = officer.get("/cpnefp/dossiers/export.xlsx")
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "VAE-2026-000001" in sheet


def test_dashboard(submitted, officer) -> None:
    html = text(officer.get("/cpnefp/tableau-de-bord"))
    assert "Dossiers reçus par mois" in html and 'role="img"' in html
    assert "en retard sur l'échéance légale" in html


def test_audit_entries_cannot_be_edited(app, submitted) -> None:
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "submitted"))
        entry.comment = "falsifié"
        with pytest.raises(AuditImmutableError):
            db.session.commit()
        db.session.rollback()
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "submitted"))
        db.session.delete(entry)
        with pytest.raises(AuditImmutableError):
            db.session.commit()
        db.session.rollback()


def test_candidates_and_jury_get_403_on_staff_routes(submitted, candidate, logged_in) -> None:
    jury = logged_in(Role.JURY)
    for client in (candidate, jury):
        for path in (
            "/cpnefp/dossiers",
            review_url(submitted),
            "/cpnefp/tableau-de-bord",
            "/cpnefp/dossiers/export.csv",
        ):
            assert client.get(path).status_code == 403, path
        client.get("/")
        assert client.post(review_url(submitted, "decision")).status_code == 403
