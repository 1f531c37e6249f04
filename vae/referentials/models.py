"""Referentials stored in the database: one row per version of a certification's data file."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from cachetools import LRUCache
from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vae.dbtypes import UTCDateTime, utcnow
from vae.extensions import db
from vae.referentials.schema import Referential
from vae.referentials.words import UnitWords

# Parsed referentials, shared by every request of the process: a version is immutable once
# loaded (vae.referentials.operations only adds versions), so (id, sha256) names one content
# for ever and a newly loaded version, with its new id, is parsed on first use. The models are
# frozen (pydantic ``frozen=True``): no request can change what another one reads.
_PARSED: LRUCache[tuple[int, str], Referential] = LRUCache(maxsize=256)
_PARSED_LOCK = threading.Lock()


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
    # The certifier its current version names (kept by ``referentials load``): scoping a list
    # to an officer's certifiers is one join on this small table.
    certifier_id: Mapped[int | None] = mapped_column(ForeignKey("certifiers.id"), index=True)
    certifier: Mapped[Any] = relationship("Certifier")

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
    # Deferred: read (and parsed) only when this process has not parsed the version yet.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    certification: Mapped[Certification] = relationship(foreign_keys=[certification_id])

    @property
    def referential(self) -> Referential:
        """The validated referential, parsed once per process (see ``_PARSED``)."""
        if self.id is None:  # not flushed yet: no stable key
            return Referential.model_validate(self.data)
        key = (self.id, self.sha256)
        with _PARSED_LOCK:
            cached = _PARSED.get(key)
        if cached is None:
            cached = remember(self.id, self.sha256, Referential.model_validate(self.data))
        return cached


def remember(version_id: int, sha256: str, referential: Referential) -> Referential:
    """Keep a version's parsed referential for the rest of the process."""
    with _PARSED_LOCK:
        _PARSED[(version_id, sha256)] = referential
    return referential


def parse_all(versions: Iterable[ReferentialVersion]) -> None:
    """Parse, in one query, the versions this process has not parsed yet (a list page reads
    each of them: without this, one query per version the first time)."""
    with _PARSED_LOCK:
        missing = {v.id: v.sha256 for v in versions if (v.id, v.sha256) not in _PARSED}
    if missing:
        rows = db.session.execute(
            select(ReferentialVersion.id, ReferentialVersion.data).where(
                ReferentialVersion.id.in_(missing)
            )
        )
        for version_id, data in rows:
            remember(version_id, missing[version_id], Referential.model_validate(data))
