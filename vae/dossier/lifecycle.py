"""The end of a dossier's life: withdrawal, « Reprendre », closing (by staff or by itself).

Each operation takes the dossier's write lock, checks its state again, changes it through
``Dossier.move_to`` (audited) and commits: a double click acts once, and of a withdrawal and a
staff decision made at the same moment, one wins and the other is refused in French.
"""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from vae import audit, mail, storage
from vae.auth.models import User
from vae.dbtypes import locked
from vae.dossier import operations
from vae.dossier.enums import OPEN_STATUSES, AttachmentKind, DossierStatus
from vae.dossier.models import Activity, Dossier, Training
from vae.dossier.quotas import quota_breach
from vae.extensions import db
from vae.provided import Provided
from vae.roles import Role
from vae.rules.identity import IDENTITY_FIELDS
from vae.urls import public_url

# The dossiers proclaimed on or before a day: the jury provides it (vae.jury.readers).
proclaimed_on_or_before: Provided[[date], list[uuid.UUID]] = Provided("the proclamations' dates")

CHANGED = (
    "Ce dossier a changé entre-temps (une décision vient d'être prise ?). Voici son état "
    "actuel : relisez-le avant de recommencer."
)


class AlreadyDone(operations.DossierError):
    """The operation was already made (a second click): nothing to do."""


def withdraw(dossier: Dossier, reason: str, actor: Any, lock_version: int | None) -> None:
    """Withdraw the request before the jury is scheduled (a never-submitted draft is discarded);
    staff are told by email when it had been submitted."""
    with locked(dossier):
        if dossier.status == DossierStatus.WITHDRAWN:
            raise AlreadyDone("Ce dossier est déjà retiré.")
        if lock_version is not None and dossier.lock_version != lock_version:
            raise operations.DossierError(CHANGED)
        if not dossier.may_be_withdrawn:
            raise operations.DossierError(
                "Ce dossier ne peut plus être retiré : le jury est programmé ou le dossier est "
                "terminé."
            )
        if dossier.submission_count == 0:
            _discard(dossier, actor)
            return
        dossier.move_to(DossierStatus.WITHDRAWN, "withdrawn", comment=reason or None, actor=actor)
        if dossier.submission_count:
            for recipient in _staff_to_tell(dossier):
                mail.send_template(
                    recipient,
                    f"Dossier {dossier.number} retiré par le candidat",
                    "emails/dossier_withdrawn.txt",
                    dossier=dossier,
                    reason=reason,
                    link=public_url("review.show", dossier_id=dossier.id),
                )
        db.session.commit()


def _discard(draft: Dossier, actor: Any) -> None:
    """A never-submitted draft is deleted with its files: it never was a request."""
    names = [a.stored_name for a in draft.attachments]
    audit.record("dossier", draft.id, "draft_discarded", from_state="draft", actor=actor)
    db.session.delete(draft)
    db.session.commit()
    for stored_name in names:
        storage.delete(storage.uploads(), stored_name)


def _staff_to_tell(dossier: Dossier) -> list[str]:
    """The assigned officer, or every active staff account when nobody is assigned."""
    officer = dossier.assigned_officer
    if officer is not None and officer.active:
        return [officer.email]
    return list(
        db.session.scalars(select(User.email).where(User.role == Role.STAFF, User.active.is_(True)))
    )


def open_dossier(candidate_id: uuid.UUID, certification_id: int) -> Dossier | None:
    """The candidate's open dossier for this certification, if any (uq_dossiers_one_open)."""
    return db.session.scalar(
        select(Dossier).where(
            Dossier.candidate_id == candidate_id,
            Dossier.certification_id == certification_id,
            Dossier.status.in_(OPEN_STATUSES),
        )
    )


