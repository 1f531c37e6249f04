"""API tokens: created for one certifier, shown once, stored as their SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from vae import audit, clock
from vae.api.models import SCOPES, ApiToken
from vae.certifiers.models import Certifier
from vae.errors import DomainError
from vae.extensions import db

TOKEN_PREFIX = "vae_"
PREFIX_LENGTH = 12  # « vae_ » and 8 characters of the secret: enough to tell tokens apart
DEFAULT_DAYS = 90
MAX_DAYS = 365
SCOPE_LABELS = {
    "read": "lecture",
    "decide": "décisions de recevabilité",
    "proclaim": "proclamations",
}


@dataclass(frozen=True)
class ApiActor:
    """Who acts in an API call, for vae.audit.record: no account, the token's role and id."""

    token_id: uuid.UUID
    id: None = None
    role: str = audit.API_TOKEN_ROLE


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_scopes(raw: str | list[str]) -> list[str]:
    """Scopes from ``read,decide`` (or a list), in SCOPES order; unknown words refused."""
    words = raw.replace(",", " ").split() if isinstance(raw, str) else list(raw)
    unknown = sorted(set(words) - set(SCOPES))
    if unknown:
        raise DomainError(
            "Permission inconnue : "
            + ", ".join(unknown)
            + " (permises : "
            + ", ".join(SCOPES)
            + ")."
        )
    if not words:
        raise DomainError("Choisissez au moins une permission.")
    return [scope for scope in SCOPES if scope in words]


def create(
    certifier: Certifier, name: str, scopes: list[str], days: int, created_by: Any = None
) -> tuple[ApiToken, str]:
    """Add a token to the session (the caller commits); returns it and its secret, shown once."""
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(f"La durée de validité va de 1 à {MAX_DAYS} jours.")
    name = name.strip()
    if not name:
        raise DomainError("Donnez un nom au jeton.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        certifier_id=certifier.id,
        name=name[:100],
        prefix=secret[:PREFIX_LENGTH],
        token_sha256=digest(secret),
        scopes=" ".join(parse_scopes(scopes)),
        created_by_id=getattr(created_by, "id", None),
        expires_at=clock.now() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "api_token",
        token.id,
        "api_token_created",
        comment=f"certificateur {certifier.code}, permissions {token.scopes}, {days} jours",
        actor=created_by,
    )
    return token, secret


def revoke(token: ApiToken, actor: Any = None) -> None:
    """Revoke now (the caller commits); a revoked token is refused at once."""
    if token.revoked_at is not None:
        return
    token.revoked_at = clock.now()
    audit.record("api_token", token.id, "api_token_revoked", actor=actor)


def find(secret: str) -> ApiToken | None:
    return db.session.scalar(select(ApiToken).where(ApiToken.token_sha256 == digest(secret)))
