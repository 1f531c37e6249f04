"""The dossier's step pages: dashboard and start, the one view of every form step (identity,
CV, training…), the experience list and the summary with submission."""

from __future__ import annotations

import uuid
from typing import Any

from flask import abort, flash, redirect, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forms.admin import ConfirmForm
from forms.dossier import StartForm, submit_form
from vae.accompaniment.access import was_accompanied
from vae.dossier import decisions, operations, page_cache, presenters, scope, steps, submit
from vae.dossier.models import Dossier
from vae.dossier.pages import (
    CANDIDATE,
    EDITORS,
    READERS,
    bp,
    editable_or_redirect,
    load,
    next_step,
    page,
)
from vae.dossier.quotas import quota_breach
from vae.dossier.submissions import Submission
from vae.extensions import db
from vae.referentials.operations import current_versions

# --- dashboard and start ------------------------------------------------------------------


@bp.route("/")
@CANDIDATE
def dashboard() -> Any:
    dossiers = list(
        db.session.scalars(
            select(Dossier)
            .where(Dossier.candidate_id == current_user.id)
            .options(
                selectinload(Dossier.activities),
                selectinload(Dossier.attachments),
                selectinload(Dossier.certification),
                selectinload(Dossier.referential_version),
            )
            .order_by(Dossier.created_at.desc())
        )
    )
    cards = [presenters.dashboard_card(d, steps.states(d)) for d in dossiers]
    return render_template("dossier/dashboard.html", cards=cards)


@bp.route("/nouveau", methods=["GET", "POST"])
@CANDIDATE
def start() -> Any:
    versions = current_versions()
    form = StartForm(versions)
    if form.validate_on_submit():
        try:
            dossier = operations.start(
                current_user, form.certification.data, blocks_only=form.blocks_only
            )
        except operations.OpenDossierExists as exc:  # a simultaneous request created it
            flash(str(exc), "info")
            return redirect(steps.CERTIFICATION.url(exc.dossier_id))
        except operations.DossierError as exc:
            form.certification.errors.append(str(exc))
        else:
            flash(
                "Votre dossier est créé. Vous pouvez l'enregistrer et y revenir à tout moment.",
                "success",
            )
            return redirect(steps.CERTIFICATION.url(dossier.id))
    quotas = {
        v.referential.code: quota_breach(current_user.id, v.referential.code, None)
        for v in versions
    }
    return render_template("dossier/start.html", form=form, versions=versions, quotas=quotas)


@bp.route("/<uuid:dossier_id>/")
@READERS
def show(dossier_id: uuid.UUID) -> Any:
    dossier = load(dossier_id)
    if not dossier.can_edit(current_user):
        return redirect(steps.SUMMARY.url(dossier.id))
    for state in steps.states(dossier):
        if not state.complete:
            return redirect(state.step.url(dossier.id))
    return redirect(steps.SUMMARY.url(dossier.id))


# --- steps ----------------------------------------------------------------------------------------


@bp.route(f"/<uuid:dossier_id>/<any({', '.join(steps.FORM_STEPS)}):key>", methods=["GET", "POST"])
@EDITORS
def step(dossier_id: uuid.UUID, key: str) -> Any:
    """Every form step: its form filled from the dossier, saved by its operation, then the
    next step. A refusal (the dossier changed in another tab) is a French message."""
    form_step = steps.FORM_STEPS[key]
    dossier = load(dossier_id, work=True)
    form = form_step.form_for(dossier)
    if request.method == "POST":
        if (redirected := editable_or_redirect(dossier)) is not None:
            return redirected
        if form.validate_on_submit():
            form_step.save(dossier, form)
            flash(form_step.saved, "success")
            return next_step(dossier, form_step)
    return page(
        form_step.template,
        dossier,
        form_step,
        form=form,
        referential=dossier.referential,
        action_form=ConfirmForm(),
    )


@bp.route("/<uuid:dossier_id>/experience")
@EDITORS
def step_experience(dossier_id: uuid.UUID) -> Any:
    """The activities and the eligibility panel: HTML cached per dossier version and day, so
    the dossier's lists are read (lazily) only when that version is first shown."""
    dossier = load(dossier_id, work=True, relations=False)

    def render(csrf_field: Any) -> str:
        assessment, timeline = page_cache.figures(dossier)
        return render_template(
            "dossier/_experience_body.html",
            dossier=dossier,
            explained=presenters.explain(dossier, assessment),
            timeline=timeline,
            next_state=steps.next_state(page_cache.step_states(dossier), steps.EXPERIENCE),
            csrf_field=csrf_field,
        )

    body = page_cache.body_html(dossier, "experience", render)
    return page("dossier/step_experience.html", dossier, steps.EXPERIENCE, body=body)


# --- summary and submission ---------------------------------------------------------------


@bp.route("/<uuid:dossier_id>/recapitulatif", methods=["GET", "POST"])
@READERS
def step_summary(dossier_id: uuid.UUID) -> Any:
    dossier = load(dossier_id)
    commitments = submit.commitments(dossier.referential.title)
    form = submit_form(commitments, reviewed=was_accompanied(dossier))
    error = None
    if request.method == "POST":
        if not dossier.is_owned_by(current_user):
            abort(404)
        if (redirected := editable_or_redirect(dossier)) is not None:
            return redirected
        if form.validate_on_submit():
            try:
                ticked = {c.key: bool(getattr(form, c.key).data) for c in commitments}
                reviewed = getattr(form, "reviewed", None)
                ticked["reviewed"] = bool(reviewed and reviewed.data)
                submission = submit.submit(dossier, ticked)
            except operations.DossierError as exc:
                if (redirected := editable_or_redirect(dossier)) is not None:
                    return redirected  # submitted meanwhile (a double click, another tab)
                error = str(exc)
            else:
                flash(
                    f"Votre dossier {dossier.number} est déposé (version {submission.version}). "
                    "Un accusé de réception vous a été envoyé par courriel.",
                    "success",
                )
                return redirect(steps.SUMMARY.url(dossier.id))
    assessment, timeline = page_cache.figures(dossier)
    submissions = list(
        db.session.scalars(
            select(Submission)
            .where(Submission.dossier_id == dossier.id)
            .order_by(Submission.version)
        )
    )
    return page(
        "dossier/step_summary.html",
        dossier,
        steps.SUMMARY,
        form=form,
        error=error,
        assessment=assessment,
        explained=presenters.explain(dossier, assessment),
        timeline=timeline,
        problems=steps.blocking_problems(dossier),
        submissions=submissions,
        decisions=decisions.decisions_of(dossier),
        scope_line=scope.dossier_scope_text(dossier),
        quota=quota_breach(
            dossier.candidate_id,
            dossier.certification.code,
            dossier.id,
            blocks_only=dossier.blocks_only,
        )
        if dossier.submission_count == 0
        else None,
    )
