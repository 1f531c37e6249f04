"""State changes of a dossier: each checks the state, changes it, audits, and commits."""

from __future__ import annotations

import io
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from vae import audit, clock, mail, storage
from vae.dbtypes import commit_or, locked
from vae.dossier import snapshot as snapshots
from vae.dossier.assessment import assess_dossier
from vae.dossier.models import (
    OPEN_STATUSES,
    Activity,
    Attachment,
    AttachmentKind,
    Dossier,
    DossierCounter,
    DossierStatus,
    Submission,
    SwornStatement,
    Training,
)
from vae.dossier.steps import blocking_problems
from vae.extensions import db
from vae.referentials.models import Certification, ReferentialVersion
from vae.rules.quotas import QuotaBreach, SubmittedRequest, check_quota


class DossierError(Exception):
    """A refused operation, with a French message for the candidate."""


ALREADY_OPEN = "Vous avez déjà un dossier en cours pour cette certification."


class OpenDossierExists(DossierError):
    """A new dossier lost the race to a simultaneous one: the candidate goes to that one."""

    def __init__(self, dossier_id: uuid.UUID) -> None:
        super().__init__(f"{ALREADY_OPEN[:-1]}\u00a0: le voici.")
        self.dossier_id = dossier_id


@dataclass(frozen=True)
class Commitment:
    key: str
    wording: str


def commitments(certification_title: str) -> tuple[Commitment, ...]:
    """The sworn statement of seed 001, one commitment per checkbox."""
    return (
        Commitment(
            "exact",
            "Je déclare sur l'honneur que toutes les informations fournies sont exactes.",
        ),
        Commitment("personal", "Je déclare avoir renseigné moi-même ce dossier."),
        Commitment(
            "single_request",
            "Je m'engage à ne déposer qu'une seule demande en vue de l'obtention de la "
            f"certification « {certification_title} » pendant l'année civile en cours.",
        ),
        Commitment(
            "three_requests",
            "Je m'engage à ne pas déposer plus de trois demandes de validation des acquis de "
            "l'expérience pour des diplômes ou titres différents pendant l'année civile en cours.",
        ),
    )


