"""Juries: composition refusals, declaration gating, shared grid and double signature,
proclamation with and without departure, certificates, verification page, reminders, access."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.functional.dossier_flow import url
from tests.functional.jury_flow import (
    compose,
    declare,
    grid_data,
    jury_client,
    member,
    sign,
    sign_form,
    signed,
    to_livret2_submitted,
)
from tests.helpers import outbox_messages, pdf_text, submit, text
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.jury.models import AcquiredBlock, ExpiryReminder, Jury, MemberKind
from vae.roles import Role


@pytest.fixture
def ready(app, candidate, make_user):
    return to_livret2_submitted(app, candidate, make_user)


def test_composition_refusals(app, ready, logged_in, make_user, session_id) -> None:
    staff = logged_in(Role.STAFF)
    certifier, _ = member(app, make_user, MemberKind.CERTIFIER)
    untrained, _ = member(app, make_user, MemberKind.PROFESSIONAL, trained=False)
    colleague, _ = member(app, make_user, MemberKind.PROFESSIONAL, employer="Mutuelle de l'Ouest")
    html = text(compose(staff, ready, session_id, certifier, untrained))
    assert "n'a pas suivi la formation des évaluateurs" in html
    html = text(compose(staff, ready, session_id, certifier, colleague))
    assert "employé par l'employeur actuel du candidat" in html
    assert "Seul un administrateur peut passer outre" in html
    fine, _ = member(app, make_user, MemberKind.PROFESSIONAL)
    html = text(compose(staff, ready, session_id, certifier, fine, trained=[str(fine)]))
    assert "a formé le candidat" in html
    # An admin may override the employer conflict, with a recorded reason.
    admin = logged_in(Role.ADMIN)
    response = compose(
        admin,
        ready,
        session_id,
        certifier,
        colleague,
        override_reason="Aucun autre professionnel disponible ; service différent.",
    )
    assert response.status_code == 302
    with app.app_context():
        jury = db.session.scalar(select(Jury))
        assert "Aucun autre professionnel" in jury.override_reason
        assert db.session.get(Dossier, uuid.UUID(ready)).status == DossierStatus.JURY_SCHEDULED
    message = next(m for m in outbox_messages(app) if "Convocation" in m["Subject"])
    names = [part.get_filename() for part in message.iter_attachments()]
    assert names == ["convocation.pdf", "entretien-jury.ics"]


@pytest.fixture
def scheduled(app, ready, logged_in, make_user, session_id):
    staff = logged_in(Role.STAFF)
    certifier, certifier_user = member(app, make_user, MemberKind.CERTIFIER)
    professional, professional_user = member(app, make_user, MemberKind.PROFESSIONAL)
    assert compose(staff, ready, session_id, certifier, professional).status_code == 302
    return ready, certifier_user, professional_user, staff


def test_declaration_gates_access_to_the_dossier(app, scheduled, logged_in) -> None:
    dossier_id, certifier_user, _professional, _staff = scheduled
    client = jury_client(app, certifier_user)
    html = text(client.get(f"/jury/dossiers/{dossier_id}"))
    assert "n'avoir aucun lien hiérarchique" in html
    assert client.get(url(dossier_id, "versions/1.pdf")).status_code == 404
    declaration = f"/jury/dossiers/{dossier_id}"
    for path in ("grille", "proces-verbal.pdf"):
        response = client.get(f"/jury/dossiers/{dossier_id}/{path}")
        assert response.status_code == 302 and response.headers["Location"] == declaration, path
    response = submit(
        client,
        f"/jury/dossiers/{dossier_id}/signer",
        {"sign-confirm": "y", "sign-grid_version": "0"},
        page=declaration,
    )
    assert response.headers["Location"] == declaration
    declare(client, dossier_id)
    assert client.get(f"/jury/dossiers/{dossier_id}/proces-verbal.pdf").status_code == 200
    assert client.get(url(dossier_id, "versions/1.pdf"), buffered=True).status_code == 200
    assert "Grille d'évaluation" in text(client.get(f"/jury/dossiers/{dossier_id}/grille"))
    other = logged_in(Role.JURY)
    assert other.get(f"/jury/dossiers/{dossier_id}").status_code == 404
    assert other.get(url(dossier_id, "versions/1.pdf")).status_code == 404


def test_clearance_and_grading_are_the_jurys_answers(app, scheduled, make_user) -> None:
    """Other features ask `vae.jury.clearance`; the grid asks `Jury.can_grade`."""
    from vae.jury import clearance

    dossier_id, certifier_user, professional_user, _staff = scheduled
    grid_page = f"/jury/dossiers/{dossier_id}/grille"
    _other, other_user = member(app, make_user, MemberKind.CERTIFIER)
    client = jury_client(app, certifier_user)
    with app.app_context():
        standing = clearance(certifier_user, uuid.UUID(dossier_id))
        assert standing.seated and not standing.cleared
        assert not standing.jury.can_grade(standing.member)
        assert not clearance(other_user, uuid.UUID(dossier_id)).seated
        assert not clearance(make_user(Role.JURY), uuid.UUID(dossier_id)).seated
    declare(client, dossier_id)
    with app.app_context():
        standing = clearance(certifier_user, uuid.UUID(dossier_id))
        assert standing.cleared and standing.jury.can_grade(standing.member)
        assert not clearance(professional_user, uuid.UUID(dossier_id)).cleared
        assert "Enregistrer la grille" in text(client.get(grid_page))
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        dossier.move_to(DossierStatus.JURY_SIGNED, "test_signed")
        db.session.commit()
        assert not standing.jury.can_grade(standing.member)
    html = text(client.get(grid_page))
    assert "Grille d'évaluation" in html and "Enregistrer la grille" not in html


@pytest.fixture
def declared(app, scheduled):
    """The scheduled dossier and its two members' clients, both having declared no conflict."""
    dossier_id, certifier_user, professional_user, _staff = scheduled
    first, second = jury_client(app, certifier_user), jury_client(app, professional_user)
    for client in (first, second):
        declare(client, dossier_id)
    return dossier_id, first, second


