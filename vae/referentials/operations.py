"""Loading data files into the database as versioned referentials."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from vae import audit
from vae.certifiers.models import Certifier
from vae.extensions import db
from vae.referentials.files import DATA_DIR, read_file
from vae.referentials.models import Certification, ReferentialVersion, parse_all, remember
from vae.referentials.schema import Referential


@dataclass(frozen=True)
class LoadOutcome:
    code: str
    version: int
    created: bool


def load_all(data_dir: Path = DATA_DIR) -> list[LoadOutcome]:
    """Load every data file; a file whose content is already stored adds nothing (idempotent).

    All files are validated before anything is written, so a malformed file loads nothing.
    """
    parsed = [read_file(path) for path in sorted(data_dir.glob("*.yaml"))]
    outcomes = [_store(referential, sha) for referential, sha in parsed]
    db.session.commit()
    return outcomes


def _store(referential: Referential, sha256: str) -> LoadOutcome:
    certification = db.session.scalar(
        select(Certification).where(Certification.code == referential.code)
    )
    if certification is None:
        certification = Certification(code=referential.code, title=referential.title)
        db.session.add(certification)
        db.session.flush()
    existing = db.session.scalar(
        select(ReferentialVersion).where(
            ReferentialVersion.certification_id == certification.id,
            ReferentialVersion.sha256 == sha256,
        )
    )
    if existing is not None:
        remember(existing.id, sha256, referential)  # parsed already: no need to parse it again
        if certification.current_version_id == existing.id:
            attach_certifier(certification, referential)
        return LoadOutcome(referential.code, existing.number, created=False)
    last = db.session.scalar(
        select(func.max(ReferentialVersion.number)).where(
            ReferentialVersion.certification_id == certification.id
        )
    )
    version = ReferentialVersion(
        certification_id=certification.id,
        number=(last or 0) + 1,
        sha256=sha256,
        data=referential.model_dump(mode="json"),
    )
    db.session.add(version)
    db.session.flush()
    remember(version.id, sha256, referential)
    certification.title = referential.title
    certification.current_version = version
    attach_certifier(certification, referential)
    audit.record(
        "certification",
        referential.code,
        "referential_loaded",
        to_state=f"v{version.number}",
        comment=f"sha256 {sha256}",
    )
    return LoadOutcome(referential.code, version.number, created=True)


def attach_certifier(certification: Certification, referential: Referential) -> None:
    """Point ``certification`` at the certifier its current version names, creating the
    certifier on first sight (its name from the file; the admin fills in the rest)."""
    named = referential.certifier
    if named is None:  # a version stored before certifiers were data
        return
    certifier = db.session.scalar(select(Certifier).where(Certifier.code == named.code))
    if certifier is None:
        certifier = Certifier(code=named.code, name=named.name)
        db.session.add(certifier)
        db.session.flush()
        audit.record("certifier", named.code, "certifier_created", comment=named.name)
    certification.certifier_id = certifier.id


def current_versions() -> list[ReferentialVersion]:
    """Every certification's current version, in one query, ordered by title."""
    stmt = (
        select(ReferentialVersion)
        .join(Certification, Certification.current_version_id == ReferentialVersion.id)
        .order_by(Certification.title)
    )
    versions = list(db.session.scalars(stmt))
    parse_all(versions)
    return versions


def current_version(code: str) -> ReferentialVersion | None:
    stmt = (
        select(ReferentialVersion)
        .join(Certification, Certification.current_version_id == ReferentialVersion.id)
        .where(Certification.code == code)
    )
    return db.session.scalar(stmt)
