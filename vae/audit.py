"""The audit trail: who did what, when, from which state to which, and why. Append-only.

An entry keeps the actor's id and role, never their name or email: the label shown is
computed from the account as it is today, so an anonymised account leaves no name behind.
Comments carry no personal strings (ids, codes and neutral wording only).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import ForeignKey, Index, String, Text, Uuid, event, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vae.dbtypes import UTCDateTime, utcnow
from vae.extensions import db
from vae.roles import ROLE_LABELS

# actor_role of an API call: no account acts, a certifier's token does (its id is in the entry).
API_TOKEN_ROLE = "api_token"


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
    # An API call's token (actor_role API_TOKEN_ROLE): the label names it and its certifier.
    api_token_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("api_tokens.id", ondelete="SET NULL"), index=True
    )

    actor: Mapped[Any] = relationship("User", lazy="joined")
    api_token: Mapped[Any] = relationship("ApiToken")

    @property
    def actor_label(self) -> str:
        """Who acted, as shown today: the current name, or the role alone once anonymised."""
        if self.actor_role is None:
            return "système"
        if self.actor_role == API_TOKEN_ROLE:
            token = self.api_token
            if token is None:
                return "API : jeton supprimé"
            return f"API : {token.name} ({token.certifier.name})"
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
    if has_request_context() and g.get("audit_actor") is not None:
        actor = g.audit_actor  # an API write: every entry it makes names the token
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
        api_token_id=getattr(actor, "token_id", None),
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
