"""Emails and documents (#14): every email links back, has a text and an HTML part, says it is
automatic and answers go to the CPNEFP; the .ics is an invitation with an organiser and an
alarm; letters carry the certifier's address and « À Paris, le … »; minutes say how they were
validated; certificates carry a QR code of their verification link, linked from the site."""

from __future__ import annotations

import html as html_lib
import io
import re

import icalendar
import pypdf
import pytest
from sqlalchemy import select

from tests.functional.jury_flow import jury_client, proclaimed_journey
from tests.helpers import outbox_messages, pdf_text, submit, text
from vae.extensions import db
from vae.jury.models import AcquiredBlock

LINK = re.compile(r"http://localhost/\S+")


@pytest.fixture
def proclaimed(app, candidate, make_user, logged_in, session_id):
    """A dossier through the whole journey up to its proclamation; its id and a juror."""
    journey = proclaimed_journey(app, candidate, make_user, logged_in, session_id)
    return journey["dossier_id"], journey["certifier_user"]


def test_every_email_of_a_journey_links_back_in_text_and_html(app, proclaimed, client) -> None:
    submit(client, "/mot-de-passe-oublie", {"email": "personne@exemple.fr"})
    messages = outbox_messages(app)
    subjects = [str(m["Subject"]) for m in messages]
    for expected in ("déposé", "recevable", "Livret 2", "Convocation", "résultats", "passe"):
        assert any(expected in s for s in subjects), (expected, subjects)
    for message in messages:
        subject = str(message["Subject"])
        assert message["Auto-Submitted"] == "auto-generated", subject
        assert message["Reply-To"] == app.config["CPNEFP_EMAIL"], subject
        plain = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        links = LINK.findall(plain)
        assert links, f"no link back in « {subject} »:\n{plain}"
        assert '<html lang="fr">' in html and "<h1>" in html, subject
        for link in links:
            assert f'<a href="{link}">' in html, (subject, link)
        # Same words in both parts: every line of the text is in the HTML.
        flat = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())
        for line in plain.splitlines():
            assert " ".join(line.removeprefix("- ").split()) in flat, (subject, line)


def test_reply_to_is_configured_and_html_is_escaped(app, monkeypatch) -> None:
    from vae import mail

    monkeypatch.setitem(app.config, "MAIL_REPLY_TO", "contact-vae@cpnefp.example.fr")
    with app.app_context():
        message = mail.send(
            "a@exemple.fr", "Essai <b>", "Bonjour <script>x</script>\n\n- un point\n- deux"
        )
    assert message["Reply-To"] == "contact-vae@cpnefp.example.fr"
    html = message.get_body(("html",)).get_content()
    assert (
        "<script>" not in html and "&lt;script&gt;" in html and "<h1>Essai &lt;b&gt;</h1>" in html
    )
    assert "<ul><li>un point</li><li>deux</li></ul>" in html


def test_convocation_calendar_is_a_request_with_organiser_and_alarm(
    app, proclaimed, candidate
) -> None:
    (message,) = [m for m in outbox_messages(app) if "Convocation" in str(m["Subject"])]
    (ics,) = [p for p in message.iter_attachments() if p.get_filename() == "entretien-jury.ics"]
    assert ics.get_content_type() == "text/calendar"
    assert ics.get_param("charset") == "utf-8" and ics.get_param("method") == "REQUEST"
    calendar = icalendar.Calendar.from_ical(ics.get_content())
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["ORGANIZER"]) == f"mailto:{app.config['CPNEFP_EMAIL']}"
    assert str(event["ATTENDEE"]) == f"mailto:{candidate.user.email}"
    (alarm,) = event.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY" and alarm.decoded("TRIGGER").days == -1


def test_letters_carry_the_certifier_and_the_town(app, proclaimed, monkeypatch) -> None:
    (message,) = [m for m in outbox_messages(app) if "recevable" in str(m["Subject"])]
    (letter,) = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    content = pdf_text(letter.get_content())
    assert "12 rue de Lyon" in content and "75012 Paris" in content
    assert f"Courriel : {app.config['CPNEFP_EMAIL']}" in content
    assert "À Paris, le 24 novembre 2026" in content
    from vae.jury.documents import convocation_pdf

    for key, value in {
        "CERTIFIER_NAME": "Certificateur Mutualité",
        "CERTIFIER_ADDRESS": "3 quai Claude-Bernard\n69007 Lyon",
        "CERTIFIER_PHONE": "04 00 00 00 00",
        "LETTER_CITY": "Lyon",
    }.items():
        monkeypatch.setitem(app.config, key, value)
    with app.app_context():
        content = pdf_text(convocation_pdf({"issued_on": "2026-12-01"}))
    assert "Certificateur Mutualité" in content and "3 quai Claude-Bernard" in content
    assert "Téléphone : 04 00 00 00 00" in content and "À Lyon, le 1er décembre 2026" in content


def test_minutes_say_they_were_validated_online(app, proclaimed) -> None:
    dossier_id, certifier_user = proclaimed
    response = jury_client(app, certifier_user).get(
        f"/jury/dossiers/{dossier_id}/proces-verbal.pdf"
    )
    content = " ".join(pdf_text(response.data).split())
    assert "Validé en ligne le " in content and f"par {certifier_user.full_name}" in content
    assert "électroniquement" not in content


def test_certificate_has_the_qr_code_of_its_verification_link(app, proclaimed, candidate) -> None:
    dossier_id, _ = proclaimed
    with app.app_context():
        block = db.session.scalar(select(AcquiredBlock).where(AcquiredBlock.block_code == "D1"))
        block_id, code = block.id, block.verification_code
    response = candidate.get(f"/certificats/bloc/{block_id}.pdf")
    assert response.status_code == 200
    url = f"http://localhost/verifier/{code}"
    assert url in pdf_text(response.data)
    page = pypdf.PdfReader(io.BytesIO(response.data)).pages[0]
    assert page.get_contents().get_data().count(b" re") > 150  # the code's modules
    links = [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", [])]
    assert url in links
    results = text(candidate.get(f"/dossiers/{dossier_id}/resultats"))
    assert "Vérifier un certificat" in results
    assert 'href="/verifier"' in candidate.get(f"/dossiers/{dossier_id}/resultats").text


def test_footer_links_to_the_verification_page(client) -> None:
    html = client.get("/").text
    assert '<a href="/verifier">Vérifier un certificat</a>' in html
    assert client.get("/verifier").status_code == 200
