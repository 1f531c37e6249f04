"""A dossier's submitted versions, their sworn statements, and the yearly dossier numbers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vae.dbtypes import UTCDateTime, new_uuid, utcnow
from vae.extensions import db


class Submission(db.Model):
    """An immutable snapshot of the dossier as submitted: data, sworn statement and PDF."""

    __tablename__ = "dossier_submissions"
    __table_args__ = (UniqueConstraint("dossier_id", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    dossier_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dossiers.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    pdf_stored_name: Mapped[str] = mapped_column(String(64))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    pdf_size: Mapped[int] = mapped_column(Integer)

    statements: Mapped[list[SwornStatement]] = relationship(
        back_populates="submission", order_by="SwornStatement.position"
    )


class SwornStatement(db.Model):
    """One ticked commitment of the déclaration sur l'honneur, with its wording and time."""

    __tablename__ = "sworn_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dossier_submissions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(40))
    wording: Mapped[str] = mapped_column(Text)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)

    submission: Mapped[Submission] = relationship(back_populates="statements")


class DossierCounter(db.Model):
    """The last dossier number given in a year: numbers are VAE-<year>-<000001>."""

    __tablename__ = "dossier_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)
