"""A recevable cqp-dam candidate writes three situations in Chromium, submits, gets the PDF."""

from __future__ import annotations

import re

from tests.e2e.conftest import shot
from tests.e2e.test_staff_journey import sign_in
from tests.helpers import pdf_text
from tests.scenarios import recevable_dam
from vae.french import NBSP

PASSWORD = "phrase de passe de Lucas"
STORY = (
    "Un médecin généraliste prescrivait beaucoup d'arrêts de travail de courte durée. "
    "J'ai préparé l'entretien avec les données de son profil, choisi deux messages clés, "
    "puis mené l'échange en écoutant ses objections. Nous avons convenu d'un suivi à trois "
    "mois ; ses prescriptions ont ensuite baissé de quinze pour cent. Avec le recul, je "
    "préparerais davantage d'exemples concrets issus de sa patientèle pour appuyer le message. "
    "J'ai rendu compte de l'échange à mon responsable et mis à jour le dossier du professionnel."
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
    recevable_dam(live_server, PASSWORD)
    sign_in(page, "lucas.petit@exemple.fr", PASSWORD)
    page.get_by_role("link", name="Mes dossiers").first.click()
    page.get_by_role("link", name="Rédiger mon livret 2").click()
    # Reading the page changes nothing: the livret 2 opens with the button.
    page.get_by_role("button", name="Commencer mon livret 2").click()
    page.locator("#coverage-title").wait_for()  # same address: wait for the opened livret
    assert f"Activité A1{NBSP}: aucune situation décrite" in page.inner_text("main")
    shot(page, "40-livret2-vide")

    write_situation(page, "B1/A1", "Entretien avec un prescripteur", "C1")
    assert f"Activité A1{NBSP}: aucune situation décrite" not in page.inner_text("main")
    assert f"Activité A2{NBSP}: aucune situation décrite" in page.inner_text("main")
    write_situation(page, "B2/A2", "Action de prévention en entreprise", "C7")
    write_situation(page, "B3/A3", "Parcours de soins coordonné", "C12")
    assert "aucune situation décrite" not in page.inner_text("main")
    shot(page, "41-livret2-couvert")

    page.get_by_role("button", name="Déposer mon livret 2").click()
    assert "Votre livret 2 est déposé" in page.content()
    shot(page, "42-livret2-depose")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("version 1 déposée")).click()
    content = pdf_text(download_info.value.path().read_bytes())
    assert "Entretien avec un prescripteur" in content and "Parcours de soins coordonné" in content
