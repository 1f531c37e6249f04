"""An accompanied dossier in Chromium, at desktop and phone widths: the candidate invites an
accompagnateur, who signs up through the emailed link, fills two steps and leaves a comment;
the candidate reads the comment and the history, confirms the whole dossier and submits."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.test_account_journey import latest_link
from tests.e2e.test_lifecycle_journey import (
    PASSWORD,
    WIDTHS,
    check_page,
    fill_steps,
    new_page,
)
from tests.e2e.test_staff_journey import sign_in

REMARK = "J'ai complété votre téléphone et votre CV : relisez-les."


def draft(app: Any, suffix: str) -> tuple[str, str]:
    """A candidate account and their cqp-spp draft, every step filled; (email, dossier id)."""
    from vae.auth.operations import create_account
    from vae.dossier import operations
    from vae.roles import Role

    email = f"lina.perrin-{suffix}@exemple.fr"
    with app.test_request_context():
        candidate = create_account(email, "Lina", "Perrin", Role.CANDIDATE, PASSWORD)
        dossier = operations.start(candidate, "cqp-spp")
        operations.set_option(dossier, "sante")
        dossier_id = str(dossier.id)
    fill_steps(app, dossier_id, email, "Perrin")
    return email, dossier_id


@pytest.mark.parametrize("device", list(WIDTHS))
def test_an_accompagnateur_fills_two_steps_and_the_candidate_submits(
    browser: Any, live_server: Any, device: str
) -> None:
    width = WIDTHS[device]
    email, dossier_id = draft(live_server, device)
    helper_email = f"conseil-{device}@relais.fr"
    contexts = []

    # The candidate invites their accompagnateur from the dossier's summary.
    context, candidate = new_page(browser, live_server, width)
    contexts.append(context)
    sign_in(candidate, email, PASSWORD)
    candidate.goto(f"/dossiers/{dossier_id}/recapitulatif")
    assert "J'ai relu l'ensemble de mon dossier" not in candidate.content()
    candidate.get_by_role("link", name="Mes accompagnateurs").click()
    candidate.get_by_label(re.compile(r"^Adresse électronique de l'accompagnateur")).fill(
        helper_email
    )
    candidate.get_by_label(re.compile(r"^Structure d'accompagnement")).fill("Point relais Nord")
    candidate.get_by_role("button", name="Envoyer l'invitation").click()
    assert f"L'invitation est envoyée à {helper_email}" in candidate.content()
    check_page(candidate, f"90-{device}-invitation-envoyee")

    # The accompagnateur signs up through the link of the email.
    context, helper = new_page(browser, live_server, width)
    contexts.append(context)
    helper.goto(latest_link(live_server, "/invitation/"))
    check_page(helper, f"91-{device}-invitation")
    helper.get_by_label(re.compile(r"^Prénom")).fill("Karim")
    helper.get_by_label(re.compile(r"^Nom\b")).fill("Benslimane")
    helper.get_by_label(re.compile(r"^Mot de passe\b")).fill(PASSWORD)
    helper.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    helper.get_by_role("button", name="Créer mon compte et accepter").click()
    assert "Vous accompagnez désormais ce dossier" in helper.content()

    # Two steps filled by the accompagnateur, then a comment under the second one.
    helper.goto(f"/dossiers/{dossier_id}/identite")
    helper.get_by_label(re.compile(r"^Téléphone")).fill("06 11 22 33 44")
    helper.get_by_role("button", name="Enregistrer et continuer").click()
    helper.goto(f"/dossiers/{dossier_id}/cv")
    helper.get_by_label(re.compile(r"^Votre parcours professionnel")).fill(
        "Quatre ans aux prestations santé, dont deux comme référente des devis optiques."
    )
    helper.get_by_role("button", name="Enregistrer et continuer").click()
    helper.goto(f"/dossiers/{dossier_id}/cv")
    helper.get_by_label(re.compile(r"^Votre commentaire")).fill(REMARK)
    helper.get_by_role("button", name="Publier le commentaire").click()
    assert "Votre commentaire est publié." in helper.content()
    check_page(helper, f"92-{device}-commentaire-accompagnateur")
    summary = helper.goto(f"/dossiers/{dossier_id}/recapitulatif")
    assert summary is not None and summary.ok
    assert "Déposer mon dossier" not in helper.content()

    # The candidate reads the comment and who changed what, confirms and submits.
    candidate.goto(f"/dossiers/{dossier_id}/cv")
    comments = candidate.locator("#commentaires")
    assert REMARK.replace(" :", "\u00a0:") in comments.inner_text()
    assert "Karim Benslimane" in comments.inner_text()
    check_page(candidate, f"93-{device}-commentaire-lu")
    candidate.goto(f"/dossiers/{dossier_id}/historique")
    history = candidate.locator("main").inner_text()
    assert "CV synthétique enregistré. – par Karim Benslimane (Accompagnateur)" in history
    candidate.goto(f"/dossiers/{dossier_id}/recapitulatif")
    assert "06 11 22 33 44" in candidate.locator("main").inner_text()
    review = candidate.get_by_label(re.compile(r"^J'ai relu l'ensemble de mon dossier"))
    for box in candidate.get_by_role("checkbox").all():
        box.check()
    review.uncheck()
    candidate.get_by_role("button", name="Déposer mon dossier").click()
    assert "Cochez cette case une fois votre dossier relu en entier." in candidate.content()
    check_page(candidate, f"94-{device}-relecture-demandee")
    for box in candidate.get_by_role("checkbox").all():
        box.check()
    candidate.get_by_role("button", name="Déposer mon dossier").click()
    assert "est déposé" in candidate.content()
    check_page(candidate, f"95-{device}-depose")
    for context in contexts:
        context.close()
