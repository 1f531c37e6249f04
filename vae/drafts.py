"""Text posted after the session expired is kept, and given back once its author signs in.

A view marked :func:`vae.access.keeps_drafts` that receives a POST from a visitor whose session
has ended stores the posted fields (never the CSRF token) under a random token remembered in
the new session; after login, the same page takes them back and shows them in the form.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from flask import request, session
from sqlalchemy import delete
from werkzeug.datastructures import MultiDict

from vae import clock
from vae.extensions import db

SESSION_KEY = "pending_draft"
KEEP_FOR = timedelta(days=7)


def stash() -> None:
    from vae.livret2.models import PendingDraft

    db.session.execute(delete(PendingDraft).where(PendingDraft.created_at < clock.now() - KEEP_FOR))
    fields = {
        key: request.form.getlist(key) for key in request.form if not key.endswith("csrf_token")
    }
    token = secrets.token_urlsafe(32)
    db.session.add(
        PendingDraft(
            token=token,
            endpoint=request.endpoint or "",
            view_args={k: str(v) for k, v in (request.view_args or {}).items()},
            form=fields,
            created_at=clock.now(),
        )
    )
    db.session.commit()
    session[SESSION_KEY] = token


def take(endpoint: str, view_args: dict[str, Any]) -> MultiDict[str, str] | None:
    """The fields kept for this very page, once; None when there are none."""
    from vae.livret2.models import PendingDraft

    token = session.get(SESSION_KEY)
    if not token:
        return None
    draft = db.session.get(PendingDraft, token)
    wanted = {k: str(v) for k, v in view_args.items()}
    if draft is None or draft.endpoint != endpoint or draft.view_args != wanted:
        return None
    session.pop(SESSION_KEY, None)
    fields = MultiDict([(key, value) for key, values in draft.form.items() for value in values])
    db.session.delete(draft)
    db.session.commit()
    return fields
