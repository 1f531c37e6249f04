"""Who accompanies which dossier: the public questions other features ask about accompagnateurs.

An accompagnateur acts on a dossier while their accompaniment is active: the invitation was
accepted by their account and the candidate has not revoked it. These functions never import
the dossier feature (``vae.dossier.models`` calls them), so any object with an ``id`` will do.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from vae import clock, french
from vae.accompaniment.models import Accompaniment
from vae.extensions import db
from vae.roles import Role


def _active() -> tuple[Any, Any]:
    """The SQL conditions of an active accompaniment: accepted and not revoked."""
    return Accompaniment.accepted_at.is_not(None), Accompaniment.revoked_at.is_(None)


def is_accompagnateur(user: Any) -> bool:
    """A signed-in account whose role is accompagnateur."""
    return bool(user and user.is_authenticated) and user.role == Role.ACCOMPAGNATEUR


def accompanies(user: Any, dossier: Any) -> bool:
    """``user`` is an accompagnateur of ``dossier``: accepted, unrevoked invitation."""
    if not is_accompagnateur(user) or dossier is None or dossier.id is None:
        return False
    found = db.session.scalar(
        select(Accompaniment.id)
        .where(
            Accompaniment.dossier_id == dossier.id,
            Accompaniment.accompagnateur_id == user.id,
            *_active(),
        )
        .limit(1)
    )
    return found is not None


def accompaniments_of(dossier: Any) -> list[Accompaniment]:
    """The active accompaniments of a dossier (accepted, unrevoked), oldest first."""
    return list(
        db.session.scalars(
            select(Accompaniment)
            .where(
                Accompaniment.dossier_id == dossier.id,
                *_active(),
            )
            .order_by(Accompaniment.accepted_at, Accompaniment.id)
        )
    )


def was_accompanied(dossier: Any) -> bool:
    """An accompagnateur accepted an invitation on the dossier, even if revoked since: what
    they entered may still be in it, so the candidate confirms the whole dossier first."""
    found = db.session.scalar(
        select(Accompaniment.id)
        .where(Accompaniment.dossier_id == dossier.id, Accompaniment.accepted_at.is_not(None))
        .limit(1)
    )
    return found is not None


def invitations_of(dossier: Any) -> list[Accompaniment]:
    """Every invitation of a dossier (pending, accepted, revoked), newest first."""
    return list(
        db.session.scalars(
            select(Accompaniment)
            .where(Accompaniment.dossier_id == dossier.id)
            .order_by(Accompaniment.invited_at.desc(), Accompaniment.id)
        )
    )


def accompanied_dossier_ids(user: Any) -> list[uuid.UUID]:
    """The dossiers ``user`` accompanies now (empty for any other kind of account)."""
    if not is_accompagnateur(user):
        return []
    return list(
        db.session.scalars(
            select(Accompaniment.dossier_id).where(
                Accompaniment.accompagnateur_id == user.id,
                *_active(),
            )
        )
    )


def accompanied_ids_among(dossier_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these dossiers have at least one active accompaniment (one query, for lists)."""
    if not dossier_ids:
        return set()
    return set(
        db.session.scalars(
            select(Accompaniment.dossier_id).where(
                Accompaniment.dossier_id.in_(dossier_ids),
                *_active(),
            )
        )
    )


def invitation_state(invitation: Accompaniment) -> str:
    """Where an invitation stands, in French, for the candidate's list."""
    if invitation.revoked_at is not None:
        return f"Retirée le {french.date_fr(invitation.revoked_at)}"
    if invitation.accepted_at is not None:
        return f"Acceptée le {french.date_fr(invitation.accepted_at)}"
    expires_on = french.date_fr(invitation.expires_at)
    if invitation.expires_at <= clock.now():
        return f"Expirée le {expires_on}"
    return f"En attente (lien valable jusqu'au {expires_on})"
