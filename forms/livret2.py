"""Forms of the livret 2. Drafts save with few checks: nothing partial is refused."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from forms.common import (
    FrenchDateField,
    MultiCheckboxField,
    RoutingForm,
    long_text_field,
    no_control_characters,
    strip,
    text_field,
)

TEXT_MAX = 20_000


def _text(label: str, description: str, max_length: int = TEXT_MAX) -> TextAreaField:
    return long_text_field(label, None, max_length, description=description)


def _line(label: str, description: str = "", max_length: int = 200) -> StringField:
    return text_field(label, None, max_length, description=description)


class AfterSaveForm(RoutingForm):
    """Where to go once a situation is saved: its ``next`` button says « overview »."""

    next = HiddenField()

    @property
    def to_overview(self) -> bool:
        return self.next.data == "overview"


class TargetsForm(FlaskForm):
    blocks = MultiCheckboxField("Blocs visés", validators=[Optional()])


class SituationForm(FlaskForm):
    attachment_point = SelectField(
        "Rattachement",
        validators=[InputRequired("Choisissez le bloc (et l'activité) que la situation illustre.")],
    )
    title = _line("Titre de la situation", "Une phrase qui résume la situation.")
    source_activity = SelectField(
        "Emploi concerné (livret 1)",
        validators=[Optional()],
        description="Reprend l'employeur, la période et le poste.",
    )
    employer = _line("Employeur ou structure")
    period = _line("Période", "Par exemple : de mars 2021 à juin 2022.", 100)
    role = _line("Votre fonction")
    context = _text("Contexte", "Où, quand, pour qui, quel était l'enjeu ?")
    actions = _text(
        "Ce que vous avez fait, étape par étape",
        "Décrivez vos actions dans l'ordre, en disant « je ».",
    )
    partners = _text("Avec qui", "Collègues, responsables, adhérents, partenaires…")
    tools = _text(
        "Outils, règles et procédures utilisés",
        "Logiciels, textes réglementaires, procédures internes…",
    )
    results = _text("Résultats", "Ce qui a changé grâce à votre action ; comment vous le savez.")
    hindsight = _text("Ce que vous feriez autrement", "Avec le recul, ce que vous amélioreriez.")
    competencies = MultiCheckboxField(
        "Compétences que cette situation montre", validators=[Optional()]
    )

    def data_for_model(self) -> dict[str, Any]:
        block, _sep, activity = (self.attachment_point.data or "").partition("/")
        return {
            "block_code": block,
            "activity_code": activity or None,
            "title": self.title.data or "",
            "employer": self.employer.data or "",
            "period": self.period.data or "",
            "role": self.role.data or "",
            "context": self.context.data or "",
            "actions": self.actions.data or "",
            "partners": self.partners.data or "",
            "tools": self.tools.data or "",
            "results": self.results.data or "",
            "hindsight": self.hindsight.data or "",
            "competencies": list(self.competencies.data or []),
        }


class AnnexForm(FlaskForm):
    file = FileField(
        "Annexe",
        validators=[FileRequired("Choisissez un fichier.")],
        description="PDF, JPEG ou PNG, 10 Mo au plus.",
    )


class ReturnForm(FlaskForm):
    comment = TextAreaField(
        "Ce que le candidat doit compléter",
        filters=[strip],
        validators=[
            InputRequired("Expliquez ce qu'il faut compléter."),
            Length(max=4000),
            no_control_characters,
        ],
    )


class ExtendForm(FlaskForm):
    due_on = FrenchDateField(
        "Nouvelle date limite", validators=[InputRequired("Indiquez la nouvelle date.")]
    )
    reason = StringField(
        "Raison",
        filters=[strip],
        validators=[InputRequired("Indiquez la raison."), Length(max=300), no_control_characters],
    )