def upload_folder() -> Path:
    configured = current_app.config.get("UPLOAD_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


# --- quotas -------------------------------------------------------------------------------


def earlier_requests(candidate_id: uuid.UUID, exclude: uuid.UUID | None) -> list[SubmittedRequest]:
    """The candidate's submitted requests (first submission of each dossier; drafts excluded)."""
    first = (
        select(Submission.dossier_id, func.min(Submission.submitted_at).label("first_at"))
        .group_by(Submission.dossier_id)
        .subquery()
    )
    stmt = (
        select(Certification.code, first.c.first_at)
        .join(Dossier, Dossier.certification_id == Certification.id)
        .join(first, first.c.dossier_id == Dossier.id)
        .where(Dossier.candidate_id == candidate_id)
    )
    if exclude is not None:
        stmt = stmt.where(Dossier.id != exclude)
    return [
        SubmittedRequest(certification=code, submitted_on=clock.paris_date(at))
        for code, at in db.session.execute(stmt)
    ]


def quota_breach(
    candidate_id: uuid.UUID,
    certification_code: str,
    dossier_id: uuid.UUID | None,
    on: date | None = None,
) -> QuotaBreach | None:
    return check_quota(
        earlier_requests(candidate_id, dossier_id), certification_code, on or clock.today()
    )


# --- creation and content -------------------------------------------------------------------


def start(candidate: Any, certification_code: str) -> Dossier:
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
    breach = quota_breach(candidate_id, certification_code, None)
    if breach is not None:
        raise DossierError(breach.message)
    dossier = Dossier(
        candidate_id=candidate_id,
        certification_id=certification_id,
        referential_version_id=version.id,
        last_name=candidate.last_name,
        first_name=candidate.first_name,
        email=candidate.email,
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


def _editable(dossier: Dossier) -> None:
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


def set_option(dossier: Dossier, option_code: str | None) -> None:
    _editable(dossier)
    codes = {o.code for o in dossier.referential.options}
    if codes and option_code not in codes:
        raise DossierError("Choisissez une des possibilités proposées.")
    dossier.option_code = option_code if codes else None
    _save(dossier, "option_chosen", option_code)


IDENTITY_FIELDS = ("last_name", "first_name", "address", "postcode", "city", "phone", "email")


def save_identity(dossier: Dossier, data: Mapping[str, Any]) -> None:
    _editable(dossier)
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
    _editable(dossier)
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
    _editable(dossier)
    for attachment in list(dossier.attachments):
        if getattr(attachment, link) == item.id:
            _remove_attachment(attachment)
    items.remove(item)
    _renumber(items)
    _save(dossier, action, str(item.id))  # an id: titles are personal data


def move(dossier: Dossier, items: list[Any], item: Any, offset: int) -> None:
    """Move an activity or a training up (-1) or down (+1) in its list."""
    _editable(dossier)
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
    _editable(dossier)
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
    _editable(dossier)
    dossier.cv = cv
    _save(dossier, "cv_saved")


# --- attachments ------------------------------------------------------------------------------


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
        _editable(dossier)
    stored = storage.store(
        stream, filename, upload_folder(), current_app.config["UPLOAD_MAX_BYTES"]
    )
    attachment = Attachment(
        dossier=dossier,
        activity_id=activity.id if activity else None,
        training_id=training.id if training else None,
        kind=kind,
        stored_name=stored.stored_name,
        display_name=stored.display_name,
        mime_type=stored.mime_type,
        size=stored.size,
        sha256=stored.sha256,
    )
    with storage.removed_on_failure(upload_folder(), stored.stored_name):
        db.session.add(attachment)
        db.session.flush()
        _save(dossier, "attachment_added", f"{kind.label} : {attachment.id}")
    return attachment


def remove_attachment(
    dossier: Dossier, attachment: Attachment, *, check_editable: bool = True
) -> None:
    if check_editable:
        _editable(dossier)
    _remove_attachment(attachment)
    _save(dossier, "attachment_removed", str(attachment.id))


def _remove_attachment(attachment: Attachment) -> None:
    """A file no submitted version refers to is deleted; otherwise it is hidden and kept."""
    if attachment.submitted_in is None:
        storage.delete(upload_folder(), attachment.stored_name)
        attachment.dossier.attachments.remove(attachment)
    else:
        attachment.removed_at = clock.now()
        attachment.activity_id = None
        attachment.training_id = None


# --- submission ---------------------------------------------------------------------------------


def submit(dossier: Dossier, accepted: Mapping[str, bool]) -> Submission:
    """Re-check every step and the quotas, then freeze an immutable snapshot and its PDF.

    Under the write lock: of simultaneous submissions of one dossier (a double click, two
    tabs), the first one submits and the others find it submitted; a failure leaves no file.
    """
    with locked(dossier):
        _editable(dossier)
        problems = blocking_problems(dossier)
        if problems:
            raise DossierError(
                "Le dossier n'est pas complet : " + " ".join(p for _s, p in problems)
            )
        wording = commitments(dossier.referential.title)
        if not all(accepted.get(c.key) for c in wording):
            raise DossierError("Cochez chacun des engagements de la déclaration sur l'honneur.")
        moment = clock.now()
        if dossier.submission_count == 0:
            breach = quota_breach(
                dossier.candidate_id,
                dossier.certification.code,
                dossier.id,
                clock.paris_date(moment),
            )
            if breach is not None:
                raise DossierError(breach.message)
            dossier.number = _next_number(clock.paris_date(moment).year)
        version = dossier.submission_count + 1
        assessment = assess_dossier(dossier, clock.paris_date(moment))
        statements = [(c, moment) for c in wording]
        snapshot = snapshots.build(dossier, assessment, statements, version, moment)
        pdf = snapshots.render_pdf(snapshot)
        stored = storage.store(
            io.BytesIO(pdf), f"{dossier.number}-v{version}.pdf", upload_folder(), max(len(pdf), 1)
        )
        with storage.removed_on_failure(upload_folder(), stored.stored_name):
            submission = Submission(
                dossier_id=dossier.id,
                version=version,
                submitted_at=moment,
                snapshot=snapshot,
                pdf_stored_name=stored.stored_name,
                pdf_sha256=stored.sha256,
                pdf_size=stored.size,
            )
            db.session.add(submission)
            db.session.flush()
            for position, (commitment, accepted_at) in enumerate(statements):
                db.session.add(
                    SwornStatement(
                        submission_id=submission.id,
                        position=position,
                        key=commitment.key,
                        wording=commitment.wording,
                        accepted_at=accepted_at,
                    )
                )
            for attachment in dossier.live_attachments():
                if attachment.submitted_in is None:
                    attachment.submitted_in = version
            dossier.move_to(DossierStatus.SUBMITTED, "submitted", comment=f"version {version}")
            dossier.submitted_at = moment
            dossier.submission_count = version
            # The certifier answers within two months of a complete dossier (L6412-2); a
            # resubmission after a request for complements starts the period again.
            dossier.decision_due = clock.paris_date(moment) + relativedelta(months=2)
            dossier.refresh_search_text()
            db.session.commit()
    mail.send_template(
        dossier.candidate.email,
        f"Dossier {dossier.number} déposé",
        "emails/dossier_submitted.txt",
        attachments=(mail.Attachment(f"{dossier.number}-v{version}.pdf", pdf),),
        dossier=dossier,
        version=version,
        submitted_at=moment,
        eligible=assessment.eligible,
    )
    return submission


def _next_number(year: int) -> str:
    """The year's next number: one statement creates the counter or increments it, atomic on
    both databases (simultaneous submissions of different dossiers each get their own)."""
    table = DossierCounter.__table__
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values(year=year, last=1)
        .on_conflict_do_update(index_elements=[table.c.year], set_={"last": table.c.last + 1})
        .returning(table.c.last)
    )
    last = db.session.execute(statement).scalar_one()
    return f"VAE-{year}-{last:06d}"
