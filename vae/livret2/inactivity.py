"""A livret 2 untouched for 90 days gets one friendly reminder per period of inactivity (the
rules and the bookkeeping: vae.dossier.inactivity)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from vae.dossier.enums import DossierStatus
from vae.dossier.inactivity import IdleWork, send_idle_reminders
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.livret2.models import Livret2, Livret2Status

LIVRET2_IDLE_DAYS = 90
LIVRET2_WORK = IdleWork(
    kind="livret2",
    idle_days=LIVRET2_IDLE_DAYS,
    subject="Votre livret 2 VAE vous attend",
    template="emails/inactivity_livret2.txt",
    endpoint="livret2.overview",
    audit_action="inactivity_reminder_livret2",
)


def send_livret2_reminders(today: date) -> list[Dossier]:
    """Livrets 2 being written (or returned) and untouched for 90 days since their opening."""
    rows = db.session.execute(
        select(Dossier, Livret2)
        .join(Livret2, Livret2.dossier_id == Dossier.id)
        .where(
            Dossier.status == DossierStatus.LIVRET2_IN_PROGRESS,
            Livret2.status.in_([Livret2Status.DRAFT, Livret2Status.RETURNED]),
        )
    ).all()
    started = [
        (d, max(filter(None, (livret.created_at, livret.returned_at)))) for d, livret in rows
    ]
    return send_idle_reminders(LIVRET2_WORK, started, today)
