"""Forms of the jury feature; the evaluation grid is built from the referential."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from forms.common import FrenchDateField, MultiCheckboxField, no_control_characters, strip
from vae.jury.models import MemberKind
from vae.referentials.words import DEFAULT_WORDS, UnitWords


class MemberForm(FlaskForm):
    user = SelectField(
        "Compte du membre",
        validators=[InputRequired("Choisissez le compte.")],
        description="Créez d'abord un compte « Membre de jury » (Comptes).",
    )
    certifier = SelectField(
        "Annuaire du certificateur",
        coerce=int,
        validators=[InputRequired("Choisissez le certificateur dont l'annuaire liste ce membre.")],
    )
    kind = RadioField(
        "Qualité",
        choices=[SelectChoice(k.value, k.label) for k in MemberKind],
        validators=[InputRequired("Choisissez la qualité du membre.")],
    )
    branch = StringField(
        "Branche", filters=[strip], validators=[Optional(), Length(max=200), no_control_characters]
    )
    employer = StringField(
        "Employeur actuel",
        filters=[strip],
        validators=[Optional(), Length(max=200), no_control_characters],
        description="Sert à repérer les conflits d'intérêts.",
    )
    trained_on = FrenchDateField(
        "Formation des évaluateurs suivie le",
        validators=[Optional()],
        description="Laissez vide si la formation n'est pas suivie.",
    )


class MemberDirectoryForm(FlaskForm):
    """An administrator attaches a member created before the directories to one of them."""

    certifier = SelectField(
        "Annuaire du certificateur",
        coerce=int,
        validators=[InputRequired("Choisissez le certificateur dont l'annuaire liste ce membre.")],
    )


class SessionForm(FlaskForm):
    starts_at = DateTimeLocalField(
        "Début de la session",
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired("Indiquez la date et l'heure.")],
        description="Heure de Paris.",
    )
    place = StringField(
        "Lieu", filters=[strip], validators=[Optional(), Length(max=300), no_control_characters]
    )
    video_link = StringField(
        "Lien de visioconférence",
        filters=[strip],
        validators=[Optional(), Length(max=500), no_control_characters],
    )
    slot_minutes = IntegerField(
        "Durée d'un passage (minutes)",
        default=45,
        validators=[InputRequired(), NumberRange(min=15, max=240)],
    )


class ComposeForm(FlaskForm):
    session = SelectField("Session", validators=[InputRequired("Choisissez la session.")])
    slot_at = DateTimeLocalField(
        "Heure de passage du candidat",
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired("Indiquez l'heure de passage.")],
        description="Heure de Paris.",
    )
    certifier = SelectField(
        "Représentant de l'organisme certificateur",
        validators=[InputRequired("Choisissez un membre.")],
    )
    professional = SelectField(
        "Professionnel expérimenté de la branche",
        validators=[InputRequired("Choisissez un membre.")],
    )
    trained = MultiCheckboxField(
        "Membres ayant formé le candidat (déclaré)", validators=[Optional()]
    )
    override_reason = TextAreaField(
        "Raison de la dérogation (administrateur seulement)",
        filters=[strip],
        validators=[Optional(), Length(max=1000), no_control_characters],
        description="Seulement si un membre est employé par l'employeur actuel du candidat.",
    )


class DeclarationForm(FlaskForm):
    confirm = BooleanField(
        "Je le déclare sur l'honneur.", validators=[InputRequired("Cochez la case pour déclarer.")]
    )


class SignForm(FlaskForm):
    """The signature of the grid as the member saw it: ``grid_version`` is that grid's."""

    confirm = BooleanField(
        "Je le déclare sur l'honneur.", validators=[InputRequired("Cochez la case pour signer.")]
    )
    grid_version = IntegerField(
        widget=widgets.HiddenInput(),
        validators=[InputRequired("La version de la grille manque : rechargez la page.")],
    )


VALIDATED = [SelectChoice("1", "Validée"), SelectChoice("0", "Non validée")]
BLOCK_RESULT = [SelectChoice("1", "Validé"), SelectChoice("0", "Non validé")]
# A ticked criterion posts "1"; "0" (older clients, tests) means not ticked.
UNTICKED = (False, "false", "", "0")


def field_key(*parts: str) -> str:
    return "__".join(p.replace(".", "_").replace("-", "_") for p in parts)


def _none_key(code: str) -> str:
    return field_key(code, "none")


class _GridForm(FlaskForm):
    """The grid: a criterion is ticked when met; « aucun critère atteint » judges a competency
    none of whose criteria is met (without it, an untouched competency stays « à évaluer »)."""

    grid_blocks: tuple[Any, ...] = ()

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for block in self.grid_blocks:
            for competency in block.competencies:
                if not competency.criteria:
                    continue
                none = self[_none_key(competency.code)]
                ticked = any(
                    self[field_key(competency.code, str(i))].data
                    for i in range(len(competency.criteria))
                )
                if none.data and ticked:
                    none.errors = [
                        *none.errors,
                        "Décochez « Aucun critère atteint » ou les critères atteints.",
                    ]
                    valid = False
        return valid