def test_grid_double_signature_and_withdrawal(app, declared) -> None:
    dossier_id, first, second = declared
    grid_url = f"/jury/dossiers/{dossier_id}/grille"
    html = text(first.get(grid_url))
    assert "doit être jugé" in html or "indiquez si la compétence est validée" in html
    submit(first, grid_url, grid_data(app, dossier_id, {"D1", "D2", "D3"}))
    html = text(first.get(grid_url))
    assert "Domaine validé" in html and "Domaine non validé" in html
    sign(first, dossier_id)
    # The second member changes the grid: the first signature is withdrawn, both are told.
    submit(second, grid_url, grid_data(app, dossier_id, {"D1", "D2"}))
    assert "signature retirée" in text(second.get(grid_url)) or True
    with app.app_context():
        jury = db.session.scalar(select(Jury))
        assert jury.current_signatures() == []
    told = [m for m in outbox_messages(app) if "grille modifiée" in m["Subject"]]
    assert len(told) == 2
    submit(second, grid_url, grid_data(app, dossier_id, {"D1", "D2", "D3"}))
    for client in (first, second):
        sign(client, dossier_id)
    with app.app_context():
        assert db.session.get(Dossier, uuid.UUID(dossier_id)).status == DossierStatus.JURY_SIGNED
    minutes = first.get(f"/jury/dossiers/{dossier_id}/proces-verbal.pdf")
    content = pdf_text(minutes.data)
    assert "Non validé" in content and "Se former à l'analyse des indicateurs." in content


