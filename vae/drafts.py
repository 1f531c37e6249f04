"""Text posted after the session expired is kept, and given back once its author signs in.

A view marked :func:`vae.access.keeps_drafts` that receives a POST from a visitor whose session
has ended keeps the posted fields only when the request proves who typed them: the expired
session cookie (signed with our key, its account's session token still current) or the session
handed out with an earlier kept draft, belongs to the candidate who owns the dossier in the URL
or to one of its accompagnateurs (accepted, not revoked).
Anything else (no cookie, a forged or revoked one, someone else's dossier) stores nothing.

Each field is cut to the form's own maximum length, fields the form does not have are dropped
(never the CSRF token), the stash is rate-limited per account, and a draft lives seven days.
After login, the same page takes the draft back, for its owner only, and shows it in the form.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, flash, request, session
from flask_wtf import FlaskForm
from itsdangerous import BadSignature
from limits import parse_many
from sqlalchemy import JSON, ForeignKey, String, Uuid, delete, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import MultiDict
from wtforms import SelectMultipleField
from wtforms.validators import Length

from vae import clock
from vae.auth.models import User
from vae.auth.sessions import load_user
from vae.dbtypes import UTCDateTime, utcnow
from vae.extensions import db, limiter

SESSION_KEY = "pending_draft"
KEEP_FOR = timedelta(days=7)
MAX_PER_OWNER = 5  # pages with a kept draft, per account (the oldest goes first)
FIELD_MAX = 200  # a field without a Length validator (choices: codes, ids)
VALUES_MAX = 100  # values of a multiple-choice field

KEPT = "Votre session a expiré. Votre texte est conservé\u00a0: reconnectez-vous pour le retrouver."
KEPT_CUT = (
    "Votre session a expiré. Votre texte est conservé, mais les champs plus longs que permis "
    "ont été raccourcis à leur longueur maximale\u00a0: reconnectez-vous pour le retrouver."
)
NOT_KEPT = "Votre session a expiré\u00a0: reconnectez-vous."


class PendingDraft(db.Model):
    """Text posted after the session expired, kept until its author signs in again."""

    __tablename__ = "pending_drafts"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Whose expired session posted it: the only account it is ever given back to.
    owner_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    endpoint: Mapped[str] = mapped_column(String(100))
    view_args: Mapped[dict[str, Any]] = mapped_column(JSON)
    form: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def keep_if_owner(form_class: type[FlaskForm]) -> None:
    """Called by :func:`vae.access.enforce` for a POST without a session: keep it if proven."""
    purge()
    owner = _proven_owner()
    if (
        owner is None
        or not _owns_dossier(owner, request.view_args or {})
        or not _within_limit(owner)
    ):
        flash(NOT_KEPT, "info")
        return
    fields, cut = bounded_fields(form_class, request.form)
    view_args = _as_strings(request.view_args or {})
    endpoint = request.endpoint or ""
    for draft in _drafts_of(owner.id, endpoint, view_args):
        db.session.delete(draft)
    db.session.flush()
    older = db.session.scalars(
        select(PendingDraft)
        .where(PendingDraft.owner_id == owner.id)
        .order_by(PendingDraft.created_at.desc())
        .offset(MAX_PER_OWNER - 1)
    ).all()
    for draft in older:
        db.session.delete(draft)
    token = secrets.token_urlsafe(32)
    db.session.add(
        PendingDraft(
            token=token,
            owner_id=owner.id,
            endpoint=endpoint,
            view_args=view_args,
            form=fields,
            created_at=clock.now(),
        )
    )
    db.session.commit()
    session[SESSION_KEY] = token
    flash(KEPT_CUT if cut else KEPT, "info")


def take(endpoint: str, view_args: dict[str, Any]) -> MultiDict[str, str] | None:
    """The signed-in user's fields kept for this very page, once; None when there are none."""
    from flask_login import current_user

    if not current_user.is_authenticated:
        return None
    found = _drafts_of(current_user.id, endpoint, _as_strings(view_args))
    if not found:
        return None
    draft = max(found, key=lambda d: d.created_at)
    fields = MultiDict([(key, value) for key, values in draft.form.items() for value in values])
    for each in found:
        db.session.delete(each)
    db.session.commit()
    session.pop(SESSION_KEY, None)
    return fields


