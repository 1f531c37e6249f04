"""Imports every feature's models so that SQLAlchemy and Alembic see the whole schema."""

from vae.audit import AuditEntry
from vae.auth.models import User
from vae.referentials.models import Certification, ReferentialVersion

__all__ = ["AuditEntry", "Certification", "ReferentialVersion", "User"]
