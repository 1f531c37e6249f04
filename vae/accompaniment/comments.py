"""Comments of the candidate and their accompagnateurs on the dossier's steps and the livret 2's
situations. Only they read and write them: staff and jury never see one (no page of theirs
lists them, and the comment route answers them 404).

A comment's ``target`` names what it is about: « etape:<step key> » or « situation:<id> ».
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, select

from vae import clock
from vae.accompaniment.models import AccompanimentComment
from vae.dossier.steps import STEPS
from vae.errors import DomainError
from vae.extensions import db
from vae.french import NBSP
from vae.livret2.models import Livret2, Situation

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


def comments_on(dossier: Any, target: str) -> list[AccompanimentComment]:
    """The comments on one step or situation, oldest first."""
    return list(
        db.session.scalars(
            select(AccompanimentComment)
            .where(
                AccompanimentComment.dossier_id == dossier.id,
                AccompanimentComment.target == target,
            )
            .order_by(AccompanimentComment.created_at, AccompanimentComment.id)
        )
    )


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
