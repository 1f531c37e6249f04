"""The JSON of the read endpoints: scoped queries and the shapes of vae.api.read_schema."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from flask import url_for
from sqlalchemy import Select, select

from vae.api.problems import ApiProblem
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Attachment, Dossier
from vae.dossier.submissions import Submission
from vae.extensions import db
from vae.jury.models import AcquiredBlock
from vae.referentials.models import Certification

ACTIVITY_KEYS = ("id", "title", "employer_name", "sector", "status", "start", "end", "work_time")
ACTIVITY_NUMBERS = ("fte_days_in_window", "fte_days_total")
ELIGIBILITY_NUMBERS = (
    "required_fte_days",
    "relevant_fte_days",
    "total_fte_days",
    "missing_fte_days",
)
IDENTITY_FIELDS = ("last_name", "first_name", "address", "postcode", "city", "phone", "email")


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def scoped_dossiers(certifier_id: int) -> Select[Any]:
    """The dossiers a certifier's token sees: submitted ones of its certifications."""
    return (
        select(Dossier, Certification.code)
        .join(Certification, Certification.id == Dossier.certification_id)
        .where(Certification.certifier_id == certifier_id, Dossier.status != DossierStatus.DRAFT)
    )


def load_dossier(certifier_id: int, dossier_id: uuid.UUID) -> tuple[Dossier, str]:
    """The dossier and its certification's code, or a 404 problem (another certifier's too)."""
    row = db.session.execute(scoped_dossiers(certifier_id).where(Dossier.id == dossier_id)).first()
    if row is None:
        raise ApiProblem(404, "Dossier introuvable pour ce jeton.")
    return row[0], row[1]


def summary(dossier: Dossier, certification_code: str) -> dict[str, Any]:
    return {
        "id": str(dossier.id),
        "number": dossier.number,
        "status": dossier.status.value,
        "status_label": dossier.status.label,
        "certification_code": certification_code,
        "candidate_id": str(dossier.candidate_id),
        "submitted_at": iso(dossier.submitted_at),
        "decided_at": iso(dossier.decided_at),
        "decision_due": iso(dossier.decision_due),
        "updated_at": iso(dossier.updated_at),
    }


def _activity(entry: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {key: entry.get(key) for key in ACTIVITY_KEYS}
    for key in ("id", "title", "employer_name", "sector", "status", "work_time"):
        out[key] = str(out[key] or "")
    value = entry.get("work_time_value")
    out["work_time_value"] = float(value) if value is not None else None
    out["relevant"] = bool(entry.get("relevant", True))
    out["counted"] = bool(entry.get("counted", False))
    for key in ACTIVITY_NUMBERS:
        out[key] = float(entry.get(key) or 0)
    return out


def _eligibility(entry: dict[str, Any]) -> dict[str, Any]:
    rule = entry.get("rule") or {}
    out: dict[str, Any] = {
        "eligible": bool(entry.get("eligible", False)),
        "required_years": float(rule.get("required_years") or 0),
        "window_years": int(rule.get("window_years") or 0),
        "reference_date": entry.get("reference_date"),
        "window_start": entry.get("window_start"),
        "eligible_from": entry.get("eligible_from"),
        "warnings": [str(w) for w in entry.get("warnings") or []],
    }
    for key in ELIGIBILITY_NUMBERS:
        out[key] = float(entry.get(key) or 0)
    return out


def attachment(item: Attachment) -> dict[str, Any]:
    return {
        "id": str(item.id),
        "kind": item.kind.value,
        "filename": item.display_name,
        "mime_type": item.mime_type,
        "size": item.size,
        "sha256": item.sha256,
        "download_url": url_for(
            "api.attachment", dossier_id=item.dossier_id, attachment_id=item.id
        ),
    }


def submitted_attachments(dossier_id: uuid.UUID) -> list[Attachment]:
    """The dossier's files handed in with a version and still there (not the livret's)."""
    return list(
        db.session.scalars(
            select(Attachment)
            .where(
                Attachment.dossier_id == dossier_id,
                Attachment.submitted_in.is_not(None),
                Attachment.removed_at.is_(None),
                Attachment.situation_id.is_(None),
            )
            .order_by(Attachment.uploaded_at, Attachment.id)
        )
    )


def detail(dossier: Dossier, certification_code: str) -> dict[str, Any]:
    """The dossier with its latest submitted version (identity, activities, eligibility, files)."""
    latest = db.session.scalar(
        select(Submission)
        .where(Submission.dossier_id == dossier.id)
        .order_by(Submission.version.desc())
        .limit(1)
    )
    if latest is None:
        raise ApiProblem(404, "Ce dossier n'a pas de version déposée.")
    snapshot = latest.snapshot
    identity = snapshot.get("identity") or {}
    return {
        "dossier": summary(dossier, certification_code),
        "version": latest.version,
        "version_submitted_at": iso(latest.submitted_at),
        "identity": {name: str(identity.get(name) or "") for name in IDENTITY_FIELDS},
        "activities": [_activity(a) for a in snapshot.get("activities") or []],
        "eligibility": _eligibility(snapshot.get("eligibility") or {}),
        "attachments": [attachment(a) for a in submitted_attachments(dossier.id)],
    }


def acquired_block(block: AcquiredBlock, certification_code: str) -> dict[str, Any]:
    return {
        "block_code": block.block_code,
        "block_title": block.block_title,
        "certification_code": certification_code,
        "dossier_id": str(block.dossier_id),
        "proclaimed_on": iso(block.proclaimed_on),
        "expires_on": iso(block.expires_on),
        "valid_until": iso(block.valid_until),
        "verification_code": block.verification_code,
    }
