"""The daily digest of the accompagnateurs' changes, emailed to the candidate.

Once a day (``flask --app vae accompaniment digest``, by cron), each candidate whose dossier an
accompagnateur changed since the last digest gets one message per dossier: for each
accompagnateur, the changes read from the dossier's audit trail (entries whose actor is them),
and a link to the dossier. ``Accompaniment.digest_sent_at`` marks what was told: a second run
the same day sends nothing, and a change is never told twice.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from vae import clock, mail
from vae.accompaniment.models import Accompaniment
from vae.audit import AuditEntry
from vae.audit_labels import action_label
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.urls import public_url


@dataclass(frozen=True)
class HelperChanges:
    """What one accompagnateur changed on the dossier since the last digest."""

    name: str
    structure: str
    changes: list[str]  # « Identité enregistrée », « Activité enregistrée (2 fois) »…


def _since(accompaniment: Accompaniment) -> datetime:
    return accompaniment.digest_sent_at or accompaniment.accepted_at  # type: ignore[return-value]


def _changes(accompaniment: Accompaniment, until: datetime) -> list[str]:
    """The accompagnateur's changes to the dossier since the last digest, in French."""
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(
            AuditEntry.subject_type == "dossier",
            AuditEntry.subject_id == str(accompaniment.dossier_id),
            AuditEntry.actor_id == accompaniment.accompagnateur_id,
            AuditEntry.at > _since(accompaniment),
            AuditEntry.at <= until,
        )
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    counted = Counter(action_label(action) for action in actions)
    return [label if n == 1 else f"{label} ({n} fois)" for label, n in counted.items()]


def _due(now: datetime) -> dict[uuid.UUID, list[Accompaniment]]:
    """The accepted accompaniments not digested yet today, by dossier."""
    today = clock.paris_date(now)
    by_dossier: dict[uuid.UUID, list[Accompaniment]] = {}
    for accompaniment in db.session.scalars(
        select(Accompaniment)
        .where(
            Accompaniment.accepted_at.is_not(None),
            Accompaniment.accompagnateur_id.is_not(None),
        )
        .order_by(Accompaniment.accepted_at, Accompaniment.id)
    ):
        sent = accompaniment.digest_sent_at
        if sent is not None and clock.paris_date(sent) == today:
            continue
        by_dossier.setdefault(accompaniment.dossier_id, []).append(accompaniment)
    return by_dossier


def send_digests() -> list[Any]:
    """Email each candidate the day's changes of their accompagnateurs; the dossiers told."""
    now = clock.now()
    told = []
    for dossier_id, accompaniments in _due(now).items():
        dossier = db.session.get(Dossier, dossier_id)
        candidate = dossier.candidate if dossier is not None else None
        helpers = [
            HelperChanges(a.accompagnateur.full_name, a.structure, changes)
            for a in accompaniments
            if (changes := _changes(a, now))
        ]
        for accompaniment in accompaniments:
            accompaniment.digest_sent_at = now
        if helpers and candidate is not None and candidate.email_confirmed:
            mail.send_template(
                candidate.email,
                "Les modifications de vos accompagnateurs sur votre dossier",
                "emails/accompaniment_digest.txt",
                user=candidate,
                dossier=dossier,
                helpers=helpers,
                link=public_url("dossier.show", dossier_id=dossier_id),
            )
            told.append(dossier)
        db.session.commit()  # marked with its email, in one transaction
    return told