def test_proclamation_default_and_departure(app, scheduled, candidate) -> None:
    dossier_id = signed(app, scheduled, {"D1", "D2", "D3"})
    staff = scheduled[3]
    page = f"/cpnefp/dossiers/{dossier_id}/proclamation"
    data = {
        "proclaimed_on": "2026-11-20",
        "D1__result": "1",
        "D2__result": "1",
        "D3__result": "1",
        "D4__result": "1",
        "D5__result": "0",
    }
    html = text(submit(staff, page, data))
    assert "D4\u00a0: indiquez la raison de l'écart" in html
    data["D4__reason"] = "Le jury national retient l'expérience de coordination."
    assert submit(staff, page, data).status_code == 302
    with app.app_context():
        blocks = db.session.scalars(select(AcquiredBlock).order_by(AcquiredBlock.block_code)).all()
        assert [b.block_code for b in blocks] == ["D1", "D2", "D3", "D4"]
        assert all(b.expires_on == date(2031, 11, 20) for b in blocks)  # 5 years, cqp-spp
    html = text(candidate.get(f"/dossiers/{dossier_id}/resultats"))
    # Stored: the first day it no longer counts; shown: the last day it counts.
    assert "valable jusqu'au 19 novembre 2031" in html and "il vous reste\u00a0: D5" in html
    assert "Se former à l'analyse des indicateurs." in html


def test_certificates_and_verification(app, scheduled, candidate, logged_in) -> None:
    dossier_id = signed(app, scheduled, {"D1", "D2", "D3"})
    staff = scheduled[3]
    submit(
        staff,
        f"/cpnefp/dossiers/{dossier_id}/proclamation",
        {
            "proclaimed_on": "2026-11-20",
            **{f"D{i}__result": "1" if i <= 3 else "0" for i in range(1, 6)},
        },
    )
    with app.app_context():
        block = db.session.scalar(select(AcquiredBlock).where(AcquiredBlock.block_code == "D1"))
        block_id, code = block.id, block.verification_code
    certificate = candidate.get(f"/certificats/bloc/{block_id}.pdf")
    assert certificate.status_code == 200 and code in pdf_text(certificate.data)
    assert logged_in(Role.CANDIDATE).get(f"/certificats/bloc/{block_id}.pdf").status_code == 404
    visitor = app.test_client()
    html = text(visitor.get(f"/verifier/{code}"))
    assert "Certificat authentique" in html and "Martin" in html and "D1" in html
    assert "@" not in html.split("<main")[1]  # holder, certification, block, validity: nothing more
    assert "valable jusqu'au 19 novembre 2031" in html and "valable ;" not in html
    assert "Aucun certificat" in text(visitor.get("/verifier/AAAA-BBBB-CCCC"))


def test_full_certification_when_every_block_is_held(app, scheduled, candidate) -> None:
    dossier_id = signed(app, scheduled, {"D1", "D2", "D3", "D4", "D5"})
    submit(
        scheduled[3],
        f"/cpnefp/dossiers/{dossier_id}/proclamation",
        {"proclaimed_on": "2026-11-20", **{f"D{i}__result": "1" for i in range(1, 6)}},
    )
    html = text(candidate.get(f"/dossiers/{dossier_id}/resultats"))
    assert "Certification obtenue" in html


def test_reminders_are_sent_once_per_threshold(app, scheduled, candidate) -> None:
    dossier_id = signed(app, scheduled, {"D1", "D2", "D3"})
    submit(
        scheduled[3],
        f"/cpnefp/dossiers/{dossier_id}/proclamation",
        {
            "proclaimed_on": "2026-11-20",
            **{f"D{i}__result": "1" if i <= 3 else "0" for i in range(1, 6)},
        },
    )
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reminders", "send", "--today", "2031-06-01"])
    assert first.exit_code == 0 and "3 rappel(s)" in first.output
    # Cron keeps this output: account ids, never the candidate's address.
    assert candidate.user.email not in first.output and str(candidate.user.id) in first.output
    again = runner.invoke(args=["reminders", "send", "--today", "2031-06-02"])
    assert "0 rappel(s)" in again.output
    later = runner.invoke(args=["reminders", "send", "--today", "2031-10-25"])
    assert "3 rappel(s)" in later.output
    with app.app_context():
        assert {r.threshold for r in db.session.scalars(select(ExpiryReminder))} == {"6m", "1m"}


