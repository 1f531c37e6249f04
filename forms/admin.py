"""Account management by administrators."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectChoice, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length

from forms.auth import EMAIL_MESSAGE
from forms.common import no_control_characters, strip
from vae.roles import ROLE_LABELS, Role


class UserCreateForm(FlaskForm):
    first_name = StringField(
        "Prénom",
        filters=[strip],
        validators=[InputRequired("Indiquez le prénom."), Length(max=100), no_control_characters],
    )
    last_name = StringField(
        "Nom",
        filters=[strip],
        validators=[InputRequired("Indiquez le nom."), Length(max=100), no_control_characters],
    )
    email = EmailField(
        "Adresse électronique",
        filters=[strip],
        validators=[InputRequired("Indiquez l'adresse."), Email(EMAIL_MESSAGE), Length(max=254)],
        description="La personne reçoit un lien pour choisir son mot de passe.",
    )
    role = SelectField(
        "Rôle",
        choices=[
            SelectChoice(r.value, ROLE_LABELS[r]) for r in (Role.STAFF, Role.JURY, Role.ADMIN)
        ],
        validators=[InputRequired("Choisissez un rôle.")],
    )


class UserRoleForm(FlaskForm):
    role = SelectField(
        "Rôle",
        choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in Role],
        validators=[InputRequired("Choisissez un rôle.")],
    )


class ConfirmForm(FlaskForm):
    """A bare POST form (CSRF only): logout, deactivate, resend."""