def purge() -> int:
    """Delete (and commit) the drafts older than :data:`KEEP_FOR`; how many went."""
    result = db.session.execute(
        delete(PendingDraft).where(PendingDraft.created_at < clock.now() - KEEP_FOR)
    )
    db.session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def bounded_fields(
    form_class: type[FlaskForm], posted: MultiDict[str, str]
) -> tuple[dict[str, list[str]], bool]:
    """The posted values of the form's own fields, each cut to its maximum length.

    Returns the fields and whether anything was cut or dropped for being too long or too many.
    """
    form = form_class(formdata=None, meta={"csrf": False})
    fields: dict[str, list[str]] = {}
    cut = False
    for field in form:
        values = posted.getlist(field.name)
        if not values:
            continue
        limit = min(
            (v.max for v in field.validators if isinstance(v, Length) and v.max >= 0),
            default=FIELD_MAX,
        )
        count = VALUES_MAX if isinstance(field, SelectMultipleField) else 1
        kept = [value[:limit] for value in values[:count]]
        cut = cut or len(values) > count or any(len(v) > limit for v in values[:count])
        fields[field.name] = kept
    return fields, cut


def _proven_owner() -> User | None:
    """The account this anonymous request provably comes from, or None."""
    expired = _expired_session()
    # The same check as a live session: the account's session token must still be current.
    user = load_user(str(expired.get("_user_id", ""))) if expired else None
    if user is None:  # a session handed out with a kept draft, after the proof was made
        token = session.get(SESSION_KEY)
        draft = db.session.get(PendingDraft, token) if isinstance(token, str) else None
        user = db.session.get(User, draft.owner_id) if draft is not None else None
    if user is None or not user.active:
        return None
    return user


def _expired_session() -> dict[str, Any]:
    """The content of the session cookie, signed by us, ended at most :data:`KEEP_FOR` ago."""
    interface = current_app.session_interface
    serializer = getattr(interface, "get_signing_serializer", lambda _app: None)(current_app)
    raw = request.cookies.get(current_app.config["SESSION_COOKIE_NAME"])
    if serializer is None or not raw:
        return {}
    max_age = current_app.permanent_session_lifetime + KEEP_FOR
    try:
        data = serializer.loads(raw, max_age=int(max_age.total_seconds()))
    except BadSignature:
        return {}
    return data if isinstance(data, dict) else {}


def _owns_dossier(user: User, view_args: dict[str, Any]) -> bool:
    """The dossier in the URL is ``user``'s own, or one they accompany (an active
    accompaniment, vae.accompaniment): the two kinds of accounts that write in a dossier."""
    from vae.dossier.models import Dossier

    dossier_id = view_args.get("dossier_id")
    if not isinstance(dossier_id, uuid.UUID):
        return False
    dossier = db.session.get(Dossier, dossier_id)
    return dossier is not None and dossier.is_worked_on_by(user)


def _within_limit(user: User) -> bool:
    """Count this stash against the account's limit (``RATELIMIT_DRAFTS``); False when over."""
    if not limiter.enabled:  # RATELIMIT_ENABLED = False
        return True
    strategy = limiter.limiter
    key = f"drafts/{user.id}"
    return all(
        strategy.hit(item, key) for item in parse_many(current_app.config["RATELIMIT_DRAFTS"])
    )


def _drafts_of(owner_id: uuid.UUID, endpoint: str, view_args: dict[str, str]) -> list[Any]:
    rows = db.session.scalars(
        select(PendingDraft).where(
            PendingDraft.owner_id == owner_id,
            PendingDraft.endpoint == endpoint,
            PendingDraft.created_at >= clock.now() - KEEP_FOR,  # older ones are purged later
        )
    ).all()
    return [row for row in rows if row.view_args == view_args]


def _as_strings(view_args: dict[str, Any]) -> dict[str, str]:
    return {key: str(value) for key, value in view_args.items()}