def resume(dossier: Dossier, candidate: Any, *, blocks_only: bool = False) -> Dossier:
    """« Reprendre »: a new draft (a new request, with its own quotas) holding a copy of a
    withdrawn or non-recevable dossier's data, the files stored again as new copies. A
    block-only request stays one (its blocks copied); a whole one may be resumed for some blocks
    only, which the yearly limits do not bind."""
    if not dossier.may_be_resumed:
        raise operations.DossierError("Seul un dossier retiré ou non recevable peut être repris.")
    existing = open_dossier(dossier.candidate_id, dossier.certification_id)
    if existing is not None:
        raise operations.OpenDossierExists(existing.id)
    blocks_only = blocks_only or dossier.blocks_only
    draft = operations.start(candidate, dossier.certification.code, blocks_only=blocks_only)
    if dossier.blocks_only:
        draft.requested_blocks = list(dossier.requested_blocks or [])
    copied: list[str] = []
    try:
        _copy_content(dossier, draft, copied)
        audit.record("dossier", draft.id, "resumed", comment=dossier.number or str(dossier.id))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        for stored_name in copied:
            storage.delete(storage.uploads(), stored_name)
        raise
    return draft


def resume_refusal(dossier: Dossier) -> str | None:
    """Why « Reprendre » for the whole certification would be refused today (the yearly
    limits), so that the page says it before the button; None when it would be accepted."""
    if dossier.blocks_only:
        return None
    breach = quota_breach(dossier.candidate_id, dossier.certification.code, None)
    return breach.message if breach else None


def _copy_content(source: Dossier, draft: Dossier, copied: list[str]) -> None:
    """Identity, option, activities, trainings, CV, education and their files."""
    if source.option_code in {o.code for o in draft.referential.options}:
        draft.option_code = source.option_code
    for name in (*IDENTITY_FIELDS, "identity_saved_at", "cv", "diplomas_prepared"):
        setattr(draft, name, getattr(source, name))
    draft.diplomas_obtained = source.diplomas_obtained
    draft.education_saved_at = source.education_saved_at
    activities = {
        a.id: _copy_item(a, Activity, operations.ACTIVITY_FIELDS, draft.activities)
        for a in source.activities
    }
    trainings = {
        t.id: _copy_item(t, Training, operations.TRAINING_FIELDS, draft.trainings)
        for t in source.trainings
    }
    db.session.flush()
    folder = storage.uploads()
    for old in source.live_attachments():
        if old.kind == AttachmentKind.LIVRET2_ANNEX:
            continue
        data = storage.read(folder, old.stored_name)
        stored = storage.store(io.BytesIO(data), old.display_name, folder, max(old.size, 1))
        copied.append(stored.stored_name)
        activity, training = activities.get(old.activity_id), trainings.get(old.training_id)
        draft.attachments.append(
            operations.attachment_of(stored, old.kind, activity=activity, training=training)
        )


def _copy_item(item: Any, model: type, fields: tuple[str, ...], items: list[Any]) -> Any:
    copy = model(position=item.position, **{name: getattr(item, name) for name in fields})
    items.append(copy)
    return copy


def close(dossier: Dossier, actor: Any) -> None:
    """Staff close a proclaimed dossier once the certificates are delivered."""
    with locked(dossier):
        if dossier.closed:
            raise AlreadyDone("Ce dossier est déjà clos.")
        if not dossier.may_be_closed:
            raise operations.DossierError(
                "Seul un dossier dont les résultats sont proclamés se clôt."
            )
        dossier.move_to(DossierStatus.CLOSED, "closed", comment="certificats remis", actor=actor)
        db.session.commit()


def close_after_proclamation(today: date) -> int:
    """Close every dossier proclaimed ``CLOSE_AFTER_DAYS`` days ago or more and still open;
    idempotent (a closed one is left alone). Returns how many it closed."""
    days = int(current_app.config["CLOSE_AFTER_DAYS"])
    ids = proclaimed_on_or_before(today - timedelta(days=days))
    closed = 0
    for dossier_id in ids:
        dossier = db.session.get(Dossier, dossier_id)
        if dossier is None:
            continue
        with locked(dossier):
            if not dossier.may_be_closed:
                db.session.rollback()
                continue
            dossier.move_to(
                DossierStatus.CLOSED,
                "closed_automatically",
                comment=f"{days} jours après la proclamation",
            )
            db.session.commit()
        closed += 1
    return closed
