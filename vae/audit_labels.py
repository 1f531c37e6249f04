"""The audit trail in plain French: every action and state code has its label, for every role.

:func:`audit_lines` turns :class:`vae.audit.AuditEntry` rows into the lines the history
tables show (staff review page, administrator's account page): the actions from
:data:`ACTION_LABELS`, the states from the status enums' own labels, dates in French, and
comments that are codes (an option code) replaced by the referential's title.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from vae import french
from vae.dossier.enums import DossierStatus
from vae.jury.models import MemberKind
from vae.roles import ROLE_LABELS

ACTION_LABELS = {
    # dossier de recevabilité (livret 1)
    "created": "Création",
    "option_chosen": "Choix de la certification",
    "identity_saved": "Identité enregistrée",
    "activity_saved": "Activité enregistrée",
    "activity_deleted": "Activité supprimée",
    "education_saved": "Formation initiale enregistrée",
    "training_saved": "Formation enregistrée",
    "training_deleted": "Formation supprimée",
    "reordered": "Ordre des activités ou formations modifié",
    "cv_saved": "CV enregistré",
    "attachment_added": "Pièce ajoutée",
    "attachment_removed": "Pièce retirée",
    "submitted": "Dépôt du dossier",
    "complement_answered": "Réponse à un complément demandé",
    # review by the CPNEFP
    "assigned": "Attribution à un chargé de mission",
    "finding": "Constat sur une activité",
    "decided": "Décision de recevabilité",
    "decided_implicitly": "Décision implicite d'acceptation (délai de deux mois échu)",
    "implicit_withdrawn": "Retrait de la décision implicite",
    # livret 2
    "livret2_opened": "Livret 2 ouvert",
    "inactivity_reminder_draft": "Rappel envoyé : brouillon inactif depuis 60 jours",
    "inactivity_reminder_livret2": "Rappel envoyé : livret 2 inactif depuis 90 jours",
    "livret2_targets": "Blocs visés enregistrés",
    "situation_saved": "Situation enregistrée",
    "situation_deleted": "Situation supprimée",
    "livret2_submitted": "Livret 2 déposé",
    "livret2_returned": "Livret 2 renvoyé pour compléments",
    "livret2_deadline_extended": "Date limite du livret 2 prolongée",
    # jury
    "updated": "Modification",
    "jury_composed": "Jury composé",
    "conflict_declared": "Absence de conflit d'intérêts déclarée",
    "grid_saved": "Grille d'évaluation enregistrée",
    "grid_signed": "Grille d'évaluation signée",
    "jury_signed": "Proposition du jury signée",
    "proclaimed": "Résultats proclamés",
    "withdrawn": "Demande retirée par le candidat",
    "draft_discarded": "Brouillon abandonné",
    "resumed": "Dossier repris d'un dossier précédent",
    "closed": "Dossier clos (certificats remis)",
    "closed_automatically": "Dossier clos automatiquement après la proclamation",
    "certification_awarded": "Certification délivrée",
    # accompagnateurs
    "accompagnateur_invited": "Accompagnateur invité",
    "accompagnateur_accepted": "Invitation d'accompagnateur acceptée",
    "accompagnateur_revoked": "Accompagnateur retiré par le candidat",
    "accompagnateur_signed_up": "Inscription d'un accompagnateur par son invitation",
    # accounts
    "signed_up": "Inscription",
    "signup_repeated": "Nouvelle inscription avec la même adresse",
    "account_created": "Compte créé par un administrateur",
    "email_confirmed": "Adresse électronique confirmée",
    "logged_in": "Connexion",
    "logged_out": "Déconnexion",
    "password_reset_requested": "Demande de nouveau mot de passe",
    "password_reset": "Mot de passe changé",
    "role_changed": "Rôle modifié",
    "activated": "Compte réactivé",
    "deactivated": "Compte désactivé",
    # personal data and referentials
    "personal_data_exported": "Export des données personnelles",
    "deletion_requested": "Demande d'effacement",
    "draft_erased": "Brouillon effacé",
    "anonymised": "Anonymisation",
    "referential_loaded": "Référentiel chargé",
    # certifiers
    "certifier_created": "Certificateur créé au chargement d'un référentiel",
    "certifier_updated": "Coordonnées du certificateur modifiées",
    "certifiers_changed": "Certificateurs du compte modifiés",
    "webhook_added": "Adresse de notification (webhook) ajoutée",
    "webhook_disabled": "Adresse de notification (webhook) désactivée",
    # interop API tokens
    "api_token_created": "Jeton d'API créé",
    "api_token_revoked": "Jeton d'API révoqué",
    "api_call": "Appel de l'API",
}

STATE_LABELS: dict[str, str] = {
    **{status.value: status.label for status in DossierStatus},
    **{str(role): str(label) for role, label in ROLE_LABELS.items()},
    "unconfirmed": "Adresse non confirmée",
    "active": "Actif",
    "inactive": "Désactivé",
    "erased": "Effacé",
    **{kind.value: kind.label for kind in MemberKind},
}

# Actions whose comment is an option code, shown as the option's title.
OPTION_COMMENTS = frozenset({"option_chosen"})


@dataclass(frozen=True)
class AuditLine:
    """One history line, every part in French."""

    at: datetime
    actor_label: str
    action: str
    from_state: str
    to_state: str
    comment: str


def action_label(code: str) -> str:
    """« Dépôt du dossier » for ``submitted``; an unknown code reads « Autre action »."""
    return ACTION_LABELS.get(code, "Autre action")


def state_label(value: str | None) -> str:
    """A status, role or account state in French; ISO dates as French dates; names and
    versions (« v2 ») as they are."""
    if not value:
        return ""
    if value in STATE_LABELS:
        return STATE_LABELS[value]
    try:
        date.fromisoformat(value)
    except ValueError:
        return value
    return french.date_fr(value)


def audit_lines(entries: Iterable[Any], referential: Any = None) -> list[AuditLine]:
    """The history rows in French; ``referential`` names the options of a dossier's comments."""
    options = {o.code: o.title for o in getattr(referential, "options", None) or []}
    lines = []
    for entry in entries:
        comment = entry.comment or ""
        if entry.action in OPTION_COMMENTS:
            comment = options.get(comment, comment)
        lines.append(
            AuditLine(
                at=entry.at,
                actor_label=entry.actor_label,
                action=action_label(entry.action),
                from_state=state_label(entry.from_state),
                to_state=state_label(entry.to_state),
                comment=comment,
            )
        )
    return lines
