"""Forms of the CPNEFP officers. Each state-changing form carries the dossier's lock version."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from forms.common import FrenchDateField, RoutingForm, no_control_characters, strip
from vae import clock
from vae.review.models import DECISION_LABELS, NON_RECEVABLE_REASONS, DecisionKind

TRI_STATE = [
    SelectChoice("", "Non examiné"),
    SelectChoice("oui", "Oui"),
    SelectChoice("non", "Non"),
]


def tri_state(value: str | None) -> bool | None:
    return {"oui": True, "non": False}.get(value or "")


def tri_state_value(value: bool | None) -> str:
    return {True: "oui", False: "non"}.get(value, "")  # type: ignore[arg-type]


class _Locked(FlaskForm):
    lock_version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class AssignForm(_Locked):
    officer = SelectField("Confier le dossier à", validators=[InputRequired("Choisissez.")])


class FindingRefForm(RoutingForm):
    """Which activity's finding form was sent (its unprefixed ``activity_ref`` field)."""

    activity_ref = HiddenField()


class FindingForm(_Locked):
    activity_ref = HiddenField(validators=[InputRequired()])
    relevant = RadioField(
        "En rapport avec la certification ?", choices=TRI_STATE, validators=[Optional()]
    )
    attestation_valid = RadioField(
        "Justificatif valable ?", choices=TRI_STATE, validators=[Optional()]
    )
    comment = TextAreaField(
        "Commentaire",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=2000, message="2 000 caractères au plus."),
            no_control_characters,
        ],
    )


class DecisionForm(_Locked):
    kind = RadioField(
        "Décision",
        choices=[SelectChoice(k.value, DECISION_LABELS[k]) for k in DecisionKind],
        validators=[InputRequired("Choisissez la décision.")],
    )
    reason = SelectField(
        "Motif de non-recevabilité",
        choices=[SelectChoice("", "— choisir —")]
        + [SelectChoice(code, label) for code, label in NON_RECEVABLE_REASONS.items()],
        validators=[Optional()],
        description="Obligatoire pour une décision de non-recevabilité.",
    )
    missing = TextAreaField(
        "Pièces manquantes ou à corriger",
        filters=[strip],
        validators=[Optional(), Length(max=4000), no_control_characters],
        description="Une pièce par ligne. Obligatoire pour une demande de compléments.",
    )
    livret2_due = FrenchDateField(
        "Date limite de dépôt du livret 2",
        validators=[Optional()],
        description="Obligatoire pour une décision de recevabilité.",
    )
    comment = TextAreaField(
        "Message au candidat",
        filters=[strip],
        validators=[Optional(), Length(max=4000), no_control_characters],
        description="Repris dans le courrier. Obligatoire pour une non-recevabilité : "
        "expliquez le motif et ce que le candidat peut faire.",
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        kind = self.kind.data
        checks = [
            (
                kind == DecisionKind.NON_RECEVABLE.value and not self.reason.data,
                self.reason,
                "Choisissez le motif.",
            ),
            (
                kind == DecisionKind.NON_RECEVABLE.value and not self.comment.data,
                self.comment,
                "Expliquez le motif au candidat.",
            ),
            (
                kind == DecisionKind.INCOMPLETE.value and not self.missing_items(),
                self.missing,
                "Indiquez au moins une pièce manquante ou à corriger.",
            ),
            (
                kind == DecisionKind.RECEVABLE.value and not self.livret2_due.data,
                self.livret2_due,
                "Indiquez la date limite de dépôt du livret 2.",
            ),
        ]
        for failed, field, message in checks:
            if failed and not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        if (
            kind == DecisionKind.RECEVABLE.value
            and self.livret2_due.data
            and self.livret2_due.data <= clock.today()
        ):
            self.livret2_due.errors = [
                *self.livret2_due.errors,
                "La date limite doit être postérieure à aujourd'hui.",
            ]
            valid = False
        return valid

    def missing_items(self) -> list[str]:
        return [
            line.strip(" -•\t")
            for line in (self.missing.data or "").splitlines()
            if line.strip(" -•\t")
        ]
