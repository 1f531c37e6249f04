"""The dossier's steps, as pretix's checkout flow: each step object names its title, what it
lacks and where it is served; a form step also names its form, template and save operation,
and the one generic view of vae.dossier.step_views serves it. Complete only when valid;
submission re-checks them all."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_wtf import FlaskForm

from forms.dossier import CvForm, EducationForm, IdentityForm
from forms.dossier_scope import ScopeOptionForm
from vae.dossier import operations, scope
from vae.dossier.enums import PROOF_KINDS
from vae.dossier.models import Dossier
from vae.rules.identity import IDENTITY_FIELDS, missing_identity

BLUEPRINT = "dossier"
GENERIC_VIEW = "step"


@dataclass(frozen=True)
class Step:
    """A step with its own page view (a list with item routes, or the summary)."""

    key: str
    title: str
    problems: Callable[[Dossier], list[str]]
    view: str = GENERIC_VIEW

    def url(self, dossier_id: uuid.UUID, **values: Any) -> str:
        """The step's address for this dossier (one address per step)."""
        if self.view == GENERIC_VIEW:
            values["key"] = self.key
        return url_for(f"{BLUEPRINT}.{self.view}", dossier_id=dossier_id, **values)


def _from_model(form: type[FlaskForm], dossier: Dossier) -> FlaskForm:
    return form(obj=dossier)


@dataclass(frozen=True)
class FormStep(Step):
    """A step that is one form: shown by the generic view, saved by its operation.

    ``save`` changes the dossier from the validated form (it raises ``DossierError`` on a
    refusal, the two-tab conflict included); ``saved`` is the French message shown after it.
    """

    form: type[FlaskForm] = FlaskForm
    template: str = ""
    save: Callable[[Dossier, Any], None] = lambda _dossier, _form: None
    saved: str = "Enregistré."
    build: Callable[[type[FlaskForm], Dossier], FlaskForm] = _from_model

    def form_for(self, dossier: Dossier) -> FlaskForm:
        """The step's form, filled from the dossier (and from the request when posted)."""
        return self.build(self.form, dossier)


@dataclass(frozen=True)
class StepState:
    """One step of one dossier: the one source of the stepper's and the dashboard's states."""

    step: Step
    number: int
    problems: tuple[str, ...]
    done: bool = False

    @property
    def complete(self) -> bool:
        return not self.problems

    @property
    def label(self) -> str:
        """The step's state in French, as the stepper and the dashboard say it."""
        if self.step is SUMMARY:
            return "déposé" if self.done else "à déposer"
        return "terminée" if self.done else "à compléter"


def _certification(dossier: Dossier) -> list[str]:
    problems = []
    if dossier.referential.options and dossier.option is None:
        label = dossier.referential.option_label
        article = "la " if label == "mention" else "l’"
        problems.append(f"Choisissez {article}{label} visée.")
    if dossier.requested_blocks == []:
        problems.append(f"Cochez au moins un {dossier.referential.block_label} demandé.")
    return problems


def _identity(dossier: Dossier) -> list[str]:
    missing = missing_identity({name: getattr(dossier, name) for name in IDENTITY_FIELDS})
    return [f"Renseignez : {', '.join(missing)}."] if missing else []


def _experience(dossier: Dossier) -> list[str]:
    if not dossier.activities:
        return ["Ajoutez au moins un emploi ou une activité bénévole."]
    if not any(a.relevant for a in dossier.activities):
        return ["Aucune activité n'est indiquée en rapport avec la certification."]
    return []


def _training(dossier: Dossier) -> list[str]:
    if dossier.education_saved_at is None:
        return ["Indiquez votre formation initiale (ou enregistrez l'étape si vous n'en avez pas)."]
    return []


def _cv(dossier: Dossier) -> list[str]:
    return [] if dossier.cv.strip() else ["Rédigez votre CV synthétique."]