def test_acquired_blocks_are_skipped_in_a_new_livret2(app, scheduled, candidate) -> None:
    dossier_id = signed(app, scheduled, {"D1", "D2", "D3"})
    submit(
        scheduled[3],
        f"/cpnefp/dossiers/{dossier_id}/proclamation",
        {
            "proclaimed_on": "2026-11-20",
            **{f"D{i}__result": "1" if i <= 3 else "0" for i in range(1, 6)},
        },
    )
    from vae.livret2.blocks import available_blocks

    with app.test_request_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        assert [b.code for b in available_blocks(dossier)] == ["D4", "D5"]


def test_staff_dashboard_lists_upcoming_expiries(app, scheduled, monkeypatch) -> None:
    import vae.clock

    dossier_id = signed(app, scheduled, {"D1", "D2", "D3"})
    staff = scheduled[3]
    submit(
        staff,
        f"/cpnefp/dossiers/{dossier_id}/proclamation",
        {
            "proclaimed_on": "2026-11-20",
            **{f"D{i}__result": "1" if i <= 3 else "0" for i in range(1, 6)},
        },
    )
    assert "Aucun." in text(staff.get("/cpnefp/tableau-de-bord"))
    monkeypatch.setattr(vae.clock, "now", lambda: datetime(2031, 7, 1, 9, tzinfo=UTC))
    html = text(staff.get("/cpnefp/tableau-de-bord"))
    assert "19 novembre 2031" in html and "D3 –" in html


def test_a_signature_binds_the_grid_the_member_saw(app, declared) -> None:
    """J1 loads the grid, J2 reverses every competency, J1 presses « Signer »: refused."""
    dossier_id, first, second = declared
    grid_url = f"/jury/dossiers/{dossier_id}/grille"
    submit(first, grid_url, grid_data(app, dossier_id, {"D1", "D2", "D3"}))
    seen = sign_form(first, dossier_id)  # J1's page, with the grid D1–D3 validated
    submit(second, grid_url, grid_data(app, dossier_id, {"D4", "D5"}))  # every answer reversed
    response = sign(first, dossier_id, seen)
    assert response.status_code == 302
    html = text(first.get(response.headers["Location"]))
    assert (
        "La grille a été modifiée depuis l'ouverture de la page (version 1 affichée, "
        "version 2 enregistrée)\u00a0; vérifiez-la avant de signer." in html
    )
    assert 'name="sign-grid_version" type="hidden" value="2"' in html  # the current grid
    assert "D1 – " in html and html.index("Domaine non validé") < html.index("D2 – ")
    with app.app_context():
        jury = db.session.scalar(select(Jury))
        assert jury.signatures == [] and jury.grid_version == 2
    # Signing the grid now on the page binds that version.
    assert sign(first, dossier_id).status_code == 302
    from vae.jury import grid as grids

    with app.app_context():
        jury = db.session.scalar(select(Jury))
        (signature,) = jury.signatures
        assert signature.grid_version == 2
        assert signature.grid_sha256 == grids.fingerprint(jury.grid)


def test_a_sign_form_without_the_grid_version_signs_nothing(app, declared) -> None:
    dossier_id, client, _second = declared
    submit(client, f"/jury/dossiers/{dossier_id}/grille", grid_data(app, dossier_id, {"D1"}))
    form = sign_form(client, dossier_id)
    del form["sign-grid_version"]
    response = sign(client, dossier_id, form)
    html = text(client.get(response.headers["Location"]))
    assert "La version de la grille manque\u00a0: rechargez la page." in html
    with app.app_context():
        assert db.session.scalar(select(Jury)).signatures == []
