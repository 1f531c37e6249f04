"""Forms of the CPNEFP officers. Each state-changing form carries the dossier's lock version."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Form,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from forms.common import (
    FrenchDateField,
    RoutingForm,
    long_text_field,
    no_control_characters,
    strip,
)
from forms.plain import PlainField, plain_fields
from vae import clock
from vae.review.complements import PROBLEMS, ItemSpec, Target
from vae.review.models import DECISION_LABELS, EXPLICIT_KINDS, NON_RECEVABLE_REASONS, DecisionKind

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


class WithdrawImplicitForm(_Locked):
    reason = TextAreaField(
        "Motif du retrait",
        filters=[strip],
        validators=[
            InputRequired("Indiquez le motif du retrait de la décision implicite."),
            Length(max=4000, message="4 000 caractères au plus."),
            no_control_characters,
        ],
        description="Repris dans le courrier au candidat : le cas prévu par la loi qui "
        "justifie le retrait.",
    )


class DecisionForm(_Locked):
    kind = RadioField(
        "Décision",
        choices=[SelectChoice(k.value, DECISION_LABELS[k]) for k in EXPLICIT_KINDS],
        validators=[InputRequired("Choisissez la décision.")],
    )
    reason = SelectField(
        "Motif de non-recevabilité",
        choices=[SelectChoice("", "— choisir —")]
        + [SelectChoice(code, label) for code, label in NON_RECEVABLE_REASONS.items()],
        validators=[Optional()],
        description="Obligatoire pour une décision de non-recevabilité.",
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
        if kind == DecisionKind.INCOMPLETE.value:
            valid = self._check_items() and valid
        return valid

    # The items of a request for complements (see decision_form): the targets, and one
    # sub-form per item ticked in the POST (none when the form is only shown).
    targets: tuple[Target, ...] = ()
    items: dict[str, ComplementItemForm]
    items_errors: list[str]

    def _check_items(self) -> bool:
        self.items_errors = []
        valid = True
        for target in self.targets:
            item = self.items.get(target.key)
            if item is None or not item.selected.data:
                continue
            valid = item.validate() and valid  # first: validate() resets the errors
            if target.problems and item.problem.data not in target.problems:
                item.problem.errors = [*item.problem.errors, "Choisissez ce qui ne va pas."]
                valid = False
            if target.kind == "free" and not item.comment.data:
                item.comment.errors = [*item.comment.errors, "Décrivez ce que vous demandez."]
                valid = False
        if not self.item_specs():
            self.items_errors = ["Cochez au moins une pièce manquante ou à corriger."]
            valid = False
        return valid

    def item_specs(self) -> list[ItemSpec]:
        """The ticked items, as the operation records them."""
        specs = []
        for target in self.targets:
            item = self.items.get(target.key)
            if item is not None and item.selected.data:
                problem = item.problem.data if target.problems else None
                specs.append(ItemSpec(target, problem or None, item.comment.data or ""))
        return specs

    def item_fields(self) -> list[tuple[Target, dict[str, PlainField]]]:
        """Each target's item fields as plain data: the posted item's values and errors, else
        empty ones named like it (one unbound sub-form gives the labels)."""
        blank = ComplementItemForm()
        rows = []
        for target in self.targets:
            prefix = self._item_prefix(target)
            posted = self.items.get(target.key)
            fields = (
                plain_fields(posted)
                if posted is not None
                else plain_fields(blank, {"selected": False, "comment": ""}, prefix=prefix)
            )
            problem = fields["problem"]
            fields["problem"] = replace(
                problem, choices=tuple((code, PROBLEMS[code]) for code in target.problems)
            )
            rows.append((target, fields))
        return rows

    def item_messages(self) -> list[str]:
        """The errors of the ticked items, for the error summary."""
        messages = self.items_errors[:]
        for target in self.targets:
            if (item := self.items.get(target.key)) is not None:
                for name, errors in item.errors.items():
                    messages += [
                        f"{target.heading} – {item[name].label.text} : {e}" for e in errors
                    ]
        return messages

    def _item_prefix(self, target: Target) -> str:
        return f"{self._prefix}item_{target.key}-"


class ComplementItemForm(Form):
    """One target of a request for complements: ticked, what is wrong, a comment."""

    selected = BooleanField("À compléter ou corriger")
    problem = RadioField(
        "Ce qui ne va pas",
        choices=[SelectChoice(code, label) for code, label in PROBLEMS.items()],
        validators=[Optional()],
        validate_choice=False,  # checked against the target's own problems in _check_items
    )
    comment = long_text_field("Commentaire au candidat", None, 2000)


ITEM_FIELDS = ("selected", "problem", "comment")


def decision_form(targets: list[Target], **kwargs: Any) -> DecisionForm:
    """The decision form; on a POST, one item sub-form per target the officer filled in."""
    form = DecisionForm(**kwargs)
    form.targets = tuple(targets)
    form.items_errors = []
    form.items = {}
    formdata = kwargs.get("formdata", request.form)
    if formdata and form.is_submitted():
        for target in targets:
            prefix = form._item_prefix(target)
            posted = (formdata.get(f"{prefix}{name}", "") for name in ITEM_FIELDS)
            if any(value not in ("", "false") for value in posted):  # kept when shown again
                form.items[target.key] = ComplementItemForm(formdata, prefix=prefix)
    return form
