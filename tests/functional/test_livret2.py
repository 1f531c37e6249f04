"""The livret 2: blocks aimed at, situations, coverage, deadline, submission, return (drafts kept
after an expired session: test_drafts.py)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.functional.dossier_flow import SWORN, complete_dossier, url
from tests.helpers import outbox_messages, pdf_text, submit, text
from vae.audit import AuditEntry
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.livret2.models import Livret2, Livret2Status
from vae.roles import Role

LONG = " ".join(["J'ai analysé la demande de l'assuré puis vérifié ses droits."] * 10)


def recevable(app, candidate, make_user, certification="cqp-dam", option=None, opened=True) -> str:
    dossier_id = complete_dossier(candidate, certification, option)
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    officer = make_user(Role.STAFF, email=f"agent-{uuid.uuid4().hex[:6]}@exemple.fr")
    from vae.review import operations
    from vae.review.models import DecisionKind

    with app.test_request_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        operations.decide(
            dossier,
            DecisionKind.RECEVABLE,
            officer=officer,
            lock_version=None,
            livret2_due=date(2027, 5, 24),
        )
    if opened:  # the candidate presses « Commencer mon livret 2 »
        page = f"/dossiers/{dossier_id}/livret2/"
        assert submit(candidate, page + "commencer", {}, page=page).status_code == 302
    return dossier_id


@pytest.fixture
def dam(app, candidate, make_user) -> str:
    return recevable(app, candidate, make_user)


def l2(dossier_id: str, path: str = "") -> str:
    return f"/dossiers/{dossier_id}/livret2/{path}"


def situation(point: str, title: str, competencies: list[str], words: str = LONG) -> dict:
    return {
        "attachment_point": point,
        "title": title,
        "employer": "Caisse primaire",
        "period": "2022",
        "role": "Délégué",
        "context": words,
        "actions": "J'ai préparé puis mené l'entretien.",
        "partners": "Le médecin conseil.",
        "tools": "Le logiciel de gestion.",
        "results": "Le professionnel a adopté la recommandation.",
        "hindsight": "Je préparerais davantage.",
        "competencies": competencies,
    }


def test_livret2_opens_only_once_recevable(app, candidate, make_user) -> None:
    dossier_id = complete_dossier(candidate, "cqp-dam", None)
    assert candidate.get(l2(dossier_id)).status_code == 404


def test_overview_shows_deadline_requirement_and_coverage(app, candidate, dam) -> None:
    html = text(candidate.get(l2(dam)))
    assert "24 mai 2027" in html
    assert "Une situation significative par activité" in html
    assert "Activité A1\u00a0: aucune situation décrite" in html
    with app.app_context():
        dossier = db.session.get(Dossier, uuid.UUID(dam))
        assert dossier.status == DossierStatus.LIVRET2_IN_PROGRESS
        livret = db.session.scalar(select(Livret2))
        assert livret.target_blocks == ["B1", "B2", "B3"]


def test_write_situations_until_coverage_is_complete_then_submit(app, candidate, dam) -> None:
    response = submit(
        candidate,
        l2(dam) + "situations/nouvelle",
        situation("B1/A1", "Entretien avec un médecin", ["C1", "C2"]),
    )
    assert response.status_code == 302
    html = text(candidate.get(l2(dam)))
    assert "Compétences montrées (2/6)" in html and "C3" in html
    assert "Activité A2\u00a0: aucune situation décrite" in html
    response = submit(candidate, l2(dam) + "deposer", {}, page=l2(dam))
    assert "ne peut pas encore être déposé" in text(candidate.get(l2(dam)))
    submit(
        candidate,
        l2(dam) + "situations/nouvelle",
        situation("B2/A2", "Campagne de prévention", ["C7"]),
    )
    submit(
        candidate,
        l2(dam) + "situations/nouvelle",
        situation("B3/A3", "Coordination pluriprofessionnelle", ["C12"]),
    )
    html = text(candidate.get(l2(dam)))
    assert "aucune situation décrite" not in html
    response = submit(candidate, l2(dam) + "deposer", {}, page=l2(dam))
    assert response.status_code == 302
    html = text(candidate.get(l2(dam)))
    assert "Déposé" in html and "version 1 déposée" in html
    with app.app_context():
        livret = db.session.scalar(select(Livret2))
        assert livret.status == Livret2Status.SUBMITTED
        assert db.session.get(Dossier, uuid.UUID(dam)).status == DossierStatus.LIVRET2_SUBMITTED
    pdf = candidate.get(l2(dam) + "versions/1.pdf", buffered=True)
    content = pdf_text(pdf.data)
    assert "Campagne de prévention" in content and "C12" in content
    assert any("Livret 2" in m["Subject"] for m in outbox_messages(app))
    # Read-only now.
    response = submit(
        candidate,
        l2(dam) + "situations/nouvelle",
        situation("B1/A1", "Encore une", ["C1"]),
        page=l2(dam),
    )
    assert response.status_code == 302
    with app.app_context():
        assert len(db.session.scalar(select(Livret2)).situations) == 3


def test_situation_checks_and_word_count(candidate, dam) -> None:
    response = submit(
        candidate, l2(dam) + "situations/nouvelle", situation("B9/A1", "Bloc inconnu", ["C1"])
    )
    assert response.status_code == 200 and "Le formulaire contient" in text(response)
    submit(
        candidate,
        l2(dam) + "situations/nouvelle",
        situation("B1/A1", "Courte", ["C1"], words="Trop court."),
    )
    html = text(candidate.get(l2(dam)))
    assert "décrivez la situation plus en détail" in html


def test_autosave_returns_json_and_creates_the_situation(app, candidate, dam) -> None:
    page = candidate.get(l2(dam) + "situations/nouvelle")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data)[1].decode()
    data = {**situation("B1/A1", "", ["C1"], words="Début de ma réponse"), "csrf_token": token}
    response = candidate.post(
        l2(dam) + "situations/nouvelle", data=data, headers={"X-Autosave": "1"}
    )
    assert response.status_code == 200 and response.json["saved"] is True
    assert "/situations/" in response.json["url"]
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "situation_saved")
        ).all()
        assert entries == []  # autosaves do not flood the history
        assert db.session.scalar(select(Livret2)).situations[0].context == "Début de ma réponse"


def test_deadline_enforced_and_extended_by_staff(app, candidate, dam, logged_in, monkeypatch):
    import vae.clock

    for point, title, comp in (
        ("B1/A1", "S1", ["C1"]),
        ("B2/A2", "S2", ["C7"]),
        ("B3/A3", "S3", ["C12"]),
    ):
        submit(candidate, l2(dam) + "situations/nouvelle", situation(point, title, comp))
    monkeypatch.setattr(vae.clock, "now", lambda: datetime(2027, 6, 1, 9, tzinfo=UTC))
    html = text(candidate.get(l2(dam)))
    assert "Le délai de dépôt est dépassé" in html
    staff = logged_in(Role.STAFF)
    response = submit(
        staff,
        l2(dam) + "delai",
        {"extend-due_on": "2027-07-15", "extend-reason": "Arrêt maladie"},
        page=l2(dam),
        token_field="extend-csrf_token",
    )
    assert response.status_code == 302
    assert "15 juillet 2027" in text(candidate.get(l2(dam)))
    assert submit(candidate, l2(dam) + "deposer", {}, page=l2(dam)).status_code == 302
    with app.app_context():
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "livret2_deadline_extended")
        )
        assert (entry.from_state, entry.to_state, entry.comment) == (
            "2027-05-24",
            "2027-07-15",
            "Arrêt maladie",
        )


def test_staff_returns_for_completion_and_candidate_resubmits(app, candidate, dam, logged_in):
    for point, title, comp in (
        ("B1/A1", "S1", ["C1"]),
        ("B2/A2", "S2", ["C7"]),
        ("B3/A3", "S3", ["C12"]),
    ):
        submit(candidate, l2(dam) + "situations/nouvelle", situation(point, title, comp))
    submit(candidate, l2(dam) + "deposer", {}, page=l2(dam))
    staff = logged_in(Role.STAFF)
    assert "Renvoyer au candidat" in text(staff.get(l2(dam)))
    submit(
        staff,
        l2(dam) + "renvoyer",
        {"return-comment": "Détaillez les résultats de S2."},
        page=l2(dam),
        token_field="return-csrf_token",
    )
    html = text(candidate.get(l2(dam)))
    assert "Détaillez les résultats de S2." in html
    with app.app_context():
        livret = db.session.scalar(select(Livret2))
        assert livret.status == Livret2Status.RETURNED
        sid = livret.situations[1].id
    assert "Détaillez les résultats de S2." in text(candidate.get(l2(dam) + f"situations/{sid}"))
    assert submit(candidate, l2(dam) + "deposer", {}, page=l2(dam)).status_code == 302
    assert "version 2 déposée" in text(candidate.get(l2(dam)))


def test_choose_target_blocks(app, candidate, dam) -> None:
    submit(candidate, l2(dam) + "blocs", {"blocks": ["B2"]}, page=l2(dam))
    with app.app_context():
        assert db.session.scalar(select(Livret2)).target_blocks == ["B2"]
    response = submit(candidate, l2(dam) + "blocs", {}, page=l2(dam))
    assert response.status_code == 302
    assert "Choisissez au moins un bloc." in text(candidate.get(l2(dam)))


def test_option_decides_the_blocks_for_cqp_gap(app, candidate, make_user) -> None:
    dossier_id = recevable(app, candidate, make_user, "cqp-gap", "sinistre")
    candidate.get(l2(dossier_id))
    with app.app_context():
        assert db.session.scalar(select(Livret2)).target_blocks == [
            "BC1",
            "BC2",
            "BC3",
            "BC6",
            "BC7",
        ]


def test_access_to_the_livret(app, candidate, dam, logged_in) -> None:
    other = logged_in(Role.CANDIDATE)
    assert other.get(l2(dam)).status_code == 404
    assert other.get(l2(dam) + "apercu.pdf").status_code == 404
    jury = logged_in(Role.JURY)
    assert jury.get(l2(dam)).status_code == 403
    staff = logged_in(Role.STAFF)
    assert staff.get(l2(dam)).status_code == 200
    assert staff.get(l2(dam) + "situations/nouvelle").status_code == 403
    preview = candidate.get(l2(dam) + "apercu.pdf")
    assert preview.status_code == 200 and "Aperçu" in pdf_text(preview.data)
