"""Imports every feature's models so that SQLAlchemy and Alembic see the whole schema."""

from vae.audit import AuditEntry
from vae.auth.models import User
from vae.dossier.inactivity import InactivityReminder
from vae.dossier.models import Activity, Attachment, Dossier, Training
from vae.dossier.submissions import DossierCounter, Submission, SwornStatement
from vae.drafts import PendingDraft
from vae.jury.models import (
    AcquiredBlock,
    CertificationAward,
    ConflictDeclaration,
    ExpiryReminder,
    Jury,
    JuryMember,
    JurySession,
    Proclamation,
    Signature,
)
from vae.livret2.models import Livret2, Livret2Version, Situation
from vae.referentials.models import Certification, ReferentialVersion
from vae.review.complements import ComplementItem
from vae.review.models import Decision, Finding

__all__ = [
    "AcquiredBlock",
    "Activity",
    "Attachment",
    "AuditEntry",
    "Certification",
    "CertificationAward",
    "ComplementItem",
    "ConflictDeclaration",
    "Decision",
    "Dossier",
    "DossierCounter",
    "ExpiryReminder",
    "Finding",
    "InactivityReminder",
    "Jury",
    "JuryMember",
    "JurySession",
    "Livret2",
    "Livret2Version",
    "PendingDraft",
    "Proclamation",
    "ReferentialVersion",
    "Signature",
    "Situation",
    "Submission",
    "SwornStatement",
    "Training",
    "User",
]
