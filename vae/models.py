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
    "ReferentialVersion",
    "Submission",
    "SwornStatement",
    "Training",
    "User",
]
