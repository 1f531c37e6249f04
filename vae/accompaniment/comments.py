"""Comments of the candidate and their accompagnateurs on the dossier's steps and the livret 2's
situations. Only they read and write them: staff and jury never see one (no page of theirs
lists them, and the comment route answers them 404).

A comment's ``target`` names what it is about: « etape:<step key> » or « situation:<id> ».
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, delete, select

from vae import clock
from vae.accompaniment.models import AccompanimentComment
from vae.auth.models import User
from vae.dossier.steps import STEPS
from vae.errors import DomainError
from vae.extensions import db
from vae.french import NBSP
from vae.livret2.models import Livret2, Situation
from vae.roles import Role

STEP = "etape"
SITUATION = "situation"


class CommentError(DomainError):
    """A refused comment, with a French message."""


def visible_to(user: Any, dossier: Any) -> bool:
    """The candidate and their active accompagnateurs read and write the dossier's comments."""
    return dossier is not None and dossier.is_worked_on_by(user)


def step_target(key: str) -> str:
    return f"{STEP}:{key}"


def situation_target(situation_id: Any) -> str:
    return f"{SITUATION}:{situation_id}"


def open_for_comments(dossier: Any, target: str) -> bool | None:
    """None when ``target`` is no step nor situation of the dossier; else whether comments may
    be posted on it: while the dossier (for a step) or its livret 2 (for a situation) is being
    written. Once submitted, the comments stay readable and no new one is taken."""
    kind, _sep, key = (target or "").partition(":")
    if kind == STEP:
        return dossier.editable if any(step.key == key for step in STEPS) else None
    if kind != SITUATION:
        return None
    try:
        situation_id = uuid.UUID(key)
    except ValueError:
        return None
    livret = db.session.scalar(
        select(Livret2)
        .join(Situation, Situation.livret_id == Livret2.id)
        .where(Situation.id == situation_id, Livret2.dossier_id == dossier.id)
    )
    return None if livret is None else livret.editable


@dataclass(frozen=True)
class Author:
    """Who wrote a comment, as the box names them."""

    full_name: str  # as User.full_name
    role: Role


@dataclass(frozen=True)
class ShownComment:
    """A comment as the box shows it (plain data read with its author in one query)."""

    body: str
    created_at: datetime
    author: Author | None  # None: the author's account was deleted


@cache
def _comments() -> Select[Any]:
    """The comments' query with their authors, built once (on first use)."""
    return (
        select(
            AccompanimentComment.body,
            AccompanimentComment.created_at,
            User.first_name,
            User.last_name,
            User.role,
        )
        .outerjoin(User, User.id == AccompanimentComment.author_id)
        .where(
            AccompanimentComment.dossier_id == bindparam("dossier_id"),
            AccompanimentComment.target == bindparam("target"),
        )
        .order_by(AccompanimentComment.created_at, AccompanimentComment.id)
    )


def comments_on(dossier: Any, target: str) -> list[ShownComment]:
    """The comments on one step or situation, oldest first, with their authors."""
    rows = db.session.execute(_comments(), {"dossier_id": dossier.id, "target": target})
    return [
        ShownComment(
            body,
            created_at,
            None if role is None else Author(f"{first_name} {last_name}".strip(), role),
        )
        for body, created_at, first_name, last_name, role in rows
    ]


def post(dossier: Any, author: Any, target: str, body: str) -> AccompanimentComment:
    """Add ``author``'s comment on ``target`` (the caller checked ``visible_to``)."""
    if not open_for_comments(dossier, target):
        raise CommentError(
            f"Ce dossier est déposé{NBSP}: il ne reçoit plus de commentaires sur cette page."
        )
    comment = AccompanimentComment(
        dossier_id=dossier.id,
        author_id=author.id,
        target=target,
        body=body.strip(),
        created_at=clock.now(),
    )
    db.session.add(comment)
    db.session.commit()
    return comment


def erase_all(dossier_id: Any) -> int:
    """Delete every comment of a dossier (anonymisation); the number deleted."""
    result = db.session.execute(
        delete(AccompanimentComment).where(AccompanimentComment.dossier_id == dossier_id)
    )
    return int(result.rowcount or 0)
