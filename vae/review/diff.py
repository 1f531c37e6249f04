"""What changed between two submitted versions of a dossier (two ``Submission.snapshot``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vae.french import NBSP

# Declared fields shown in the diff, with their French names (computed figures are left out:
# they follow from these and from the reference date).
IDENTITY_NAMES = {
    "last_name": "Nom",
    "first_name": "Prénom",
    "address": "Adresse",
    "postcode": "Code postal",
    "city": "Commune",
    "phone": "Téléphone",
    "email": "Adresse électronique",
}
ACTIVITY_NAMES = {
    "title": "Intitulé",
    "employer_name": "Employeur",
    "employer_address": "Adresse de l'employeur",
    "sector": "Secteur",
    "status_label": "Statut",
    "start": "Début",
    "end": "Fin",
    "work_time_label": "Temps de travail",
    "main_activities": "Activités principales",
    "relevant": "En rapport avec la certification",
}
TRAINING_NAMES = {
    "title": "Intitulé",
    "year": "Année",
    "hours": "Heures",
    "organisation": "Organisme",
    "content": "Contenu",
}
EDUCATION_NAMES = {
    "diplomas_prepared": "Diplôme(s) préparé(s)",
    "diplomas_obtained": "Diplôme(s) obtenu(s)",
}


@dataclass(frozen=True)
class Change:
    """One difference: ``what`` is added, removed or changed; ``place`` the part of the dossier."""

    kind: str  # activity, training, identity, cv, education
    ref: str | None  # the activity's or training's id
    section: str  # « Activité « … » », « Identité »…
    what: str  # added, removed, changed
    detail: str  # the field or file concerned, in French
    before: str = ""
    after: str = ""

    @property
    def place(self) -> tuple[str, str | None]:
        return (self.kind, self.ref)

    @property
    def what_label(self) -> str:
        return {"added": "ajouté", "removed": "supprimé", "changed": "modifié"}[self.what]


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def _fields(
    kind: str, ref: str | None, section: str, old: dict, new: dict, names: dict[str, str]
) -> list[Change]:
    return [
        Change(kind, ref, section, "changed", name, _text(old.get(key)), _text(new.get(key)))
        for key, name in names.items()
        if old.get(key) != new.get(key)
    ]


def _files(kind: str, ref: str, section: str, old: dict, new: dict) -> list[Change]:
    before = {f["sha256"]: f for f in old.get("attachments", [])}
    after = {f["sha256"]: f for f in new.get("attachments", [])}
    changes = [
        Change(kind, ref, section, "added", f"fichier {f['filename']} ({f['kind_label']})")
        for sha, f in after.items()
        if sha not in before
    ]
    changes += [
        Change(kind, ref, section, "removed", f"fichier {f['filename']} ({f['kind_label']})")
        for sha, f in before.items()
        if sha not in after
    ]
    return changes


def _items(
    kind: str, label: str, old: list[dict], new: list[dict], names: dict[str, str]
) -> list[Change]:
    before = {item["id"]: item for item in old}
    after = {item["id"]: item for item in new}
    changes: list[Change] = []
    for ref, item in after.items():
        section = f"{label} «{NBSP}{item.get('title', '')}{NBSP}»"
        if ref not in before:
            changes.append(Change(kind, ref, section, "added", label.lower()))
            changes += _files(kind, ref, section, {}, item)
            continue
        changes += _fields(kind, ref, section, before[ref], item, names)
        changes += _files(kind, ref, section, before[ref], item)
    for ref, item in before.items():
        if ref not in after:
            section = f"{label} «{NBSP}{item.get('title', '')}{NBSP}»"
            changes.append(Change(kind, ref, section, "removed", label.lower()))
    return changes


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every declared difference from ``old`` to ``new``, in the dossier's order."""
    changes = _fields(
        "identity",
        None,
        "Identité",
        old.get("identity", {}),
        new.get("identity", {}),
        IDENTITY_NAMES,
    )
    changes += _items(
        "activity",
        "Activité",
        old.get("activities", []),
        new.get("activities", []),
        ACTIVITY_NAMES,
    )
    changes += _fields(
        "education",
        None,
        "Formation initiale",
        old.get("education", {}),
        new.get("education", {}),
        EDUCATION_NAMES,
    )
    changes += _items(
        "training",
        "Formation continue",
        old.get("trainings", []),
        new.get("trainings", []),
        TRAINING_NAMES,
    )
    if (old.get("cv") or "") != (new.get("cv") or ""):
        changes.append(Change("cv", None, "CV synthétique", "changed", "texte du CV"))
    return changes


def changed_places(old: dict[str, Any], new: dict[str, Any]) -> set[tuple[str, str | None]]:
    """The parts of the dossier that differ: (kind, ref) pairs."""
    return {change.place for change in diff(old, new)}
