"""Imports every feature's models so that SQLAlchemy and Alembic see the whole schema."""

from vae.audit import AuditEntry
from vae.auth.models import User
from vae.dossier.models import (
    Activity,
    Attachment,
    Dossier,
    DossierCounter,
    Submission,
    SwornStatement,
    Training,
)
from vae.livret2.models import Livret2, Livret2Version, PendingDraft, Situation
from vae.referentials.models import Certification, ReferentialVersion
from vae.review.models import Decision, Finding

__all__ = [
    "Activity",
    "Attachment",
    "AuditEntry",
    "Certification",
    "Decision",
    "Dossier",
    "DossierCounter",
    "Finding",
    "Livret2",
    "Livret2Version",
    "PendingDraft",
    "ReferentialVersion",
    "Situation",
    "Submission",
    "SwornStatement",
    "Training",
    "User",
]
