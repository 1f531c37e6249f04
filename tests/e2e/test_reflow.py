"""Reflow (WCAG 1.4.10, RGAA 10.11): every journey's main pages at 1280, 375 and 320 px.

One seeded set of dossiers (draft, livret 2 in progress, jury scheduled) and one browser
context per role; each page is checked with axe (WCAG 2.2 A/AA) and must not scroll sideways.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta

from tests.e2e.conftest import assert_accessible, assert_no_sideways_scroll
from tests.e2e.test_staff_journey import sign_in
from tests.functional.jury_flow import write_situations
from tests.helpers import make_pdf

PASSWORD = "phrase de passe solide du test de reflow"
LONG_EMPLOYER = "Mutuelle-interprofessionnelle-des-travailleurs-indépendants-du-Rhône-Alpes"
WIDE, PHONE, SMALL = 1280, 375, 320


def _candidate_dossier(app: Any, email: str, stage: str) -> tuple[Any, Any]:
    """A cqp-spp dossier of a new candidate, taken to ``stage`` (draft, livret2 or jury), and
    the id of its first livret 2 situation (None for a draft)."""
    from vae.auth.operations import create_account, find_by_email
    from vae.dossier import operations, submit
    from vae.dossier.enums import ActivityStatus, AttachmentKind, WorkTime
    from vae.livret2 import operations as livret2
    from vae.review import operations as review
    from vae.review.models import DecisionKind
    from vae.roles import Role

    candidate = create_account(email, "Maëlle", "Delacroix-Fontaine", Role.CANDIDATE, PASSWORD)
    dossier = operations.start(candidate, "cqp-spp")
    operations.set_option(dossier, "sante")
    operations.save_identity(
        dossier,
        {
            "last_name": "Delacroix-Fontaine",
            "first_name": "Maëlle",
            "address": "5 quai Perrache",
            "postcode": "69002",
            "city": "Lyon",
            "phone": "04 78 00 00 00",
            "email": email,
        },
    )
    for years, title in (
        (6, "Gestionnaire prestations santé et prévoyance collective"),
        (2, "Conseillère"),
    ):
        job = operations.save_activity(
            dossier,
            None,
            {
                "title": title,
                "employer_name": LONG_EMPLOYER,
                "employer_address": "12 boulevard des Brotteaux, 69006 Lyon",
                "sector": "Mutuelle",
                "status": ActivityStatus.SALARIE,
                "start_date": date.today() - relativedelta(years=years),
                "end_date": None if years == 6 else date.today() - relativedelta(years=1),
                "work_time": WorkTime.FULL_TIME,
                "work_time_value": None,
                "main_activities": "Remboursements, réclamations, relation adhérents.",
                "relevant": True,
            },
        )
        operations.add_attachment(
            dossier,
            AttachmentKind.PAYSLIPS,
            io.BytesIO(make_pdf()),
            "bulletins-de-salaire-janvier-decembre-mutuelle-interprofessionnelle.pdf",
            activity=job,
        )
    operations.save_training(
        dossier,
        None,
        {
            "title": "Réglementation des contrats responsables",
            "year": 2023,
            "hours": 35,
            "organisation": "Centre de formation de la Mutualité",
            "content": "Contrats solidaires.",
        },
    )
    operations.save_education(dossier, "", "BTS")
    operations.save_cv(dossier, "Six ans en mutuelle.")
    if stage == "draft":
        return dossier, None
    submit.submit(dossier, {c.key: True for c in submit.commitments("x")})
    review.decide(
        dossier,
        DecisionKind.RECEVABLE,
        officer=find_by_email("reflow.agent@exemple.fr"),
        lock_version=None,
        livret2_due=date.today() + relativedelta(months=6),
    )
    book = livret2.open_livret(dossier, candidate)
    blocks = dossier.referential.blocks if stage == "jury" else dossier.referential.blocks[:1]
    saved = write_situations(dossier, book, [block.code for block in blocks])
    if stage == "jury":
        livret2.submit(dossier, book, candidate)
    return dossier, saved[0].id


def _seed(app: Any) -> dict[str, Any]:
    """Accounts of every role and three dossiers; returns ids for the URLs."""
    from tests.functional.certifier_flow import MUTUALITE, attach, certifier_id
    from vae.accompaniment import operations as accompaniment
    from vae.auth.operations import create_account, find_by_email
    from vae.extensions import db
    from vae.jury import operations as jury_ops
    from vae.jury.models import JuryMember, MemberKind
    from vae.roles import Role

    with app.test_request_context():
        attach(create_account("reflow.agent@exemple.fr", "Paul", "Girard", Role.STAFF, PASSWORD).id)
        admin = create_account("reflow.admin@exemple.fr", "Agathe", "Admin", Role.ADMIN, PASSWORD)
        members = []
        for email, kind, employer in (
            ("reflow.certif@exemple.fr", MemberKind.CERTIFIER, "CPNEFP Mutualité"),
            ("reflow.pro@exemple.fr", MemberKind.PROFESSIONAL, "Mutuelle des Alpes"),
        ):
            user = create_account(email, "Hélène", "Juré", Role.JURY, PASSWORD)
            member = JuryMember(
                user_id=user.id,
                kind=kind,
                branch="Mutualité",
                employer=employer,
                trained_on=date(2025, 6, 1),
                certifier_id=certifier_id(MUTUALITE),
            )
            db.session.add(member)
            members.append(member)
        db.session.commit()
        draft, _ = _candidate_dossier(app, "reflow.brouillon@exemple.fr", "draft")
        helper = create_account(
            "reflow.accompagnateur@exemple.fr", "Samia", "Benali", Role.ACCOMPAGNATEUR, PASSWORD
        )
        invitation = accompaniment.invite(
            draft, draft.candidate, helper.email, "Point relais conseil de Lyon"
        )
        accompaniment.accept(invitation, helper)
        book, situation = _candidate_dossier(app, "reflow.livret@exemple.fr", "livret2")
        judged, _ = _candidate_dossier(app, "reflow.jury@exemple.fr", "jury")
        starts = datetime.combine(date.today() + timedelta(days=20), datetime.min.time(), UTC)
        session = jury_ops.create_session(
            starts.replace(hour=9), "Lyon, 10 rue de la République", "", 30
        )
        jury = jury_ops.compose(
            judged,
            session,
            starts.replace(hour=10),
            members[0],
            members[1],
            trained_candidate=set(),
            override_reason="",
            actor=find_by_email("reflow.agent@exemple.fr"),
        )
        jury_ops.declare(jury, members[0])
        from vae.dossier.steps import BLUEPRINT, GENERIC_VIEW, STEPS

        urls = app.url_map.bind("localhost")
        return {
            "steps": [
                urls.build(
                    f"{BLUEPRINT}.{step.view}",
                    {
                        "dossier_id": draft.id,
                        **({"key": step.key} if step.view == GENERIC_VIEW else {}),
                    },
                )
                for step in STEPS
            ],
            "draft": draft.id,
            "book": book.id,
            "situation": situation,
            "judged": judged.id,
            "admin": admin.id,
        }


@pytest.fixture(scope="module")
def seeded(live_server: Any) -> dict[str, Any]:
    return _seed(live_server)


def _pages(ids: dict[str, Any]) -> dict[str, tuple[str | None, list[str], tuple[int, ...]]]:
    """Role → (account, URLs, widths)."""
    draft, book, judged = ids["draft"], ids["book"], ids["judged"]
    return {
        "public": (
            None,
            [
                "/",
                "/connexion",
                "/inscription",
                "/mot-de-passe-oublie",
                "/certifications/",
                "/certifications/cqp-spp",
                "/verifier",
                "/accessibilite",
            ],
            (WIDE, PHONE, SMALL),
        ),
        "candidate": (
            "reflow.brouillon@exemple.fr",
            [
                "/",
                "/dossiers/",
                f"/dossiers/{draft}/",
                *ids["steps"],
                f"/dossiers/{draft}/experience/nouvelle",
                f"/dossiers/{draft}/historique",
                f"/dossiers/{draft}/accompagnateurs",
                "/mon-compte",
            ],
            (WIDE, PHONE, SMALL),
        ),
        "accompagnateur": (
            "reflow.accompagnateur@exemple.fr",
            [
                "/",
                f"/dossiers/{draft}/",
                ids["steps"][0],
                ids["steps"][2],
                f"/dossiers/{draft}/historique",
                "/mon-compte",
            ],
            (WIDE, PHONE, SMALL),
        ),
        "livret2": (
            "reflow.livret@exemple.fr",
            [
                f"/dossiers/{book}/",
                f"/dossiers/{book}/livret2/",
                f"/dossiers/{book}/livret2/situations/nouvelle",
                f"/dossiers/{book}/livret2/situations/{ids['situation']}",
            ],
            (WIDE, PHONE, SMALL),
        ),
        "staff": (
            "reflow.agent@exemple.fr",
            [
                "/cpnefp/dossiers",
                f"/cpnefp/dossiers/{judged}",
                f"/cpnefp/dossiers/{book}",
                "/cpnefp/tableau-de-bord",
                "/cpnefp/jury/membres",
                "/cpnefp/jury/sessions",
            ],
            (WIDE, PHONE, SMALL),
        ),
        "jury": (
            "reflow.certif@exemple.fr",
            ["/jury/", f"/jury/dossiers/{judged}", f"/jury/dossiers/{judged}/grille"],
            (WIDE, PHONE, SMALL),
        ),
        "admin": (
            "reflow.admin@exemple.fr",
            [
                "/admin/comptes",
                "/admin/comptes/nouveau",
                f"/admin/comptes/{ids['admin']}",
                "/admin/certificateurs/",
                "/admin/certificateurs/cpnefp-mutualite",
            ],
            (WIDE, PHONE, SMALL),
        ),
    }


@pytest.mark.parametrize(
    "role", ["public", "candidate", "accompagnateur", "livret2", "staff", "jury", "admin"]
)
def test_pages_reflow_and_pass_axe(browser: Any, live_server: Any, seeded: dict, role: str) -> None:
    account, urls, widths = _pages(seeded)[role]
    context = browser.new_context(base_url=live_server.base_url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        if account:
            sign_in(page, account, PASSWORD)
        failures = []
        for url in urls:
            page.set_viewport_size({"width": WIDE, "height": 900})
            response = page.goto(url)
            assert response is not None and response.status == 200, (
                f"{url}: {response and response.status}"
            )
            for width in widths:
                page.set_viewport_size({"width": width, "height": 800})
                failures += assert_no_sideways_scroll(page, f"{url} @ {width} px")
            assert_accessible(page, url)
        assert not failures, "\n".join(failures)
    finally:
        context.close()


def test_menu_collapses_to_a_button_that_works_without_javascript(
    browser: Any, live_server: Any
) -> None:
    context = browser.new_context(
        base_url=live_server.base_url, locale="fr-FR", java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.set_viewport_size({"width": PHONE, "height": 800})
        page.goto("/")
        menu = page.locator("nav summary", has_text="Menu")
        link = page.get_by_role("navigation").get_by_role("link", name="Certifications")
        assert menu.is_visible() and not link.is_visible()
        box = menu.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24  # WCAG 2.2 target size
        menu.focus()
        page.keyboard.press("Enter")
        assert link.is_visible()
        page.keyboard.press("Enter")
        assert not link.is_visible()
        page.set_viewport_size({"width": WIDE, "height": 800})
        assert link.is_visible() and not menu.is_visible()
    finally:
        context.close()


def test_timeline_stays_readable_when_narrow(browser: Any, live_server: Any, seeded: dict) -> None:
    context = browser.new_context(base_url=live_server.base_url, locale="fr-FR")
    page = context.new_page()
    try:
        sign_in(page, "reflow.brouillon@exemple.fr", PASSWORD)
        page.set_viewport_size({"width": SMALL, "height": 800})
        page.goto(f"/dossiers/{seeded['draft']}/experience")
        figure = page.locator("figure.timeline")
        # The picture keeps its size (scrolling in its own region) and its words are shown.
        assert figure.locator("svg").bounding_box()["width"] >= 500
        assert figure.locator("figcaption li").first.is_visible()
        assert assert_no_sideways_scroll(page, "frise") == []
    finally:
        context.close()


def test_zz_report_widths(seeded: dict) -> None:
    """Not a check: prints every measured width (run with -s) for the report."""
    from tests.e2e.conftest import WIDTHS

    for name, width in WIDTHS.items():
        print(f"{width:5d}  {name}")
    assert WIDTHS
