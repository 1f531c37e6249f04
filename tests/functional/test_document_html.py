"""Every document a user receives as a PDF also has an accessible HTML version (RGAA 13.3),
written from the same story as the PDF, behind the same access rule, linked beside it."""

from __future__ import annotations

import html
import itertools
import re
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.functional.dossier_flow import SWORN, complete_dossier, url
from tests.functional.jury_flow import jury_client, proclaimed_journey
from tests.functional.test_words import INTERNAL, RAW_CODES, UNTYPESET, read_page
from tests.helpers import link_in, message_body, outbox_messages, pdf_text, submit
from vae.auth.models import User
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.jury.models import AcquiredBlock, CertificationAward
from vae.review.models import Decision, DecisionKind
from vae.roles import Role

HEADING = re.compile(r"<h([1-6])\b")
FURNITURE = re.compile(r"^(Page|sur|\d+)$")  # the « Page N sur M » footer drawn on the canvas


def words(value: str) -> str:
    """Text with its white space (no-break spaces included) folded to single spaces."""
    return " ".join(value.replace("\u00a0", " ").replace("\u202f", " ").split())


def page_text(markup: str) -> str:
    """The page's ``<main>`` as a person reads it."""
    main = markup.split("<main", 1)[-1].split("</main>", 1)[0]
    return words(html.unescape(re.sub(r"<[^>]+>", " ", main)))


def check_html_version(client, pdf_path: str, html_path: str, *keys: str) -> str:
    """The HTML version opens, is well structured, and carries the PDF's words and ``keys``;
    returns the page's text."""
    pdf = client.get(pdf_path, buffered=True)
    assert pdf.status_code == 200, pdf_path
    page = client.get(html_path)
    assert page.status_code == 200, html_path
    markup = page.get_data(as_text=True)
    assert markup.count("<h1") == 1, html_path
    levels = [int(level) for level in HEADING.findall(markup.split("<main", 1)[-1])]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in itertools.pairwise(levels))
    for table in re.findall(r"<table.*?</table>", markup, re.S):
        assert "<caption>" in table and 'scope="' in table, table[:300]
    assert f'href="{pdf_path}"' in markup  # back to the PDF
    typed = read_page(html.unescape(markup))
    untypeset = [typed[max(0, m.start() - 30) : m.end() + 10] for m in UNTYPESET.finditer(typed)]
    assert not untypeset and not RAW_CODES.findall(typed) and not INTERNAL.search(typed), untypeset
    read = page_text(markup)
    printed = words(pdf_text(pdf.data))
    for key in keys:
        assert key in printed, (key, printed[:2000])
        assert key in read, (key, read[:2000])
    # Every word of the PDF is in the page (a word the PDF's narrow column cut in two, too).
    missing = {w for w in re.findall(r"\w+", printed) if w not in read and not FURNITURE.match(w)}
    assert not missing, sorted(missing)[:40]
    return read


def linked_beside(page_markup: str, pdf_path: str, html_path: str) -> None:
    """The HTML version's link follows the PDF's link, named « Version accessible (HTML) »."""
    after_pdf = page_markup.split(f'href="{pdf_path}"', 1)[1]
    assert f'href="{html_path}"' in after_pdf[:600], after_pdf[:600]
    link = after_pdf.split(f'href="{html_path}"', 1)[1]
    assert link.startswith('>Version accessible (HTML)<span class="visually-hidden">'), link[:200]


@pytest.fixture
def journey(app, candidate, make_user, logged_in, session_id) -> dict:
    return proclaimed_journey(app, candidate, make_user, logged_in, session_id)


