"""Certifiers in tests: their ids by code, and which certifiers a staff account works for.

Call these inside an application context (``with app.app_context():``)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, insert, select

from vae.certifiers import scope
from vae.certifiers.models import Certifier, staff_certifiers
from vae.extensions import db

MUTUALITE = "cpnefp-mutualite"  # cqp-spp, gpac, cmc
UCANSS = "ucanss"  # cqp-dam
COURTAGE = "cpnefp-courtage"  # cqp-gap
SUBMITTED_AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def certifier_id(code: str) -> int:
    """The id of the certifier ``code`` (``referentials load`` created it)."""
    found = db.session.scalar(select(Certifier.id).where(Certifier.code == code))
    assert found is not None, code
    return found


def attach(user_id: Any, *codes: str) -> None:
    """``user_id`` works for the certifiers ``codes`` and those only (every one without codes)."""
    chosen = select(Certifier.id)
    if codes:
        chosen = chosen.where(Certifier.code.in_(codes))
    db.session.execute(delete(staff_certifiers).where(staff_certifiers.c.user_id == user_id))
    rows = [{"user_id": user_id, "certifier_id": i} for i in db.session.scalars(chosen)]
    if rows:
        db.session.execute(insert(staff_certifiers), rows)
    db.session.commit()
    scope.forget()


def submitted_dossiers(
    code: str, count: int, *, last_name: str, due: date | None = None, start: int = 0
) -> list[Any]:
    """``count`` dossiers of the certification ``code``, submitted on 2 November 2026 and
    waiting for a decision (due ``due``, 2 January 2027 by default), straight in the database;
    numbered from ``start``. Returns their ids."""
    from vae.auth.models import User
    from vae.dossier.enums import DossierStatus
    from vae.dossier.models import Dossier
    from vae.referentials.models import Certification, ReferentialVersion
    from vae.roles import Role

    certification = db.session.scalar(select(Certification.id).where(Certification.code == code))
    version = db.session.scalar(
        select(ReferentialVersion.id).where(ReferentialVersion.certification_id == certification)
    )
    ids = []
    for i in range(start, start + count):
        email = f"{code}-{i}-{uuid.uuid4().hex[:6]}@exemple.fr"
        user = User(email=email, role=Role.CANDIDATE, first_name="Alex", last_name=last_name)
        user.password_hash = "!"
        db.session.add(user)
        db.session.flush()
        dossier = Dossier(
            candidate_id=user.id,
            certification_id=certification,
            referential_version_id=version,
            status=DossierStatus.SUBMITTED,
            number=f"VAE-2026-{800000 + i:06d}",
            submission_count=1,
            submitted_at=SUBMITTED_AT,
            decision_due=due or date(2027, 1, 2),
            last_name=last_name,
            first_name="Alex",
            email=email,
        )
        dossier.refresh_search_text()
        db.session.add(dossier)
        db.session.flush()
        ids.append(dossier.id)
    db.session.commit()
    return ids
