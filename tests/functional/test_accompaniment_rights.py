"""What an accompagnateur may do on the dossier they were invited to: fill the draft and the
livret 2's situations (audited as theirs), read decisions; never sign, submit, withdraw,
resume, answer complements or invite; and nothing at all elsewhere. Staff see who helps."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from tests.functional.accompaniment_flow import accompagnateur
from tests.functional.dossier_flow import (
    FULL_TIME_JOB,
    IDENTITY,
    SWORN,
    activity_ids,
    add_activity,
    complete_dossier,
    start_dossier,
    url,
)
from tests.functional.test_livret2 import l2, recevable, situation
from tests.helpers import submit, text
from vae.audit import AuditEntry
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.livret2.models import Livret2
from vae.roles import Role


def _entries(app, dossier_id: str, action: str) -> list[AuditEntry]:
    with app.app_context():
        found = list(
            db.session.scalars(
                select(AuditEntry).where(
                    AuditEntry.subject_id == dossier_id, AuditEntry.action == action
                )
            )
        )
        for entry in found:
            db.session.expunge(entry)
        return found


def _dossier(app, dossier_id: str) -> Dossier:
    with app.app_context():
        found = db.session.get(Dossier, uuid.UUID(dossier_id))
        db.session.expunge(found)
        return found


def test_the_accompagnateur_fills_the_draft_and_the_history_names_them(app, candidate) -> None:
    dossier_id = start_dossier(candidate, "cqp-dam")
    helper = accompagnateur(app, candidate, dossier_id, first_name="Samia", last_name="Benali")
    response = submit(helper, url(dossier_id, "identite"), IDENTITY)
    assert response.status_code == 302
    assert add_activity(helper, dossier_id, FULL_TIME_JOB).status_code == 302
    (activity_id,) = activity_ids(helper, dossier_id)
    assert helper.get(url(dossier_id, f"experience/{activity_id}")).status_code == 200
    assert helper.get(url(dossier_id, "pieces")).status_code == 200
    dossier = _dossier(app, dossier_id)
    assert (dossier.last_name, dossier.city) == ("Martin", "Paris")
    (saved,) = _entries(app, dossier_id, "identity_saved")
    assert saved.actor_id == helper_id(app) and saved.actor_role == Role.ACCOMPAGNATEUR.value
    (activity,) = _entries(app, dossier_id, "activity_saved")
    assert activity.actor_id == helper_id(app)


def helper_id(app, email: str = "conseil@relais.fr") -> uuid.UUID:
    from vae.auth.models import User

    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def test_the_accompagnateur_may_not_sign_submit_withdraw_or_invite(app, candidate) -> None:
    dossier_id = complete_dossier(candidate)
    helper = accompagnateur(app, candidate, dossier_id)
    summary = text(helper.get(url(dossier_id, "recapitulatif")))
    assert "Seul le candidat peut signer la déclaration sur l'honneur" in summary
    assert "Déposer mon dossier" not in summary and 'name="exact"' not in summary
    assert "Abandonner ce brouillon" not in summary and "Mes accompagnateurs" not in summary
    page = url(dossier_id, "recapitulatif")
    assert submit(helper, page, SWORN).status_code == 404
    assert _dossier(app, dossier_id).status == DossierStatus.DRAFT
    assert helper.get(url(dossier_id, "retirer")).status_code == 403
    assert submit(helper, url(dossier_id, "retirer"), {}, page=page).status_code == 403
    assert submit(helper, url(dossier_id, "reprendre"), {}, page=page).status_code == 403
    refused = submit(
        helper, url(dossier_id, "complements/1/reponse"), {"item-1-answer": "x"}, page=page
    )
    assert refused.status_code == 403
    assert "Accès refusé" in text(refused)
    invite = submit(helper, url(dossier_id, "accompagnateurs"), {"email": "x@y.fr"}, page=page)
    assert invite.status_code == 403
    # The candidate, on the same page, still signs and submits (confirming the whole dossier).
    assert submit(candidate, page, {**SWORN, "reviewed": "y"}).status_code == 302
    assert _dossier(app, dossier_id).status == DossierStatus.SUBMITTED


def test_the_accompagnateur_sees_only_the_dossiers_they_accompany(
    app, candidate, logged_in
) -> None:
    dossier_id = start_dossier(candidate, "cqp-dam")
    helper = accompagnateur(app, candidate, dossier_id)
    other = logged_in(Role.CANDIDATE, first_name="Jean", last_name="Durand")
    elsewhere = start_dossier(other, "cqp-spp")
    home = text(helper.get("/"))
    assert "Camille Martin" in home and f"/dossiers/{dossier_id}/" in home
    assert elsewhere not in home
    for path in ("", "identite", "recapitulatif", "historique", "experience", "pieces"):
        assert helper.get(url(elsewhere, path)).status_code == 404, path
    assert submit(helper, url(elsewhere, "identite"), IDENTITY, page="/").status_code == 404
    for path in ("/dossiers/", "/dossiers/nouveau", "/cpnefp/dossiers", "/jury/"):
        assert helper.get(path).status_code == 403, path
    # An accompagnateur nobody invited sees nothing either.
    stranger = logged_in(Role.ACCOMPAGNATEUR)
    assert stranger.get(url(dossier_id, "recapitulatif")).status_code == 404
    assert "Aucun dossier pour l'instant" in text(stranger.get("/"))


def test_the_accompagnateur_writes_livret2_situations_but_does_not_submit(
    app, candidate, make_user
) -> None:
    dossier_id = recevable(app, candidate, make_user)
    helper = accompagnateur(app, candidate, dossier_id)
    overview = text(helper.get(l2(dossier_id)))
    assert "Décrire une situation" in overview
    assert "Déposer mon livret 2" not in overview
    response = submit(
        helper,
        l2(dossier_id, "situations/nouvelle"),
        situation("B1/A1", "Entretien avec un médecin", ["C1", "C2"]),
    )
    assert response.status_code == 302
    with app.app_context():
        livret = db.session.scalar(
            select(Livret2).where(Livret2.dossier_id == uuid.UUID(dossier_id))
        )
        assert [s.title for s in livret.situations] == ["Entretien avec un médecin"]
    assert submit(helper, l2(dossier_id, "deposer"), {}, page=l2(dossier_id)).status_code == 403
    # Decisions and their letters are theirs to read.
    summary = text(helper.get(url(dossier_id, "recapitulatif")))
    assert "Recevable" in summary
    letter = summary.split("/decisions/")[1].split(".pdf")[0]
    response = helper.get(url(dossier_id, f"decisions/{letter}.pdf"), buffered=True)
    response.close()
    assert response.status_code == 200 and response.mimetype == "application/pdf"


@pytest.fixture
def admin(logged_in):
    return logged_in(Role.ADMIN, first_name="Sophie", last_name="Bernard")


def test_staff_see_who_accompanies_the_dossier(app, candidate, admin) -> None:
    dossier_id = complete_dossier(candidate)
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    page = text(admin.get(f"/cpnefp/dossiers/{dossier_id}"))
    assert "Ce dossier n'est pas accompagné." in page
    accompagnateur(app, candidate, dossier_id, first_name="Samia", last_name="Benali")
    page = text(admin.get(f"/cpnefp/dossiers/{dossier_id}"))
    assert "Ce dossier est accompagné par" in page
    assert "Samia Benali – Point relais conseil" in page


def test_only_the_candidate_starts_the_livret2(app, candidate, make_user) -> None:
    dossier_id = recevable(app, candidate, make_user, opened=False)
    helper = accompagnateur(app, candidate, dossier_id)
    page = text(helper.get(l2(dossier_id)))
    assert "lui seul peut le commencer" in page
    assert "Commencer mon livret 2" not in page and "/cpnefp/" not in page
    start = l2(dossier_id, "commencer")
    assert submit(helper, start, {}, page=l2(dossier_id)).status_code == 403
    assert "Commencer mon livret 2" in text(candidate.get(l2(dossier_id)))
