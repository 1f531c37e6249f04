"""The candidate's (or accompagnateur's) personal data page; staff anonymisation of closed
dossiers."""

from __future__ import annotations

import uuid
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_login import current_user, logout_user

from forms.admin import ConfirmForm
from vae.access import roles_required
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.privacy import accompagnateur, operations
from vae.roles import Role

bp = Blueprint("privacy", __name__)
# A candidate's account, or an accompagnateur's (vae.privacy.accompagnateur): their own data.
ACCOUNT_HOLDERS = roles_required(Role.CANDIDATE, Role.ACCOMPAGNATEUR)


@bp.route("/mon-compte")
@ACCOUNT_HOLDERS
def account() -> Any:
    page = (
        "privacy/account_accompagnateur.html"
        if current_user.is_accompagnateur
        else "privacy/account.html"
    )
    return render_template(
        page, form=ConfirmForm(), retention=current_app.config["RETENTION_YEARS"]
    )


@bp.route("/mon-compte/donnees.zip")
@ACCOUNT_HOLDERS
def export() -> Any:
    user = current_user._get_current_object()
    owner = accompagnateur if user.is_accompagnateur else operations
    content = owner.export_zip(user)
    response = Response(content, mimetype="application/zip")
    response.headers["Content-Disposition"] = 'attachment; filename="mes-donnees-vae.zip"'
    return response


@bp.route("/mon-compte/suppression", methods=["POST"])
@ACCOUNT_HOLDERS
def delete() -> Any:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    if user.is_accompagnateur:
        accompagnateur.request_deletion(user)
        logout_user()
        session.clear()
        flash(
            "Votre compte d'accompagnateur est effacé et fermé : les candidats que vous "
            "accompagniez ne vous voient plus. Vous êtes déconnecté.",
            "success",
        )
        return redirect(url_for("auth.login"))
    done = operations.request_deletion(user)
    if done.account_erased:
        logout_user()
        session.clear()
        flash(
            f"Vos données sont effacées\u00a0: {done.drafts} brouillon(s) et votre compte, qui "
            "est fermé. Vous êtes déconnecté\u00a0; cette adresse ne permet plus de se connecter.",
            "success",
        )
        return redirect(url_for("auth.login"))
    flash(
        f"Votre demande est enregistrée. {done.drafts} brouillon(s) effacé(s). Les dossiers "
        "déposés sont conservés pendant la durée légale, puis anonymisés ; la CPNEFP est "
        "prévenue.",
        "success",
    )
    return redirect(url_for("privacy.account"))


@bp.route("/cpnefp/dossiers/<uuid:dossier_id>/anonymiser", methods=["POST"])
@roles_required(Role.STAFF, Role.ADMIN)
def anonymise(dossier_id: uuid.UUID) -> Any:
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or dossier.submission_count == 0:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            operations.anonymise(dossier, current_user)
        except operations.PrivacyError as error:
            flash(str(error), "error")
        else:
            flash(
                "Dossier anonymisé ; les décisions, résultats et certificats sont conservés.",
                "success",
            )
    return redirect(url_for("review.show", dossier_id=dossier.id))
