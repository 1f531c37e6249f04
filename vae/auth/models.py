"""User accounts."""

from __future__ import annotations

import contextlib
import secrets
import uuid
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from sqlalchemy import Enum, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from vae.dbtypes import UTCDateTime, new_uuid, utcnow
from vae.extensions import db
from vae.roles import Role

_hasher = PasswordHasher()  # argon2-cffi's defaults: RFC 9106's low-memory profile
# Verifying against this keeps the time of a login for an unknown email like a known one.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def password_cost() -> tuple[int, int, int]:
    """Argon2's (time cost, memory in KiB, parallelism) in use."""
    return _hasher.time_cost, _hasher.memory_cost, _hasher.parallelism


def configure_hasher(time_cost: int, memory_kib: int, parallelism: int) -> None:
    """Argon2's cost, from the configuration (``PASSWORD_HASH_*``, argon2-cffi's defaults).

    The test suite lowers it (as Django's test settings swap in a fast hasher): thousands of
    accounts are created there, and the cost is argon2's, not the app's. A hash made with
    other parameters is still verified, and rehashed with these at its next login.
    """
    global _hasher, _DUMMY_HASH
    wanted = (time_cost, memory_kib, parallelism)
    if password_cost() == wanted:
        return
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
    _DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, name="user_role", values_callable=lambda e: [m.value for m in e]),
        index=True,
    )
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deletion_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the login cookie: rotating it ends every session of the account.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def get_id(self) -> str:  # Flask-Login
        return f"{self.id}:{self.session_token}"

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        try:
            ok = _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if ok and _hasher.check_needs_rehash(self.password_hash):
            self.set_password(password)
        return ok

    def end_sessions(self) -> None:
        self.session_token = new_session_token()

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    # What the pages ask about an account (menus, spaces), so that templates compare no role.
    @property
    def is_candidate(self) -> bool:
        return self.role == Role.CANDIDATE

    @property
    def is_staff(self) -> bool:
        """CPNEFP staff, administrators included: they read and handle dossiers."""
        return self.role in (Role.STAFF, Role.ADMIN)

    @property
    def is_jury(self) -> bool:
        return self.role == Role.JURY

    @property
    def is_accompagnateur(self) -> bool:
        """Invited by candidates to help with their dossiers (vae.accompaniment)."""
        return self.role == Role.ACCOMPAGNATEUR

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


def burn_password_check(password: str) -> None:
    """Spend the time of a real check when no account matches (no account enumeration)."""
    with contextlib.suppress(VerificationError, InvalidHashError):
        _hasher.verify(_DUMMY_HASH, password)


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` at the configured cost."""
    return _hasher.hash(password)


def burn_password_hash(password: str) -> None:
    """Spend the time of hashing a new password, for nothing (no account enumeration)."""
    hash_password(password)


def normalise_email(email: str) -> str:
    return email.strip().lower()
