"""A certifier's webhook endpoint as the admin adds it, and the button that disables one."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field, SelectChoice, ValidationError

from forms.common import MultiCheckboxField, text_field
from vae.api.models import EVENTS
from vae.api.webhooks import EVENT_LABELS, url_problem


class WebhookEndpointForm(FlaskForm):
    url = text_field(
        "Adresse de réception",
        "Indiquez l'adresse qui recevra les notifications.",
        500,
        description="En https:// ; chaque notification y est envoyée par une requête POST signée.",
    )
    events = MultiCheckboxField(
        "Événements",
        choices=[SelectChoice(event, f"{EVENT_LABELS[event]} ({event})") for event in EVENTS],
        default=list(EVENTS),
    )

    def validate_url(self, field: Field) -> None:
        problem = url_problem(field.data) if field.data else None
        if problem:
            raise ValidationError(problem)

    def validate_events(self, field: Field) -> None:
        if not field.data:
            raise ValidationError("Choisissez au moins un événement.")


class DisableEndpointForm(FlaskForm):
    """Only the CSRF token: the endpoint is in the address."""
