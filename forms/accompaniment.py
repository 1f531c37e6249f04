"""The candidate's invitation of an accompagnateur, and the accompagnateur's sign-up through it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import Email, InputRequired, Length

from forms.auth import EMAIL_MESSAGE, SignupForm, new_password_field, password_confirm_field
from forms.common import strip, text_field


class InvitationForm(FlaskForm):
    email = EmailField(
        "Adresse électronique de l'accompagnateur",
        filters=[strip],
        validators=[
            InputRequired("Indiquez l'adresse électronique de votre accompagnateur."),
            Email(EMAIL_MESSAGE),
            Length(max=254, message="254 caractères au plus."),
        ],
        description="Un lien lui sera envoyé à cette adresse ; il vaut pour ce dossier seulement.",
    )
    structure = text_field(
        "Structure d'accompagnement (facultatif)",
        None,
        200,
        description="Par exemple « Mission locale de Lyon » ou « Point relais conseil ».",
    )


class AccompagnateurSignupForm(FlaskForm):
    """The invited address is the account's: only names and a password are asked.

    ``known_words``: the invited address, refused as a password like sign-up's own fields.
    """

    known_words: list[str] = []  # set per request by the view
    first_name = SignupForm.first_name
    last_name = SignupForm.last_name
    password = new_password_field()
    password_confirm = password_confirm_field()
