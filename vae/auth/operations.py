"""Account operations: sign-up, confirmation, login, password reset. Each audits and commits."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from vae import audit, logs, mail
from vae.auth.models import User, burn_password_check, burn_password_hash, normalise_email
from vae.auth.passwords import refusal, user_words
from vae.errors import DomainError
from vae.extensions import db
from vae.roles import Role
from vae.urls import public_url

CONFIRM_SALT = "vae-confirm-email"
RESET_SALT = "vae-reset-password"


class AccountError(DomainError):
    """A refused account operation, with a French message for the user."""


class EmailNotConfirmed(AccountError):
    """Right credentials, but the address is not confirmed yet: a new link has been sent."""


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def sign_up(first_name: str, last_name: str, email: str, password: str) -> User | None:
    """Create a candidate account and email a confirmation link.

    When the address is already registered, nothing is created and the owner is told by email,
    so the page looks the same either way (no account enumeration). Returns the new user or None.
    """
    existing = find_by_email(email)
    if existing is not None:
        # The same costly work as a new account (an Argon2 hash, a write, one email), so that
        # the answer takes as long: its time tells nothing either.
        burn_password_hash(password)
        audit.record("user", existing.id, "signup_repeated", actor=None)
        mail.send_template(
            existing.email,
            "Votre compte VAE existe déjà",
            "emails/signup_existing.txt",
            user=existing,
            login_url=public_url("auth.login"),
            reset_url=public_url("auth.reset_request"),
        )
        db.session.commit()
        return None
    user = User(
        email=normalise_email(email),
        first_name=first_name,
        last_name=last_name,
        role=Role.CANDIDATE,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user", user.id, "signed_up", to_state="unconfirmed", actor=user)
    send_confirmation(user)
    db.session.commit()
    return user


def create_account(
    email: str, first_name: str, last_name: str, role: Role, password: str | None = None
) -> User:
    """Create an account of any role (admin pages, CLI); confirmed, since an admin vouches for it.

    Without a password, the account gets an unusable random one and the person is emailed
    a link to choose theirs.
    """
    if find_by_email(email) is not None:
        raise AccountError("Un compte existe déjà avec cette adresse électronique.")
    problem = (
        None if password is None else refusal(password, user_words(email, first_name, last_name))
    )
    if problem:
        raise AccountError(problem)
    user = User(
        email=normalise_email(email),
        first_name=first_name,
        last_name=last_name,
        role=role,
        email_confirmed_at=datetime.now(UTC),
    )
    user.set_password(password or secrets.token_urlsafe(32))
    db.session.add(user)
    db.session.flush()
    audit.record("user", user.id, "account_created", to_state=role.value)
    if password is None:
        mail.send_template(
            user.email,
            "Votre compte VAE a été créé",
            "emails/account_created.txt",
            user=user,
            reset_url=public_url("auth.reset_password", token=reset_token(user)),
        )
    db.session.commit()
    return user


def send_confirmation(user: User) -> None:
    token = _serializer(CONFIRM_SALT).dumps({"id": str(user.id), "email": user.email})
    mail.send_template(
        user.email,
        "Confirmez votre adresse électronique",
        "emails/confirm.txt",
        user=user,
        confirm_url=public_url("auth.confirm_email", token=token),
    )


def confirm_email(token: str) -> User:
    max_age = current_app.config["EMAIL_TOKEN_MAX_AGE"]
    try:
        payload = _serializer(CONFIRM_SALT).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise AccountError(
            "Ce lien de confirmation a expiré. Connectez-vous pour en recevoir un nouveau."
        ) from exc
    except BadSignature as exc:
        raise AccountError("Ce lien de confirmation n'est pas valide.") from exc
    user = find_by_email(payload.get("email", ""))
    if user is None or str(user.id) != payload.get("id"):
        raise AccountError("Ce lien de confirmation n'est pas valide.")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = datetime.now(UTC)
        audit.record(
            "user",
            user.id,
            "email_confirmed",
            from_state="unconfirmed",
            to_state="active",
            actor=user,
        )
        db.session.commit()
    return user


def authenticate(email: str, password: str) -> User:
    """Return the user for these credentials or raise one generic error."""
    generic = AccountError("Adresse électronique ou mot de passe incorrect.")
    user = find_by_email(email)
    if user is None:
        burn_password_check(password)
        logs.event("login_failed", reason="unknown_account")  # nothing typed is logged
        raise generic
    if not user.check_password(password) or not user.active:
        reason = "inactive" if user.active is False else "wrong_password"
        logs.event("login_failed", reason=reason, user_id=str(user.id))
        raise generic
    if not user.email_confirmed:
        send_confirmation(user)
        db.session.commit()
        raise EmailNotConfirmed(user.email)
    user.last_login_at = datetime.now(UTC)
    audit.record("user", user.id, "logged_in", actor=user)
    db.session.commit()
    return user


def log_out(user: User) -> None:
    """End every session of the account (the cookie carries the rotated token)."""
    user.end_sessions()
    audit.record("user", user.id, "logged_out", actor=user)
    db.session.commit()


def reset_token(user: User) -> str:
    # The token is tied to the current hash: it stops working once the password changes.
    return _serializer(RESET_SALT).dumps({"id": str(user.id), "h": user.password_hash[-16:]})


def request_reset(email: str) -> None:
    """Email a reset link when the account exists; say nothing either way.

    Without an active account, the address gets one email too, saying so: the same work
    whatever the address, so that the answer's time tells nothing (sign-up already mails any
    typed address, so this opens no new way to send mail to strangers).
    """
    user = find_by_email(email)
    if user is None or not user.active:
        mail.send_template(
            normalise_email(email),
            "Réinitialisation de votre mot de passe",
            "emails/reset_unknown.txt",
            signup_url=public_url("auth.signup"),
        )
        db.session.commit()
        return
    mail.send_template(
        user.email,
        "Réinitialisation de votre mot de passe",
        "emails/reset.txt",
        user=user,
        reset_url=public_url("auth.reset_password", token=reset_token(user)),
    )
    audit.record("user", user.id, "password_reset_requested", actor=user)
    db.session.commit()


def user_for_reset_token(token: str) -> User:
    invalid = AccountError(
        "Ce lien de réinitialisation n'est pas valide ou a déjà servi. Demandez-en un nouveau."
    )
    try:
        payload = _serializer(RESET_SALT).loads(
            token, max_age=current_app.config["RESET_TOKEN_MAX_AGE"]
        )
    except SignatureExpired as exc:
        raise AccountError("Ce lien a expiré. Demandez-en un nouveau.") from exc
    except BadSignature as exc:
        raise invalid from exc
    try:
        user = db.session.get(User, uuid.UUID(str(payload.get("id"))))
    except ValueError as exc:
        raise invalid from exc
    if user is None or user.password_hash[-16:] != payload.get("h") or not user.active:
        raise invalid
    return user


def reset_password(token: str, password: str) -> User:
    user = user_for_reset_token(token)
    user.set_password(password)
    user.end_sessions()
    if user.email_confirmed_at is None:  # the link reached their mailbox: the address works
        user.email_confirmed_at = datetime.now(UTC)
    audit.record("user", user.id, "password_reset", actor=user)
    db.session.commit()
    return user


def change_role(user: User, role: Role) -> None:
    if user.role == role:
        return
    previous = user.role
    user.role = role
    user.end_sessions()
    audit.record("user", user.id, "role_changed", from_state=previous.value, to_state=role.value)
    db.session.commit()


def set_active(user: User, active: bool) -> None:
    if user.active == active:
        return
    user.active = active
    user.end_sessions()
    audit.record(
        "user",
        user.id,
        "activated" if active else "deactivated",
        from_state="inactive" if active else "active",
        to_state="active" if active else "inactive",
    )
    db.session.commit()
