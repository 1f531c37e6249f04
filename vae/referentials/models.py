"""Referentials stored in the database: one row per version of a certification's data file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vae.dbtypes import UTCDateTime, utcnow
from vae.extensions import db
from vae.referentials.schema import Referential
from vae.referentials.words import UnitWords


class Certification(db.Model):
    """A certification, identified by its stable code; its content lives in versions."""

    __tablename__ = "certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("referential_versions.id", use_alter=True)
    )
    current_version: Mapped[ReferentialVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )

    @property
    def words(self) -> UnitWords:
        """How the certification names its blocks and options (current version)."""
        version = self.current_version
        return version.referential.words if version is not None else UnitWords()


class ReferentialVersion(db.Model):
    """An immutable snapshot of a data file; dossiers point at the version they were filed under."""

    __tablename__ = "referential_versions"
    __table_args__ = (
        UniqueConstraint("certification_id", "number"),
        UniqueConstraint("certification_id", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    certification_id: Mapped[int] = mapped_column(ForeignKey("certifications.id"), index=True)
    number: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    certification: Mapped[Certification] = relationship(foreign_keys=[certification_id])

    @property
    def referential(self) -> Referential:
        cached = self.__dict__.get("_referential")
        if cached is None:
            cached = Referential.model_validate(self.data)
            self.__dict__["_referential"] = cached
        return cached
