"""The dossier de recevabilité and what hangs from it."""

from __future__ import annotations

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
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vae.accompaniment.access import accompanies
from vae.certifiers.scope import staff_covers
from vae.dbtypes import UTCDateTime, new_uuid, portable_enum, searchable, utcnow
from vae.dossier.decision_clock import DecisionClock
from vae.dossier.enums import (
    EDITABLE_STATUSES,
    ENDED_STATUSES,
    JURY_PHASE,
    LIVRET2_OPEN,
    LIVRET2_TO_WRITE,
    NEXT_STATUSES,
    ONE_OPEN_WHERE,
    PROOF_KINDS,
    RESULTS_OUT,
    ActivityStatus,
    AttachmentKind,
    DossierStatus,
    WorkTime,
)
from vae.dossier.lifecycle_questions import LifecycleQuestions
from vae.dossier.submissions import Submission
from vae.extensions import db
from vae.provided import Provided
from vae.roles import Role
from vae.rules.eligibility import over_full_time_note

STAFF_ROLES = (Role.STAFF, Role.ADMIN)
# Whether a jury account sits on the dossier's jury and declared no conflict: the jury provides
# it (vae.jury.readers), so that dossiers need not know juries.
jury_cleared: Provided[[Any, Dossier], bool] = Provided("a jury member's clearance")
# certification_id last: the overdue count of an officer's certifiers reads the index alone.
STATUS_DUE_INDEX = ("status", "decision_due", "submitted_at", "id", "certification_id")


class Dossier(LifecycleQuestions, DecisionClock, db.Model):
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
        Index("ix_dossiers_status_due", *STATUS_DUE_INDEX),
        Index("ix_dossiers_status_name", "status", "last_name", "first_name", "id"),
        Index("ix_dossiers_name", "last_name", "first_name", "id"),
        Index("ix_dossiers_id_status", "id", "status", "certification_id"),  # search counts
        # Queue counts filtered by certification and officer, from the index alone.
        Index(
            "ix_dossiers_cert_officer_status", "certification_id", "assigned_officer_id", "status"
        ),
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
    # R6412-3: the block codes a block-only request aims at; None = the whole certification.
    requested_blocks: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
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

    @property
    def blocks_only(self) -> bool:
        """A request aimed at some blocks only (R6412-3), exempt from the quotas."""
        return self.requested_blocks is not None

    def is_owned_by(self, user: Any) -> bool:
        return bool(user and user.is_authenticated and self.candidate_id == user.id)

    def is_worked_on_by(self, user: Any) -> bool:
        """The candidate or one of their accompagnateurs (vae.accompaniment.access)."""
        return self.is_owned_by(user) or accompanies(user, self)

    def can_view(self, user: Any) -> bool:
        """The candidate and their accompagnateurs; staff once it was submitted (a draft is
        theirs alone, a dossier returned for complements stays visible) when one of their
        certifiers owns its certification (vae.certifiers.scope); the two jury members once they
        declared no conflict (``jury_cleared``)."""
        if self.is_worked_on_by(user):
            return True
        if not (user and user.is_authenticated) or self.submission_count == 0:
            return False
        if user.role == Role.JURY:
            return jury_cleared(user, self)
        return user.role in STAFF_ROLES and staff_covers(user, self.certification_id)

    def shows_certificates_to(self, user: Any) -> bool:
        """Certificates are the candidate's (and staff's): not an accompagnateur's to read."""
        return self.is_owned_by(user) or (self.can_view(user) and user.role in STAFF_ROLES)

    def can_decide(self, user: Any) -> bool:
        """Staff may record findings and the recevabilité decision while it is under review
        and the two months are not over (then the implicit acceptance stands)."""
        staff = bool(user and user.is_authenticated) and user.role in STAFF_ROLES
        staff = staff and staff_covers(user, self.certification_id)
        return self.under_review and not self.implicitly_accepted and staff

    @property
    def under_review(self) -> bool:
        """Submitted and waiting for the CPNEFP's decision."""
        return self.status == DossierStatus.SUBMITTED

    @property
    def awaits_complements(self) -> bool:
        """Returned to the candidate, who must complete it and submit it again."""
        return self.status == DossierStatus.INCOMPLETE

    @property
    def livret2_open(self) -> bool:
        """Recevable: the livret 2 may be read (and written until it is submitted)."""
        return self.status in LIVRET2_OPEN

    @property
    def livret2_to_write(self) -> bool:
        """Recevable and the livret 2 not yet submitted: its deadline matters."""
        return self.status in LIVRET2_TO_WRITE

    @property
    def jury_phase(self) -> bool:
        """From the livret 2's submission to the proclamation: the jury page has something."""
        return self.status in JURY_PHASE

    @property
    def jury_to_compose(self) -> bool:
        """The livret 2 is submitted and no jury is scheduled yet."""
        return self.status == DossierStatus.LIVRET2_SUBMITTED

    @property
    def awaits_proclamation(self) -> bool:
        """Both jury members signed the proposal: the national jury may proclaim."""
        return self.status == DossierStatus.JURY_SIGNED

    @property
    def results_out(self) -> bool:
        """Results proclaimed: the candidate may read them and download certificates."""
        return self.status in RESULTS_OUT

    @property
    def may_be_anonymised(self) -> bool:
        """Over (nothing more will happen to it) and not anonymised yet."""
        return self.status in ENDED_STATUSES and self.anonymised_at is None

    def can_edit(self, user: Any) -> bool:
        return self.editable and self.is_worked_on_by(user)

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
        note = over_full_time_note(self.work_time.value, value)
        if note:  # 39 h a week is common: it counts as full time, and the candidate is told
            unit = "mois" if self.work_time == WorkTime.HOURS_PER_MONTH else "semaine"
            return f"{shown} h par {unit} ({note})"
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
