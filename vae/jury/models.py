"""Juries: members, sessions, a dossier's two-member jury, its grid, signatures, outcomes."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vae.dbtypes import UTCDateTime, new_uuid, portable_enum, utcnow
from vae.dossier.enums import DossierStatus
from vae.extensions import db
from vae.rules import expiry


class MemberKind(enum.StrEnum):
    CERTIFIER = "certifier"
    PROFESSIONAL = "professional"

    @property
    def label(self) -> str:
        return {
            "certifier": "Représentant de l'organisme certificateur",
            "professional": "Professionnel expérimenté de la branche",
        }[self.value]


class JuryMember(db.Model):
    """The directory entry of a jury member (their account has the jury role)."""

    __tablename__ = "jury_members"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"), unique=True)
    kind: Mapped[MemberKind] = mapped_column(portable_enum(MemberKind, "member_kind"))
    branch: Mapped[str] = mapped_column(String(200), default="")
    employer: Mapped[str] = mapped_column(String(200), default="")
    trained_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The certifier whose directory lists this member.
    certifier_id: Mapped[int | None] = mapped_column(ForeignKey("certifiers.id"), index=True)

    user = relationship("User")

    @property
    def name(self) -> str:
        return self.user.full_name

    @property
    def needs_directory(self) -> bool:
        """Created before the certifiers' directories: an administrator must attach it."""
        return self.certifier_id is None


class JurySession(db.Model):
    __tablename__ = "jury_sessions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(String(300), default="")
    video_link: Mapped[str] = mapped_column(String(500), default="")
    slot_minutes: Mapped[int] = mapped_column(Integer, default=45)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    juries: Mapped[list[Jury]] = relationship(back_populates="session", order_by="Jury.slot_at")


class Jury(db.Model):
    """The two-member jury of one dossier, its slot, and the shared evaluation grid."""

    __tablename__ = "juries"
    __table_args__ = (Index("ix_juries_members", "certifier_id", "professional_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    dossier_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dossiers.id", ondelete="CASCADE"), unique=True
    )
    session_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("jury_sessions.id"), index=True)
    slot_at: Mapped[datetime] = mapped_column(UTCDateTime)
    certifier_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("jury_members.id"))
    professional_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("jury_members.id"))
    override_reason: Mapped[str] = mapped_column(Text, default="")
    grid: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    grid_version: Mapped[int] = mapped_column(Integer, default=0)
    convoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": lock_version}

    dossier = relationship("Dossier")
    session: Mapped[JurySession] = relationship(back_populates="juries")
    certifier: Mapped[JuryMember] = relationship(foreign_keys=[certifier_id])
    professional: Mapped[JuryMember] = relationship(foreign_keys=[professional_id])
    declarations: Mapped[list[ConflictDeclaration]] = relationship(
        back_populates="jury", cascade="all, delete-orphan"
    )
    signatures: Mapped[list[Signature]] = relationship(
        back_populates="jury", order_by="Signature.signed_at", cascade="all, delete-orphan"
    )

    @property
    def members(self) -> tuple[JuryMember, JuryMember]:
        return (self.certifier, self.professional)

    def member_for(self, user: Any) -> JuryMember | None:
        return next((m for m in self.members if m.user_id == getattr(user, "id", None)), None)

    @classmethod
    def of_dossier(cls, dossier_id: uuid.UUID) -> Jury | None:
        """The jury of a dossier, if one was composed."""
        return db.session.scalar(select(cls).where(cls.dossier_id == dossier_id))

    def sits(self, member: JuryMember) -> bool:
        """The member is one of the two on this jury."""
        return member.id in (self.certifier_id, self.professional_id)

    def has_declared(self, member: JuryMember) -> bool:
        return any(d.member_id == member.id for d in self.declarations)

    def can_grade(self, member: JuryMember) -> bool:
        """The member may fill in and sign the grid: seated, cleared, and the jury not over."""
        return (
            self.sits(member)
            and self.has_declared(member)
            and self.dossier.status == DossierStatus.JURY_SCHEDULED
        )

    def current_signatures(self) -> list[Signature]:
        return [
            s
            for s in self.signatures
            if s.withdrawn_at is None and s.grid_version == self.grid_version
        ]

    @property
    def signed_by_both(self) -> bool:
        signers = {s.member_id for s in self.current_signatures()}
        return signers == {self.certifier_id, self.professional_id}


class ConflictDeclaration(db.Model):
    """A member's declaration, for one dossier, that nothing ties them to the candidate."""

    __tablename__ = "jury_declarations"
    __table_args__ = (UniqueConstraint("jury_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("juries.id", ondelete="CASCADE"))
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("jury_members.id"))
    statement: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    jury: Mapped[Jury] = relationship(back_populates="declarations")


class Signature(db.Model):
    """A member's signature of one version of the grid; a later change withdraws it."""

    __tablename__ = "jury_signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("juries.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("jury_members.id"))
    grid_version: Mapped[int] = mapped_column(Integer)
    grid_sha256: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    jury: Mapped[Jury] = relationship(back_populates="signatures")
    member: Mapped[JuryMember] = relationship()


class Proclamation(db.Model):
    """The CPNEFP national joint jury's proclamation, block by block."""

    __tablename__ = "proclamations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    dossier_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dossiers.id", ondelete="CASCADE"), unique=True
    )
    proclaimed_on: Mapped[date] = mapped_column(Date)
    results: Mapped[dict[str, bool]] = mapped_column(JSON)
    departures: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AcquiredBlock(db.Model):
    """A block the candidate holds, from a proclamation; it counts until ``expires_on``."""

    __tablename__ = "acquired_blocks"
    __table_args__ = (Index("ix_acquired_blocks_holder", "candidate_id", "certification_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    candidate_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    certification_id: Mapped[int] = mapped_column(ForeignKey("certifications.id"))
    dossier_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("dossiers.id"))
    block_code: Mapped[str] = mapped_column(String(40))
    block_title: Mapped[str] = mapped_column(String(300), default="")
    proclaimed_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    verification_code: Mapped[str] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    candidate = relationship("User")
    certification = relationship("Certification")

    @property
    def valid_until(self) -> date | None:
        """The last day the block still counts (« valable jusqu'au »); None: never expires."""
        return expiry.last_valid_day(self.expires_on)

    def counts_on(self, day: date) -> bool:
        """Whether the block still counts on ``day`` (from its proclamation on)."""
        return expiry.counts_on(self.proclaimed_on, self.expires_on, day)


class CertificationAward(db.Model):
    """The whole certification, awarded when every required block is held and valid."""

    __tablename__ = "certification_awards"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    candidate_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"), index=True)
    certification_id: Mapped[int] = mapped_column(ForeignKey("certifications.id"))
    option_code: Mapped[str | None] = mapped_column(String(40))
    dossier_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("dossiers.id"))
    awarded_on: Mapped[date] = mapped_column(Date)
    blocks: Mapped[list[str]] = mapped_column(JSON)
    verification_code: Mapped[str] = mapped_column(String(20), unique=True)

    candidate = relationship("User")
    certification = relationship("Certification")


class ExpiryReminder(db.Model):
    """A reminder sent before a block expires: once per block and threshold."""

    __tablename__ = "expiry_reminders"
    __table_args__ = (UniqueConstraint("acquired_block_id", "threshold"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    acquired_block_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("acquired_blocks.id", ondelete="CASCADE")
    )
    threshold: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
