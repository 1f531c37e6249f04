"""The livret 2 of a recevable dossier, its situations and its submitted versions."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vae.dbtypes import UTCDateTime, new_uuid, portable_enum, utcnow
from vae.dossier.enums import DossierStatus
from vae.extensions import db


class Livret2Status(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return {
            "draft": "En cours de rédaction",
            "submitted": "Déposé",
            "returned": "Renvoyé pour être complété",
        }[self.value]


_L = Livret2Status
# The livret 2's life: submitted, possibly returned for complements, submitted again. Each move
# goes with the dossier's own (the dossier's status, below, and its audit entry).
NEXT_STATUSES: dict[Livret2Status, frozenset[Livret2Status]] = {
    _L.DRAFT: frozenset({_L.SUBMITTED}),
    _L.SUBMITTED: frozenset({_L.RETURNED}),
    _L.RETURNED: frozenset({_L.SUBMITTED}),
}
DOSSIER_STATUS_WITH = {
    _L.SUBMITTED: DossierStatus.LIVRET2_SUBMITTED,
    _L.RETURNED: DossierStatus.LIVRET2_IN_PROGRESS,
}
EDITABLE_STATUSES = frozenset({_L.DRAFT, _L.RETURNED})

TEXT_FIELDS = ("context", "actions", "partners", "tools", "results", "hindsight")


class Livret2(db.Model):
    __tablename__ = "livrets2"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    dossier_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dossiers.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[Livret2Status] = mapped_column(
        portable_enum(Livret2Status, "livret2_status"), default=Livret2Status.DRAFT
    )
    target_blocks: Mapped[list[str]] = mapped_column(JSON, default=list)
    due_on: Mapped[date] = mapped_column(Date)
    submission_count: Mapped[int] = mapped_column(Integer, default=0)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_comment: Mapped[str] = mapped_column(Text, default="")
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": lock_version}

    dossier = relationship("Dossier")
    situations: Mapped[list[Situation]] = relationship(
        back_populates="livret", order_by="Situation.position", cascade="all, delete-orphan"
    )

    @property
    def editable(self) -> bool:
        """The candidate may still write it: not submitted, or returned for complements."""
        return self.status in EDITABLE_STATUSES

    @property
    def returned(self) -> bool:
        """Returned by the CPNEFP for complements (``return_comment`` says which)."""
        return self.status == Livret2Status.RETURNED

    @property
    def may_be_returned(self) -> bool:
        """Submitted: staff may return it to the candidate for complements."""
        return Livret2Status.RETURNED in NEXT_STATUSES[self.status]

    def move_to(
        self, status: Livret2Status, action: str, *, comment: str | None = None, actor: Any = None
    ) -> None:
        """The one place a livret 2's status changes: checked against its life cycle, and moved
        with its dossier (``Dossier.move_to``, which checks the dossier's life and audits)."""
        if status not in NEXT_STATUSES[self.status]:
            raise ValueError(f"livret 2 {self.id}: {self.status.value} -> {status.value} refused")
        self.dossier.move_to(DOSSIER_STATUS_WITH[status], action, comment=comment, actor=actor)
        self.status = status


class Situation(db.Model):
    """A significant work situation, told in the rubrics the jury reads."""

    __tablename__ = "livret2_situations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    livret_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("livrets2.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    block_code: Mapped[str] = mapped_column(String(40))
    activity_code: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200), default="")
    employer: Mapped[str] = mapped_column(String(200), default="")
    period: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(200), default="")
    context: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[str] = mapped_column(Text, default="")
    partners: Mapped[str] = mapped_column(Text, default="")
    tools: Mapped[str] = mapped_column(Text, default="")
    results: Mapped[str] = mapped_column(Text, default="")
    hindsight: Mapped[str] = mapped_column(Text, default="")
    competencies: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    livret: Mapped[Livret2] = relationship(back_populates="situations")

    @property
    def word_count(self) -> int:
        return sum(len(getattr(self, name).split()) for name in TEXT_FIELDS)


class Livret2Version(db.Model):
    """A submitted livret 2, frozen: data and PDF."""

    __tablename__ = "livret2_versions"
    __table_args__ = (UniqueConstraint("livret_id", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    livret_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("livrets2.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    pdf_stored_name: Mapped[str] = mapped_column(String(64))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
