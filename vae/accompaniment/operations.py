"""Invitations of accompagnateurs: sent by the candidate, accepted once through their link,
revoked at any time. Each operation audits and commits.

The link carries a random token; only its SHA-256 is stored, so a copy of the database opens
no invitation. Whatever is wrong with a link (unknown, revoked, used, expired), the answer is
the same page with its own French sentence, and says nothing of other invitations.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from vae import audit, clock, french, mail
from vae.accompaniment.models import Accompaniment
from vae.auth.models import User, normalise_email
from vae.errors import DomainError
from vae.extensions import db
from vae.french import NBSP
from vae.roles import Role
from vae.urls import public_url

UNKNOWN = (
    "Ce lien d'invitation n'est pas valide. Vérifiez qu'il est complet, ou demandez au "
    "candidat de vous inviter à nouveau."
)
REVOKED = (
    f"Cette invitation a été retirée par le candidat{NBSP}: elle ne donne plus accès à son dossier."
)
USED = (
    f"Ce lien d'invitation a déjà servi{NBSP}: connectez-vous avec le compte qui l'a accepté. "
    "Si ce n'était pas vous, demandez au candidat une nouvelle invitation."
)


class InvitationError(DomainError):
    """A refused invitation step, with a French message for the user."""


def token_hash(token: str) -> str:
    """What is stored of a link's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def invite(dossier: Any, candidate: User, email: str, structure: str) -> Accompaniment:
    """Invite ``email`` to accompany ``dossier`` and email them the link."""
    address = normalise_email(email)
    if address == candidate.email:
        raise InvitationError(
            f"Cette adresse est la vôtre{NBSP}: invitez l'adresse de votre accompagnateur."
        )
    now = clock.now()
    for other in db.session.scalars(
        select(Accompaniment).where(
            Accompaniment.dossier_id == dossier.id,
            Accompaniment.email == address,
            Accompaniment.revoked_at.is_(None),
        )
    ):
        if other.accepted_at is not None or other.expires_at > now:
            raise InvitationError(
                f"Cette adresse est déjà invitée sur ce dossier{NBSP}: retirez l'invitation "
                "en cours avant d'en envoyer une nouvelle."
            )
    token = secrets.token_urlsafe(32)
    days = int(current_app.config["ACCOMPANIMENT_INVITATION_DAYS"])
    invitation = Accompaniment(
        dossier_id=dossier.id,
        invited_by_id=candidate.id,
        email=address,
        structure=structure.strip(),
        token_sha256=token_hash(token),
        invited_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(
        "accompaniment",
        invitation.id,
        "accompagnateur_invited",
        to_state="pending",
        actor=candidate,
    )
    mail.send_template(
        address,
        f"{candidate.first_name} {candidate.last_name} vous invite à l'accompagner dans sa VAE",
        "emails/accompaniment_invitation.txt",
        candidate=candidate,
        dossier=dossier,
        invitation=invitation,
        link=public_url("accompaniment.invitation", token=token),
    )
    db.session.commit()
    return invitation


def find(token: str) -> Accompaniment:
    """The invitation a link opens, or the French reason it opens none."""
    invitation = db.session.scalar(
        select(Accompaniment).where(Accompaniment.token_sha256 == token_hash(token[:200]))
    )
    if invitation is None:
        raise InvitationError(UNKNOWN)
    if invitation.revoked_at is not None:
        raise InvitationError(REVOKED)
    if invitation.accepted_at is not None:
        raise InvitationError(USED)
    if invitation.expires_at <= clock.now():
        raise InvitationError(
            f"Ce lien d'invitation a expiré le {french.date_fr(invitation.expires_at)}{NBSP}: "
            "demandez au candidat de vous inviter à nouveau."
        )
    return invitation


def refusal(user: User, invitation: Accompaniment) -> str | None:
    """Why this signed-in account may not accept the invitation (None: it may)."""
    if user.role == Role.ACCOMPAGNATEUR:
        return None
    if user.id == invitation.invited_by_id:
        return (
            f"Vous ne pouvez pas accompagner votre propre dossier{NBSP}: cette invitation est "
            "destinée à votre accompagnateur."
        )
    return (
        f"Votre compte « {user.role.label} » ne peut pas accompagner le dossier d'un "
        f"candidat. Déconnectez-vous, puis ouvrez de nouveau ce lien pour créer un compte "
        "d'accompagnateur (le candidat peut vous inviter à une autre adresse électronique)."
    )


def accept(invitation: Accompaniment, user: User) -> None:
    """Make ``user`` an accompagnateur of the invitation's dossier (once, before it expires)."""
    problem = refusal(user, invitation)
    if problem:
        raise InvitationError(problem)
    _claim(invitation, user)
    db.session.commit()


def sign_up_and_accept(
    invitation: Accompaniment, first_name: str, last_name: str, password: str
) -> User:
    """Create the accompagnateur's account on the invited address (the link proves it is
    theirs, so it counts as confirmed) and accept the invitation with it."""
    if db.session.scalar(select(User.id).where(User.email == invitation.email)) is not None:
        raise InvitationError(
            f"Un compte existe déjà avec l'adresse {invitation.email}{NBSP}: connectez-vous, "
            "puis ouvrez de nouveau ce lien."
        )
    user = User(
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
        role=Role.ACCOMPAGNATEUR,
        email_confirmed_at=clock.now(),
    )
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as exc:  # the same address signed up a moment ago
        db.session.rollback()
        raise InvitationError(USED) from exc
    audit.record(
        "user", user.id, "accompagnateur_signed_up", to_state=Role.ACCOMPAGNATEUR.value, actor=user
    )
    _claim(invitation, user)
    db.session.commit()
    return user


def _claim(invitation: Accompaniment, user: User) -> None:
    """Accept in one conditional UPDATE: of two simultaneous uses of a link, one wins."""
    now = clock.now()
    claimed = db.session.execute(
        update(Accompaniment)
        .where(
            Accompaniment.id == invitation.id,
            Accompaniment.accepted_at.is_(None),
            Accompaniment.revoked_at.is_(None),
            Accompaniment.expires_at > now,
        )
        .values(accepted_at=now, accompagnateur_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise InvitationError(USED)
    db.session.refresh(invitation)
    audit.record(
        "accompaniment",
        invitation.id,
        "accompagnateur_accepted",
        from_state="pending",
        to_state="accepted",
        actor=user,
    )


def record_revoked(invitation: Accompaniment, actor: User) -> None:
    """The audit line of an invitation, or the accompaniment it became, ending."""
    audit.record(
        "accompaniment",
        invitation.id,
        "accompagnateur_revoked",
        from_state="accepted" if invitation.accepted_at else "pending",
        to_state="revoked",
        actor=actor,
    )


def revoke(invitation: Accompaniment, candidate: User) -> bool:
    """Withdraw an invitation or the accompaniment it became; False when it already was."""
    revoked = db.session.execute(
        update(Accompaniment)
        .where(Accompaniment.id == invitation.id, Accompaniment.revoked_at.is_(None))
        .values(revoked_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    if revoked.rowcount != 1:
        db.session.rollback()
        return False
    record_revoked(invitation, candidate)
    db.session.commit()
    db.session.refresh(invitation)
    return True