def _attachments(dossier: Dossier) -> list[str]:
    if not dossier.activities:
        return ["Déclarez d'abord vos activités à l'étape « Expérience »."]
    problems = []
    for activity in dossier.activities:
        if not activity.proofs():
            kinds = " ou ".join(k.label.lower() for k in PROOF_KINDS[activity.status])
            problems.append(f"« {activity.title} » : joignez {kinds}.")
    return problems


def _summary(dossier: Dossier) -> list[str]:
    return []


def _option_form(form: type[FlaskForm], dossier: Dossier) -> FlaskForm:
    data = {
        "option": dossier.option_code,
        "scope": scope.BLOCKS if dossier.blocks_only else scope.WHOLE,
        "blocks": scope.default_codes(dossier),
    }
    form = form(dossier.referential, data=data)
    form.block_choices = scope.choices(dossier)
    return form


def _save_option(dossier: Dossier, form: Any) -> None:
    requested = (form.blocks.data or []) if form.blocks_only else None
    operations.set_option(dossier, form.option.data, requested)


def _save_identity(dossier: Dossier, form: Any) -> None:
    operations.save_identity(dossier, {name: form[name].data for name in IDENTITY_FIELDS})


def _save_education(dossier: Dossier, form: Any) -> None:
    operations.save_education(
        dossier, form.diplomas_prepared.data or "", form.diplomas_obtained.data or ""
    )


CERTIFICATION = FormStep(
    "certification",
    "Certification visée",
    _certification,
    form=ScopeOptionForm,
    template="dossier/step_certification.html",
    save=_save_option,
    build=_option_form,
)
IDENTITY = FormStep(
    "identite",
    "Identité",
    _identity,
    form=IdentityForm,
    template="dossier/step_identity.html",
    save=_save_identity,
    saved="Votre identité est enregistrée.",
)
EXPERIENCE = Step("experience", "Expérience", _experience, view="step_experience")
TRAINING = FormStep(
    "formation",
    "Formation",
    _training,
    form=EducationForm,
    template="dossier/step_training.html",
    save=_save_education,
    saved="Votre formation initiale est enregistrée.",
)
CV = FormStep(
    "cv",
    "CV synthétique",
    _cv,
    form=CvForm,
    template="dossier/step_cv.html",
    save=lambda dossier, form: operations.save_cv(dossier, form.cv.data),
    saved="Votre CV est enregistré.",
)
ATTACHMENTS = Step("pieces", "Pièces justificatives", _attachments, view="step_attachments")
SUMMARY = Step("recapitulatif", "Récapitulatif et dépôt", _summary, view="step_summary")

STEPS: tuple[Step, ...] = (CERTIFICATION, IDENTITY, EXPERIENCE, TRAINING, CV, ATTACHMENTS, SUMMARY)
FORM_STEPS: dict[str, FormStep] = {s.key: s for s in STEPS if isinstance(s, FormStep)}


def states(dossier: Dossier) -> list[StepState]:
    """Every step's state; the summary is done once the dossier is submitted (read-only)."""
    result = []
    for number, step in enumerate(STEPS, start=1):
        problems = tuple(step.problems(dossier))
        done = not dossier.editable if step is SUMMARY else not problems
        result.append(StepState(step, number, problems, done))
    return result


def next_state(step_states: list[StepState], step: Step) -> StepState | None:
    """The state of the step after ``step`` (None after the last one)."""
    number = next(s.number for s in step_states if s.step == step)
    return step_states[number] if number < len(step_states) else None


def done_count(step_states: list[StepState]) -> int:
    """How many of the dossier's steps are done (out of ``len(step_states)``)."""
    return sum(1 for s in step_states if s.done)


def following(step: Step) -> Step:
    """The step after ``step`` (the summary is its own follower)."""
    index = STEPS.index(step)
    return STEPS[min(index + 1, len(STEPS) - 1)]


def blocking_problems(dossier: Dossier) -> list[tuple[StepState, str]]:
    """Every problem of every step before the summary: submission needs none."""
    return [(state, p) for state in states(dossier)[:-1] for p in state.problems]
