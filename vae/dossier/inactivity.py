"""Friendly reminders for work left idle: a draft untouched for 60 days (here) and a livret 2
untouched for 90 days (vae.livret2.inactivity), sent by ``flask --app vae reminders send``.

« Touched » is the latest audit entry a person (not the system) recorded on the dossier, or the
given start of the period (the dossier's creation, the livret 2's opening). One reminder per
period of inactivity: a row of :class:`InactivityReminder` keeps the last touch it answers, so a
second run sends nothing, and a dossier touched again then idle again gets one more.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ForeignKey, String, UniqueConstraint, Uuid, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from vae import audit, clock, mail
from vae.dbtypes import UTCDateTime, utcnow
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.urls import public_url

DRAFT_IDLE_DAYS = 60
DRAFT = "draft"


class InactivityReminder(db.Model):
    """One reminder sent for one period of inactivity (``idle_since``: the last touch)."""

    __tablename__ = "inactivity_reminders"
    __table_args__ = (UniqueConstraint("dossier_id", "kind", "idle_since"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dossiers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # "draft" or "livret2"
    idle_since: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@dataclass(frozen=True)
class IdleWork:
    """What a reminder is about: its kind, the rules of its mail, and where to send the reader."""

    kind: str
    idle_days: int
    subject: str
    template: str
    endpoint: str
    audit_action: str


DRAFT_WORK = IdleWork(
    kind=DRAFT,
    idle_days=DRAFT_IDLE_DAYS,
    subject="Votre dossier VAE vous attend",
    template="emails/inactivity_draft.txt",
    endpoint="dossier.show",
    audit_action="inactivity_reminder_draft",
)


def last_touches(dossier_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, datetime]:
    """The latest audit entry recorded by a person on each dossier (dossiers without one are
    absent)."""
    if not dossier_ids:
        return {}
    by_text = {str(i): i for i in dossier_ids}
    rows = db.session.execute(
        select(audit.AuditEntry.subject_id, func.max(audit.AuditEntry.at))
        .where(
            audit.AuditEntry.subject_type == "dossier",
            audit.AuditEntry.subject_id.in_(by_text),
            audit.AuditEntry.actor_role.is_not(None),
        )
        .group_by(audit.AuditEntry.subject_id)
    )
    return {by_text[subject]: clock.paris_time(at) for subject, at in rows if at is not None}


def send_idle_reminders(
    work: IdleWork, started: Sequence[tuple[Dossier, datetime]], today: date
) -> list[Dossier]:
    """Remind the owner of each dossier whose last touch (or its period's ``started`` moment,
    whichever is later) is ``work.idle_days`` or more before ``today``, once per period."""
    touches = last_touches([d.id for d, _ in started])
    reminded = dict(
        db.session.execute(
            select(InactivityReminder.dossier_id, func.max(InactivityReminder.idle_since))
            .where(
                InactivityReminder.kind == work.kind,
                InactivityReminder.dossier_id.in_([d.id for d, _ in started]),
            )
            .group_by(InactivityReminder.dossier_id)
        ).all()
    )
    sent = []
    for dossier, start in started:
        since = max(t for t in (start, touches.get(dossier.id)) if t is not None)
        owner = dossier.candidate
        if clock.paris_date(since) + timedelta(days=work.idle_days) > today:
            continue
        previous = reminded.get(dossier.id)
        if previous is not None and clock.paris_time(previous) >= clock.paris_time(since):
            continue  # already reminded for this period of inactivity
        if owner is None or not owner.active or owner.email_confirmed_at is None:
            continue  # the verified address only
        if owner.anonymised_at is not None or owner.deletion_requested_at is not None:
            continue
        db.session.add(InactivityReminder(dossier_id=dossier.id, kind=work.kind, idle_since=since))
        audit.record("dossier", dossier.id, work.audit_action)  # by the system: not a touch
        mail.send_template(
            owner.email,
            work.subject,
            work.template,
            dossier=dossier,
            user=owner,
            idle_days=work.idle_days,
            link=public_url(work.endpoint, dossier_id=dossier.id),
        )
        try:
            db.session.commit()  # marked with its email: a second run never sends twice
        except IntegrityError:
            db.session.rollback()  # another run took it (and its email goes with the rollback)
            continue
        sent.append(dossier)
    return sent


def send_draft_reminders(today: date) -> list[Dossier]:
    """Drafts untouched for 60 days: one friendly reminder each per period of inactivity."""
    drafts = db.session.scalars(select(Dossier).where(Dossier.status == DossierStatus.DRAFT))
    return send_idle_reminders(DRAFT_WORK, [(d, d.created_at) for d in drafts], today)