def test_each_document_of_the_journey_has_its_html_version(app, candidate, journey, logged_in):
    dossier_id, staff = journey["dossier_id"], journey["staff"]
    base = f"/dossiers/{dossier_id}"
    with app.app_context():
        decision = db.session.scalar(
            select(Decision).where(Decision.dossier_id == uuid.UUID(dossier_id))
        )
        block = db.session.scalar(select(AcquiredBlock).order_by(AcquiredBlock.block_code))
        number = db.session.get(Dossier, uuid.UUID(dossier_id)).number
        decision_id, block_id, code = decision.id, block.id, block.verification_code
    # The dossier copy, from its snapshot.
    read = check_html_version(
        candidate,
        f"{base}/versions/1.pdf",
        f"{base}/versions/1.html",
        "Dossier de recevabilité VAE",
        "MARTIN",
        number,
        "Déclaration sur l'honneur",
    )
    assert "Identité du candidat" in read
    # The decision letter.
    check_html_version(
        candidate,
        f"{base}/decisions/{decision_id}.pdf",
        f"{base}/decisions/{decision_id}.html",
        "Camille MARTIN",
        "recevable",
        "24 mai 2027",
        "Les prochaines étapes",
        "À Paris, le 24 novembre 2026",
    )
    summary = candidate.get(f"{base}/recapitulatif").get_data(as_text=True)
    linked_beside(
        summary, f"{base}/decisions/{decision_id}.pdf", f"{base}/decisions/{decision_id}.html"
    )
    linked_beside(summary, f"{base}/versions/1.pdf", f"{base}/versions/1.html")
    # The livret 2 version, from its snapshot.
    check_html_version(
        candidate,
        f"{base}/livret2/versions/1.pdf",
        f"{base}/livret2/versions/1.html",
        "Livret 2",
        number,
        "Situation n° 1",
    )
    overview = candidate.get(f"{base}/livret2/").get_data(as_text=True)
    linked_beside(overview, f"{base}/livret2/versions/1.pdf", f"{base}/livret2/versions/1.html")
    # The procès-verbal, for staff and the jury's members.
    minutes = f"/jury/dossiers/{dossier_id}/proces-verbal"
    check_html_version(staff, f"{minutes}.pdf", f"{minutes}.html", "MARTIN", number, "D1")
    member = jury_client(app, journey["certifier_user"])
    check_html_version(member, f"{minutes}.pdf", f"{minutes}.html", "MARTIN")
    grid = member.get(f"/jury/dossiers/{dossier_id}/grille").get_data(as_text=True)
    linked_beside(grid, f"{minutes}.pdf", f"{minutes}.html")
    linked_beside(grid, f"{base}/versions/1.pdf", f"{base}/versions/1.html")
    compose = staff.get(f"/cpnefp/dossiers/{dossier_id}/jury").get_data(as_text=True)
    linked_beside(compose, f"{minutes}.pdf", f"{minutes}.html")
    # The block certificate, with its verification code.
    certificate = f"/certificats/bloc/{block_id}"
    check_html_version(
        candidate, f"{certificate}.pdf", f"{certificate}.html", "Camille MARTIN", code, "D1"
    )
    results = candidate.get(f"{base}/resultats").get_data(as_text=True)
    linked_beside(results, f"{certificate}.pdf", f"{certificate}.html")
    # Nobody else's: another candidate, an anonymous visitor.
    stranger = logged_in(Role.CANDIDATE)
    for path in (
        f"{base}/versions/1.html",
        f"{base}/decisions/{decision_id}.html",
        f"{base}/livret2/versions/1.html",
        f"{certificate}.html",
        f"{base}/convocation",
    ):
        assert stranger.get(path).status_code == 404, path
        assert app.test_client().get(path).status_code == 302, path
    assert stranger.get(f"{minutes}.html").status_code == 403
    assert member.get(f"{base}/decisions/{decision_id}.html").status_code == 403
    assert "@media print" in (Path(app.static_folder) / "css/app.css").read_text()


def test_the_convocation_has_its_html_version_linked_from_its_email(app, candidate, journey):
    dossier_id, staff = journey["dossier_id"], journey["staff"]
    (mail,) = [m for m in outbox_messages(app) if "Convocation" in m["Subject"]]
    link = link_in(mail, f"/dossiers/{dossier_id}/convocation")
    assert "Version accessible de la convocation (HTML)" in message_body(mail)
    (attached,) = [p for p in mail.iter_attachments() if p.get_filename() == "convocation.pdf"]
    printed = words(pdf_text(attached.get_content()))
    page = candidate.get(link.replace("http://localhost", ""))
    assert page.status_code == 200
    read = page_text(page.get_data(as_text=True))
    for key in ("Camille MARTIN", "12 janvier 2027", "Paris, 12 rue de Lyon", "pièce d'identité"):
        assert key in printed and key in read, key
    assert "À Paris, le 24 novembre 2026" in read  # dated the day it was sent
    compose = staff.get(f"/cpnefp/dossiers/{dossier_id}/jury").get_data(as_text=True)
    assert f'href="/dossiers/{dossier_id}/convocation">Version accessible (HTML)' in compose


