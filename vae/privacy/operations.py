"""What the system holds about a candidate: export it, erase drafts, anonymise after retention."""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import delete, func, inspect, select

from vae import audit, clock, mail, storage
from vae.accompaniment import comments
from vae.accompaniment.models import Accompaniment
from vae.audit import AuditEntry
from vae.auth.models import User
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Activity, Attachment, Dossier, Training
from vae.dossier.submissions import Submission
from vae.drafts import PendingDraft
from vae.errors import DomainError
from vae.extensions import db
from vae.jury.models import AcquiredBlock, CertificationAward, Proclamation
from vae.livret2.models import Livret2, Livret2Version, Situation
from vae.privacy import erasure
from vae.privacy.erasure import ANONYMOUS
from vae.review.models import Decision, Finding
from vae.storage import pdf_cache

SECRET_COLUMNS = {"password_hash", "session_token"}
CLOSED = (
    DossierStatus.NON_RECEVABLE,
    DossierStatus.PROCLAIMED,
    DossierStatus.CLOSED,
    DossierStatus.WITHDRAWN,
)
OFFICER_NOTES = "Notes du chargé de mission CPNEFP"


class PrivacyError(DomainError):
    """A refused operation, with a French message."""


@dataclass(frozen=True)
class Deletion:
    """What a deletion request did at once."""

    drafts: int
    account_erased: bool


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


def _finding(finding: Finding) -> dict[str, Any]:
    """A finding, its free text named for what it is: the officer's notes, not the candidate's."""
    data = as_dict(finding)
    data[OFFICER_NOTES] = data.pop("comment")
    return data


