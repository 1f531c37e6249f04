"""The legal edges of a dossier's life in Chromium, at desktop and phone widths: a block-only
request, complements asked item by item and answered, the implicit acceptance of L6412-2 after
`deadlines run --today` moved past the due date, then a withdrawal and « Reprendre »."""

from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta

from tests.e2e.conftest import assert_no_sideways_scroll, shot
from tests.e2e.test_staff_journey import sign_in
from tests.helpers import make_pdf, pdf_text

PASSWORD = "phrase de passe du parcours"
WIDTHS = {"bureau": 1280, "telephone": 375}


def check_page(page: Any, name: str) -> None:
    """Screenshot, axe-core (WCAG 2.2 AA), and nothing scrolls sideways (WCAG 1.4.10)."""
    shot(page, name)
    assert not assert_no_sideways_scroll(page, name)


def accounts(app: Any, suffix: str) -> dict[str, str]:
    """Two candidates and an officer, by email, for one run of the journey."""
    from tests.functional.certifier_flow import attach
    from vae.auth.operations import create_account
    from vae.roles import Role

    people = {
        "candidate": (f"lea.fontaine-{suffix}@exemple.fr", "Léa", "Fontaine", Role.CANDIDATE),
        "second": (f"marc.girard-{suffix}@exemple.fr", "Marc", "Girard", Role.CANDIDATE),
        "officer": (f"agent-parcours-{suffix}@exemple.fr", "Nadia", "Lemoine", Role.STAFF),
    }
    with app.test_request_context():
        for email, first, last, role in people.values():
            user = create_account(email, first, last, role, PASSWORD)
            if role == Role.STAFF:
                attach(user.id)  # works for every certifier
    return {key: value[0] for key, value in people.items()}


def fill_steps(app: Any, dossier_id: str, email: str, last_name: str) -> None:
    """Identity, a four-year job with its payslips, training and CV: what the candidate journey
    already types in the browser (test_candidate_journey.py), saved here to keep this one short."""
    from vae.dossier import operations
    from vae.dossier.enums import ActivityStatus, AttachmentKind, WorkTime
    from vae.dossier.models import Dossier
    from vae.extensions import db

    with app.test_request_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        operations.save_identity(
            dossier,
            {
                "last_name": last_name,
                "first_name": "Prénom",
                "address": "12 quai de la Fosse",
                "postcode": "44000",
                "city": "Nantes",
                "phone": "02 40 00 00 00",
                "email": email,
            },
        )
        job = operations.save_activity(
            dossier,
            None,
            {
                "title": "Gestionnaire prestations santé",
                "employer_name": "Mutuelle Atlantique",
                "employer_address": "",
                "sector": "Mutuelle",
                "status": ActivityStatus.SALARIE,
                "start_date": date.today() - relativedelta(years=4),
                "end_date": None,
                "work_time": WorkTime.FULL_TIME,
                "work_time_value": None,
                "main_activities": "Remboursements et devis optiques.",
                "relevant": True,
            },
        )
        operations.add_attachment(
            dossier, AttachmentKind.PAYSLIPS, io.BytesIO(make_pdf()), "paie.pdf", activity=job
        )
        operations.save_education(dossier, "", "Baccalauréat")
        operations.save_cv(dossier, "Quatre ans aux prestations santé d'une mutuelle.")


def submitted_dossier(app: Any, email: str) -> str:
    """A whole cqp-spp request, filled and submitted last year (this year's quota is free for
    « Reprendre », as in test_lifecycle.py); its id."""
    from sqlalchemy import select, update

    from vae.auth.models import User
    from vae.dossier import operations, submit
    from vae.dossier.models import Dossier
    from vae.dossier.submissions import Submission
    from vae.extensions import db

    with app.test_request_context():
        candidate = db.session.scalars(select(User).where(User.email == email)).one()
        dossier = operations.start(candidate, "cqp-spp")
        operations.set_option(dossier, "sante")
        dossier_id = str(dossier.id)
    fill_steps(app, dossier_id, email, "Girard")
    with app.test_request_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        keys = {c.key: True for c in submit.commitments(dossier.referential.title)}
        submit.submit(dossier, keys)
        db.session.execute(
            update(Submission)
            .where(Submission.dossier_id == dossier.id)
            .values(submitted_at=datetime(date.today().year - 1, 6, 2, tzinfo=UTC))
        )
        db.session.commit()
    return dossier_id


