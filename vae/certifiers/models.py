"""A certifier and who works for it.

Each certification's referential names its certifier by ``code`` (versioned with the rest of
the referential); ``certifications.certifier_id`` follows the current version, so scoping a
query is one join on a tiny table. Staff accounts belong to one or more certifiers
(``staff_certifiers``); a jury member's directory entry belongs to one certifier.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from vae.dbtypes import UTCDateTime, utcnow
from vae.extensions import db

staff_certifiers = Table(
    "staff_certifiers",
    db.metadata,
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "certifier_id",
        ForeignKey("certifiers.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Certifier(db.Model):
    """The identity a certifier's letters, certificates, convocations and emails carry."""

    __tablename__ = "certifiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")  # one line per newline
    city: Mapped[str] = mapped_column(String(100), default="")  # « À Paris, le … »
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_title: Mapped[str] = mapped_column(String(200), default="")
    letter_mentions: Mapped[str] = mapped_column(Text, default="")  # footer of its letters
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Certifier {self.code}>"


def certifier_ids_of(user_id: uuid.UUID) -> list[int]:
    """The certifiers a staff account works for (one small indexed query)."""
    from sqlalchemy import select

    return list(
        db.session.scalars(
            select(staff_certifiers.c.certifier_id).where(staff_certifiers.c.user_id == user_id)
        )
    )
