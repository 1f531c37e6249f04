"""The dossier's steps: one URL each, complete only when valid; submission re-checks them all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vae.dossier.models import PROOF_KINDS, Dossier


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    endpoint: str
    problems: Callable[[Dossier], list[str]]


@dataclass(frozen=True)
class StepState:
    step: Step
    number: int
    problems: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.problems


def _certification(dossier: Dossier) -> list[str]:
    if dossier.referential.options and dossier.option is None:
        label = dossier.referential.option_label
        article = "la " if label == "mention" else "l’"
        return [f"Choisissez {article}{label} visée."]
    return []


def _identity(dossier: Dossier) -> list[str]:
    missing = [
        label
        for label, value in (
            ("nom", dossier.last_name),
            ("prénom", dossier.first_name),
            ("adresse", dossier.address),
            ("code postal", dossier.postcode),
            ("ville", dossier.city),
            ("téléphone", dossier.phone),
            ("adresse électronique", dossier.email),
        )
        if not value
    ]
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
    problems = []
    for activity in dossier.activities:
        if not activity.proofs():
            kinds = " ou ".join(k.label.lower() for k in PROOF_KINDS[activity.status])
            problems.append(f"« {activity.title} » : joignez {kinds}.")
    return problems


def _summary(dossier: Dossier) -> list[str]:
    return []


STEPS = (
    Step("certification", "Certification visée", "dossier.step_certification", _certification),
    Step("identite", "Identité", "dossier.step_identity", _identity),
    Step("experience", "Expérience", "dossier.step_experience", _experience),
    Step("formation", "Formation", "dossier.step_training", _training),
    Step("cv", "CV synthétique", "dossier.step_cv", _cv),
    Step("pieces", "Pièces justificatives", "dossier.step_attachments", _attachments),
    Step("recapitulatif", "Récapitulatif et dépôt", "dossier.step_summary", _summary),
)
STEP_KEYS = [s.key for s in STEPS]


def states(dossier: Dossier) -> list[StepState]:
    return [
        StepState(step, number, tuple(step.problems(dossier)))
        for number, step in enumerate(STEPS, start=1)
    ]


def blocking_problems(dossier: Dossier) -> list[tuple[StepState, str]]:
    """Every problem of every step before the summary: submission needs none."""
    return [(state, p) for state in states(dossier)[:-1] for p in state.problems]
