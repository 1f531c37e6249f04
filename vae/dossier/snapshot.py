"""The frozen picture of a dossier at submission: plain JSON data, and its PDF."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypedDict, cast

from vae.dossier import scope
from vae.dossier.models import Attachment, Dossier
from vae.rules.eligibility import Assessment
from vae.rules.identity import IDENTITY_FIELDS


class AttachmentSnapshot(TypedDict):
    id: str
    kind: str
    kind_label: str
    filename: str
    size: int
    sha256: str


class ActivitySnapshot(TypedDict):
    id: str
    title: str
    employer_name: str
    employer_address: str
    sector: str
    status: str
    status_label: str
    start: str | None
    end: str | None
    work_time: str
    work_time_value: float | None
    work_time_label: str
    main_activities: str
    relevant: bool
    counted: bool
    reason: str | None
    fte_days_in_window: float
    fte_days_total: float
    attachments: list[AttachmentSnapshot]


class OptionSnapshot(TypedDict):
    code: str
    title: str
    label: str


class CertificationSnapshot(TypedDict):
    code: str
    title: str
    referential_version: int
    option: OptionSnapshot | None
    requested_blocks: list[str] | None  # R6412-3: None for the whole certification
    scope: str  # « demande portant sur les blocs … », empty for the whole certification


class IdentitySnapshot(TypedDict):
    """The identity step's fields (vae.rules.identity.IDENTITY_FIELDS)."""

    last_name: str
    first_name: str
    address: str
    postcode: str
    city: str
    phone: str
    email: str


class RuleSnapshot(TypedDict):
    required_years: float
    window_years: int


class EligibilitySnapshot(TypedDict):
    rule: RuleSnapshot
    reference_date: str | None
    window_start: str | None
    eligible: bool
    required_fte_days: float
    relevant_fte_days: float
    relevant_fte_years: float
    total_fte_days: float
    missing_fte_days: float
    eligible_from: str | None
    warnings: list[str]


class EducationSnapshot(TypedDict):
    diplomas_prepared: str
    diplomas_obtained: str


class TrainingSnapshot(TypedDict):
    id: str
    title: str
    year: int
    hours: int | None
    organisation: str
    content: str
    attachments: list[AttachmentSnapshot]


class StatementSnapshot(TypedDict):
    key: str
    wording: str
    accepted_at: str | None


class DossierSnapshot(TypedDict):
    """The frozen dossier of one submission (``Submission.snapshot``), as JSON data.

    Read by the dossier's PDF, the review, the export and the anonymisation; older snapshots
    hold the same keys (this shape is what :func:`build` has always written).
    """

    number: str | None
    version: int
    submitted_at: str | None
    certification: CertificationSnapshot
    identity: IdentitySnapshot
    activities: list[ActivitySnapshot]
    eligibility: EligibilitySnapshot
    education: EducationSnapshot
    trainings: list[TrainingSnapshot]
    cv: str
    sworn_statement: list[StatementSnapshot]


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _attachment(attachment: Attachment) -> AttachmentSnapshot:
    return {
        "id": str(attachment.id),
        "kind": attachment.kind.value,
        "kind_label": attachment.kind.label,
        "filename": attachment.display_name,
        "size": attachment.size,
        "sha256": attachment.sha256,
    }


def build(
    dossier: Dossier,
    assessment: Assessment,
    statements: list[tuple[Any, datetime]],
    version: int,
    moment: datetime,
) -> DossierSnapshot:
    """The snapshot of ``dossier`` submitted as ``version`` at ``moment``."""
    referential = dossier.referential
    option = dossier.option
    live = dossier.live_attachments()
    activities: list[ActivitySnapshot] = []
    for activity, result in zip(dossier.activities, assessment.activities, strict=True):
        activities.append(
            {
                "id": str(activity.id),
                "title": activity.title,
                "employer_name": activity.employer_name,
                "employer_address": activity.employer_address,
                "sector": activity.sector,
                "status": activity.status.value,
                "status_label": activity.status.label,
                "start": _iso(activity.start_date),
                "end": _iso(activity.end_date),
                "work_time": activity.work_time.value,
                "work_time_value": float(activity.work_time_value)
                if activity.work_time_value is not None
                else None,
                "work_time_label": activity.work_time_label,
                "main_activities": activity.main_activities,
                "relevant": activity.relevant,
                "counted": result.counted,
                "reason": result.reason,
                "fte_days_in_window": round(result.fte_days_in_window, 2),
                "fte_days_total": round(result.fte_days_total, 2),
                "attachments": [_attachment(a) for a in live if a.activity_id == activity.id],
            }
        )
    return {
        "number": dossier.number,
        "version": version,
        "submitted_at": _iso(moment),
        "certification": {
            "code": dossier.certification.code,
            "title": referential.title,
            "referential_version": dossier.referential_version.number,
            "option": {
                "code": option.code,
                "title": option.title,
                "label": referential.option_label,
            }
            if option
            else None,
            "requested_blocks": list(dossier.requested_blocks)
            if dossier.requested_blocks is not None
            else None,
            "scope": scope.dossier_scope_text(dossier),
        },
        "identity": cast(
            IdentitySnapshot, {name: getattr(dossier, name) for name in IDENTITY_FIELDS}
        ),
        "activities": activities,
        "eligibility": {
            "rule": {
                "required_years": assessment.rule.required_years,
                "window_years": assessment.rule.window_years,
            },
            "reference_date": _iso(assessment.reference_date),
            "window_start": _iso(assessment.window_start),
            "eligible": assessment.eligible,
            "required_fte_days": round(assessment.required_fte_days, 2),
            "relevant_fte_days": round(assessment.relevant_fte_days, 2),
            "relevant_fte_years": round(assessment.relevant_fte_years, 2),
            "total_fte_days": round(assessment.total_fte_days, 2),
            "missing_fte_days": round(assessment.missing_fte_days, 2),
            "eligible_from": _iso(assessment.eligible_from),
            "warnings": list(assessment.warnings),
        },
        "education": {
            "diplomas_prepared": dossier.diplomas_prepared,
            "diplomas_obtained": dossier.diplomas_obtained,
        },
        "trainings": [
            {
                "id": str(training.id),
                "title": training.title,
                "year": training.year,
                "hours": training.hours,
                "organisation": training.organisation,
                "content": training.content,
                "attachments": [_attachment(a) for a in live if a.training_id == training.id],
            }
            for training in dossier.trainings
        ],
        "cv": dossier.cv,
        "sworn_statement": [
            {"key": c.key, "wording": c.wording, "accepted_at": _iso(at)} for c, at in statements
        ],
    }


def render_pdf(snapshot: DossierSnapshot) -> bytes:
    from vae.dossier.pdf import dossier_pdf

    return dossier_pdf(snapshot)