def submit_summary(page: Any) -> None:
    for box in page.get_by_role("checkbox").all():
        box.check()
    send(page, page.get_by_role("button", name="Déposer mon dossier"))


def send(page: Any, button: Any) -> None:
    """Click a form's button and wait for the answer's page: what is read next is that page,
    never the form's half-replaced document (an empty page under a loaded CI machine)."""
    with page.expect_navigation():
        button.click()


def new_page(browser: Any, app: Any, width: int) -> tuple[Any, Any]:
    context = browser.new_context(
        base_url=app.base_url, locale="fr-FR", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.mark.parametrize("device", list(WIDTHS))
def test_block_only_complements_implicit_acceptance_withdrawal(
    browser: Any, live_server: Any, device: str
) -> None:
    width = WIDTHS[device]
    emails = accounts(live_server, device)
    contexts = []

    # A block-only request: the start page, then two domains of the « Santé » option.
    context, candidate = new_page(browser, live_server, width)
    contexts.append(context)
    sign_in(candidate, emails["candidate"], PASSWORD)
    candidate.get_by_role("link", name="Commencer un nouveau dossier").click()
    candidate.get_by_label(re.compile("Spécialiste prestations")).check()
    candidate.get_by_label(re.compile("^Certains blocs")).check()
    check_page(candidate, f"70-{device}-debut-blocs")
    candidate.get_by_role("button", name="Créer mon dossier").click()
    candidate.get_by_label(re.compile(r"^Santé")).check()
    assert candidate.get_by_label("Certains domaines seulement").is_checked()
    candidate.get_by_label(re.compile(r"^Domaine D1 ")).check()
    candidate.get_by_label(re.compile(r"^Domaine D2 ")).check()
    check_page(candidate, f"71-{device}-domaines")
    candidate.get_by_role("button", name="Enregistrer et continuer").click()
    dossier_id = re.search(r"/dossiers/([0-9a-f-]{36})/", candidate.url).group(1)
    fill_steps(live_server, dossier_id, emails["candidate"], "Fontaine")
    candidate.goto(f"/dossiers/{dossier_id}/recapitulatif")
    scope_line = candidate.locator("#request-scope").inner_text()
    assert scope_line.startswith("Demande portant sur les domaines D1, D2.")
    assert "n'est pas soumise aux limites du nombre de demandes par an" in scope_line
    submit_summary(candidate)
    assert "est déposé" in candidate.content()

    # The officer asks for complements: the job's attestation, and a free item.
    context, officer = new_page(browser, live_server, width)
    contexts.append(context)
    sign_in(officer, emails["officer"], PASSWORD)
    review = f"/cpnefp/dossiers/{dossier_id}"
    officer.goto(review)
    officer.get_by_label("Incomplet : compléments demandés").check()
    job = officer.locator("fieldset.complement-item", has_text="Gestionnaire prestations santé")
    job.get_by_label("À compléter ou corriger").check()
    job.get_by_label("attestation manquante").check()
    job.get_by_label(re.compile("^Commentaire")).fill("Précisez le temps de travail réel.")
    free = officer.locator("fieldset.complement-item", has_text="Autre demande")
    free.get_by_label("À compléter ou corriger").check()
    free.get_by_label(re.compile("^Commentaire")).fill("Fiche de poste signée.")
    check_page(officer, f"72-{device}-incomplet-par-point")
    send(officer, officer.get_by_role("button", name=re.compile("Enregistrer la décision")))
    assert "Décision enregistrée" in officer.content()

    # The candidate sees the checklist, corrects the activity and answers the free item.
    candidate.goto(f"/dossiers/{dossier_id}/recapitulatif")
    checklist = candidate.locator("#complements")
    assert "Encore 2 points à traiter." in checklist.inner_text()
    check_page(candidate, f"73-{device}-points-a-traiter")
    checklist.get_by_role("link", name=re.compile("Gestionnaire prestations santé")).click()
    candidate.get_by_label(re.compile("pourcentage")).check()
    candidate.get_by_label(re.compile(r"^Pourcentage ou nombre d'heures")).fill("80")
    send(candidate, candidate.get_by_role("button", name="Enregistrer l'activité"))
    assert "L'activité est enregistrée." in candidate.content()
    candidate.goto(f"/dossiers/{dossier_id}/recapitulatif")
    checklist = candidate.locator("#complements")
    assert re.search(r"Gestionnaire prestations santé.*– corrigé", checklist.inner_text())
    checklist.locator("summary", has_text="Répondre").click()
    checklist.get_by_label("Votre réponse").fill("Fiche de poste jointe à la prochaine version.")
    checklist.get_by_role("button", name="Envoyer la réponse").click()
    checklist = candidate.locator("#complements")
    assert "Chaque point est traité" in checklist.inner_text()
    assert "– répondu" in checklist.inner_text()
    check_page(candidate, f"74-{device}-points-traites")
    submit_summary(candidate)
    assert "version 2" in candidate.content()

    # The officer reads what changed since version 1.
    officer.goto(review)
    changes = officer.get_by_role("region", name=re.compile("Modifications depuis la version 1"))
    words = changes.inner_text()
    assert re.search(r"Temps de travail modifié\s+Temps plein\s+Temps partiel\s:\s80\s%", words)
    assert re.search(r"attestation manquante.*: corrigé", words)
    assert "«\u00a0Fiche de poste jointe à la prochaine version.\u00a0»" in words
    check_page(officer, f"75-{device}-modifications")

    # Two months and more without a decision: `deadlines run` accepts it implicitly.
    later = date.today() + relativedelta(months=3)
    result = live_server.test_cli_runner().invoke(
        args=["deadlines", "run", "--today", later.isoformat()]
    )
    assert result.exit_code == 0, result.output
    number = re.search(r"VAE-\d{4}-\d{6}", candidate.content()).group(0)
    assert number in result.output
    candidate.goto(f"/dossiers/{dossier_id}/recapitulatif")
    decisions = candidate.locator("#decisions-title").locator("..")
    assert "Décision implicite d'acceptation" in decisions.inner_text()
    check_page(candidate, f"76-{device}-decision-implicite")
    with candidate.expect_download() as download_info:
        decisions.get_by_role("link", name="Télécharger le courrier (PDF)").first.click()
    letter = " ".join(pdf_text(download_info.value.path().read_bytes()).split())
    assert "décision implicite d'acceptation" in letter and "L6412-2" in letter
    officer.goto(review)
    page = officer.content()
    assert "Décision implicite d'acceptation" in page
    assert "délai de deux mois échu" in page
    assert "Enregistrer la décision" not in page
    check_page(officer, f"77-{device}-implicite-agent")

    # A second candidate withdraws a submitted request, then takes it up again.
    second_id = submitted_dossier(live_server, emails["second"])
    context, second = new_page(browser, live_server, width)
    contexts.append(context)
    sign_in(second, emails["second"], PASSWORD)
    second.goto(f"/dossiers/{second_id}/recapitulatif")
    second.get_by_role("link", name="Retirer ma demande").click()
    second.get_by_label(re.compile("^Raison du retrait")).fill("Je change de région.")
    check_page(second, f"78-{device}-retrait")
    send(second, second.get_by_role("button", name="Retirer ma demande"))
    assert "Retiré" in second.content()
    check_page(second, f"79-{device}-retire")
    second.get_by_role("button", name="Reprendre").click()
    second.wait_for_url(lambda address: second_id not in address)
    new_id = re.search(r"/dossiers/([0-9a-f-]{36})/", second.url).group(1)
    assert new_id != second_id
    second.goto(f"/dossiers/{new_id}/identite")
    assert second.get_by_label(re.compile(r"^Ville")).input_value() == "Nantes"
    second.goto(f"/dossiers/{new_id}/experience")
    assert "Gestionnaire prestations santé" in second.content()
    check_page(second, f"80-{device}-repris")
    for context in contexts:
        context.close()
