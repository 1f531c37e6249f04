"""Issue 13, smaller points: session times in Paris time (winter and summer) everywhere, and
« valable jusqu'au D » meaning the block still counts on D (a proclamation on 29 February)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.functional.jury_flow import compose, member, signed, to_livret2_submitted
from tests.helpers import message_body, outbox_messages, pdf_text, submit, text
from vae.extensions import db
from vae.jury.models import AcquiredBlock, MemberKind
from vae.roles import Role


@pytest.fixture
def ready(app, candidate, make_user):
    return to_livret2_submitted(app, candidate, make_user)


@pytest.fixture
def summer_session(app) -> int:
    """A session on 15 June 2027 at 9:00 in Paris (07:00 UTC, summer time)."""
    from vae.jury.operations import create_session

    with app.app_context():
        return create_session(
            datetime(2027, 6, 15, 7, 0, tzinfo=UTC), "Lyon, 3 place Bellecour", "", 45
        ).id


def test_the_composition_form_offers_sessions_in_paris_time(
    app, ready, logged_in, session_id, summer_session
) -> None:
    staff = logged_in(Role.STAFF)
    html = text(staff.get(f"/cpnefp/dossiers/{ready}/jury"))
    assert "12 janvier 2027 à 14:00" in html  # 13:00 UTC in winter (UTC+1)
    assert "15 juin 2027 à 09:00" in html  # 07:00 UTC in summer (UTC+2)
    assert "13:00" not in html and "07:00" not in html


def test_a_summer_convocation_is_in_paris_time_in_the_email_pdf_and_calendar(
    app, ready, logged_in, make_user, summer_session
) -> None:
    staff = logged_in(Role.STAFF)
    certifier, _ = member(app, make_user, MemberKind.CERTIFIER)
    professional, _ = member(app, make_user, MemberKind.PROFESSIONAL)
    response = compose(
        staff, ready, summer_session, certifier, professional, slot_at="2027-06-15T09:30"
    )
    assert response.status_code == 302
    html = text(staff.get(f"/cpnefp/dossiers/{ready}/jury"))
    assert "15 juin 2027 à 09:30" in html and "07:30" not in html
    message = next(m for m in outbox_messages(app) if "Convocation" in m["Subject"])
    body = message_body(message)
    assert "15 juin 2027 à 09:30" in body and "à 10:15" in body  # 45 minutes
    parts = {p.get_filename(): p.get_content() for p in message.iter_attachments()}
    letter = " ".join(pdf_text(parts["convocation.pdf"]).replace("\u00a0", " ").split())
    assert "15 juin 2027 à 9 h 30 (heure de Paris)" in letter and "7 h 30" not in letter
    ics = parts["entretien-jury.ics"]
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "DTSTART:20270615T073000Z" in ics and "DTEND:20270615T081500Z" in ics


def proclaimed_on_29_february(app, ready, logged_in, make_user, session_id) -> tuple[str, object]:
    """D1 validated by the jury and proclaimed on 29 February 2024; (dossier id, staff client)."""
    staff = logged_in(Role.STAFF)
    certifier, certifier_user = member(app, make_user, MemberKind.CERTIFIER)
    professional, professional_user = member(app, make_user, MemberKind.PROFESSIONAL)
    assert compose(staff, ready, session_id, certifier, professional).status_code == 302
    dossier_id = signed(app, (ready, certifier_user, professional_user, staff), {"D1"})
    proclaimed = submit(
        staff,
        f"/cpnefp/dossiers/{dossier_id}/proclamation",
        {
            "proclaimed_on": "2024-02-29",
            **{f"D{i}__result": "1" if i == 1 else "0" for i in range(1, 6)},
        },
    )
    assert proclaimed.status_code == 302
    return dossier_id, staff


def test_a_block_proclaimed_on_29_february_is_shown_valid_until_27_february(
    app, ready, logged_in, make_user, session_id, candidate
) -> None:
    dossier_id, _staff = proclaimed_on_29_february(app, ready, logged_in, make_user, session_id)
    with app.app_context():
        block = db.session.scalar(select(AcquiredBlock))
        # Stored: the first day it no longer counts (cqp-spp: 5 years, calendar arithmetic).
        assert block.expires_on == date(2029, 2, 28)
        block_id, code = block.id, block.verification_code
    results = text(candidate.get(f"/dossiers/{dossier_id}/resultats"))
    assert "valable jusqu'au 27 février 2029" in results and "28 février 2029" not in results
    certificate = pdf_text(candidate.get(f"/certificats/bloc/{block_id}.pdf").data)
    assert "Domaine acquis jusqu'au 27 février 2029" in certificate
    assert "28 février 2029" not in certificate
    verified = text(app.test_client().get(f"/verifier/{code}"))
    assert "valable jusqu'au 27 février 2029" in verified and "28 février" not in verified


def test_the_expiry_reminder_gives_the_last_valid_day(
    app, ready, logged_in, make_user, session_id, candidate, monkeypatch
) -> None:
    import vae.clock

    _dossier_id, staff = proclaimed_on_29_february(app, ready, logged_in, make_user, session_id)
    result = app.test_cli_runner().invoke(args=["reminders", "send", "--today", "2029-01-30"])
    assert result.exit_code == 0, result.output
    message = next(m for m in outbox_messages(app) if "D1" in m["Subject"])
    assert "valable jusqu'au 27 février 2029" in message["Subject"]
    body = message_body(message)
    assert "valable jusqu'au 27 février 2029 inclus" in body and "28 février" not in body
    # The staff dashboard lists it with the same last valid day.
    monkeypatch.setattr(vae.clock, "now", lambda: datetime(2029, 1, 10, 9, tzinfo=UTC))
    dashboard = text(staff.get("/cpnefp/tableau-de-bord"))
    assert "27 février 2029" in dashboard and "28 février 2029" not in dashboard
