"""An API token as the admin creates it for a certifier, and the confirmed revocation."""

from __future__ import annotations

from datetime import date, timedelta

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, SelectChoice, ValidationError
from wtforms.validators import InputRequired

from forms.common import FrenchDateField, MultiCheckboxField, text_field
from vae import clock
from vae.api.models import SCOPES
from vae.api.tokens import DEFAULT_DAYS, MAX_DAYS, SCOPE_LABELS


def default_expiry() -> date:
    """Today in Paris plus the default validity."""
    return clock.today() + timedelta(days=DEFAULT_DAYS)


class ApiTokenForm(FlaskForm):
    name = text_field(
        "Nom du jeton",
        "Donnez un nom au jeton (le système qui l'utilisera).",
        100,
        description="Par exemple « Outil de gestion des certifications ».",
    )
    scopes = MultiCheckboxField(
        "Permissions",
        choices=[SelectChoice(scope, f"{SCOPE_LABELS[scope]} ({scope})") for scope in SCOPES],
        default=["read"],
    )
    expires_on = FrenchDateField(
        "Date d'expiration",
        validators=[InputRequired("Indiquez la date d'expiration (jour, mois, année).")],
        default=default_expiry,
        description=f"Au plus un an ; {DEFAULT_DAYS} jours par défaut.",
    )

    def validate_scopes(self, field: Field) -> None:
        if not field.data:
            raise ValidationError("Choisissez au moins une permission.")

    def validate_expires_on(self, field: Field) -> None:
        today = clock.today()
        if field.data <= today:
            raise ValidationError("La date d'expiration doit être postérieure à aujourd'hui.")
        if (field.data - today).days > MAX_DAYS:
            raise ValidationError("Un jeton vaut au plus un an : choisissez une date plus proche.")

    @property
    def days(self) -> int:
        return (self.expires_on.data - clock.today()).days


class RevokeTokenForm(FlaskForm):
    confirm = BooleanField(
        "Je confirme la révocation (irréversible)",
        validators=[InputRequired("Cochez la case pour confirmer la révocation.")],
    )
