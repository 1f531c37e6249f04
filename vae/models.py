"""Imports every feature's models so that SQLAlchemy and Alembic see the whole schema."""

from vae.accompaniment.models import Accompaniment, AccompanimentComment
from vae.api.models import ApiToken, IdempotencyRecord, WebhookDelivery, WebhookEndpoint
from vae.audit import AuditEntry
from vae.auth.models import User
from vae.certifiers.models import Certifier, staff_certifiers
from vae.dossier.inactivity import InactivityReminder
from vae.dossier.models import Activity, Attachment, Dossier, Training
from vae.dossier.status_counts import DossierDueCount, DossierMonthCount, DossierStatusCount
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
from vae.outbox import OutboxMessage
from vae.referentials.models import Certification, ReferentialVersion
from vae.review.complements import ComplementItem
from vae.review.models import Decision, Finding

__all__ = [
    "Accompaniment",
    "AccompanimentComment",
    "AcquiredBlock",
    "Activity",
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "Certification",
    "CertificationAward",
    "Certifier",
    "ComplementItem",
    "ConflictDeclaration",
    "Decision",
    "Dossier",
    "DossierCounter",
    "DossierDueCount",
    "DossierMonthCount",
    "DossierStatusCount",
    "ExpiryReminder",
    "Finding",
    "IdempotencyRecord",
    "InactivityReminder",
    "Jury",
    "JuryMember",
    "JurySession",
    "Livret2",
    "Livret2Version",
    "OutboxMessage",
    "PendingDraft",
    "Proclamation",
    "ReferentialVersion",
    "Signature",
    "Situation",
    "Submission",
    "SwornStatement",
    "Training",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
    "staff_certifiers",
]
