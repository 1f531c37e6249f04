"""Validators and fields shared by the forms: French dates and numbers, bounded texts."""

from __future__ import annotations

import unicodedata
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    Field,
    Form,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

PASSWORD_MIN = 12


def no_control_characters(_form: Form, field: Field) -> None:
    """Refuse invisible control characters (keeps tabs and line breaks of free text)."""
    value: Any = field.data
    if isinstance(value, str) and any(
        unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in value
    ):
        raise ValidationError("Ce champ contient des caractères non autorisés.")


def strip(value: Any) -> Any:
    """Filter: surrounding spaces removed from a text."""
    return value.strip() if isinstance(value, str) else value


def _text_validators(required: str | None, max_length: int) -> list[Any]:
    validators: list[Any] = [DataRequired(required)] if required else [Optional()]
    return [
        *validators,
        Length(max=max_length, message=f"{max_length} caractères au plus."),
        no_control_characters,
    ]


def text_field(label: str, required: str | None, max_length: int, **kwargs: Any) -> StringField:
    """A one-line text, stripped and bounded; ``required`` is the French message when empty."""
    return StringField(
        label, filters=[strip], validators=_text_validators(required, max_length), **kwargs
    )


def long_text_field(
    label: str, required: str | None, max_length: int, **kwargs: Any
) -> TextAreaField:
    """A free text (text area), stripped and bounded; ``required`` as for :func:`text_field`."""
    return TextAreaField(
        label, filters=[strip], validators=_text_validators(required, max_length), **kwargs
    )


class FrenchDateField(DateField):
    """A date typed as 2026-11-24 (date picker) or 24/11/2026 (plain text), with a French error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", ["%Y-%m-%d", "%d/%m/%Y"])
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not "".join(valuelist).strip():
            self.data = None  # empty: InputRequired or Optional decides
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            self.data = None
            raise ValueError(
                "Date invalide : indiquez le jour, le mois et l'année (par exemple 24/11/2026)."
            ) from exc


class FrenchDecimalField(DecimalField):
    """A number typed the French way (« 75,5 »), in a text box so any browser accepts the comma."""

    widget = widgets.TextInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist:
            valuelist = [
                str(v).replace("\u202f", "").replace(" ", "").replace(",", ".") for v in valuelist
            ]
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            self.data = None
            raise ValueError("Nombre invalide : par exemple 50 ou 75,5.") from exc

    def _value(self) -> str:
        text = super()._value()
        return text.replace(".", ",") if text else text


class RoutingForm(FlaskForm):
    """Base of a form that only reads which button or sub-form of a page was sent.

    No CSRF token of its own: the form it routes to checks one before anything changes.
    """

    class Meta:
        csrf = False


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()
