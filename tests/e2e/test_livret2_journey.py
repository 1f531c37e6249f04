"""A recevable cqp-dam candidate writes three situations in Chromium, submits, gets the PDF."""

from __future__ import annotations

import io
import re
from datetime import date

from dateutil.relativedelta import relativedelta

from tests.e2e.conftest import shot
from tests.e2e.test_staff_journey import sign_in
from tests.helpers import make_pdf, pdf_text

PASSWORD = "phrase de passe de Lucas"
STORY = (
    "Un médecin généraliste prescrivait beaucoup d'arrêts de travail de courte durée. "
    "J'ai préparé l'entretien avec les données de son profil, choisi deux messages clés, "
    "puis mené l'échange en écoutant ses objections. Nous avons convenu d'un suivi à trois "
    "mois ; ses prescriptions ont ensuite baissé de quinze pour cent. Avec le recul, je "
    "préparerais davantage d'exemples concrets issus de sa patientèle pour appuyer le message. "
    "J'ai rendu compte de l'échange à mon responsable et mis à jour le dossier du professionnel."
)


def recevable_dam(app) -> None:
    from vae.access import Role
    from vae.auth.operations import create_account
    from vae.dossier import operations
    from vae.dossier.models import ActivityStatus, AttachmentKind, WorkTime
    from vae.review import operations as review
    from vae.review.models import DecisionKind

    with app.test_request_context():
        candidate = create_account(
            "lucas.petit@exemple.fr", "Lucas", "Petit", Role.CANDIDATE, PASSWORD
        )
        officer = create_account("agent.l2@exemple.fr", "Marc", "Roy", Role.STAFF, PASSWORD)
        dossier = operations.start(candidate, "cqp-dam")
        operations.save_identity(
            dossier,
            {
                "last_name": "Petit",
                "first_name": "Lucas",
                "address": "1 rue Haute",
                "postcode": "59000",
                "city": "Lille",
                "phone": "03 20 00 00 00",
                "email": "lucas.petit@exemple.fr",
            },
        )
        job = operations.save_activity(
            dossier,
            None,
            {
                "title": "Délégué de l'Assurance Maladie",
                "employer_name": "CPAM du Nord",
                "employer_address": "",
                "sector": "Assurance maladie",
                "status": ActivityStatus.SALARIE,
                "start_date": date.today() - relativedelta(years=5),
                "end_date": None,
                "work_time": WorkTime.FULL_TIME,
                "work_time_value": None,
                "main_activities": "Visites aux professionnels de santé.",
                "relevant": True,
            },
        )
        operations.add_attachment(
            dossier,
            AttachmentKind.EMPLOYER_ATTESTATION,
            io.BytesIO(make_pdf()),
            "attestation.pdf",
            activity=job,
        )
        operations.save_education(dossier, "", "Licence")
        operations.save_cv(dossier, "Cinq ans de délégation.")
        operations.submit(dossier, {c.key: True for c in operations.commitments("x")})
        review.decide(
            dossier,
            DecisionKind.RECEVABLE,
            officer=officer,
            lock_version=None,
            livret2_due=date.today() + relativedelta(months=6),
        )


def write_situation(page, point: str, title: str, competency: str) -> None:
    page.get_by_role("link", name="Décrire une situation").click()
    page.get_by_label(re.compile("^Rattachement")).select_option(value=point)
    page.get_by_label("Titre de la situation").fill(title)
    page.get_by_label("Emploi concerné (livret 1)").select_option(index=1)
    page.get_by_label(re.compile("^Contexte")).fill(STORY)
    page.get_by_label(re.compile("^Ce que vous avez fait")).fill(
        "J'ai analysé, préparé, mené puis suivi l'action."
    )
    page.get_by_label(re.compile(f"^{competency} –")).check()
    page.get_by_role("button", name="Enregistrer et revenir au livret").click()
    assert "La situation est enregistrée." in page.content()


def test_candidate_writes_three_situations_and_submits(page, live_server) -> None:
    recevable_dam(live_server)
    sign_in(page, "lucas.petit@exemple.fr", PASSWORD)
    page.get_by_role("link", name="Mes dossiers").first.click()
    page.get_by_role("link", name="Rédiger mon livret 2").click()
    assert "Activité A1 : aucune situation décrite" in page.content()
    shot(page, "40-livret2-vide")

    write_situation(page, "B1/A1", "Entretien avec un prescripteur", "C1")
    assert "Activité A1 : aucune situation décrite" not in page.content()
    assert "Activité A2 : aucune situation décrite" in page.content()
    write_situation(page, "B2/A2", "Action de prévention en entreprise", "C7")
    write_situation(page, "B3/A3", "Parcours de soins coordonné", "C12")
    assert "aucune situation décrite" not in page.content()
    shot(page, "41-livret2-couvert")

    page.get_by_role("button", name="Déposer mon livret 2").click()
    assert "Votre livret 2 est déposé" in page.content()
    shot(page, "42-livret2-depose")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("version 1 déposée")).click()
    content = pdf_text(download_info.value.path().read_bytes())
    assert "Entretien avec un prescripteur" in content and "Parcours de soins coordonné" in content
