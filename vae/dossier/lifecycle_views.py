"""The candidate withdraws or resumes a dossier; staff close a proclaimed one."""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from forms.admin import ConfirmForm
from forms.lifecycle import ResumeForm, WithdrawForm
from vae.access import roles_required
from vae.dossier import lifecycle, operations, steps
from vae.dossier.pages import CANDIDATE, bp, load
from vae.roles import Role

STAFF = roles_required(Role.STAFF, Role.ADMIN)


@bp.route("/<uuid:dossier_id>/retirer", methods=["GET", "POST"])
@CANDIDATE
def withdraw(dossier_id: uuid.UUID) -> Any:
    """GET: what withdrawing means; POST: withdraw, with an optional reason."""
    dossier = load(dossier_id, edit=True)
    form = WithdrawForm(data={"lock_version": dossier.lock_version})
    if form.validate_on_submit():
        try:
            lifecycle.withdraw(
                dossier, form.reason.data or "", current_user, form.lock_version.data
            )
        except lifecycle.AlreadyDone as done:
            flash(str(done), "info")
        except operations.DossierError as refused:
            flash(str(refused), "error")
        else:
            flash(
                "Votre brouillon est abandonné."
                if dossier.submission_count == 0
                else "Votre demande est retirée. La CPNEFP en est informée.",
                "success",
            )
        return redirect(steps.SUMMARY.url(dossier.id))
    return render_template("dossier/withdraw.html", dossier=dossier, form=form)


@bp.app_context_processor
def _resume_refusal() -> dict[str, Any]:
    """Templates ask ``resume_refusal(dossier)`` before offering « Reprendre »."""
    return {"resume_refusal": lifecycle.resume_refusal}


@bp.route("/<uuid:dossier_id>/reprendre", methods=["POST"])
@CANDIDATE
def resume(dossier_id: uuid.UUID) -> Any:
    """Copy a withdrawn or non-recevable dossier into a new draft."""
    dossier = load(dossier_id, edit=True)
    form = ResumeForm()
    if not form.validate_on_submit():
        flash("La page a expiré : recommencez.", "error")
        return redirect(steps.SUMMARY.url(dossier.id))
    try:
        draft = lifecycle.resume(dossier, current_user, blocks_only=form.blocks_only.data)
    except operations.OpenDossierExists as exists:
        flash(str(exists), "error")
        return redirect(url_for("dossier.show", dossier_id=exists.dossier_id))
    except operations.DossierError as refused:
        flash(str(refused), "error")
        return redirect(steps.SUMMARY.url(dossier.id))
    flash(
        "Un nouveau dossier reprend les informations et les pièces de l'ancien : relisez-le, "
        "complétez-le puis déposez-le.",
        "success",
    )
    return redirect(url_for("dossier.show", dossier_id=draft.id))


@bp.route("/<uuid:dossier_id>/clore", methods=["POST"])
@STAFF
def close(dossier_id: uuid.UUID) -> Any:
    """Staff close a proclaimed dossier once the certificates are delivered."""
    dossier = load(dossier_id)
    if ConfirmForm().validate_on_submit():
        try:
            lifecycle.close(dossier, current_user)
        except lifecycle.AlreadyDone as done:
            flash(str(done), "info")
        except operations.DossierError as refused:
            flash(str(refused), "error")
        else:
            flash("Le dossier est clos : il ne peut plus être modifié.", "success")
    return redirect(url_for("review.show", dossier_id=dossier.id))