def grid_form(
    blocks: list[Any],
    grid: dict[str, Any],
    formdata: Any = None,
    words: UnitWords = DEFAULT_WORDS,
) -> FlaskForm:
    """One checkbox per criterion (a radio per competency without criteria), comments,
    préconisations; ``words`` names the blocks as the certification does."""

    class GridForm(_GridForm):
        pass

    GridForm.grid_blocks = tuple(blocks)
    data: dict[str, Any] = {}
    for block in blocks:
        for competency in block.competencies:
            values = grid.get("competencies", {}).get(competency.code, {})
            if competency.criteria:
                answers = list(values.get("criteria") or [])
                for index, criterion in enumerate(competency.criteria):
                    key = field_key(competency.code, str(index))
                    setattr(GridForm, key, BooleanField(criterion, false_values=UNTICKED))
                    data[key] = index < len(answers) and answers[index] is True
                setattr(
                    GridForm,
                    _none_key(competency.code),
                    BooleanField("Aucun critère atteint", false_values=UNTICKED),
                )
                data[_none_key(competency.code)] = bool(answers) and all(
                    a is False for a in answers
                )
            else:
                key = field_key(competency.code, "validated")
                setattr(
                    GridForm,
                    key,
                    RadioField(
                        f"Résultat de la compétence {competency.code}",
                        choices=VALIDATED,
                        validators=[Optional()],
                    ),
                )
                if values.get("validated") is not None:
                    data[key] = "1" if values["validated"] else "0"
            key = field_key(competency.code, "comment")
            setattr(
                GridForm,
                key,
                TextAreaField(
                    f"Commentaire sur {competency.code}",
                    filters=[strip],
                    validators=[Optional(), Length(max=2000), no_control_characters],
                ),
            )
            data[key] = values.get("comment", "")
        block_values = grid.get("blocks", {}).get(block.code, {})
        for name, label in (
            ("comment", f"Commentaire sur {words.the_block} {block.code}"),
            ("recommendation", f"Préconisations pour {words.the_block} {block.code}"),
        ):
            key = field_key(block.code, name)
            setattr(
                GridForm,
                key,
                TextAreaField(
                    label,
                    filters=[strip],
                    validators=[Optional(), Length(max=4000), no_control_characters],
                ),
            )
            data[key] = block_values.get(name, "")
    if formdata is not None:
        return GridForm(formdata=formdata)
    return GridForm(data=data)


def _criteria_answers(form: Any, competency: Any) -> list[bool | None]:
    """Ticked criteria are met; the others are not met once the competency is judged."""
    ticked = [
        bool(form[field_key(competency.code, str(i))].data) for i in range(len(competency.criteria))
    ]
    if any(ticked) or form[_none_key(competency.code)].data:
        return ticked
    return [None] * len(ticked)


def grid_answers(form: Any, blocks: list[Any]) -> dict[str, Any]:
    """The grid JSON from a validated grid form."""

    def value(key: str) -> bool | None:
        raw = form[key].data
        return {"1": True, "0": False}.get(raw or "")

    competencies: dict[str, Any] = {}
    block_notes: dict[str, Any] = {}
    for block in blocks:
        for competency in block.competencies:
            entry: dict[str, Any] = {
                "comment": form[field_key(competency.code, "comment")].data or ""
            }
            if competency.criteria:
                entry["criteria"] = _criteria_answers(form, competency)
            else:
                entry["validated"] = value(field_key(competency.code, "validated"))
            competencies[competency.code] = entry
        block_notes[block.code] = {
            name: form[field_key(block.code, name)].data or ""
            for name in ("comment", "recommendation")
        }
    return {"competencies": competencies, "blocks": block_notes}


class ProclaimForm(FlaskForm):
    proclaimed_on = FrenchDateField(
        "Date de la proclamation", validators=[InputRequired("Indiquez la date.")]
    )


def proclaim_fields(form_class: type, codes: list[str], words: UnitWords = DEFAULT_WORDS) -> None:
    """A result radio and a reason field per block, named as the certification names it."""
    for code in codes:
        setattr(
            form_class,
            field_key(code, "result"),
            RadioField(f"{words.Block} {code}", choices=VALIDATED, validators=[InputRequired()]),
        )
        setattr(
            form_class,
            field_key(code, "reason"),
            StringField(
                f"Raison de l'écart pour {words.the_block} {code}",
                filters=[strip],
                validators=[Optional(), Length(max=1000), no_control_characters],
            ),
        )
