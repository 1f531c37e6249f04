"""An officer reviews a dossier in Chromium: search, finding, complements, recevable, letter."""

from __future__ import annotations

import io
import re
from datetime import date

from dateutil.relativedelta import relativedelta

from tests.e2e.conftest import shot
from tests.helpers import make_pdf, pdf_text

OFFICER_PASSWORD = "phrase de passe de l'agent"
CANDIDATE_PASSWORD = "phrase de passe du candidat"


def submitted_dossier(app) -> str:
    """A cqp-spp dossier whose eligibility rests on an attested volunteer activity."""
    from tests.functional.certifier_flow import attach
    from vae.auth.operations import create_account
    from vae.dossier import operations, submit
    from vae.dossier.enums import ActivityStatus, AttachmentKind, WorkTime
    from vae.roles import Role

    with app.test_request_context():
        candidate = create_account(
            "yasmine.benali@exemple.fr", "Yasmine", "Benali", Role.CANDIDATE, CANDIDATE_PASSWORD
        )
        officer = create_account(
            "agent@exemple.fr", "Sophie", "Bernard", Role.STAFF, OFFICER_PASSWORD
        )
        attach(officer.id)  # works for every certifier
        dossier = operations.start(candidate, "cqp-spp")
        operations.set_option(dossier, "prevoyance")
        operations.save_identity(
            dossier,
            {
                "last_name": "Benali",
                "first_name": "Yasmine",
                "address": "4 rue Colbert",
                "postcode": "13001",
                "city": "Marseille",
                "phone": "04 91 00 00 00",
                "email": "yasmine.benali@exemple.fr",
            },
        )
        start = date.today() - relativedelta(years=4)
        job = operations.save_activity(
            dossier,
            None,
            {
                "title": "Assistante prévoyance",
                "employer_name": "Mutuelle Provence",
                "employer_address": "",
                "sector": "Mutuelle",
                "status": ActivityStatus.SALARIE,
                "start_date": start,
                "end_date": None,
                "work_time": WorkTime.PERCENT,
                "work_time_value": 50,
                "main_activities": "Gestion des arrêts de travail.",
                "relevant": True,
            },
        )
        volunteer = operations.save_activity(
            dossier,
            None,
            {
                "title": "Permanence d'accueil",
                "employer_name": "Association Entraide Prévoyance",
                "employer_address": "",
                "sector": "Association",
                "status": ActivityStatus.BENEVOLE,
                "start_date": start - relativedelta(years=7),
                "end_date": start - relativedelta(days=1),
                "work_time": WorkTime.HOURS_PER_WEEK,
                "work_time_value": 14,
                "main_activities": "Conseil aux adhérents.",
                "relevant": True,
            },
        )
        for activity, kind in (
            (job, AttachmentKind.PAYSLIPS),
            (volunteer, AttachmentKind.VOLUNTEER_ATTESTATION),
        ):
            operations.add_attachment(
                dossier, kind, io.BytesIO(make_pdf()), "piece.pdf", activity=activity
            )
        operations.save_education(dossier, "", "Baccalauréat")
        operations.save_cv(dossier, "Quatre ans en mutuelle, sept ans de bénévolat.")
        keys = {c.key: True for c in submit.commitments(dossier.referential.title)}
        submit.submit(dossier, keys)
        return dossier.number


