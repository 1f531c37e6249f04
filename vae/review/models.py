"""What the CPNEFP records about a submitted dossier: findings and decisions. Append-only."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    event,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vae.dbtypes import UTCDateTime, new_uuid, portable_enum, utcnow
from vae.extensions import db


class DecisionKind(enum.StrEnum):
    INCOMPLETE = "incomplete"
    RECEVABLE = "recevable"
    NON_RECEVABLE = "non_recevable"
    # The two months ran out without a decision (L6412-2), and its withdrawal by an admin.
    IMPLICIT = "implicit"
    IMPLICIT_WITHDRAWN = "implicit_withdrawn"

    @property
    def label(self) -> str:
        return DECISION_LABELS[self]

    @property
    def explicit(self) -> bool:
        """One of the decisions an officer takes on the form."""
        return self in EXPLICIT_KINDS


DECISION_LABELS = {
    DecisionKind.INCOMPLETE: "Incomplet : compléments demandés",
    DecisionKind.RECEVABLE: "Recevable",
    DecisionKind.NON_RECEVABLE: "Non recevable",
    DecisionKind.IMPLICIT: "Décision implicite d'acceptation",
    DecisionKind.IMPLICIT_WITHDRAWN: "Retrait de la décision implicite",
}
EXPLICIT_KINDS = (DecisionKind.INCOMPLETE, DecisionKind.RECEVABLE, DecisionKind.NON_RECEVABLE)

# Reasons a dossier is declared non recevable (the officer adds free text).
NON_RECEVABLE_REASONS = {
    "experience_duration": "Durée d'expérience insuffisante",
    "experience_relevance": "Expérience sans rapport suffisant avec la certification",
    "evidence_invalid": "Justificatifs non valables",
    "quota": "Nombre de demandes dépassé pour l'année civile",
    "other": "Autre motif",
}


class Decision(db.Model):
    """A decision on one submitted version; the dossier's status follows the latest one."""

    __tablename__ = "dossier_decisions"
    __table_args__ = (
        CheckConstraint(
            "kind <> 'non_recevable' OR reason_code IS NOT NULL", name="non_recevable_has_reason"
        ),
        CheckConstraint("kind <> 'recevable' OR livret2_due IS NOT NULL", name="recevable_has_due"),
        # Only the implicit decision is taken by nobody (the system, when the clock runs out).
        CheckConstraint(
            "(kind = 'implicit') = (decided_by_id IS NULL)", name="implicit_decided_by_nobody"
        ),
        Index("ix_dossier_decisions_dossier", "dossier_id", "decided_at"),
        # The dashboard's implicit acceptances per month (vae.review.stats): range counts.
        Index("ix_dossier_decisions_kind_decided", "kind", "decided_at"),
        # The dashboard's median (vae.review.stats): the middle entry of this index.
        Index("ix_dossier_decisions_days", "days_to_decision"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    dossier_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dossiers.id", ondelete="CASCADE")
    )
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[DecisionKind] = mapped_column(portable_enum(DecisionKind, "decision_kind"))
    reason_code: Mapped[str | None] = mapped_column(String(40))
    comment: Mapped[str] = mapped_column(Text, default="")
    missing: Mapped[list[str]] = mapped_column(JSON, default=list)
    livret2_due: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    letter_stored_name: Mapped[str] = mapped_column(String(64))
    letter_sha256: Mapped[str] = mapped_column(String(64))
    # Days from the dossier's (last) submission to this decision, set when it is recorded
    # (see ``_days_to_decision`` below); None for a decision taken before that submission.
    days_to_decision: Mapped[float | None] = mapped_column(Float)

    decided_by = relationship("User")

    @property
    def reason_label(self) -> str | None:
        return NON_RECEVABLE_REASONS.get(self.reason_code or "")


class Finding(db.Model):
    """An officer's finding on one activity of a submitted version; the latest one applies."""

    __tablename__ = "dossier_findings"
    __table_args__ = (
        Index("ix_dossier_findings_dossier", "dossier_id", "version", "activity_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dossiers.id", ondelete="CASCADE")
    )
    version: Mapped[int] = mapped_column(Integer)
    activity_ref: Mapped[str] = mapped_column(String(36))
    relevant: Mapped[bool | None]
    attestation_valid: Mapped[bool | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    by = relationship("User")


def latest_findings(findings: list[Finding]) -> dict[str, Finding]:
    """The finding in force per activity: the most recent one."""
    current: dict[str, Any] = {}
    for finding in sorted(findings, key=lambda f: (f.at, f.id)):
        current[finding.activity_ref] = finding
    return current


class DeadlineDigest(db.Model):
    """A dossier listed in the staff's digest before its legal due date: once per threshold
    (15 and 5 days) and due date, whatever the number of runs of ``deadlines run``."""

    __tablename__ = "deadline_digests"
    __table_args__ = (
        UniqueConstraint("dossier_id", "threshold", "due_on"),
        CheckConstraint("threshold > 0", name="threshold_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dossiers.id", ondelete="CASCADE")
    )
    threshold: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@event.listens_for(Decision, "before_insert")
def _days_to_decision(_mapper: Any, connection: Any, decision: Decision) -> None:
    """Every decision, however recorded, keeps its delay since the dossier's submission (the
    dashboard's median reads it from an index instead of joining each decision's dossier)."""
    if decision.days_to_decision is not None:
        return
    table = db.metadata.tables["dossiers"]
    submitted = connection.scalar(
        select(table.c.submitted_at).where(table.c.id == decision.dossier_id)
    )
    decided = decision.decided_at or utcnow()
    decision.days_to_decision = days_between(submitted, decided)


def days_between(submitted: datetime | None, decided: datetime) -> float | None:
    """Days (with their fraction) from ``submitted`` to ``decided``; None if none or before."""
    if submitted is None or decided < submitted:
        return None
    return (decided - submitted).total_seconds() / 86400
