"""The dossier de recevabilité and what hangs from it."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vae.dbtypes import UTCDateTime, new_uuid, portable_enum, searchable, utcnow
from vae.extensions import db
from vae.roles import Role


class DossierStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    INCOMPLETE = "incomplete"
    RECEVABLE = "recevable"
    NON_RECEVABLE = "non_recevable"
    LIVRET2_IN_PROGRESS = "livret2_in_progress"
    LIVRET2_SUBMITTED = "livret2_submitted"
    JURY_SCHEDULED = "jury_scheduled"
    JURY_SIGNED = "jury_signed"
    PROCLAIMED = "proclaimed"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    DossierStatus.DRAFT: "Brouillon",
    DossierStatus.SUBMITTED: "Déposé, en cours d'examen",
    DossierStatus.INCOMPLETE: "À compléter",
    DossierStatus.RECEVABLE: "Recevable",
    DossierStatus.NON_RECEVABLE: "Non recevable",
    DossierStatus.LIVRET2_IN_PROGRESS: "Livret 2 en cours de rédaction",
    DossierStatus.LIVRET2_SUBMITTED: "Livret 2 déposé",
    DossierStatus.JURY_SCHEDULED: "Jury programmé",
    DossierStatus.JURY_SIGNED: "Proposition du jury signée",
    DossierStatus.PROCLAIMED: "Résultats proclamés",
    DossierStatus.CLOSED: "Clos",
    DossierStatus.WITHDRAWN: "Retiré",
}
EDITABLE_STATUSES = frozenset({DossierStatus.DRAFT, DossierStatus.INCOMPLETE})
# A recevabilité request in progress: a candidate has at most one per certification (the
# database enforces it, index uq_dossiers_one_open).
OPEN_STATUSES = (DossierStatus.DRAFT, DossierStatus.SUBMITTED, DossierStatus.INCOMPLETE)
ONE_OPEN_WHERE = "status IN ({})".format(", ".join(f"'{s.value}'" for s in OPEN_STATUSES))

_S = DossierStatus
# The dossier's life (DOMAIN.md): which status may follow which. Withdrawal is possible before
# the jury.
NEXT_STATUSES: dict[DossierStatus, frozenset[DossierStatus]] = {
    _S.DRAFT: frozenset({_S.SUBMITTED, _S.WITHDRAWN}),
    _S.SUBMITTED: frozenset({_S.INCOMPLETE, _S.RECEVABLE, _S.NON_RECEVABLE, _S.WITHDRAWN}),
    _S.INCOMPLETE: frozenset({_S.SUBMITTED, _S.WITHDRAWN}),
    _S.RECEVABLE: frozenset({_S.LIVRET2_IN_PROGRESS, _S.WITHDRAWN}),
    _S.LIVRET2_IN_PROGRESS: frozenset({_S.LIVRET2_SUBMITTED, _S.WITHDRAWN}),
    _S.LIVRET2_SUBMITTED: frozenset({_S.LIVRET2_IN_PROGRESS, _S.JURY_SCHEDULED, _S.WITHDRAWN}),
    _S.JURY_SCHEDULED: frozenset({_S.JURY_SIGNED}),
    _S.JURY_SIGNED: frozenset({_S.PROCLAIMED}),
    _S.PROCLAIMED: frozenset({_S.CLOSED}),
    _S.NON_RECEVABLE: frozenset(),
    _S.CLOSED: frozenset(),
    _S.WITHDRAWN: frozenset(),
}


class ActivityStatus(enum.StrEnum):
    SALARIE = "salarie"
    NON_SALARIE = "non_salarie"
    BENEVOLE = "benevole"

    @property
    def label(self) -> str:
        return ACTIVITY_STATUS_LABELS[self]


ACTIVITY_STATUS_LABELS = {
    ActivityStatus.SALARIE: "Salarié",
    ActivityStatus.NON_SALARIE: "Non salarié",
    ActivityStatus.BENEVOLE: "Bénévole",
}


class WorkTime(enum.StrEnum):
    FULL_TIME = "full_time"
    PERCENT = "percent"
    HOURS_PER_MONTH = "hours_per_month"
    HOURS_PER_WEEK = "hours_per_week"


class AttachmentKind(enum.StrEnum):
    EMPLOYER_ATTESTATION = "employer_attestation"
    PAYSLIPS = "payslips"
    VOLUNTEER_ATTESTATION = "volunteer_attestation"
    ACTIVITY_PROOF = "activity_proof"
    TRAINING_ATTESTATION = "training_attestation"
    LIVRET2_ANNEX = "livret2_annex"

    @property
    def label(self) -> str:
        return ATTACHMENT_LABELS[self]


ATTACHMENT_LABELS = {
    AttachmentKind.EMPLOYER_ATTESTATION: "Attestation employeur",
    AttachmentKind.PAYSLIPS: "Bulletins de salaire",
    AttachmentKind.VOLUNTEER_ATTESTATION: "Attestation de l'association (deux responsables)",
    AttachmentKind.ACTIVITY_PROOF: "Justificatif d'activité non salariée",
    AttachmentKind.TRAINING_ATTESTATION: "Attestation de formation",
    AttachmentKind.LIVRET2_ANNEX: "Annexe du livret 2",
}

# Which evidence proves which kind of activity (seed 001, "Pièces à joindre").
PROOF_KINDS = {
    ActivityStatus.SALARIE: (AttachmentKind.EMPLOYER_ATTESTATION, AttachmentKind.PAYSLIPS),
    ActivityStatus.NON_SALARIE: (AttachmentKind.ACTIVITY_PROOF,),
    ActivityStatus.BENEVOLE: (AttachmentKind.VOLUNTEER_ATTESTATION,),
}


class Dossier(db.Model):
    __tablename__ = "dossiers"
    __table_args__ = (
        Index("ix_dossiers_candidate_created", "candidate_id", "created_at"),
        Index("ix_dossiers_submitted_at", "submitted_at"),
        # The staff queue (vae.review.queue): one index per way it sorts, so that a page of 25
        # never sorts 100,000 rows. Measured with `make bench` (EXPLAIN QUERY PLAN).
        Index(
            "ix_dossiers_queue",
            text("(decision_due IS NULL)"),
            "decision_due",
            text("submitted_at DESC"),
            "id",
        ),
        Index(
            "ix_dossiers_cert_queue",
            "certification_id",
            text("(decision_due IS NULL)"),
            "decision_due",
            text("submitted_at DESC"),
            "id",
        ),
        Index("ix_dossiers_status_due", "status", "decision_due", "submitted_at", "id"),
        Index("ix_dossiers_status_name", "status", "last_name", "first_name", "id"),
        Index("ix_dossiers_name", "last_name", "first_name", "id"),
        Index("ix_dossiers_status_search", "status", "search_text"),
        CheckConstraint(
            "status = 'draft' OR (number IS NOT NULL AND submitted_at IS NOT NULL)",
            name="submitted_has_number",
        ),
        Index(
            "uq_dossiers_one_open",
            "candidate_id",
            "certification_id",
            unique=True,
            sqlite_where=text(ONE_OPEN_WHERE),
            postgresql_where=text(ONE_OPEN_WHERE),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    candidate_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    certification_id: Mapped[int] = mapped_column(ForeignKey("certifications.id"), index=True)
    referential_version_id: Mapped[int] = mapped_column(ForeignKey("referential_versions.id"))
    option_code: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[DossierStatus] = mapped_column(
        portable_enum(DossierStatus, "dossier_status"), default=DossierStatus.DRAFT, index=True
    )
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    submission_count: Mapped[int] = mapped_column(Integer, default=0)

    last_name: Mapped[str] = mapped_column(String(100), default="")
    first_name: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    identity_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cv: Mapped[str] = mapped_column(Text, default="")
    diplomas_prepared: Mapped[str] = mapped_column(Text, default="")
    diplomas_obtained: Mapped[str] = mapped_column(Text, default="")
    education_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    # Review (CPNEFP): who handles it, the legal deadline, the outcome.
    assigned_officer_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id"), index=True
    )
    decision_due: Mapped[date | None] = mapped_column(Date, index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    livret2_due: Mapped[date | None] = mapped_column(Date)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Lower-case, accent-free "number name first name email": what the staff search matches.
    search_text: Mapped[str] = mapped_column(String(500), default="", server_default="")

    __mapper_args__: dict[str, Any] = {"version_id_col": lock_version}

    candidate = relationship("User", foreign_keys=[candidate_id])
    assigned_officer = relationship("User", foreign_keys=[assigned_officer_id])
    certification = relationship("Certification")
    referential_version = relationship("ReferentialVersion")
    activities: Mapped[list[Activity]] = relationship(
        back_populates="dossier", order_by="Activity.position", cascade="all, delete-orphan"
    )
    trainings: Mapped[list[Training]] = relationship(
        back_populates="dossier", order_by="Training.position", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="dossier", order_by="Attachment.uploaded_at", cascade="all, delete-orphan"
    )
    submissions: Mapped[list[Submission]] = relationship(
        order_by="Submission.version", cascade="all, delete-orphan"
    )

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def referential(self) -> Any:
        return self.referential_version.referential

    @property
    def option(self) -> Any:
        return next((o for o in self.referential.options if o.code == self.option_code), None)

    def is_owned_by(self, user: Any) -> bool:
        return bool(user and user.is_authenticated and self.candidate_id == user.id)

    def can_view(self, user: Any) -> bool:
        """The candidate; staff once it was submitted (a draft is the candidate's alone, a
        dossier returned for complements stays visible); the two jury members once they
        declared no conflict."""
        if self.is_owned_by(user):
            return True
        if not (user and user.is_authenticated) or self.submission_count == 0:
            return False
        if user.role == Role.JURY:
            return self._jury_member_cleared(user)
        return user.role in (Role.STAFF, Role.ADMIN)

    def _jury_member_cleared(self, user: Any) -> bool:
        from sqlalchemy import select

        from vae.jury.models import ConflictDeclaration, Jury, JuryMember

        found = db.session.scalar(
            select(ConflictDeclaration.id)
            .join(Jury, Jury.id == ConflictDeclaration.jury_id)
            .join(JuryMember, JuryMember.id == ConflictDeclaration.member_id)
            .where(Jury.dossier_id == self.id, JuryMember.user_id == user.id)
        )
        return found is not None

    def can_edit(self, user: Any) -> bool:
        return self.editable and self.is_owned_by(user)

    def move_to(
        self, status: DossierStatus, action: str, *, comment: str | None = None, actor: Any = None
    ) -> None:
        """The one place a dossier's status changes: checked against its life cycle, audited
        (who, when, from, to, why) in the same transaction as the change."""
        from vae import audit

        if status not in NEXT_STATUSES[self.status]:
            raise ValueError(f"dossier {self.id}: {self.status.value} -> {status.value} refused")
        previous = self.status
        self.status = status
        audit.record(
            "dossier",
            self.id,
            action,
            from_state=previous.value,
            to_state=status.value,
            comment=comment,
            actor=actor,
        )

    def refresh_search_text(self) -> None:
        self.search_text = searchable(
            f"{self.number or ''} {self.last_name} {self.first_name} {self.email}"
        )[:500]

    def live_attachments(self) -> list[Attachment]:
        return [a for a in self.attachments if a.removed_at is None]


class Activity(db.Model):
    """A job or volunteer activity, as declared by the candidate."""

    __tablename__ = "dossier_activities"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="period_in_order"),
        CheckConstraint(
            "(work_time = 'full_time' AND work_time_value IS NULL) OR "
            "(work_time <> 'full_time' AND work_time_value > 0)",
            name="work_time_value_present",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    dossier_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dossiers.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    employer_name: Mapped[str] = mapped_column(String(200))
    employer_address: Mapped[str] = mapped_column(String(300), default="")
    sector: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[ActivityStatus] = mapped_column(portable_enum(ActivityStatus, "activity_status"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    work_time: Mapped[WorkTime] = mapped_column(portable_enum(WorkTime, "work_time"))
    work_time_value: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    main_activities: Mapped[str] = mapped_column(Text, default="")
    relevant: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="activities")

    @property
    def work_time_label(self) -> str:
        value = self.work_time_value
        shown = f"{value.normalize():f}".replace(".", ",") if value is not None else ""
        return {
            WorkTime.FULL_TIME: "Temps plein",
            WorkTime.PERCENT: f"Temps partiel : {shown} % d'un temps plein",
            WorkTime.HOURS_PER_MONTH: f"Temps partiel : {shown} h par mois",
            WorkTime.HOURS_PER_WEEK: f"{shown} h par semaine",
        }[self.work_time]

    @property
    def label(self) -> str:
        return f"{self.title} – {self.employer_name}"

    def proofs(self) -> list[Attachment]:
        kinds = PROOF_KINDS[self.status]
        return [
            a
            for a in self.dossier.attachments
            if a.activity_id == self.id and a.removed_at is None and a.kind in kinds
        ]


class Training(db.Model):
    """A continuing-training course (never counted as experience)."""

    __tablename__ = "dossier_trainings"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    dossier_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dossiers.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    hours: Mapped[int | None] = mapped_column(Integer)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text, default="")

    dossier: Mapped[Dossier] = relationship(back_populates="trainings")


class Attachment(db.Model):
    """An uploaded file; removed ones stay (hidden) when a submitted version refers to them."""

    __tablename__ = "attachments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    dossier_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dossiers.id", ondelete="CASCADE"), index=True
    )
    activity_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("dossier_activities.id", ondelete="SET NULL"), index=True
    )
    training_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("dossier_trainings.id", ondelete="SET NULL"), index=True
    )
    situation_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("livret2_situations.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[AttachmentKind] = mapped_column(portable_enum(AttachmentKind, "attachment_kind"))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    mime_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_in: Mapped[int | None] = mapped_column(Integer)  # first version that included it

    dossier: Mapped[Dossier] = relationship(back_populates="attachments")


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
