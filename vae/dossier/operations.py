"""State changes of a dossier: each checks the state, changes it, audits, and commits."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from vae import audit, clock, storage
from vae.dbtypes import commit_or
from vae.dossier import scope
from vae.dossier.enums import OPEN_STATUSES, AttachmentKind, DossierStatus
from vae.dossier.models import Activity, Attachment, Dossier, Training
from vae.dossier.quotas import quota_breach
from vae.errors import DomainError
from vae.extensions import db
from vae.referentials.models import Certification, ReferentialVersion
from vae.rules.identity import IDENTITY_FIELDS


class DossierError(DomainError):
    """A refused operation, with a French message for the candidate."""


ALREADY_OPEN = "Vous avez déjà un dossier en cours pour cette certification."


class OpenDossierExists(DossierError):
    """A new dossier lost the race to a simultaneous one: the candidate goes to that one."""

    def __init__(self, dossier_id: uuid.UUID) -> None:
        super().__init__(f"{ALREADY_OPEN[:-1]}\u00a0: le voici.")
        self.dossier_id = dossier_id


def upload_folder() -> Path:
    """The local upload folder (the storage itself is :func:`vae.storage.uploads`)."""
    return storage.upload_folder()


# --- creation and content -------------------------------------------------------------------


def start(candidate: Any, certification_code: str, *, blocks_only: bool = False) -> Dossier:
    """A new draft; a block-only request (blocks ticked at the next step) skips the quotas."""
    version = db.session.scalar(
        select(ReferentialVersion)
        .join(Certification, Certification.current_version_id == ReferentialVersion.id)
        .where(Certification.code == certification_code)
    )
    if version is None:
        raise DossierError("Cette certification n'existe pas.")
    candidate_id, certification_id = candidate.id, version.certification_id
    if _open_dossier(candidate_id, certification_id) is not None:
        raise DossierError(ALREADY_OPEN)
    breach = quota_breach(candidate_id, certification_code, None, blocks_only=blocks_only)
    if breach is not None:
        raise DossierError(breach.message)
    dossier = Dossier(
        candidate_id=candidate_id,
        certification_id=certification_id,
        referential_version_id=version.id,
        last_name=candidate.last_name,
        first_name=candidate.first_name,
        email=candidate.email,
        requested_blocks=[] if blocks_only else None,
    )
    try:
        db.session.add(dossier)
        db.session.flush()
        audit.record(
            "dossier",
            dossier.id,
            "created",
            to_state=DossierStatus.DRAFT.value,
            comment=certification_code,
        )
        db.session.commit()
    except IntegrityError:
        # A simultaneous request created it first (the index uq_dossiers_one_open).
        db.session.rollback()
        existing = _open_dossier(candidate_id, certification_id)
        if existing is None:
            raise
        raise OpenDossierExists(existing.id) from None
    return dossier


def _open_dossier(candidate_id: uuid.UUID, certification_id: int) -> Dossier | None:
    """The candidate's open dossier for this certification, if any (at most one)."""
    return db.session.scalar(
        select(Dossier).where(
            Dossier.candidate_id == candidate_id,
            Dossier.certification_id == certification_id,
            Dossier.status.in_(OPEN_STATUSES),
        )
    )


def ensure_editable(dossier: Dossier) -> None:
    """Refuse to change a submitted dossier."""
    if not dossier.editable:
        raise DossierError("Ce dossier est déposé : il ne peut plus être modifié.")


def _save(dossier: Dossier, action: str, comment: str | None = None) -> None:
    audit.record("dossier", dossier.id, action, comment=comment)
    commit_or(
        lambda: DossierError(
            "Ce dossier vient d'être modifié ailleurs (un autre onglet ?). Voici son état "
            "actuel : vérifiez-le avant de recommencer."
        )
    )


def set_option(
    dossier: Dossier, option_code: str | None, requested: list[str] | bool | None = False
) -> None:
    """The option (or mention) and, unless ``requested`` is False (kept as it is), what the
    request aims at: None for the whole certification, else the block codes (R6412-3)."""
    ensure_editable(dossier)
    codes = {o.code for o in dossier.referential.options}
    if codes and option_code not in codes:
        raise DossierError("Choisissez une des possibilités proposées.")
    dossier.option_code = option_code if codes else None
    if requested is not False:
        problems = scope.scope_errors(dossier.referential, dossier.option_code, requested or [])
        if requested is not None and problems:
            raise DossierError(problems[0])
        dossier.requested_blocks = (
            None if requested is None else scope.ordered(dossier.referential, requested)
        )
    text = scope.dossier_scope_text(dossier)
    _save(dossier, "option_chosen", " ; ".join(t for t in (option_code, text) if t) or None)


def save_identity(dossier: Dossier, data: Mapping[str, Any]) -> None:
    ensure_editable(dossier)
    for name in IDENTITY_FIELDS:
        setattr(dossier, name, data[name])
    dossier.identity_saved_at = clock.now()
    _save(dossier, "identity_saved")


