"""The candidate's earlier requests, read from the database for the quota rule of vae.rules."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select

from vae import clock
from vae.dossier.models import Dossier
from vae.dossier.submissions import Submission
from vae.extensions import db
from vae.referentials.models import Certification
from vae.rules.quotas import QuotaBreach, SubmittedRequest, check_quota


def earlier_requests(candidate_id: uuid.UUID, exclude: uuid.UUID | None) -> list[SubmittedRequest]:
    """The candidate's submitted requests (first submission of each dossier; drafts excluded)."""
    first = (
        select(Submission.dossier_id, func.min(Submission.submitted_at).label("first_at"))
        .group_by(Submission.dossier_id)
        .subquery()
    )
    stmt = (
        select(Certification.code, first.c.first_at, Dossier.requested_blocks)
        .join(Dossier, Dossier.certification_id == Certification.id)
        .join(first, first.c.dossier_id == Dossier.id)
        .where(Dossier.candidate_id == candidate_id)
    )
    if exclude is not None:
        stmt = stmt.where(Dossier.id != exclude)
    return [
        SubmittedRequest(
            certification=code, submitted_on=clock.paris_date(at), blocks_only=blocks is not None
        )
        for code, at, blocks in db.session.execute(stmt)
    ]


def quota_breach(
    candidate_id: uuid.UUID,
    certification_code: str,
    dossier_id: uuid.UUID | None,
    on: date | None = None,
    *,
    blocks_only: bool = False,
) -> QuotaBreach | None:
    """The limit a new request would break; none for a block-only request (R6412-3)."""
    return check_quota(
        earlier_requests(candidate_id, dossier_id),
        certification_code,
        on or clock.today(),
        blocks_only=blocks_only,
    )
