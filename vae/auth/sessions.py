"""The account behind a session: Flask-Login's user loader.

Also used by vae.drafts to prove who typed a text kept after the session expired."""

from __future__ import annotations

import uuid

from vae.auth.models import User
from vae.extensions import db


def load_user(token: str) -> User | None:
    """The account of ``"<user id>:<session token>"``, or None when the token is stale
    (signed out everywhere, password changed) or malformed."""
    user_id, _sep, session_token = token.partition(":")
    try:
        user = db.session.get(User, uuid.UUID(user_id))
    except ValueError:
        return None
    if user is None or not session_token or user.session_token != session_token:
        return None
    return user