def export_zip(user: User) -> bytes:
    """A zip of everything held about ``user``: donnees.json and the files, in folders."""
    folder = storage.uploads()
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
        findings = db.session.scalars(
            select(Finding).where(Finding.dossier_id == dossier.id).order_by(Finding.id)
        )
        entry = {
            **as_dict(dossier),
            "activites": [as_dict(a) for a in dossier.activities],
            "formations": [as_dict(t) for t in dossier.trainings],
            "pieces": [as_dict(a) for a in dossier.attachments],
            "depots": [as_dict(s) for s in dossier.submissions],
            "decisions": [as_dict(d) for d in decisions],
            "constats": [_finding(f) for f in findings],
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
            try:
                archive.writestr(name, storage.read(folder, stored))
            except FileNotFoundError:
                continue
    audit.record(
        "user",
        user.id,
        "personal_data_exported",
        actor=user,
        comment=f"{len(dossiers)} dossier(s), {len(files)} fichier(s)",
    )
    db.session.commit()
    return buffer.getvalue()


def request_deletion(user: User) -> Deletion:
    """Erase the drafts now; the submitted dossiers are anonymised after the retention period.

    A candidate who never submitted anything has nothing the CPNEFP must keep: the account is
    anonymised and deactivated at once (the caller signs them out).
    """
    drafts = list(
        db.session.scalars(
            select(Dossier).where(Dossier.candidate_id == user.id, Dossier.submission_count == 0)
        )
    )
    kept = db.session.scalar(
        select(Dossier.id).where(Dossier.candidate_id == user.id, Dossier.submission_count > 0)
    )
    for dossier in drafts:
        for attachment in dossier.attachments:
            storage.delete(storage.uploads(), attachment.stored_name)
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
    account_erased = kept is None
    if account_erased:
        needles = _personal_strings(user, drafts)
        db.session.flush()
        anonymise_account(user, user, [("dossier", str(d.id)) for d in drafts])
        db.session.commit()
        erasure.purge_outbox(needles)
        erasure.checkpoint_sqlite()
    else:
        db.session.commit()
    mail.send_template(
        current_app.config["CPNEFP_EMAIL"],
        "Demande de suppression de données",
        "emails/deletion_requested.txt",
        user=user,
        drafts=len(drafts),
        account_erased=account_erased,
    )
    db.session.commit()  # after the outbox's purge: this announcement names nobody erased
    return Deletion(drafts=len(drafts), account_erased=account_erased)


def retention_end(dossier: Dossier) -> date | None:
    """When a closed dossier may be anonymised: its last event + the retention period.

    The last event is the proclamation of the results when there is one, else the
    recevabilité decision (or the submission, for a dossier withdrawn before it).
    """
    if dossier.status not in CLOSED:
        return None
    moments = [m for m in (dossier.decided_at, dossier.submitted_at) if m is not None]
    days = [clock.paris_date(m) for m in moments or [dossier.updated_at]]
    proclaimed_on = db.session.scalar(
        select(func.max(Proclamation.proclaimed_on)).where(Proclamation.dossier_id == dossier.id)
    )
    if proclaimed_on is not None:
        days.append(proclaimed_on)
    return max(days) + relativedelta(years=current_app.config["RETENTION_YEARS"])


# Per model: the text columns that are not personal, and placeholders for some of the others.
_KEPT: dict[type, tuple[set[str], dict[str, str]]] = {
    Dossier: ({"number", "option_code"}, {}),
    Activity: ({"sector"}, {"title": "Activité", "employer_name": ANONYMOUS}),
    Training: (set(), {"title": "Formation"}),
    Attachment: ({"stored_name", "mime_type", "sha256"}, {"display_name": "fichier supprimé"}),
    Submission: ({"pdf_stored_name", "pdf_sha256"}, {}),
    Decision: ({"reason_code", "letter_stored_name", "letter_sha256"}, {}),
    Finding: ({"activity_ref"}, {}),
    Livret2: ({"target_blocks"}, {}),
    Situation: ({"block_code", "activity_code", "competencies"}, {}),
    Livret2Version: ({"pdf_stored_name", "pdf_sha256"}, {}),
    Accompaniment: ({"token_sha256"}, {}),  # the invited address and the structure go
}


def _scrub(row: Any) -> None:
    keep, fill = _KEPT[type(row)]
    erasure.scrub_row(row, keep, fill)


def _personal_strings(user: User, dossiers: list[Dossier]) -> set[str]:
    """What identifies the candidate in a message: addresses, names, dossier numbers."""
    strings = {user.email, user.full_name, f"{user.last_name} {user.first_name}"}
    for dossier in dossiers:
        strings |= {dossier.email, dossier.number or ""}
        if dossier.last_name:
            strings |= {
                f"{dossier.first_name} {dossier.last_name}",
                f"{dossier.last_name} {dossier.first_name}",
            }
    return {s for s in strings if len(s.strip()) > 3}


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
    folder = storage.uploads()
    candidate = dossier.candidate
    needles = {dossier.number or "", dossier.email}
    rows: list[Any] = [dossier, *dossier.activities, *dossier.trainings, *dossier.attachments]
    rows += dossier.submissions
    for attachment in dossier.attachments:
        attachment.removed_at = attachment.removed_at or clock.now()
    decisions = list(db.session.scalars(select(Decision).where(Decision.dossier_id == dossier.id)))
    rows += decisions
    rows += db.session.scalars(select(Finding).where(Finding.dossier_id == dossier.id))
    helpers = list(db.session.scalars(select(Accompaniment).filter_by(dossier_id=dossier.id)))
    rows += helpers
    needles |= {a.email for a in helpers}  # the invitations name the candidate
    comments.erase_all(dossier.id)  # the candidate's and helpers' exchanges: nothing to keep
    livret = db.session.scalar(select(Livret2).where(Livret2.dossier_id == dossier.id))
    versions: list[Livret2Version] = []
    if livret is not None:
        versions = list(
            db.session.scalars(select(Livret2Version).where(Livret2Version.livret_id == livret.id))
        )
        rows += [livret, *livret.situations, *versions]
    stored = [a.stored_name for a in dossier.attachments]
    stored += [s.pdf_stored_name for s in dossier.submissions]
    stored += [d.letter_stored_name for d in decisions]
    stored += [v.pdf_stored_name for v in versions]
    for name in stored:
        storage.delete(folder, name)
    pdf_cache.erase(candidate.id)  # cached certificates print the holder's name
    for row in rows:
        _scrub(row)
    dossier.anonymised_at = clock.now()
    db.session.flush()
    subjects = [("dossier", str(dossier.id)), *(("accompaniment", str(a.id)) for a in helpers)]
    erasure.scrub_audit(subjects, candidate.id)
    audit.record(
        "dossier",
        dossier.id,
        "anonymised",
        from_state=dossier.status.value,
        to_state=dossier.status.value,
        actor=actor,
        comment="données personnelles effacées après la durée de conservation",
    )
    if _account_done(candidate):
        needles |= _personal_strings(candidate, [])
        anonymise_account(candidate, actor, [])
    db.session.commit()
    erasure.purge_outbox(needles)
    erasure.checkpoint_sqlite()


def _account_done(user: User) -> bool:
    """The account goes too once the candidate asked and none of their dossiers is left."""
    if user.deletion_requested_at is None or user.anonymised_at is not None:
        return False
    remaining = db.session.scalar(
        select(Dossier.id)
        .where(Dossier.candidate_id == user.id, Dossier.anonymised_at.is_(None))
        .limit(1)
    )
    return remaining is None


def anonymise_account(user: User, actor: Any, subjects: list[tuple[str, str]]) -> None:
    """Replace the account's identity, close it, and blank its trail (and ``subjects``')."""
    user.first_name, user.last_name = ANONYMOUS, ANONYMOUS
    user.email = f"anonyme-{user.id.hex}@vae.invalid"
    user.set_password(secrets.token_urlsafe(32))
    user.active = False
    user.end_sessions()
    user.anonymised_at = clock.now()
    pdf_cache.erase(user.id)
    db.session.execute(delete(PendingDraft).where(PendingDraft.owner_id == user.id))
    audit.record("user", user.id, "anonymised", actor=actor)
    db.session.flush()
    erasure.scrub_audit([("user", str(user.id)), *subjects], user.id, everywhere=True)
