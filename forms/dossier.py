"""Forms of the candidate's dossier. Every message is French and sits next to its field."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, ValidationError

from forms.auth import EMAIL_MESSAGE
from forms.common import (
    FrenchDateField,
    FrenchDecimalField,
    RoutingForm,
    long_text_field,
    strip,
    text_field,
)
from vae import clock
from vae.dossier.enums import ACTIVITY_STATUS_LABELS, ActivityStatus, WorkTime
from vae.rules.eligibility import (
    MAX_HOURS_PER_MONTH,
    MAX_HOURS_PER_WEEK,
    decimal_text,
)


def known_scope(_form: Any, field: Field) -> None:
    """« Toute la certification » or « certains blocs » (R6412-3), in French when forged."""
    if field.data not in (None, "", "whole", "blocks"):
        raise ValidationError("Choisissez toute la certification ou certains blocs seulement.")


class StartForm(FlaskForm):
    certification = RadioField(
        "Certification visée",
        validators=[InputRequired("Choisissez la certification que vous visez.")],
    )

    scope = RadioField(
        "Votre demande porte sur",
        choices=[
            SelectChoice("whole", "Toute la certification"),
            SelectChoice("blocks", "Certains blocs (ou domaines) seulement, à cocher ensuite"),
        ],
        default="whole",
        validators=[Optional(), known_scope],  # not sent: the whole certification
        validate_choice=False,
    )

    def __init__(self, versions: Any, **kwargs: Any) -> None:
        """One choice per current referential version."""
        super().__init__(**kwargs)
        self.certification.choices = [(v.referential.code, v.referential.title) for v in versions]

    @property
    def blocks_only(self) -> bool:
        """A request aimed at some blocks only (R6412-3): no quota applies."""
        return self.scope.data == "blocks"


class OptionForm(FlaskForm):
    option = RadioField("Option", validators=[InputRequired("Choisissez une possibilité.")])

    def __init__(self, referential: Any, **kwargs: Any) -> None:
        """The referential's options (or mentions), each with the blocks it leads to."""
        super().__init__(**kwargs)
        self.option.label.text = referential.option_label.capitalize()
        self.option.choices = [
            (o.code, f"{o.title} ({', '.join(o.blocks)})") for o in referential.options
        ]
        if not referential.options:
            # Nothing to choose: « Continuer » must simply lead on (it was refused before).
            self.option.validators = [Optional()]
            self.option.validate_choice = False


class MoveForm(FlaskForm):
    """The « Monter » and « Descendre » buttons of a list."""

    direction = HiddenField()

    @property
    def offset(self) -> int:
        """-1 to move up, +1 to move down."""
        return -1 if self.direction.data == "haut" else 1


class IdentityForm(FlaskForm):
    last_name = text_field("Nom", "Indiquez votre nom.", 100)
    first_name = text_field("Prénom", "Indiquez votre prénom.", 100)
    address = text_field(
        "Adresse",
        "Indiquez votre adresse.",
        300,
        description="Numéro et voie, complément éventuel.",
    )
    postcode = text_field("Code postal", "Indiquez votre code postal.", 10)
    city = text_field("Ville", "Indiquez votre ville.", 100)
    phone = text_field(
        "Téléphone",
        "Indiquez un numéro de téléphone.",
        30,
        description="Par exemple 06 12 34 56 78 ou +33 6 12 34 56 78.",
    )
    email = EmailField(
        "Adresse électronique",
        filters=[strip],
        validators=[
            InputRequired("Indiquez votre adresse électronique."),
            Email(EMAIL_MESSAGE),
            Length(max=254),
        ],
    )

    def validate_postcode(self, field: Field) -> None:
        if not re.fullmatch(r"[0-9A-Za-z \-]{2,10}", field.data or ""):
            raise ValidationError("Code postal invalide : par exemple 75011.")

    def validate_phone(self, field: Field) -> None:
        digits = re.sub(r"[\s.\-()]", "", field.data or "")
        if not re.fullmatch(r"\+?[0-9]{8,15}", digits):
            raise ValidationError("Numéro invalide : par exemple 06 12 34 56 78.")


WORK_TIME_CHOICES = [
    SelectChoice(WorkTime.FULL_TIME.value, "Temps plein"),
    SelectChoice(WorkTime.PERCENT.value, "Temps partiel, en pourcentage d'un temps plein"),
    SelectChoice(WorkTime.HOURS_PER_MONTH.value, "Temps partiel, en heures par mois"),
    SelectChoice(WorkTime.HOURS_PER_WEEK.value, "En heures par semaine (activité bénévole)"),
]


