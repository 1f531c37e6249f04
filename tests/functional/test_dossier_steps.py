"""The candidate fills the dossier step by step; bad input never loses what was saved."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from tests.functional.dossier_flow import (
    FULL_TIME_JOB,
    HALF_TIME_JOB,
    IDENTITY,
    activity_ids,
    add_activity,
    start_dossier,
    url,
)
from tests.helpers import pdf_text, submit, text
from vae.dossier.models import Dossier
from vae.extensions import db


def test_start_lists_every_certification_with_its_rule(candidate) -> None:
    html = text(candidate.get("/dossiers/nouveau"))
    for code in ("cqp-dam", "cqp-spp", "gpac", "cqp-gap", "cmc"):
        assert f'value="{code}"' in html
    assert "au moins 3 ans d'expérience" in html and "au cours des 12 dernières années" in html


def test_start_creates_a_draft_prefilled_from_the_account(app, candidate) -> None:
    dossier_id = start_dossier(candidate)
    with app.app_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        assert dossier.status.value == "draft" and dossier.last_name == "Martin"
        assert dossier.referential_version.referential.code == "cqp-spp"
    html = text(candidate.get("/dossiers/"))
    assert "Brouillon" in html and "Continuer" in html


def test_one_open_dossier_per_certification(candidate) -> None:
    start_dossier(candidate)
    response = submit(candidate, "/dossiers/nouveau", {"certification": "cqp-spp"})
    assert response.status_code == 200
    assert "déjà un dossier en cours" in text(response)


def test_unknown_certification_is_refused(candidate) -> None:
    response = submit(candidate, "/dossiers/nouveau", {"certification": "inventee"})
    assert response.status_code == 200
    assert "Le formulaire contient 1 erreur" in text(response)


def test_stepper_and_option_step(candidate) -> None:
    dossier_id = start_dossier(candidate)
    html = text(candidate.get(url(dossier_id, "certification")))
    assert "Étape 1 sur 7" in html and 'aria-current="step"' in html
    assert "Santé" in html and "Prévoyance" in html
    response = submit(candidate, url(dossier_id, "certification"), {"option": "autre"})
    assert "Le formulaire contient 1 erreur" in text(response)
    response = submit(candidate, url(dossier_id, "certification"), {"option": "prevoyance"})
    assert response.headers["Location"].endswith("/identite")
    html = text(candidate.get(url(dossier_id, "identite")))
    assert "Étape 2 sur 7" in html and "mention Prévoyance" in html


def test_identity_errors_keep_what_was_saved(app, candidate) -> None:
    dossier_id = start_dossier(candidate)
    assert submit(candidate, url(dossier_id, "identite"), IDENTITY).status_code == 302
    bad = {**IDENTITY, "phone": "pas un numéro", "postcode": "", "city": "Lyon"}
    response = submit(candidate, url(dossier_id, "identite"), bad)
    html = text(response)
    assert response.status_code == 200
    assert "Numéro invalide" in html and "Indiquez votre code postal." in html
    assert 'value="Lyon"' in html  # what was typed is shown again
    with app.app_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        assert dossier.city == "Paris" and dossier.phone == "06 12 34 56 78"  # nothing lost


def test_activity_validation_messages(candidate) -> None:
    dossier_id = start_dossier(candidate)
    cases = [
        ({"end_date": "2013-01-01"}, "La date de fin doit être postérieure à la date de début."),
        (
            {"start_date": "2030-01-01", "end_date": "2031-01-01"},
            "La date de début ne peut pas être dans le futur.",
        ),
        (
            {"work_time": "percent", "work_time_value": "150"},
            "Le pourcentage doit être compris entre 1 et 100.",
        ),
        ({"work_time": "hours_per_month", "work_time_value": "209"}, "Plus de 208"),
        ({"work_time": "hours_per_week", "work_time_value": "49"}, "Plus de 48"),
        (
            {"work_time": "percent", "work_time_value": ""},
            "Indiquez le pourcentage ou le nombre d'heures.",
        ),
        ({"employer_name": ""}, "Indiquez le nom de l'employeur ou de la structure."),
        ({"start_date": "0000-00-00"}, "Date invalide"),
        ({"start_date": ""}, "Indiquez la date de début"),
        ({"end_date": ""}, "Indiquez la date de fin, ou cochez «\u00a0Activité en cours\u00a0»."),
    ]
    for change, message in cases:
        response = add_activity(candidate, dossier_id, {**FULL_TIME_JOB, **change})
        html = text(response)
        assert response.status_code == 200, change
        assert message in html, (change, message)
        assert "Le formulaire contient" in html
    assert activity_ids(candidate, dossier_id) == []


def test_add_edit_reorder_delete_activities(app, candidate) -> None:
    dossier_id = start_dossier(candidate)
    add_activity(candidate, dossier_id, FULL_TIME_JOB)
    add_activity(candidate, dossier_id, HALF_TIME_JOB)
    first, second = activity_ids(candidate, dossier_id)
    page = url(dossier_id, f"experience/{first}")
    assert 'value="Gestionnaire prestations"' in text(candidate.get(page))
    submit(candidate, page, {**FULL_TIME_JOB, "title": "Gestionnaire senior"})
    submit(
        candidate,
        url(dossier_id, f"experience/{second}/deplacer"),
        {"direction": "haut"},
        page=url(dossier_id, "experience"),
    )
    assert activity_ids(candidate, dossier_id) == [second, first]
    submit(
        candidate,
        url(dossier_id, f"experience/{first}/supprimer"),
        {},
        page=url(dossier_id, "experience"),
    )
    assert activity_ids(candidate, dossier_id) == [second]
    with app.app_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        assert [a.title for a in dossier.activities] == ["Conseillère prestations"]


def test_eligibility_is_explained_on_the_experience_step(candidate) -> None:
    dossier_id = start_dossier(candidate)
    add_activity(candidate, dossier_id, FULL_TIME_JOB)
    html = text(candidate.get(url(dossier_id, "experience")))
    assert "Vous n'êtes pas encore éligible." in html
    assert "Il manque 693 jours" in html  # 1095 - 402
    add_activity(candidate, dossier_id, HALF_TIME_JOB)
    html = text(candidate.get(url(dossier_id, "experience")))
    assert "Vous êtes éligible" in html
    assert "1\u00a0662 jours" in html and "(4,55 ans)" in html
    assert "du 25 novembre 2014 au 24 novembre 2026" in html
    assert "<svg" in html and 'role="img"' in html and "Description de la frise" in html


def test_forecast_when_not_yet_eligible(candidate) -> None:
    dossier_id = start_dossier(candidate)
    add_activity(candidate, dossier_id, {**HALF_TIME_JOB, "start_date": "2024-01-01"})
    html = text(candidate.get(url(dossier_id, "experience")))
    assert "vous serez éligible à partir du" in html


def test_volunteer_activity_counts_only_with_its_attestation(candidate) -> None:
    dossier_id = start_dossier(candidate)
    add_activity(
        candidate,
        dossier_id,
        {
            **HALF_TIME_JOB,
            "status": "benevole",
            "work_time": "hours_per_week",
            "work_time_value": "7",
        },
    )
    html = text(candidate.get(url(dossier_id, "experience")))
    assert "Ne compte pas" in html and "deux" in html


def test_training_and_cv_steps(app, candidate) -> None:
    dossier_id = start_dossier(candidate)
    response = submit(
        candidate,
        url(dossier_id, "formation/nouvelle"),
        {"title": "Législation santé", "year": "2031", "hours": "14"},
    )
    assert "L'année ne peut pas être dans le futur." in text(response)
    submit(
        candidate,
        url(dossier_id, "formation/nouvelle"),
        {"title": "Législation santé", "year": "2019", "hours": "14", "organisation": "IFPASS"},
    )
    response = submit(
        candidate,
        url(dossier_id, "formation"),
        {"diplomas_prepared": "", "diplomas_obtained": "Baccalauréat"},
    )
    assert response.headers["Location"].endswith("/cv")
    response = submit(candidate, url(dossier_id, "cv"), {"cv": "   "})
    assert "Rédigez votre CV synthétique." in text(response)
    submit(candidate, url(dossier_id, "cv"), {"cv": "Parcours en mutuelle depuis 2014."})
    with app.app_context():
        dossier = db.session.scalar(select(Dossier).where(Dossier.id == uuid.UUID(dossier_id)))
        assert dossier.trainings[0].hours == 14 and dossier.cv.startswith("Parcours")


def test_attestation_models_are_prefilled_pdfs(candidate) -> None:
    dossier_id = start_dossier(candidate)
    add_activity(candidate, dossier_id, FULL_TIME_JOB)
    add_activity(
        candidate,
        dossier_id,
        {
            **HALF_TIME_JOB,
            "status": "benevole",
            "employer_name": "Restos du Cœur",
            "work_time": "hours_per_week",
            "work_time_value": "6",
        },
    )
    job, volunteer = activity_ids(candidate, dossier_id)
    response = candidate.get(url(dossier_id, f"experience/{job}/attestation.pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "MARTIN" in text and "Mutuelle du Midi" in text
    text = pdf_text(candidate.get(url(dossier_id, f"experience/{volunteer}/attestation.pdf")).data)
    assert "Restos du C" in text and "Camille" in text


def test_concurrent_edit_is_refused_with_a_message(app, candidate) -> None:
    """Two tabs: the second save finds the dossier changed and says so; nothing is lost."""
    from sqlalchemy import update

    from vae.dossier import operations

    dossier_id = start_dossier(candidate)
    with app.test_request_context():
        stale = db.session.get(Dossier, uuid.UUID(dossier_id))
        stale.lock_version  # loaded now, as a page would  # noqa: B018
        with db.engine.begin() as connection:  # the other tab saves first
            connection.execute(
                update(Dossier)
                .where(Dossier.id == stale.id)
                .values(city="Brest", lock_version=Dossier.lock_version + 1)
            )
        with pytest.raises(operations.DossierError, match="modifié ailleurs"):
            operations.save_identity(stale, {**IDENTITY})
    with app.app_context():
        assert db.session.get(Dossier, uuid.UUID(dossier_id)).city == "Brest"


def test_a_certification_without_option_continues(candidate) -> None:
    """gpac has no option: « Continuer » leads to the identity step (it was refused before)."""
    response = submit(candidate, "/dossiers/nouveau", {"certification": "gpac"})
    dossier_id = response.headers["Location"].split("/")[2]
    response = submit(candidate, url(dossier_id, "certification"), {})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(dossier_id, "identite"))
