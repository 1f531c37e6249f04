"""The candidate's accompagnateurs (invite, list, revoke) and the invitation link's page."""

from __future__ import annotations

import uuid
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user
from sqlalchemy import select

from forms.accompaniment import AccompagnateurSignupForm, InvitationForm
from forms.admin import ConfirmForm
from vae.access import public, roles_required
from vae.accompaniment import access, operations
from vae.accompaniment.models import Accompaniment
from vae.auth.passwords import user_words
from vae.dossier.models import Dossier
from vae.dossier.pages import load
from vae.extensions import db, limiter
from vae.roles import Role

bp = Blueprint("accompaniment", __name__)
CANDIDATE = roles_required(Role.CANDIDATE)


def _invitation_limit() -> str:
    return current_app.config["RATELIMIT_INVITATIONS"]


def _signup_limit() -> str:
    return current_app.config["RATELIMIT_SIGNUP"]


@bp.app_context_processor
def _questions() -> dict[str, Any]:
    """Templates ask who accompanies a dossier, and which dossiers an accompagnateur has."""
    return {
        "accompaniments_of": access.accompaniments_of,
        "accompanied_dossiers": _accompanied,
        "invitation_state": access.invitation_state,
    }


def _accompanied() -> list[Dossier]:
    ids = access.accompanied_dossier_ids(current_user)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Dossier).where(Dossier.id.in_(ids)).order_by(Dossier.created_at.desc())
        )
    )


@bp.route("/dossiers/<uuid:dossier_id>/accompagnateurs", methods=["GET", "POST"])
@CANDIDATE
@limiter.limit(_invitation_limit, methods=["POST"])
def index(dossier_id: uuid.UUID) -> Any:
    """The dossier's invitations (pending, accepted, revoked) and the form to send one."""
    dossier = load(dossier_id, edit=True)  # 404 unless it is the candidate's own
    form = InvitationForm()
    error = None
    if form.validate_on_submit():
        try:
            operations.invite(
                dossier, current_user._get_current_object(), form.email.data, form.structure.data
            )
        except operations.InvitationError as refused:
            error = str(refused)
            form.email.errors = [*form.email.errors, error]
        else:
            flash(f"L'invitation est envoyée à {form.email.data}.", "success")
            return redirect(url_for("accompaniment.index", dossier_id=dossier.id))
    return render_template(
        "accompaniment/index.html",
        dossier=dossier,
        form=form,
        invitations=access.invitations_of(dossier),
        error=error,
    )


@bp.route(
    "/dossiers/<uuid:dossier_id>/accompagnateurs/<uuid:accompaniment_id>/retirer",
    methods=["GET", "POST"],
)
@CANDIDATE
def revoke(dossier_id: uuid.UUID, accompaniment_id: uuid.UUID) -> Any:
    """GET: what revoking means; POST: revoke the invitation or the accompaniment."""
    dossier = load(dossier_id, edit=True)  # 404 unless it is the candidate's own
    invitation = db.session.get(Accompaniment, accompaniment_id)
    if invitation is None or invitation.dossier_id != dossier.id:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        if operations.revoke(invitation, current_user._get_current_object()):
            flash(f"L'accès de {invitation.email} à votre dossier est retiré.", "success")
        else:
            flash("Cette invitation était déjà retirée.", "info")
        return redirect(url_for("accompaniment.index", dossier_id=dossier.id))
    return render_template(
        "accompaniment/revoke.html", dossier=dossier, invitation=invitation, form=form
    )


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_signup_limit, methods=["POST"])
def invitation(token: str) -> Any:
    """The link of the invitation email: sign up (new visitor) or accept (signed in)."""
    try:
        found = operations.find(token)
    except operations.InvitationError as problem:
        return _refused(problem)
    dossier = db.session.get(Dossier, found.dossier_id)
    if current_user.is_authenticated:
        return _accept(found, dossier)
    form = AccompagnateurSignupForm()
    form.known_words = user_words(found.email)
    if form.validate_on_submit():
        try:
            user = operations.sign_up_and_accept(
                found, form.first_name.data, form.last_name.data, form.password.data
            )
        except operations.InvitationError as problem:
            return _refused(problem)
        session.clear()
        login_user(user)
        flash(f"Bienvenue, {user.first_name}. Vous accompagnez désormais ce dossier.", "success")
        return redirect(url_for("dossier.show", dossier_id=found.dossier_id))
    return render_template(
        "accompaniment/invitation.html", invitation=found, dossier=dossier, form=form
    )


def _refused(problem: operations.InvitationError) -> str:
    """Why the link opens nothing: one page for every reason, with its French sentence."""
    return render_template("accompaniment/invitation_refused.html", problem=str(problem))


def _accept(found: Accompaniment, dossier: Any) -> Any:
    """A signed-in account: confirm, then accept (refused for other kinds of accounts)."""
    user = current_user._get_current_object()
    problem = operations.refusal(user, found)
    form = ConfirmForm()
    if problem is not None:
        status = 403 if request.method == "POST" else 200
        return render_template(
            "accompaniment/accept.html", invitation=found, dossier=dossier, problem=problem
        ), status
    if form.validate_on_submit():
        try:
            operations.accept(found, user)
        except operations.InvitationError as refused:
            return _refused(refused)
        flash("Vous accompagnez désormais ce dossier.", "success")
        return redirect(url_for("dossier.show", dossier_id=found.dossier_id))
    return render_template(
        "accompaniment/accept.html", invitation=found, dossier=dossier, form=form, problem=None
    )