class ActivityForm(FlaskForm):
    title = text_field(
        "Intitulé du poste, de la fonction ou de l'activité",
        "Indiquez l'intitulé du poste ou de l'activité.",
        200,
    )
    employer_name = text_field(
        "Nom de l'employeur ou de la structure",
        "Indiquez le nom de l'employeur ou de la structure.",
        200,
    )
    employer_address = text_field("Adresse de l'employeur ou de la structure", None, 300)
    sector = text_field(
        "Domaine d'activité de l'entreprise",
        None,
        200,
        description="Par exemple : mutuelle santé, courtage d'assurances.",
    )
    status = RadioField(
        "Vous étiez",
        choices=[SelectChoice(s.value, ACTIVITY_STATUS_LABELS[s]) for s in ActivityStatus],
        validators=[InputRequired("Indiquez si vous étiez salarié, non salarié ou bénévole.")],
    )
    start_date = FrenchDateField(
        "Depuis le",
        validators=[InputRequired("Indiquez la date de début (jour, mois, année).")],
        description="Jour, mois et année.",
    )
    ongoing = BooleanField("Activité en cours (pas de date de fin)")
    end_date = FrenchDateField(
        "Jusqu'au", validators=[Optional()], description="Laissez vide si l'activité est en cours."
    )
    work_time = RadioField(
        "Temps de travail",
        choices=WORK_TIME_CHOICES,
        validators=[InputRequired("Indiquez le temps de travail.")],
    )
    work_time_value = FrenchDecimalField(
        "Pourcentage ou nombre d'heures",
        places=2,
        validators=[Optional()],
        description="Sauf temps plein : par exemple 50 (%), 75,5 (h par mois) ou 4 (h par "
        "semaine). Au-delà de 35\u00a0h par semaine, l'activité compte comme un temps plein.",
    )
    main_activities = long_text_field("Vos principales activités dans cet emploi", None, 5000)
    relevant = RadioField(
        "Cette activité est-elle en rapport avec la certification visée ?",
        choices=[SelectChoice("oui", "Oui"), SelectChoice("non", "Non")],
        validators=[InputRequired("Répondez par oui ou par non.")],
    )

    def validate_start_date(self, field: Field) -> None:
        if field.data and field.data > clock.today():
            raise ValidationError("La date de début ne peut pas être dans le futur.")
        if field.data and field.data < date(1940, 1, 1):
            raise ValidationError("La date de début semble erronée.")

    def validate(self, extra_validators: Any = None) -> bool:
        """Field checks, then what depends on other fields: the end date, the work-time value."""
        valid = super().validate(extra_validators)
        for field, message in (
            (self.end_date, self._period_problem()),
            (self.work_time_value, self._work_time_problem()),
        ):
            if message:
                field.errors = [*field.errors, message]
                valid = False
        return valid

    def _period_problem(self) -> str | None:
        end = self.end_date
        if end.errors:
            return None
        if self.ongoing.data:
            if end.data:
                return (
                    "Une activité en cours n'a pas de date de fin : videz ce champ ou "
                    "décochez « Activité en cours »."
                )
            return None
        if not end.data:
            return "Indiquez la date de fin, ou cochez « Activité en cours »."
        if self.start_date.data and end.data < self.start_date.data:
            return "La date de fin doit être postérieure à la date de début."
        return None

    def _work_time_problem(self) -> str | None:
        mode = self.work_time.data
        value = self.work_time_value.data
        if mode not in {m.value for m in WorkTime} or mode == WorkTime.FULL_TIME.value:
            return None
        if self.work_time_value.errors:
            return None
        if value is None:
            return "Indiquez le pourcentage ou le nombre d'heures."
        if mode == WorkTime.PERCENT.value and not Decimal(1) <= value <= Decimal(100):
            return "Le pourcentage doit être compris entre 1 et 100."
        for hours_mode, high, unit in (
            (WorkTime.HOURS_PER_MONTH, MAX_HOURS_PER_MONTH, "mois"),
            (WorkTime.HOURS_PER_WEEK, MAX_HOURS_PER_WEEK, "semaine"),
        ):
            if mode == hours_mode.value and value <= 0:
                return f"Le nombre d'heures par {unit} doit être supérieur à 0."
            if mode == hours_mode.value and value > high:
                return (
                    f"Plus de {decimal_text(high)}\u00a0h par {unit} n'est pas plausible : "
                    "vérifiez le nombre d'heures (au-delà d'un temps plein, l'activité compte "
                    "comme un temps plein)."
                )
        return None

    def data_for_model(self) -> dict[str, Any]:
        mode = WorkTime(self.work_time.data)
        return {
            "title": self.title.data,
            "employer_name": self.employer_name.data,
            "employer_address": self.employer_address.data or "",
            "sector": self.sector.data or "",
            "status": ActivityStatus(self.status.data),
            "start_date": self.start_date.data,
            "end_date": None if self.ongoing.data else self.end_date.data,
            "work_time": mode,
            "work_time_value": None if mode == WorkTime.FULL_TIME else self.work_time_value.data,
            "main_activities": self.main_activities.data or "",
            "relevant": self.relevant.data == "oui",
        }

    def fill_from(self, activity: Any) -> None:
        self.title.data = activity.title
        self.employer_name.data = activity.employer_name
        self.employer_address.data = activity.employer_address
        self.sector.data = activity.sector
        self.status.data = activity.status.value
        self.start_date.data = activity.start_date
        self.end_date.data = activity.end_date
        self.ongoing.data = activity.end_date is None
        self.work_time.data = activity.work_time.value
        self.work_time_value.data = activity.work_time_value
        self.main_activities.data = activity.main_activities
        self.relevant.data = "oui" if activity.relevant else "non"


