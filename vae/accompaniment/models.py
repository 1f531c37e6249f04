"""An invitation of an accompagnateur to one dossier, and their comments.

An invitation is sent to an email address with a link carrying a random token; only the
token's SHA-256 is stored. It works once (``accepted_at``), until ``expires_at``, and the
candidate may revoke it (or the accompaniment it became) at any time (``revoked_at``).
Comments are seen by the candidate and the accompagnateurs of the dossier, never by staff
or jury.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vae.dbtypes import UTCDateTime, new_uuid, utcnow
from vae.extensions import db


class Accompaniment(db.Model):
    __tablename__ = "accompaniments"
    __table_args__ = (
        Index("ix_accompaniments_dossier", "dossier_id", "revoked_at"),
        Index("ix_accompaniments_accompagnateur", "accompagnateur_id", "revoked_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    dossier_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dossiers.id", ondelete="CASCADE")
    )
    invited_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    email: Mapped[str] = mapped_column(String(254))  # the address the invitation went to
    structure: Mapped[str] = mapped_column(String(200), default="")  # e.g. « Mission locale »
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accompagnateur_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last time the candidate was sent the digest of this accompagnateur's changes.
    digest_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    accompagnateur = relationship("User", foreign_keys=[accompagnateur_id])

    @property
    def active(self) -> bool:
        """Accepted and not revoked: the accompagnateur may act on the dossier."""
        return self.accepted_at is not None and self.revoked_at is None


class AccompanimentComment(db.Model):
    """A comment on a step of the dossier or a livret 2 situation (``target``)."""

    __tablename__ = "accompaniment_comments"
    __table_args__ = (Index("ix_accompaniment_comments_dossier", "dossier_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    dossier_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dossiers.id", ondelete="CASCADE")
    )
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    # « etape:identite », « etape:experience », « situation:<uuid> »…
    target: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User", foreign_keys=[author_id])
