"""What the dossier pages show, prepared from the models and the assessment (no queries)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from flask import url_for
from wtforms import SelectChoice

from forms.dossier import UploadForm
from forms.plain import PlainField, plain_fields
from vae import french
from vae.dossier.enums import PROOF_KINDS, AttachmentKind, DossierStatus
from vae.dossier.models import Activity, Dossier, Training
from vae.dossier.steps import done_count
from vae.roles import Role
from vae.rules.eligibility import Assessment

days_fr = french.days


def years_fr(days: float) -> str:
    return f"{days / 365:.2f}".replace(".", ",")


@dataclass
class Explained:
    """The assessment in plain French, ready for the template."""

    headline: str
    eligible: bool
    lines: list[str]
    per_activity: list[dict[str, Any]]
    warnings: list[str]


def explain(dossier: Dossier, assessment: Assessment) -> Explained:
    rule = assessment.rule
    lines: list[str] = []
    if rule.required_years:
        window = f" au cours des {rule.window_years} dernières années" if rule.window_years else ""
        lines.append(
            f"Règle de la certification : au moins {days_fr(rule.required_years)} an"
            f"{'s' if rule.required_years > 1 else ''} d'expérience en rapport avec la "
            f"certification, en équivalent temps plein{window}, soit "
            f"{french.day_count(assessment.required_fte_days)}."
        )
    else:
        lines.append(
            "Règle de la certification : au moins une activité en rapport avec la "
            "certification, sans durée minimale."
        )
    if assessment.window_start:
        lines.append(
            f"Période prise en compte : du {french.long_date(assessment.window_start)} au "
            f"{french.long_date(assessment.reference_date)}."
        )
    lines.append(
        f"Expérience en rapport avec la certification dans cette période : "
        f"{french.day_count(assessment.relevant_fte_days)} en équivalent temps plein "
        f"({years_fr(assessment.relevant_fte_days)} ans)."
    )
    lines.append(
        "Expérience totale, tous secteurs confondus : "
        f"{french.day_count(assessment.total_fte_days)} en équivalent temps plein "
        f"({years_fr(assessment.total_fte_days)} ans)."
    )
    if assessment.eligible:
        headline = "Vous êtes éligible : votre expérience atteint la durée demandée."
    else:
        headline = "Vous n'êtes pas encore éligible."
        if rule.required_years:
            lines.append(
                f"Il manque {french.day_count(assessment.missing_fte_days)} "
                "en équivalent temps plein."
            )
        if assessment.eligible_from:
            lines.append(
                "Si vos activités en cours se poursuivent ainsi, vous serez éligible à partir "
                f"du {french.long_date(assessment.eligible_from)}."
            )
    per_activity = []
    for activity, result in zip(dossier.activities, assessment.activities, strict=True):
        if not result.counted:
            status = f"Ne compte pas : {result.reason}"
        elif not activity.relevant:
            status = "Compte dans l'expérience totale, pas pour l'éligibilité (hors rapport)."
        elif not result.in_window:
            status = "En dehors de la période prise en compte."
        else:
            status = "Compte pour l'éligibilité."
        per_activity.append(
            {
                "activity": activity,
                "result": result,
                "status": status,
                "in_window": days_fr(result.fte_days_in_window),
                "total": days_fr(result.fte_days_total),
            }
        )
    return Explained(headline, assessment.eligible, lines, per_activity, list(assessment.warnings))


def timeline(dossier: Dossier, assessment: Assessment) -> Any:
    from vae.dossier.timeline import TimelineActivity, render_timeline

    items = [
        TimelineActivity(
            label=activity.title,
            start=activity.start_date,
            end=activity.end_date,
            fraction=result.fraction,
            counted=result.counted,
            relevant=activity.relevant,
            reason=result.reason,
        )
        for activity, result in zip(dossier.activities, assessment.activities, strict=True)
    ]
    return render_timeline(
        items,
        reference_date=assessment.reference_date,
        window_start=assessment.window_start,
        required_fte_days=assessment.required_fte_days,
        relevant_fte_days=assessment.relevant_fte_days,
    )


# --- attachments -----------------------------------------------------------------------------


@dataclass
class UploadTarget:
    key: str
    title: str
    kinds: tuple[AttachmentKind, ...]
    required: bool
    hint: str
    activity: Activity | None = None
    training: Training | None = None
    files: list[Any] = field(default_factory=list)

    @property
    def satisfied(self) -> bool:
        return bool(self.files)


HINTS = {
    "salarie": "Une attestation signée de votre employeur, ou vos bulletins de salaire "
    "(les bulletins récapitulatifs annuels suffisent).",
    "non_salarie": "Un justificatif de votre activité non salariée (par exemple un extrait "
    "d'immatriculation ou une attestation de l'organisme).",
    "benevole": "Une attestation signée par deux responsables de l'association ayant pouvoir "
    "de signature. Obligatoire : sans elle, l'activité bénévole ne compte pas.",
}


def upload_targets(dossier: Dossier) -> list[UploadTarget]:
    live = dossier.live_attachments()
    targets = [
        UploadTarget(
            key=f"a-{activity.id}",
            title=activity.label,
            kinds=PROOF_KINDS[activity.status],
            required=True,
            hint=HINTS[activity.status.value],
            activity=activity,
            files=[a for a in live if a.activity_id == activity.id],
        )
        for activity in dossier.activities
    ]
    targets += [
        UploadTarget(
            key=f"t-{training.id}",
            title=f"Formation : {training.title}",
            kinds=(AttachmentKind.TRAINING_ATTESTATION,),
            required=False,
            hint="L'attestation, le certificat ou le diplôme obtenu, si vous l'avez.",
            training=training,
            files=[a for a in live if a.training_id == training.id],
        )
        for training in dossier.trainings
    ]
    return targets


def upload_fields(
    targets: list[UploadTarget], posted: dict[str, UploadForm]
) -> dict[str, dict[str, PlainField]]:
    """Each target's upload fields as plain data: one unbound form gives the labels, a refused
    POST (``posted``, by target key) its values and errors."""
    form = UploadForm(formdata=None)
    fields: dict[str, dict[str, PlainField]] = {}
    for target in targets:
        if target.key in posted:
            fields[target.key] = plain_fields(posted[target.key])
            continue
        row = plain_fields(form, {"target": target.key}, prefix=f"{target.key}-")
        choices = tuple((k.value, k.label) for k in target.kinds)
        row["kind"] = replace(row["kind"], choices=choices)
        fields[target.key] = row
    return fields


def upload_form(target: UploadTarget, formdata: Any = None) -> UploadForm:
    kwargs: dict[str, Any] = {"prefix": target.key}
    if formdata is None:
        kwargs["formdata"] = None
    form = UploadForm(**kwargs)
    form.kind.choices = [SelectChoice(k.value, k.label) for k in target.kinds]
    form.target.data = target.key
    return form


# --- attestation models ------------------------------------------------------------------------


def attestation_pdf(dossier: Dossier, activity: Activity) -> tuple[bytes, str]:
    from vae.dossier.attestations import (
        ActivityInfo,
        PersonInfo,
        employer_attestation_pdf,
        volunteer_attestation_pdf,
    )

    person = PersonInfo(
        last_name=dossier.last_name,
        first_name=dossier.first_name,
        address=dossier.address,
        postcode=dossier.postcode,
        city=dossier.city,
        phone=dossier.phone,
        email=dossier.email,
    )
    info = ActivityInfo(
        title=activity.title,
        employer_name=activity.employer_name,
        employer_address=activity.employer_address,
        sector=activity.sector,
        status=activity.status.value,
        start=activity.start_date,
        end=activity.end_date,
        work_time_label=activity.work_time_label,
        main_activities=activity.main_activities,
    )
    title = dossier.referential.title
    if activity.status.value == "benevole":
        return volunteer_attestation_pdf(person, info, title), "attestation-association.pdf"
    return employer_attestation_pdf(person, info, title), "attestation-employeur.pdf"


# --- dashboard ----------------------------------------------------------------------------------


@dataclass
class Card:
    dossier: Dossier
    done: int
    total: int
    missing: list[str]
    next_label: str
    next_url: str


def dashboard_card(dossier: Dossier, states: list[Any]) -> Card:
    """The dashboard's card of a dossier: progress and the one next thing to do."""
    done = done_count(states)
    missing = [p for s in states[:-1] for p in s.problems]
    summary = states[-1].step
    if dossier.status in (DossierStatus.DRAFT, DossierStatus.INCOMPLETE):
        if missing:
            first = next(s for s in states if not s.complete)
            label = f"Continuer : {first.step.title.lower()}"
            target = first.step.url(dossier.id)
        else:
            label, target = "Relire et déposer le dossier", summary.url(dossier.id)
    elif dossier.status in (DossierStatus.RECEVABLE, DossierStatus.LIVRET2_IN_PROGRESS):
        label, target = "Rédiger mon livret 2", url_for("livret2.overview", dossier_id=dossier.id)
    elif dossier.status in (DossierStatus.PROCLAIMED, DossierStatus.CLOSED):
        label, target = "Voir mes résultats", url_for("jury.results", dossier_id=dossier.id)
    else:
        label, target = "Voir le dossier déposé", summary.url(dossier.id)
    return Card(dossier, done, len(states), missing, label, target)