def test_the_certification_certificate_has_its_html_version(
    app, candidate, make_user, logged_in, session_id
):
    journey = proclaimed_journey(
        app, candidate, make_user, logged_in, session_id, validated=("D1", "D2", "D3", "D4", "D5")
    )
    with app.app_context():
        award = db.session.scalar(select(CertificationAward))
        award_id, code = award.id, award.verification_code
    certificate = f"/certificats/certification/{award_id}"
    check_html_version(
        candidate, f"{certificate}.pdf", f"{certificate}.html", "Camille MARTIN", code
    )
    results = candidate.get(f"/dossiers/{journey['dossier_id']}/resultats").get_data(as_text=True)
    linked_beside(results, f"{certificate}.pdf", f"{certificate}.html")
    assert logged_in(Role.CANDIDATE).get(f"{certificate}.html").status_code == 404
    assert journey["staff"].get(f"{certificate}.html").status_code == 200


def _decide(app, dossier_id: str, kind: DecisionKind, **choices) -> uuid.UUID:
    from vae.review import operations as review

    with app.test_request_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        officer = db.session.scalar(select(User).where(User.role == Role.STAFF))
        return review.decide(dossier, kind, officer=officer, lock_version=None, **choices).id


@pytest.mark.parametrize(
    ("kind", "choices", "keys"),
    [
        (
            DecisionKind.INCOMPLETE,
            {"missing": ["Bulletin de salaire de 2015"], "comment": "Pièce illisible."},
            ("incomplet", "Bulletin de salaire de 2015", "Pièce illisible.", "Délai d'examen"),
        ),
        (
            DecisionKind.NON_RECEVABLE,
            {"reason_code": "experience_duration", "comment": "Il manque deux ans."},
            ("non recevable", "Durée d'expérience insuffisante", "1er janvier 2027"),
        ),
    ],
)
def test_every_kind_of_letter_has_its_html_version(
    app, candidate, make_user, logged_in, kind, choices, keys
):
    logged_in(Role.STAFF, first_name="Sophie", last_name="Bernard")
    dossier_id = complete_dossier(candidate)
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    decision_id = _decide(app, dossier_id, kind, **choices)
    base = f"/dossiers/{dossier_id}/decisions/{decision_id}"
    read = check_html_version(candidate, f"{base}.pdf", f"{base}.html", "Sophie Bernard", *keys)
    assert "Camille MARTIN" in read
    staff_page = logged_in(Role.STAFF).get(f"/cpnefp/dossiers/{dossier_id}").get_data(as_text=True)
    linked_beside(staff_page, f"{base}.pdf", f"{base}.html")


def test_implicit_letters_have_their_html_versions(app, candidate, logged_in, monkeypatch):
    import vae.clock
    from vae.review import deadlines

    dossier_id = complete_dossier(candidate)
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    with app.test_request_context():
        assert deadlines.accept_implicitly(uuid.UUID(dossier_id), date(2027, 1, 25))
        (implicit,) = db.session.scalars(select(Decision)).all()
        implicit_id = implicit.id
    base = f"/dossiers/{dossier_id}/decisions"
    check_html_version(
        candidate,
        f"{base}/{implicit_id}.pdf",
        f"{base}/{implicit_id}.html",
        "décision implicite d'acceptation",
        "24 novembre 2026",
        "24 janvier 2027",
    )
    admin = logged_in(Role.ADMIN, first_name="Alex", last_name="Durand")
    later = vae.clock.now().replace(year=2027, month=1, day=26)
    monkeypatch.setattr(vae.clock, "now", lambda: later)
    with app.test_request_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        deadlines.withdraw_implicit(dossier, admin.user, "Attestation falsifiée.", None)
        withdrawn_id = db.session.scalars(
            select(Decision.id).where(Decision.kind == DecisionKind.IMPLICIT_WITHDRAWN)
        ).one()
    check_html_version(
        candidate,
        f"{base}/{withdrawn_id}.pdf",
        f"{base}/{withdrawn_id}.html",
        "retrait de cette décision implicite",
        "Attestation falsifiée.",
        "Alex Durand",
    )