ACTIVITY_FIELDS = (
    "title",
    "employer_name",
    "employer_address",
    "sector",
    "status",
    "start_date",
    "end_date",
    "work_time",
    "work_time_value",
    "main_activities",
    "relevant",
)


def save_activity(dossier: Dossier, activity: Activity | None, data: Mapping[str, Any]) -> Activity:
    return _save_item(
        dossier, activity, Activity, dossier.activities, ACTIVITY_FIELDS, data, "activity_saved"
    )


def _save_item(
    dossier: Dossier,
    item: Any,
    model: type,
    items: list[Any],
    fields: tuple[str, ...],
    data: Mapping[str, Any],
    action: str,
) -> Any:
    """Create or update an activity or a training of the dossier."""
    ensure_editable(dossier)
    if item is None:
        item = model(dossier=dossier, position=len(items))
        db.session.add(item)
    for name in fields:
        setattr(item, name, data[name])
    db.session.flush()
    _save(dossier, action, str(item.id))  # an id: titles are personal data
    return item


def delete_activity(dossier: Dossier, activity: Activity) -> None:
    _delete_item(dossier, activity, dossier.activities, "activity_id", "activity_deleted")


def _delete_item(dossier: Dossier, item: Any, items: list[Any], link: str, action: str) -> None:
    """Delete an activity or a training, and the files that prove it."""
    ensure_editable(dossier)
    for attachment in list(dossier.attachments):
        if getattr(attachment, link) == item.id:
            _remove_attachment(attachment)
    items.remove(item)
    _renumber(items)
    _save(dossier, action, str(item.id))  # an id: titles are personal data


def move(dossier: Dossier, items: list[Any], item: Any, offset: int) -> None:
    """Move an activity or a training up (-1) or down (+1) in its list."""
    ensure_editable(dossier)
    ordered = list(items)  # a copy: swapping inside the relationship would orphan an item
    index = ordered.index(item)
    target = index + offset
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
        _renumber(ordered)
        _save(dossier, "reordered")
        db.session.expire(dossier, ["activities", "trainings"])


def _renumber(items: list[Any]) -> None:
    for position, item in enumerate(items):
        item.position = position


def save_education(dossier: Dossier, prepared: str, obtained: str) -> None:
    ensure_editable(dossier)
    dossier.diplomas_prepared = prepared
    dossier.diplomas_obtained = obtained
    dossier.education_saved_at = clock.now()
    _save(dossier, "education_saved")


TRAINING_FIELDS = ("title", "year", "hours", "organisation", "content")


def save_training(dossier: Dossier, training: Training | None, data: Mapping[str, Any]) -> Training:
    return _save_item(
        dossier, training, Training, dossier.trainings, TRAINING_FIELDS, data, "training_saved"
    )


def delete_training(dossier: Dossier, training: Training) -> None:
    _delete_item(dossier, training, dossier.trainings, "training_id", "training_deleted")


def save_cv(dossier: Dossier, cv: str) -> None:
    ensure_editable(dossier)
    dossier.cv = cv
    _save(dossier, "cv_saved")


# --- attachments ------------------------------------------------------------------------------


def attachment_of(
    stored: Any, kind: AttachmentKind, *, activity: Any = None, training: Any = None
) -> Attachment:
    """The row of a file just stored (``storage.StoredFile``), tied to its activity or training."""
    return Attachment(
        activity_id=activity.id if activity else None,
        training_id=training.id if training else None,
        kind=kind,
        stored_name=stored.stored_name,
        display_name=stored.display_name,
        mime_type=stored.mime_type,
        size=stored.size,
        sha256=stored.sha256,
    )


def add_attachment(
    dossier: Dossier,
    kind: AttachmentKind,
    stream: Any,
    filename: str | None,
    *,
    activity: Activity | None = None,
    training: Training | None = None,
    check_editable: bool = True,
) -> Attachment:
    """Check and store an uploaded file for an activity or a training (raises on refusal).

    ``check_editable=False`` is for the livret 2's annexes, added after livret 1's submission.
    """
    if check_editable:
        ensure_editable(dossier)
    stored = storage.store(
        stream, filename, storage.uploads(), current_app.config["UPLOAD_MAX_BYTES"]
    )
    attachment = attachment_of(stored, kind, activity=activity, training=training)
    attachment.dossier = dossier
    with storage.removed_on_failure(storage.uploads(), stored.stored_name):
        db.session.add(attachment)
        db.session.flush()
        _save(dossier, "attachment_added", f"{kind.label} : {attachment.id}")
    return attachment


def remove_attachment(
    dossier: Dossier, attachment: Attachment, *, check_editable: bool = True
) -> None:
    if check_editable:
        ensure_editable(dossier)
    _remove_attachment(attachment)
    _save(dossier, "attachment_removed", str(attachment.id))


def _remove_attachment(attachment: Attachment) -> None:
    """A file no submitted version refers to is deleted; otherwise it is hidden and kept."""
    if attachment.submitted_in is None:
        storage.delete(storage.uploads(), attachment.stored_name)
        attachment.dossier.attachments.remove(attachment)
    else:
        attachment.removed_at = clock.now()
        attachment.activity_id = None
        attachment.training_id = None