# --- what the candidate sees of the review --------------------------------------------------------

HISTORY_SENTENCES = {
    "created": "Dossier créé.",
    "submitted": "Dossier déposé ({comment}).",
    "assigned": "Dossier pris en charge par un chargé de mission de la CPNEFP.",
    "decided": "Décision de la CPNEFP : {to}.",
    "decided_implicitly": "Décision implicite d'acceptation : sans réponse dans les deux mois, "
    "le dossier est recevable.",
    "implicit_withdrawn": "Retrait de la décision implicite ; dossier de nouveau en examen.",
    "livret2_submitted": "Livret 2 déposé ({comment}).",
    "livret2_returned": "Livret 2 renvoyé pour être complété.",
    "jury_composed": "Jury composé ; convocation envoyée.",
    "proclaimed": "Résultats proclamés par le jury paritaire national.",
    "attachment_added": "Pièce ajoutée : {comment}.",
    "attachment_removed": "Pièce retirée : {comment}.",
    # The changes the candidate or an accompagnateur makes to the draft and the livret 2.
    "option_chosen": "Certification visée enregistrée.",
    "identity_saved": "Identité enregistrée.",
    "activity_saved": "Activité enregistrée.",
    "activity_deleted": "Activité supprimée.",
    "education_saved": "Formation initiale enregistrée.",
    "training_saved": "Formation continue enregistrée.",
    "training_deleted": "Formation continue supprimée.",
    "reordered": "Ordre des activités ou des formations modifié.",
    "cv_saved": "CV synthétique enregistré.",
    "complement_answered": "Réponse à un complément demandé.",
    "livret2_targets": "Blocs visés du livret 2 enregistrés.",
    "situation_saved": "Situation du livret 2 enregistrée.",
    "situation_deleted": "Situation du livret 2 supprimée.",
}
# Whose name the candidate's history shows: theirs and their accompagnateurs' (the CPNEFP's
# officers and the system act as institutions there, named by the sentence itself).
NAMED_ACTORS = frozenset({Role.CANDIDATE.value, Role.ACCOMPAGNATEUR.value})


@dataclass(frozen=True)
class HistoryLine:
    """One line of the candidate's history: when, what, and who when it was them or a helper."""

    at: Any
    sentence: str
    actor: str = ""


def candidate_history(entries: list[Any]) -> list[HistoryLine]:
    """The dossier's history in plain French, without the officers' internal notes; each
    change of the candidate or an accompagnateur names who made it."""
    from vae.dossier.enums import DossierStatus

    events = []
    for entry in entries:
        template = HISTORY_SENTENCES.get(entry.action)
        if template is None:
            continue
        to = DossierStatus(entry.to_state).label.lower() if entry.to_state else ""
        actor = entry.actor_label if entry.actor_role in NAMED_ACTORS else ""
        sentence = template.format(comment=entry.comment or "", to=to)
        events.append(HistoryLine(entry.at, sentence, actor))
    return events


def history_title(dossier: Any, user: Any) -> str:
    """« Historique de votre dossier » for its candidate, « Historique du dossier de Prénom
    Nom » for anyone else reading it (an accompagnateur)."""
    if dossier.is_owned_by(user):
        return "Historique de votre dossier"
    candidate = dossier.candidate
    return f"Historique du dossier de {candidate.first_name} {candidate.last_name}"
