"""What the system holds about a candidate: export it, erase drafts, anonymise after retention."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import inspect, select

from vae import audit, clock, mail, storage
from vae.audit import AuditEntry
from vae.auth.models import User
from vae.dossier.models import Dossier, DossierStatus
from vae.dossier.operations import upload_folder
from vae.extensions import db
from vae.jury.models import AcquiredBlock, CertificationAward, Proclamation
from vae.livret2.models import Livret2, Livret2Version
from vae.review.models import Decision

SECRET_COLUMNS = {"password_hash", "session_token"}
CLOSED = (
    DossierStatus.NON_RECEVABLE,
    DossierStatus.PROCLAIMED,
    DossierStatus.CLOSED,
    DossierStatus.WITHDRAWN,
)
ANONYMOUS = "Anonymisé"


class PrivacyError(Exception):
    """A refused operation, with a French message."""


def _plain(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Enum):
        return value.value
    return value


def as_dict(row: Any) -> dict[str, Any]:
    """Every column of a model row, JSON-ready (secrets left out)."""
    return {
        column.key: _plain(getattr(row, column.key))
        for column in inspect(row).mapper.column_attrs
        if column.key not in SECRET_COLUMNS
    }


def export_zip(user: User) -> bytes:
    """A zip of everything held about ``user``: donnees.json and the files, in folders."""
    folder = upload_folder()
    dossiers = list(db.session.scalars(select(Dossier).where(Dossier.candidate_id == user.id)))
    files: list[tuple[str, str]] = []  # (name in the zip, stored name)
    data: dict[str, Any] = {
        "export": {"created_at": clock.now().isoformat(), "format": "VAE 1"},
        "compte": as_dict(user),
        "dossiers": [],
        "blocs_acquis": [
            as_dict(b)
            for b in db.session.scalars(
                select(AcquiredBlock).where(AcquiredBlock.candidate_id == user.id)
            )
        ],
        "certifications": [
            as_dict(a)
            for a in db.session.scalars(
                select(CertificationAward).where(CertificationAward.candidate_id == user.id)
            )
        ],
        "historique_du_compte": [as_dict(e) for e in audit.history("user", user.id)],
    }
    for dossier in dossiers:
        prefix = f"dossier-{dossier.number or dossier.id}"
        livret = db.session.scalar(select(Livret2).where(Livret2.dossier_id == dossier.id))
        versions = (
            []
            if livret is None
            else list(
                db.session.scalars(
                    select(Livret2Version).where(Livret2Version.livret_id == livret.id)
                )
            )
        )
        decisions = list(
            db.session.scalars(select(Decision).where(Decision.dossier_id == dossier.id))
        )
        entry = {
            **as_dict(dossier),
            "activites": [as_dict(a) for a in dossier.activities],
            "formations": [as_dict(t) for t in dossier.trainings],
            "pieces": [as_dict(a) for a in dossier.attachments],
            "depots": [as_dict(s) for s in dossier.submissions],
            "decisions": [as_dict(d) for d in decisions],
            "livret2": None
            if livret is None
            else {
                **as_dict(livret),
                "situations": [as_dict(s) for s in livret.situations],
                "versions": [as_dict(v) for v in versions],
            },
            "proclamation": next(
                (
                    as_dict(p)
                    for p in db.session.scalars(
                        select(Proclamation).where(Proclamation.dossier_id == dossier.id)
                    )
                ),
                None,
            ),
            "historique": [
                as_dict(e)
                for e in db.session.scalars(
                    select(AuditEntry)
                    .where(
                        AuditEntry.subject_type == "dossier",
                        AuditEntry.subject_id == str(dossier.id),
                    )
                    .order_by(AuditEntry.id)
                )
            ],
        }
        data["dossiers"].append(entry)
        files += [
            (f"{prefix}/pieces/{a.id}-{a.display_name}", a.stored_name) for a in dossier.attachments
        ]
        files += [
            (f"{prefix}/depots/version-{s.version}.pdf", s.pdf_stored_name)
            for s in dossier.submissions
        ]
        files += [
            (f"{prefix}/courriers/{d.kind.value}-{d.decided_at:%Y%m%d}.pdf", d.letter_stored_name)
            for d in decisions
        ]
        files += [
            (f"{prefix}/livret2/version-{v.version}.pdf", v.pdf_stored_name) for v in versions
        ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("donnees.json", json.dumps(data, ensure_ascii=False, indent=2))
        for name, stored in files:
            path = storage.path_of(folder, stored)
            if path.exists():
                archive.write(path, name)
    audit.record(
        "user",
        user.id,
        "personal_data_exported",
        actor=user,
        comment=f"{len(dossiers)} dossier(s), {len(files)} fichier(s)",
    )
    db.session.commit()
    return buffer.getvalue()


def request_deletion(user: User) -> int:
    """Erase the drafts now; the submitted dossiers are anonymised after the retention period.

    Returns how many drafts were erased.
    """
    drafts = list(
        db.session.scalars(
            select(Dossier).where(Dossier.candidate_id == user.id, Dossier.submission_count == 0)
        )
    )
    for dossier in drafts:
        for attachment in dossier.attachments:
            storage.delete(upload_folder(), attachment.stored_name)
        audit.record(
            "dossier",
            dossier.id,
            "draft_erased",
            actor=user,
            from_state=dossier.status.value,
            to_state="erased",
        )
        db.session.delete(dossier)
    user.deletion_requested_at = clock.now()
    audit.record(
        "user",
        user.id,
        "deletion_requested",
        actor=user,
        comment=f"{len(drafts)} brouillon(s) effacé(s)",
    )
    db.session.commit()
    mail.send_template(
        current_app.config["CPNEFP_EMAIL"],
        "Demande de suppression de données",
        "emails/deletion_requested.txt",
        user=user,
        drafts=len(drafts),
    )
    return len(drafts)


def retention_end(dossier: Dossier) -> date | None:
    """When a closed dossier may be anonymised (its last event + the retention period)."""
    if dossier.status not in CLOSED:
        return None
    last = dossier.decided_at or dossier.submitted_at or dossier.updated_at
    return clock.paris_date(last) + relativedelta(years=current_app.config["RETENTION_YEARS"])


def anonymise(dossier: Dossier, actor: Any) -> None:
    """Remove the personal data of a closed dossier after retention; keep decisions, results,
    acquired blocks, certificates and the figures statistics need."""
    if dossier.anonymised_at is not None:
        return
    end = retention_end(dossier)
    if end is None:
        raise PrivacyError("Seul un dossier clos peut être anonymisé.")
    if clock.today() < end:
        raise PrivacyError(f"La durée de conservation court jusqu'au {end:%d/%m/%Y}.")
    folder = upload_folder()
    for name in ("last_name", "first_name"):
        setattr(dossier, name, ANONYMOUS)
    for name in (
        "address",
        "postcode",
        "city",
        "phone",
        "email",
        "cv",
        "diplomas_prepared",
        "diplomas_obtained",
    ):
        setattr(dossier, name, "")
    dossier.search_text = ""
    for activity in dossier.activities:
        activity.title = "Activité"
        activity.employer_name = ANONYMOUS
        activity.employer_address = activity.main_activities = ""
    for training in dossier.trainings:
        training.title, training.organisation, training.content = "Formation", "", ""
    for attachment in dossier.attachments:
        storage.delete(folder, attachment.stored_name)
        attachment.display_name = "fichier supprimé"
        attachment.removed_at = attachment.removed_at or clock.now()
    for submission in dossier.submissions:
        storage.delete(folder, submission.pdf_stored_name)
        snapshot = dict(submission.snapshot)
        snapshot["identity"] = {"last_name": ANONYMOUS, "first_name": ANONYMOUS}
        snapshot["cv"] = ""
        snapshot["activities"] = [
            {
                **a,
                "title": "Activité",
                "employer_name": ANONYMOUS,
                "employer_address": "",
                "main_activities": "",
                "attachments": [],
            }
            for a in snapshot.get("activities", [])
        ]
        snapshot["trainings"] = []
        submission.snapshot = snapshot
    for decision in db.session.scalars(select(Decision).where(Decision.dossier_id == dossier.id)):
        storage.delete(folder, decision.letter_stored_name)
        decision.comment = ""
        decision.missing = []
    livret = db.session.scalar(select(Livret2).where(Livret2.dossier_id == dossier.id))
    if livret is not None:
        for situation in livret.situations:
            for name in (
                "title",
                "employer",
                "period",
                "role",
                "context",
                "actions",
                "partners",
                "tools",
                "results",
                "hindsight",
            ):
                setattr(situation, name, "")
        for version in db.session.scalars(
            select(Livret2Version).where(Livret2Version.livret_id == livret.id)
        ):
            storage.delete(folder, version.pdf_stored_name)
            version.snapshot = {"anonymised": True}
    dossier.anonymised_at = clock.now()
    audit.record(
        "dossier",
        dossier.id,
        "anonymised",
        from_state=dossier.status.value,
        to_state=dossier.status.value,
        actor=actor,
        comment="données personnelles effacées après la durée de conservation",
    )
    _anonymise_account_if_done(dossier.candidate, actor)
    db.session.commit()


def _anonymise_account_if_done(user: User, actor: Any) -> None:
    """The account goes too once the candidate asked and none of their dossiers is left."""
    if user.deletion_requested_at is None or user.anonymised_at is not None:
        return
    remaining = db.session.scalar(
        select(Dossier.id)
        .where(Dossier.candidate_id == user.id, Dossier.anonymised_at.is_(None))
        .limit(1)
    )
    if remaining is not None:
        return
    user.first_name, user.last_name = ANONYMOUS, ANONYMOUS
    user.email = f"anonyme-{user.id.hex}@vae.invalid"
    user.active = False
    user.end_sessions()
    user.anonymised_at = clock.now()
    audit.record("user", user.id, "anonymised", actor=actor)
