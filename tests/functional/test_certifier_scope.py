"""An officer sees only their certifiers' dossiers (#16): the queue, its counts, search and
certification choices, exports, the dashboard, deadline digests, the jury directory, sessions
and composition, and every dossier URL (404); an admin sees all; an officer attached to no
certifier sees nothing and is told why."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from tests.functional.certifier_flow import (
    COURTAGE,
    MUTUALITE,
    UCANSS,
    attach,
    submitted_dossiers,
)
from tests.functional.jury_flow import member
from tests.functional.test_page_cache import statements_of
from tests.helpers import message_body, outbox_messages, text
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.jury.models import Jury, JurySession, MemberKind
from vae.referentials.models import Certification
from vae.review import stats
from vae.roles import Role

QUEUE = "/cpnefp/dossiers"


def two_certifiers(app) -> dict[str, list]:
    """Three cqp-spp dossiers (CPNEFP Mutualité) and two cqp-dam ones (Ucanss)."""
    with app.app_context():
        return {
            "spp": submitted_dossiers("cqp-spp", 3, last_name="Mutualiste"),
            "dam": submitted_dossiers("cqp-dam", 2, last_name="Sécurité", start=10),
        }


SPP_NUMBERS = ["VAE-2026-800000", "VAE-2026-800001", "VAE-2026-800002"]
DAM_NUMBERS = ["VAE-2026-800010", "VAE-2026-800011"]


def titles(app) -> dict[str, str]:
    with app.app_context():
        return dict(db.session.execute(select(Certification.code, Certification.title)).all())


def test_the_queue_its_counts_search_and_choices_are_scoped(app, logged_in) -> None:
    two_certifiers(app)
    officer = logged_in(Role.STAFF, certifiers=(UCANSS,))
    html = text(officer.get(QUEUE))
    assert all(n in html for n in DAM_NUMBERS)
    assert not any(n in html for n in SPP_NUMBERS)
    assert "Tous\u00a0: 2" in html
    names = titles(app)
    assert names["cqp-dam"] in html and names["cqp-spp"] not in html  # the filter's choices
    assert not any(n in text(officer.get(f"{QUEUE}?q=Mutualiste")) for n in SPP_NUMBERS)
    assert "Tous\u00a0: 0" in text(officer.get(f"{QUEUE}?q=Mutualiste"))
    assert "Tous\u00a0: 2" in text(officer.get(f"{QUEUE}?q=S%C3%A9curit%C3%A9"))
    chosen = text(officer.get(f"{QUEUE}?certification=cqp-spp"))  # typed in the URL
    assert "Tous\u00a0: 0" in chosen and not any(n in chosen for n in SPP_NUMBERS)
    both = logged_in(Role.STAFF, certifiers=(UCANSS, MUTUALITE))
    assert "Tous\u00a0: 5" in text(both.get(QUEUE))
    admin = text(logged_in(Role.ADMIN).get(QUEUE))
    assert "Tous\u00a0: 5" in admin and all(n in admin for n in SPP_NUMBERS + DAM_NUMBERS)


def test_exports_hold_only_the_officers_dossiers(app, logged_in) -> None:
    two_certifiers(app)
    officer = logged_in(Role.STAFF, certifiers=(MUTUALITE,))
    csv = officer.get(f"{QUEUE}/export.csv").get_data(as_text=True)
    assert all(n in csv for n in SPP_NUMBERS) and not any(n in csv for n in DAM_NUMBERS)
    xlsx = officer.get(f"{QUEUE}/export.xlsx")
    assert xlsx.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx.data)).active
    cells = {str(c.value) for row in sheet.iter_rows() for c in row}
    assert set(SPP_NUMBERS) <= cells and not set(DAM_NUMBERS) & cells


def test_another_certifiers_dossier_is_not_found(app, logged_in) -> None:
    ids = two_certifiers(app)
    officer = logged_in(Role.STAFF, certifiers=(UCANSS,))
    spp, dam = ids["spp"][0], ids["dam"][0]
    assert officer.get(f"/dossiers/{dam}/historique").status_code == 200  # their own
    for path in (
        f"{QUEUE}/{spp}",
        f"{QUEUE}/{spp}/jury",
        f"/dossiers/{spp}/",
        f"/dossiers/{spp}/recapitulatif",
        f"/dossiers/{spp}/historique",
        f"/dossiers/{spp}/versions/1.pdf",
    ):
        assert officer.get(path).status_code == 404, path
    assert officer.post(f"{QUEUE}/{spp}/attribution", data={}).status_code in (400, 404)


def test_an_unattached_officer_sees_nothing_and_is_told_why(app, logged_in) -> None:
    ids = two_certifiers(app)
    officer = logged_in(Role.STAFF, certifiers=())
    html = text(officer.get(QUEUE))
    assert "Votre compte n'est rattaché à aucun certificateur\u00a0: demandez à un" in html
    assert "Tous\u00a0: 0" in html and not any(n in html for n in SPP_NUMBERS + DAM_NUMBERS)
    assert officer.get(f"/dossiers/{ids['dam'][0]}/historique").status_code == 404
    csv = officer.get(f"{QUEUE}/export.csv").get_data(as_text=True)
    assert not any(n in csv for n in SPP_NUMBERS + DAM_NUMBERS)
    attached = logged_in(Role.STAFF)
    assert "aucun certificateur" not in text(attached.get(QUEUE))


def test_the_dashboard_counts_only_the_officers_dossiers(app, logged_in) -> None:
    two_certifiers(app)
    names = titles(app)
    with app.app_context():
        dam = db.session.scalar(select(Certification.id).where(Certification.code == "cqp-dam"))
        mine = stats.compute(date(2026, 12, 28), within=(dam,))
        every = stats.compute(date(2026, 12, 28))
        none = stats.compute(date(2026, 12, 28), within=())
    assert dict(mine.by_certification) == {names["cqp-dam"]: 2}
    assert dict(mine.by_status)["Déposé, en cours d'examen"] == 2
    assert dict(mine.per_month)["nov. 2026"] == 2 and mine.due_soon == 2
    assert dict(every.by_status)["Déposé, en cours d'examen"] == 5 and every.due_soon == 5
    assert sum(n for _label, n in none.by_status) == 0 and none.due_soon == 0
    assert none.median_days_to_decision is None
    page = text(logged_in(Role.STAFF, certifiers=(UCANSS,)).get("/cpnefp/tableau-de-bord"))
    assert names["cqp-dam"] in page and names["cqp-spp"] not in page


def test_deadline_digests_reach_only_the_certifiers_officers(app, logged_in) -> None:
    with app.app_context():
        submitted_dossiers("cqp-spp", 1, last_name="Mutualiste", due=date(2027, 1, 24))
        submitted_dossiers("cqp-dam", 1, last_name="Sécurité", due=date(2027, 1, 24), start=10)
    mutualite = logged_in(Role.STAFF, certifiers=(MUTUALITE,))
    ucanss = logged_in(Role.STAFF, certifiers=(UCANSS,))
    courtage = logged_in(Role.STAFF, certifiers=(COURTAGE,))
    result = app.test_cli_runner().invoke(args=["deadlines", "run", "--today", "2027-01-09"])
    assert result.exit_code == 0, result.output
    digests = {
        m["To"]: message_body(m)
        for m in outbox_messages(app)
        if m["Subject"].startswith("Échéances légales")
    }
    assert set(digests) == {mutualite.user.email, ucanss.user.email}
    assert "VAE-2026-800000" in digests[mutualite.user.email]
    assert "VAE-2026-800010" not in digests[mutualite.user.email]
    assert "VAE-2026-800010" in digests[ucanss.user.email]
    assert "VAE-2026-800000" not in digests[ucanss.user.email]
    assert courtage.user.email not in digests


def test_jury_directory_sessions_and_composition_keep_to_the_certifier(
    app, logged_in, make_user
) -> None:
    ids = two_certifiers(app)
    mutualite_member, mutualite_user = member(app, make_user, MemberKind.CERTIFIER)
    ucanss_member, ucanss_user = member(app, make_user, MemberKind.CERTIFIER, certifier=UCANSS)
    professional, _ = member(app, make_user, MemberKind.PROFESSIONAL)
    with app.app_context():
        session = JurySession(starts_at=datetime(2027, 1, 12, 13, tzinfo=UTC), place="Paris")
        db.session.add(session)
        db.session.flush()
        db.session.add(
            Jury(
                dossier_id=ids["spp"][0],
                session_id=session.id,
                slot_at=datetime(2027, 1, 12, 14, tzinfo=UTC),
                certifier_id=mutualite_member,
                professional_id=professional,
            )
        )
        db.session.commit()
    ucanss_officer = logged_in(Role.STAFF, certifiers=(UCANSS,))
    directory = text(ucanss_officer.get("/cpnefp/jury/membres"))
    assert (
        ucanss_user.email in directory
        and mutualite_user.email not in directory.split("<table")[-1].split("</table>")[0]
    )
    sessions = text(ucanss_officer.get("/cpnefp/jury/sessions"))
    assert "Paris" in sessions and SPP_NUMBERS[0] not in sessions
    mutualite_officer = logged_in(Role.STAFF, certifiers=(MUTUALITE,))
    assert SPP_NUMBERS[0] in text(mutualite_officer.get("/cpnefp/jury/sessions"))
    with app.app_context():  # a second dossier whose livret 2 is in: its jury to compose
        db.session.get(Dossier, ids["spp"][1]).status = DossierStatus.LIVRET2_SUBMITTED
        db.session.commit()
    compose = text(mutualite_officer.get(f"{QUEUE}/{ids['spp'][1]}/jury"))
    assert f'value="{ucanss_member}"' not in compose and f'value="{mutualite_member}"' in compose


def test_the_queue_runs_as_many_statements_with_one_or_three_certifiers(app, logged_in) -> None:
    with app.app_context():
        submitted_dossiers("cqp-spp", 30, last_name="Mutualiste")
        submitted_dossiers("cqp-dam", 30, last_name="Sécurité", start=100)
        submitted_dossiers("cqp-gap", 30, last_name="Courtier", start=200)
    one = logged_in(Role.STAFF, certifiers=(UCANSS,))
    three = logged_in(Role.STAFF, certifiers=(UCANSS, MUTUALITE, COURTAGE))
    assert "Tous\u00a0: 30" in text(one.get(QUEUE))
    assert "Tous\u00a0: 90" in text(three.get(QUEUE))
    for path in (QUEUE, f"{QUEUE}?q=Alex&tri=candidat", f"{QUEUE}?agent=aucun"):
        few = statements_of(app, lambda: one.get(path))  # noqa: B023 (called at once)
        many = statements_of(app, lambda: three.get(path))  # noqa: B023
        assert len(few) == len(many) <= 7, (path, few, many)
    with app.app_context():
        attach(one.user.id, UCANSS, MUTUALITE)  # the next request reads the new scope
    assert "Tous\u00a0: 60" in text(one.get(QUEUE))
