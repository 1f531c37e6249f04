"""The audit trail: who did what, when, from which state to which, and why. Append-only.

An entry keeps the actor's id and role, never their name or email: the label shown is
computed from the account as it is today, so an anonymised account leaves no name behind.
Comments carry no personal strings (ids, codes and neutral wording only).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import ForeignKey, Index, String, Text, Uuid, event, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vae.dbtypes import UTCDateTime, utcnow
from vae.extensions import db
from vae.roles import ROLE_LABELS


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_subject", "subject_type", "subject_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor_role: Mapped[str | None] = mapped_column(String(20))  # None: the system itself
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(60))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str | None] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(64))

    actor: Mapped[Any] = relationship("User", lazy="joined")

    @property
    def actor_label(self) -> str:
        """Who acted, as shown today: the current name, or the role alone once anonymised."""
        if self.actor_role is None:
            return "système"
        role_label = str(ROLE_LABELS.get(self.actor_role, "Utilisateur"))
        user = self.actor
        if user is None:
            return f"{role_label} (compte supprimé)"
        if user.anonymised_at is not None:
            return f"{role_label} (compte anonymisé)"
        return f"{user.full_name} ({role_label})"


class AuditImmutableError(RuntimeError):
    """Raised when code tries to change or delete an audit entry."""


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(*_args: Any) -> None:
    raise AuditImmutableError("audit entries cannot be edited")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(*_args: Any) -> None:
    raise AuditImmutableError("audit entries cannot be deleted")


def record(
    subject_type: str,
    subject_id: Any,
    action: str,
    *,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str | None = None,
    actor: Any = None,
) -> AuditEntry:
    """Add an entry to the session; the caller's commit makes it permanent with the change."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_role=_role(actor),
        subject_type=subject_type,
        subject_id=str(subject_id),
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


def history(subject_type: str, subject_id: Any) -> list[AuditEntry]:
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == str(subject_id))
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return list(db.session.scalars(stmt))


def _role(actor: Any) -> str | None:
    if actor is None:
        return None
    return str(getattr(actor, "role", None) or "unknown")
