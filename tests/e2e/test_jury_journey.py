"""The jury path in Chromium: staff compose a jury and schedule a session, both members fill and
sign a cqp-spp grid validating 3 of 5 domains, staff proclaim, the candidate downloads a CCP and
the public page verifies it."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from tests.e2e.conftest import shot
from tests.e2e.test_staff_journey import sign_in
from tests.functional.jury_flow import write_situations
from tests.helpers import make_pdf, pdf_text

PASSWORD = "phrase de passe solide du jury"


def ready_for_jury(app) -> None:
    """A cqp-spp candidate with a submitted livret 2; staff and two trained jury members."""
    from tests.functional.certifier_flow import MUTUALITE, attach, certifier_id
    from vae.auth.operations import create_account, find_by_email
    from vae.dossier import operations, submit
    from vae.dossier.enums import ActivityStatus, AttachmentKind, WorkTime
    from vae.extensions import db
    from vae.jury.models import JuryMember, MemberKind
    from vae.livret2 import operations as livret2
    from vae.review import operations as review
    from vae.review.models import DecisionKind
    from vae.roles import Role

    with app.test_request_context():
        candidate = create_account(
            "emma.leroy@exemple.fr", "Emma", "Leroy", Role.CANDIDATE, PASSWORD
        )
        attach(create_account("agent.jury@exemple.fr", "Paul", "Girard", Role.STAFF, PASSWORD).id)
        for email, first, kind, employer in (
            ("certif@exemple.fr", "Hélène", MemberKind.CERTIFIER, "CPNEFP Mutualité"),
            ("pro@exemple.fr", "Omar", MemberKind.PROFESSIONAL, "Mutuelle des Alpes"),
        ):
            user = create_account(email, first, "Juré", Role.JURY, PASSWORD)
            db.session.add(
                JuryMember(
                    user_id=user.id,
                    kind=kind,
                    branch="Mutualité",
                    employer=employer,
                    trained_on=date(2025, 6, 1),
                    certifier_id=certifier_id(MUTUALITE),
                )
            )
        db.session.commit()
        dossier = operations.start(candidate, "cqp-spp")
        operations.set_option(dossier, "sante")
        operations.save_identity(
            dossier,
            {
                "last_name": "Leroy",
                "first_name": "Emma",
                "address": "5 quai Perrache",
                "postcode": "69002",
                "city": "Lyon",
                "phone": "04 78 00 00 00",
                "email": "emma.leroy@exemple.fr",
            },
        )
        job = operations.save_activity(
            dossier,
            None,
            {
                "title": "Gestionnaire prestations santé",
                "employer_name": "Mutuelle du Rhône",
                "employer_address": "",
                "sector": "Mutuelle",
                "status": ActivityStatus.SALARIE,
                "start_date": date.today() - relativedelta(years=6),
                "end_date": None,
                "work_time": WorkTime.FULL_TIME,
                "work_time_value": None,
                "main_activities": "Remboursements, réclamations.",
                "relevant": True,
            },
        )
        operations.add_attachment(
            dossier, AttachmentKind.PAYSLIPS, io.BytesIO(make_pdf()), "bulletins.pdf", activity=job
        )
        operations.save_education(dossier, "", "BTS")
        operations.save_cv(dossier, "Six ans en mutuelle.")
        submit.submit(dossier, {c.key: True for c in submit.commitments("x")})
        officer = find_by_email("agent.jury@exemple.fr")
        review.decide(
            dossier,
            DecisionKind.RECEVABLE,
            officer=officer,
            lock_version=None,
            livret2_due=date.today() + relativedelta(months=6),
        )
        book = livret2.open_livret(dossier, candidate)
        write_situations(dossier, book, [block.code for block in dossier.referential.blocks])
        livret2.submit(dossier, book, candidate)


def fill_grid(page, validated: set[str]) -> None:
    for section in page.locator("section.grid-block").all():
        code = section.locator("h2").inner_text().split(" ")[0]
        choice = "Validée" if code in validated else "Non validée"
        for competency in section.locator("fieldset.grid-competency").all():
            boxes = competency.locator("input[type=checkbox]")
            if boxes.count():  # criteria: tick them all, or « Aucun critère atteint »
                if code in validated:
                    for box in boxes.all()[:-1]:
                        box.check()
                else:
                    competency.get_by_label("Aucun critère atteint").check()
            else:
                competency.get_by_label(choice, exact=True).check()
        if code not in validated:
            section.get_by_label(f"Préconisations pour le domaine {code}").fill(
                "Suivre le module de formation sur les indicateurs qualité."
            )
    page.get_by_role("button", name="Enregistrer la grille").click()
    assert "Grille enregistrée" in page.content()


def test_jury_from_composition_to_verified_certificate(browser, live_server) -> None:
    ready_for_jury(live_server)
    staff = browser.new_context(base_url=live_server.base_url, locale="fr-FR").new_page()
    sign_in(staff, "agent.jury@exemple.fr", PASSWORD)

    # Schedule a session, then compose the jury of the dossier.
    staff.get_by_role("link", name="Jurys").click()
    session_day = date.today() + relativedelta(days=20)
    staff.get_by_label(re.compile("^Début de la session")).fill(f"{session_day}T09:00")
    staff.get_by_label(re.compile("^Lieu")).fill("Lyon, 10 rue de la République")
    staff.get_by_role("button", name="Créer la session").click()
    assert "Session créée" in staff.content()
    staff.get_by_role("link", name="Dossiers", exact=True).click()
    staff.get_by_label("Recherche").fill("leroy")
    staff.get_by_role("button", name="Filtrer").click()
    staff.get_by_role("link", name=re.compile(r"VAE-\d{4}-\d{6}")).first.click()
    staff.get_by_role("link", name="composer le jury").click()
    staff.get_by_label(re.compile("^Heure de passage")).fill(f"{session_day}T10:30")
    staff.get_by_role("button", name=re.compile("Composer le jury")).click()
    assert "Jury composé" in staff.content()
    shot(staff, "50-jury-compose")

    # Both members declare, fill and sign.
    members = []
    for email in ("certif@exemple.fr", "pro@exemple.fr"):
        page = browser.new_context(base_url=live_server.base_url, locale="fr-FR").new_page()
        sign_in(page, email, PASSWORD)
        page.get_by_role("link", name="Mes dossiers de jury").first.click()
        page.get_by_role("link", name=re.compile(r"VAE-")).click()
        page.get_by_label("Je le déclare sur l'honneur.").check()
        page.get_by_role("button", name=re.compile("Déclarer")).click()
        members.append(page)
    fill_grid(members[0], {"D1", "D2", "D3"})
    shot(members[0], "51-grille")
    for page in members:
        page.reload()
        page.get_by_label("Je le déclare sur l'honneur.").check()
        page.get_by_role("button", name="Signer").click()
    assert "elle est définitive" in members[1].content()

    # Staff proclaim the jury's proposal.
    staff.reload()
    staff.get_by_role("link", name="proclamation").click()
    staff.get_by_role("button", name="Proclamer les résultats").click()
    assert "Résultats proclamés" in staff.content()

    # The candidate sees three domains acquired for five years and downloads a certificate.
    candidate = browser.new_context(base_url=live_server.base_url, locale="fr-FR").new_page()
    sign_in(candidate, "emma.leroy@exemple.fr", PASSWORD)
    candidate.get_by_role("link", name="Mes dossiers").first.click()
    candidate.get_by_role("link", name="Voir mes résultats").click()
    from vae.french import long_date

    # The last day the blocks still count: the day before the fifth anniversary.
    until = long_date(date.today() + relativedelta(years=5) - timedelta(days=1))
    assert candidate.content().count(f"valable jusqu'au {until}") == 3
    shot(candidate, "52-resultats")
    with candidate.expect_download() as download_info:
        candidate.get_by_role("link", name=re.compile("certificat de compétences")).first.click()
    certificate = pdf_text(download_info.value.path().read_bytes())
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", certificate).group(0)

    # Anyone can check the code.
    visitor = browser.new_context(base_url=live_server.base_url, locale="fr-FR").new_page()
    visitor.goto("/verifier")
    visitor.get_by_label("Code de vérification").fill(code)
    visitor.get_by_role("button", name="Vérifier").click()
    assert "Certificat authentique" in visitor.content() and "Emma Leroy" in visitor.content()
    shot(visitor, "53-verification")
