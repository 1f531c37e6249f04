"""The candidate's whole path in Chromium: sign up, fill every step, see « éligible », submit."""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

from tests.e2e.conftest import shot
from tests.e2e.test_account_journey import PASSWORD, latest_link
from tests.helpers import make_pdf


def fill_activity(
    page, *, title, employer, status, start, end=None, work_time, value=None, relevant=True
) -> None:
    page.get_by_role("link", name="Ajouter un emploi ou une activité").click()
    page.get_by_label(re.compile(r"^Intitulé du poste")).fill(title)
    page.get_by_label(re.compile(r"^Nom de l'employeur")).fill(employer)
    page.get_by_label(re.compile(r"^Adresse de l'employeur")).fill("3 rue de la Paix, 69001 Lyon")
    page.get_by_label(re.compile(r"^Domaine d'activité")).fill("Mutuelle santé")
    page.get_by_label(status, exact=True).check()
    page.get_by_label(re.compile(r"^Depuis le")).fill(start)
    if end:
        page.get_by_label(re.compile(r"^Jusqu'au")).fill(end)
    else:
        page.get_by_label("Activité en cours (pas de date de fin)").check()
    page.get_by_label(work_time).check()
    if value:
        page.get_by_label(re.compile(r"^Pourcentage ou nombre d'heures")).fill(value)
    page.get_by_label(re.compile(r"^Vos principales activités")).fill(
        "Accueil des adhérents, traitement des remboursements."
    )
    page.get_by_label("Oui" if relevant else "Non", exact=True).check()
    page.get_by_role("button", name="Enregistrer l'activité").click()
    assert "L'activité est enregistrée." in page.content()


def test_candidate_fills_and_submits_a_dossier(page, live_server, tmp_path: Path) -> None:
    # Sign up and confirm the address from the outbox.
    page.goto("/inscription")
    page.get_by_label("Prénom").fill("Inès")
    page.get_by_label(re.compile(r"^Nom\b")).fill("Roussel")
    page.get_by_label("Adresse électronique").fill("ines.roussel@exemple.fr")
    page.get_by_label(re.compile(r"^Mot de passe\b")).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    page.goto(latest_link(live_server, "/confirmation/"))
    page.get_by_label("Adresse électronique").fill("ines.roussel@exemple.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    # Start a dossier for the CQP Spécialiste prestations.
    page.get_by_role("link", name="Commencer un nouveau dossier").click()
    page.get_by_label(re.compile("Spécialiste prestations")).check()
    shot(page, "10-nouveau-dossier")
    page.get_by_role("button", name="Créer mon dossier").click()
    page.get_by_label(re.compile(r"^Santé")).check()
    shot(page, "11-etape-certification")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # Identity.
    assert "Étape 2 sur 7" in page.content()
    page.get_by_label(re.compile(r"^Adresse\b")).first.fill("8 avenue Jean Jaurès")
    page.get_by_label(re.compile(r"^Code postal")).fill("69007")
    page.get_by_label(re.compile(r"^Ville")).fill("Lyon")
    page.get_by_label(re.compile(r"^Téléphone")).fill("04 72 00 00 00")
    shot(page, "12-etape-identite")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # Experience: two overlapping part-time jobs and a volunteer activity.
    assert "Étape 3 sur 7" in page.content()
    fill_activity(
        page,
        title="Conseillère prestations",
        employer="Mutuelle Rhône",
        status="Salarié",
        start="2018-01-01",
        work_time=re.compile("pourcentage"),
        value="60",
    )
    fill_activity(
        page,
        title="Gestionnaire remboursements",
        employer="Mutuelle Saône",
        status="Salarié",
        start="2019-06-01",
        end="2023-12-31",
        work_time=re.compile("heures par mois"),
        value="75,5",
    )
    fill_activity(
        page,
        title="Trésorière",
        employer="Association Entraide Santé",
        status="Bénévole",
        start="2015-01-01",
        end="2019-12-31",
        work_time=re.compile("heures par semaine"),
        value="7",
    )
    content = page.content()
    assert "Vous êtes éligible" in content
    # The volunteer activity, until its attestation is there.
    assert "Ne compte pas\u00a0:" in page.inner_text("main")
    shot(page, "13-etape-experience")
    page.get_by_role("link", name=re.compile(r"Continuer\s:\sformation")).click()

    # Training.
    page.get_by_label("Diplôme(s) obtenu(s)").fill("Baccalauréat ES")
    shot(page, "14-etape-formation")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # CV.
    page.get_by_label(re.compile(r"^Votre parcours professionnel")).fill(
        "Huit ans en mutuelle, à l'accueil puis aux prestations santé."
    )
    shot(page, "15-etape-cv")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # Evidence: one file per activity, the volunteer attestation among them.
    proof = tmp_path / "attestation.pdf"
    proof.write_bytes(make_pdf("Attestation signée"))
    for section in page.locator("section.attachment-target").all():
        section.locator("input[type=file]").set_input_files(str(proof))
        section.get_by_role("button", name=re.compile("Ajouter ce fichier")).click()
        assert "Pièce ajoutée" in page.content()
    shot(page, "16-etape-pieces")
    page.goto(page.url.replace("/pieces", "/experience"))
    assert "Ne compte pas\u00a0:" not in page.inner_text("main")  # attested now
    page.goto(page.url.replace("/experience", "/recapitulatif"))

    # Summary, sworn statement, submission.
    assert "Vous êtes éligible" in page.content()
    for box in page.get_by_role("checkbox").all():
        box.check()
    shot(page, "17-recapitulatif")
    page.get_by_role("button", name="Déposer mon dossier").click()
    assert "est déposé" in page.content()
    number = re.search(r"VAE-\d{4}-\d{6}", page.content()).group(0)
    shot(page, "18-depose")

    # The receipt, with the dossier as PDF, is in the outbox.
    outbox = Path(live_server.config["MAIL_OUTBOX"])
    receipts = [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in outbox.glob("*.eml")
    ]
    receipt = next(m for m in receipts if number in m["Subject"])
    assert receipt["To"] == "ines.roussel@exemple.fr"
    assert next(receipt.iter_attachments()).get_content_type() == "application/pdf"


def test_steps_work_without_javascript(browser, live_server) -> None:
    context = browser.new_context(base_url=live_server.base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/inscription")
    page.get_by_label("Prénom").fill("Sans")
    page.get_by_label(re.compile(r"^Nom\b")).fill("Script")
    page.get_by_label("Adresse électronique").fill("sans.script@exemple.fr")
    page.get_by_label(re.compile(r"^Mot de passe\b")).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    assert "Vérifiez votre messagerie" in page.content()
    context.close()
