"""Letters, certificates, minutes and emails carry the identity of the dossier's certifier
(the certifier of its certification, as the admin filled it in), not the configuration's."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from tests.functional.dossier_flow import SWORN, complete_dossier, start_dossier, url
from tests.helpers import outbox_messages, pdf_text, submit
from vae.certifiers.models import Certifier
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.review.models import DecisionKind
from vae.review.operations import letter_data, render_letter

UCANSS = {
    "address": "18 avenue Léon-Gaumont\n75020 Paris",
    "city": "Paris",
    "email": "vae@ucanss.example",
    "signatory_name": "Claire Moreau",
    "signatory_title": "Directrice de la formation",
    "letter_mentions": "Ucanss — association loi 1901",
}
MUTUALITE = {
    "address": "255 rue de Vaugirard\n75015 Paris",
    "city": "Lyon",
    "email": "vae@mutualite.example",
    "phone": "01 40 43 30 30",
}


def fill(code: str, fields: dict[str, str]) -> None:
    certifier = db.session.scalar(select(Certifier).where(Certifier.code == code))
    for name, value in fields.items():
        setattr(certifier, name, value)
    db.session.commit()


def letter_text(dossier_id: str) -> str:
    dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
    letter = letter_data(
        dossier, DecisionKind.RECEVABLE, None, date(2026, 11, 24), "", None, [], date(2027, 5, 24)
    )
    return pdf_text(render_letter(letter))


def test_two_certifiers_two_letters(app, candidate) -> None:
    dam = start_dossier(candidate, "cqp-dam")
    spp = start_dossier(candidate, "cqp-spp")
    with app.app_context():
        fill("ucanss", UCANSS)
        fill("cpnefp-mutualite", MUTUALITE)
        from_ucanss, from_mutualite = letter_text(dam), letter_text(spp)
    assert "Ucanss" in from_ucanss and "18 avenue Léon-Gaumont" in from_ucanss
    assert "Courriel : vae@ucanss.example" in from_ucanss
    assert "Pour Ucanss," in from_ucanss and "Claire Moreau" in from_ucanss
    assert "Directrice de la formation" in from_ucanss
    assert "association loi 1901" in from_ucanss
    assert "Mutualité" not in from_ucanss and "255 rue de Vaugirard" not in from_ucanss
    assert "CPNEFP" not in from_ucanss  # the body names its certifier too
    assert "CPNEFP Mutualité" in from_mutualite and "255 rue de Vaugirard" in from_mutualite
    assert "Pour la CPNEFP Mutualité," in from_mutualite
    assert "Téléphone : 01 40 43 30 30" in from_mutualite
    assert "À Lyon, le 24 novembre 2026" in from_mutualite
    assert "18 avenue Léon-Gaumont" not in from_mutualite


def test_an_empty_field_falls_back_to_the_configuration(app, candidate) -> None:
    spp = start_dossier(candidate, "cqp-spp")
    with app.app_context():
        content = letter_text(spp)  # nothing filled in: the name from the file, the rest configured
    assert "CPNEFP Mutualité" in content
    assert "12 rue de Lyon" in content and f"Courriel : {app.config['CPNEFP_EMAIL']}" in content
    assert "À Paris, le 24 novembre 2026" in content


def test_an_email_about_a_dossier_answers_to_its_certifier(app, candidate) -> None:
    with app.app_context():
        fill("cpnefp-mutualite", MUTUALITE)
    dossier_id = complete_dossier(candidate)
    response = submit(candidate, url(dossier_id, "recapitulatif"), SWORN)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    (message,) = [m for m in outbox_messages(app) if "déposé" in str(m["Subject"])]
    assert message["Reply-To"] == "vae@mutualite.example"
    body = message.get_body(("plain",)).get_content()
    assert body.rstrip().endswith("La CPNEFP Mutualité")


def test_an_email_of_a_certifier_without_email_answers_to_the_cpnefp(app, candidate) -> None:
    dossier_id = complete_dossier(candidate)
    submit(candidate, url(dossier_id, "recapitulatif"), SWORN)
    (message,) = [m for m in outbox_messages(app) if "déposé" in str(m["Subject"])]
    assert message["Reply-To"] == app.config["CPNEFP_EMAIL"]