def sign_in(page, email: str, password: str) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_officer_reviews_asks_complements_then_declares_recevable(browser, live_server) -> None:
    number = submitted_dossier(live_server)
    officer_context = browser.new_context(base_url=live_server.base_url, locale="fr-FR")
    officer = officer_context.new_page()
    sign_in(officer, "agent@exemple.fr", OFFICER_PASSWORD)

    # Find the dossier by searching the candidate's name without its accent or case.
    officer.get_by_role("link", name="Dossiers", exact=True).click()
    officer.get_by_label("Recherche").fill("BENALI")
    officer.get_by_role("button", name="Filtrer").click()
    assert "q=BENALI" in officer.url
    shot(officer, "30-file-cpnefp")
    officer.get_by_role("link", name=number).click()
    assert "Éligible" in officer.locator("#eligibility-staff").locator("..").inner_text()

    # The association's attestation is not valid: the assessment drops below the threshold.
    section = officer.locator("tr.review-row", has_text="Permanence d'accueil")
    section.locator("details.finding > summary").click()  # the finding form opens on demand
    validity = section.get_by_role("group", name=re.compile("Justificatif valable"))
    validity.get_by_label("Non", exact=True).check()
    section.get_by_label("Commentaire").fill("Une seule signature : il en faut deux.")
    section.get_by_role("button", name=re.compile("Enregistrer le constat")).click()
    assert "Constat enregistré" in officer.content()
    assert "Non éligible" in officer.content()
    shot(officer, "31-constat")

    # Ask for complements.
    officer.get_by_label("Incomplet : compléments demandés").check()
    # Item by item: the officer ticks the activity whose attestation is wrong.
    item = officer.locator("fieldset.complement-item", has_text="Permanence d'accueil")
    item.get_by_label("À compléter ou corriger").check()
    item.get_by_label("autre problème").check()
    item.get_by_label("Commentaire au candidat").fill(
        "Attestation de l'association signée par deux responsables"
    )
    officer.get_by_role("button", name=re.compile("Enregistrer la décision")).click()
    assert "Décision enregistrée" in officer.content()

    # The candidate replaces the attestation and submits again.
    candidate_context = browser.new_context(base_url=live_server.base_url, locale="fr-FR")
    candidate = candidate_context.new_page()
    sign_in(candidate, "yasmine.benali@exemple.fr", CANDIDATE_PASSWORD)
    candidate.get_by_role("link", name="Mes dossiers").first.click()
    candidate.get_by_role("link", name=re.compile("Continuer|Relire")).click()
    candidate.goto(candidate.url.rsplit("/", 1)[0] + "/recapitulatif")
    assert "signée par deux responsables" in candidate.content()
    shot(candidate, "32-candidat-complements")
    candidate.goto(candidate.url.rsplit("/", 1)[0] + "/pieces")
    section = candidate.locator("section.attachment-target", has_text="Permanence d'accueil")
    section.get_by_role("button", name=re.compile("^Retirer")).click()
    section = candidate.locator("section.attachment-target", has_text="Permanence d'accueil")
    new_proof = make_pdf("Attestation signée par la présidente et le trésorier")
    section.locator("input[type=file]").set_input_files(
        files=[{"name": "attestation-2.pdf", "mimeType": "application/pdf", "buffer": new_proof}]
    )
    section.get_by_role("button", name=re.compile("Ajouter ce fichier")).click()
    candidate.goto(candidate.url.split("#")[0].rsplit("/", 1)[0] + "/recapitulatif")
    for box in candidate.get_by_role("checkbox").all():
        box.check()
    candidate.get_by_role("button", name="Déposer mon dossier").click()
    assert "version 2" in candidate.content()

    # The officer declares it recevable.
    officer.reload()
    assert "Éligible</strong>" in officer.content()
    officer.get_by_label("Recevable", exact=True).check()
    due = date.today() + relativedelta(months=6)
    officer.get_by_label(re.compile("^Date limite de dépôt du livret 2")).fill(due.isoformat())
    officer.get_by_role("button", name=re.compile("Enregistrer la décision")).click()
    assert "Décision enregistrée" in officer.content()
    shot(officer, "33-recevable")

    # The candidate sees the decision and downloads the letter.
    candidate.reload()
    assert "Recevable" in candidate.content()
    with candidate.expect_download() as download_info:
        candidate.get_by_role("link", name="Télécharger le courrier (PDF)").first.click()
    letter = download_info.value.path().read_bytes()
    assert "recevable" in pdf_text(letter).lower()
    shot(candidate, "34-candidat-recevable")
    officer_context.close()
    candidate_context.close()
