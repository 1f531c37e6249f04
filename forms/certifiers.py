"""A certifier's identity as the admin edits it, and the certifiers a staff account works for."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, Form, ValidationError
from wtforms.validators import Email, Length, Optional

from forms.auth import EMAIL_MESSAGE
from forms.common import (
    MultiCheckboxField,
    long_text_field,
    no_control_characters,
    strip,
    text_field,
)

ADDRESS_LINES = 4  # what the window of an envelope shows under the name
PHONE = re.compile(r"^\+?[0-9][0-9 .\-()]{5,28}[0-9]$")


def at_most_four_lines(_form: Form, field: Field) -> None:
    lines = [line for line in (field.data or "").splitlines() if line.strip()]
    if len(lines) > ADDRESS_LINES:
        raise ValidationError(f"{ADDRESS_LINES} lignes au plus (la fenêtre d'une enveloppe).")


def phone_number(_form: Form, field: Field) -> None:
    if field.data and not PHONE.match(field.data):
        raise ValidationError("Numéro invalide : par exemple 01 40 43 30 30 ou +33 1 40 43 30 30.")


class CertifierForm(FlaskForm):
    name = text_field(
        "Nom",
        "Indiquez le nom du certificateur.",
        200,
        description="Tel que ses courriers le portent.",
    )
    address = long_text_field(
        "Adresse",
        None,
        400,
        description="Quatre lignes au plus ; vide : l'adresse de la configuration.",
    )
    city = text_field(
        "Ville des courriers",
        None,
        100,
        description="Pour « À Paris, le … » ; vide : celle de la configuration.",
    )
    email = EmailField(
        "Adresse électronique de contact",
        filters=[strip],
        validators=[Optional(), Email(EMAIL_MESSAGE), Length(max=254), no_control_characters],
        description="Imprimée sur les courriers et adresse de réponse des courriels.",
    )
    phone = text_field("Téléphone", None, 40)
    signatory_name = text_field("Nom du signataire", None, 200)
    signatory_title = text_field("Qualité du signataire", None, 200)
    letter_mentions = long_text_field(
        "Mentions des courriers", None, 1000, description="Imprimées au pied de ses courriers."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.address.validators = [*self.address.validators, at_most_four_lines]
        self.phone.validators = [*self.phone.validators, phone_number]


class StaffCertifiersForm(FlaskForm):
    certifiers = MultiCheckboxField("Certificateurs", coerce=int)
