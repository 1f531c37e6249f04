"""API tokens in tests: create one for a certifier straight through vae.api.tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.functional.certifier_flow import MUTUALITE
from vae import clock
from vae.certifiers.models import Certifier
from vae.extensions import db


def make_token(
    app: Any,
    code: str = MUTUALITE,
    scopes: tuple[str, ...] = ("read",),
    *,
    days: int = 90,
    expired: bool = False,
    revoked: bool = False,
) -> str:
    """A token of the certifier ``code``; returns its secret."""
    from sqlalchemy import select

    from vae.api import tokens

    with app.test_request_context():
        certifier = db.session.scalar(select(Certifier).where(Certifier.code == code))
        token, secret = tokens.create(certifier, "Système de test", list(scopes), days)
        if expired:
            token.expires_at = clock.now() - timedelta(seconds=1)
        if revoked:
            tokens.revoke(token)
        db.session.commit()
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def api_get(client: Any, path: str, secret: str, **kwargs: Any) -> Any:
    kwargs.setdefault("buffered", True)  # a file answer is read and closed
    return client.get("/api/v1" + path, headers=bearer(secret), **kwargs)
