"""The candidate's personal data page; staff anonymisation of closed dossiers."""

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
from vae.privacy import operations
from vae.roles import Role

bp = Blueprint("privacy", __name__)
CANDIDATE = roles_required(Role.CANDIDATE)


@bp.route("/mon-compte")
@CANDIDATE
def account() -> Any:
    return render_template(
        "privacy/account.html", form=ConfirmForm(), retention=current_app.config["RETENTION_YEARS"]
    )


@bp.route("/mon-compte/donnees.zip")
@CANDIDATE
def export() -> Any:
    content = operations.export_zip(current_user._get_current_object())
    response = Response(content, mimetype="application/zip")
    response.headers["Content-Disposition"] = 'attachment; filename="mes-donnees-vae.zip"'
    return response


@bp.route("/mon-compte/suppression", methods=["POST"])
@CANDIDATE
def delete() -> Any:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
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