class EducationForm(FlaskForm):
    diplomas_prepared = long_text_field(
        "Diplôme(s) préparé(s)", None, 2000, description="Laissez vide si aucun."
    )
    diplomas_obtained = long_text_field(
        "Diplôme(s) obtenu(s)", None, 2000, description="Laissez vide si aucun."
    )


class TrainingForm(FlaskForm):
    title = text_field("Intitulé de la formation", "Indiquez l'intitulé de la formation.", 200)
    year = IntegerField(
        "Année",
        validators=[
            InputRequired("Indiquez l'année (par exemple 2019)."),
            NumberRange(min=1950, message="Année invalide."),
        ],
    )
    hours = IntegerField(
        "Durée (heures)",
        validators=[
            Optional(),
            NumberRange(min=1, max=5000, message="Durée entre 1 et 5 000 heures."),
        ],
    )
    organisation = text_field("Organisme de formation ou formateur", None, 200)
    content = long_text_field(
        "Contenu de la formation",
        None,
        3000,
        description="Indiquez si vous avez obtenu une attestation, un certificat ou un diplôme.",
    )

    def validate_year(self, field: Field) -> None:
        if field.data and field.data > clock.today().year:
            raise ValidationError("L'année ne peut pas être dans le futur.")


class CvForm(FlaskForm):
    cv = long_text_field(
        "Votre parcours professionnel (CV synthétique)",
        "Rédigez votre CV synthétique.",
        8000,
        description="Présentez l'ensemble de votre parcours, y compris les emplois sans lien "
        "direct avec la certification.",
    )


class UploadTargetForm(RoutingForm):
    """Which of the page's upload forms was sent (its unprefixed ``target`` field)."""

    target = HiddenField()


class UploadForm(FlaskForm):
    target = HiddenField(validators=[InputRequired()])
    kind = SelectField("Type de pièce", validators=[InputRequired("Choisissez le type de pièce.")])
    file = FileField(
        "Fichier",
        validators=[FileRequired("Choisissez un fichier.")],
        description="PDF, JPEG ou PNG, 10 Mo au plus.",
    )


class SubmitForm(FlaskForm):
    """Built per dossier: one checkbox per commitment (see :func:`submit_form`)."""


REVIEWED = (
    "J'ai relu l'ensemble de mon dossier, y compris ce que mes accompagnateurs y ont saisi, "
    "et je confirme qu'il est exact et complet."
)


def submit_form(commitments: Any, formdata: Any = None, *, reviewed: bool = False) -> FlaskForm:
    """``reviewed``: also the confirmation of the whole dossier (an accompanied dossier)."""

    class _Form(SubmitForm):
        pass

    if reviewed:
        required = InputRequired("Cochez cette case une fois votre dossier relu en entier.")
        setattr(_Form, "reviewed", BooleanField(REVIEWED, validators=[required]))  # noqa: B010

    for commitment in commitments:
        setattr(
            _Form,
            commitment.key,
            BooleanField(
                commitment.wording,
                validators=[InputRequired("Cochez cette case pour confirmer cet engagement.")],
            ),
        )
    return _Form(formdata=formdata) if formdata is not None else _Form()


class ComplementAnswerForm(FlaskForm):
    """The candidate's answer to one item of a request for complements (« répondre »)."""

    answer = long_text_field(
        "Votre réponse",
        "Écrivez votre réponse.",
        2000,
        description="Ce que vous avez fait, ou pourquoi la pièce ne peut pas être fournie.",
    )
    # The dossier page the answer was given from, to come back to it.
    next = HiddenField()
