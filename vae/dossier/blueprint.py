"""The candidate's dossier: dashboard, the steps, evidence, attestation models, submission."""

from __future__ import annotations

import uuid
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forms.admin import ConfirmForm
from forms.dossier import (
    ActivityForm,
    CvForm,
    EducationForm,
    IdentityForm,
    OptionForm,
    StartForm,
    TrainingForm,
    submit_form,
)
from vae import audit, storage
from vae.access import roles_required
from vae.dossier import operations, presenters, steps
from vae.dossier.assessment import assess_dossier
from vae.dossier.models import AttachmentKind, Dossier, Submission
from vae.extensions import db
from vae.referentials.operations import current_versions
from vae.roles import Role

bp = Blueprint("dossier", __name__, url_prefix="/dossiers")
CANDIDATE = roles_required(Role.CANDIDATE)
READERS = roles_required(Role.CANDIDATE, Role.STAFF, Role.ADMIN)
# The frozen livret 1 and its files: also the jury members of the dossier (object check in load).
FILE_READERS = roles_required(Role.CANDIDATE, Role.STAFF, Role.ADMIN, Role.JURY)


def load(dossier_id: uuid.UUID, *, edit: bool = False) -> Dossier:
    """The dossier with everything its pages show, or 404 when it is not the user's to see."""
    dossier = db.session.scalar(
        select(Dossier)
        .where(Dossier.id == dossier_id)
        .options(
            selectinload(Dossier.activities),
            selectinload(Dossier.trainings),
            selectinload(Dossier.attachments),
            selectinload(Dossier.certification),
            selectinload(Dossier.referential_version),
        )
    )
    if dossier is None or not dossier.can_view(current_user):
        abort(404)
    if edit and not dossier.is_owned_by(current_user):
        abort(404)
    return dossier


def _editable_or_redirect(dossier: Dossier) -> Any:
    if not dossier.editable:
        flash("Ce dossier est déposé : il ne peut plus être modifié.", "info")
        return redirect(url_for("dossier.step_summary", dossier_id=dossier.id))
    return None


def _page(template: str, dossier: Dossier, step_key: str, **context: Any) -> str:
    states = steps.states(dossier)
    current = next(s for s in states if s.step.key == step_key)
    return render_template(
        template,
        dossier=dossier,
        states=states,
        current=current,
        next_state=states[current.number] if current.number < len(states) else None,
        **context,
    )


def _next_step(dossier: Dossier, key: str) -> Any:
    index = steps.STEP_KEYS.index(key)
    following = steps.STEPS[min(index + 1, len(steps.STEPS) - 1)]
    return redirect(url_for(following.endpoint, dossier_id=dossier.id))


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
    form = StartForm()
    form.certification.choices = [(v.referential.code, v.referential.title) for v in versions]
    error = None
    if form.validate_on_submit():
        try:
            dossier = operations.start(current_user, form.certification.data)
        except operations.OpenDossierExists as exc:  # a simultaneous request created it
            flash(str(exc), "info")
            return redirect(url_for("dossier.step_certification", dossier_id=exc.dossier_id))
        except operations.DossierError as exc:
            error = str(exc)
            form.certification.errors.append(error)
        else:
            flash(
                "Votre dossier est créé. Vous pouvez l'enregistrer et y revenir à tout moment.",
                "success",
            )
            return redirect(url_for("dossier.step_certification", dossier_id=dossier.id))
    quotas = {
        v.referential.code: operations.quota_breach(current_user.id, v.referential.code, None)
        for v in versions
    }
    return render_template("dossier/start.html", form=form, versions=versions, quotas=quotas)


@bp.route("/<uuid:dossier_id>/")
@READERS
def show(dossier_id: uuid.UUID) -> Any:
    dossier = load(dossier_id)
    if not dossier.editable or not dossier.is_owned_by(current_user):
        return redirect(url_for("dossier.step_summary", dossier_id=dossier.id))
    for state in steps.states(dossier):
        if not state.complete:
            return redirect(url_for(state.step.endpoint, dossier_id=dossier.id))
    return redirect(url_for("dossier.step_summary", dossier_id=dossier.id))


# --- steps ----------------------------------------------------------------------------------------


@bp.route("/<uuid:dossier_id>/certification", methods=["GET", "POST"])
@CANDIDATE
def step_certification(dossier_id: uuid.UUID) -> Any:
    dossier = load(dossier_id, edit=True)
    referential = dossier.referential
    form = OptionForm(data={"option": dossier.option_code})
    form.option.label.text = referential.option_label.capitalize()
    form.option.choices = [
        (o.code, f"{o.title} ({', '.join(o.blocks)})") for o in referential.options
    ]
    if request.method == "POST":
        if (redirected := _editable_or_redirect(dossier)) is not None:
            return redirected
        if not referential.options:
            if form.validate_on_submit():  # CSRF only: nothing to choose
                return _next_step(dossier, "certification")
        elif form.validate_on_submit():
            operations.set_option(dossier, form.option.data)
            flash("Enregistré.", "success")
            return _next_step(dossier, "certification")
    return _page(
        "dossier/step_certification.html",
        dossier,
        "certification",
        form=form,
        referential=referential,
    )


@bp.route("/<uuid:dossier_id>/identite", methods=["GET", "POST"])
@CANDIDATE
def step_identity(dossier_id: uuid.UUID) -> Any:
    dossier = load(dossier_id, edit=True)
    form = IdentityForm(obj=dossier)
    if form.validate_on_submit():
        if (redirected := _editable_or_redirect(dossier)) is not None:
            return redirected
        operations.save_identity(
            dossier, {n: getattr(form, n).data for n in operations.IDENTITY_FIELDS}
        )
        flash("Votre identité est enregistrée.", "success")
        return _next_step(dossier, "identite")
    return _page("dossier/step_identity.html", dossier, "identite", form=form)


@bp.route("/<uuid:dossier_id>/experience")
@CANDIDATE
def step_experience(dossier_id: uuid.UUID) -> Any:
    dossier = load(dossier_id, edit=True)
    assessment = assess_dossier(dossier)
    return _page(
        "dossier/step_experience.html",
        dossier,
        "experience",
        assessment=assessment,
        explained=presenters.explain(dossier, assessment),
        timeline=presenters.timeline(dossier, assessment),
        action_form=ConfirmForm(),
    )


@bp.route("/<uuid:dossier_id>/experience/nouvelle", methods=["GET", "POST"])
@bp.route("/<uuid:dossier_id>/experience/<uuid:activity_id>", methods=["GET", "POST"])
@CANDIDATE
def activity_form(dossier_id: uuid.UUID, activity_id: uuid.UUID | None = None) -> Any:
    dossier = load(dossier_id, edit=True)
    if (redirected := _editable_or_redirect(dossier)) is not None:
        return redirected
    activity = _child(dossier.activities, activity_id) if activity_id else None
    form = ActivityForm()
    if request.method == "GET" and activity is not None:
        form.fill_from(activity)
    if form.validate_on_submit():
        operations.save_activity(dossier, activity, form.data_for_model())
        flash("L'activité est enregistrée.", "success")
        return redirect(url_for("dossier.step_experience", dossier_id=dossier.id))
    return _page("dossier/activity_form.html", dossier, "experience", form=form, activity=activity)


@bp.route("/<uuid:dossier_id>/experience/<uuid:activity_id>/supprimer", methods=["POST"])
@CANDIDATE
def activity_delete(dossier_id: uuid.UUID, activity_id: uuid.UUID) -> Any:
    dossier = load(dossier_id, edit=True)
    activity = _child(dossier.activities, activity_id)
    _confirmed(
        operations.delete_activity,
        dossier,
        activity,
        f"L'activité « {activity.title} » est supprimée.",
    )
    return redirect(url_for("dossier.step_experience", dossier_id=dossier.id))


@bp.route("/<uuid:dossier_id>/experience/<uuid:activity_id>/deplacer", methods=["POST"])
@CANDIDATE
def activity_move(dossier_id: uuid.UUID, activity_id: uuid.UUID) -> Any:
    dossier = load(dossier_id, edit=True)
    activity = _child(dossier.activities, activity_id)
    if ConfirmForm().validate_on_submit():
        offset = -1 if request.form.get("direction") == "haut" else 1
        try:
            operations.move(dossier, dossier.activities, activity, offset)
        except operations.DossierError as exc:
            flash(str(exc), "error")
    return redirect(
        url_for("dossier.step_experience", dossier_id=dossier.id, _anchor=f"activite-{activity.id}")
    )


@bp.route("/<uuid:dossier_id>/experience/<uuid:activity_id>/attestation.pdf")
@CANDIDATE
def attestation_model(dossier_id: uuid.UUID, activity_id: uuid.UUID) -> Any:
    dossier = load(dossier_id, edit=True)
    activity = _child(dossier.activities, activity_id)
    pdf, name = presenters.attestation_pdf(dossier, activity)
    return _pdf_response(pdf, name)


@bp.route("/<uuid:dossier_id>/formation", methods=["GET", "POST"])
@CANDIDATE
def step_training(dossier_id: uuid.UUID) -> Any:
    dossier = load(dossier_id, edit=True)
    form = EducationForm(obj=dossier)
    if form.validate_on_submit():
        if (redirected := _editable_or_redirect(dossier)) is not None:
            return redirected
        operations.save_education(
            dossier, form.diplomas_prepared.data or "", form.diplomas_obtained.data or ""
        )
        flash("Votre formation initiale est enregistrée.", "success")
        return _next_step(dossier, "formation")
    return _page(
        "dossier/step_training.html", dossier, "formation", form=form, action_form=ConfirmForm()
    )


@bp.route("/<uuid:dossier_id>/formation/nouvelle", methods=["GET", "POST"])
@bp.route("/<uuid:dossier_id>/formation/<uuid:training_id>", methods=["GET", "POST"])
@CANDIDATE
def training_form(dossier_id: uuid.UUID, training_id: uuid.UUID | None = None) -> Any:
    dossier = load(dossier_id, edit=True)
    if (redirected := _editable_or_redirect(dossier)) is not None:
        return redirected
    training = _child(dossier.trainings, training_id) if training_id else None
    form = TrainingForm(obj=training)
    if form.validate_on_submit():
        operations.save_training(
            dossier, training, {n: getattr(form, n).data for n in operations.TRAINING_FIELDS}
        )
        flash("La formation est enregistrée.", "success")
        return redirect(url_for("dossier.step_training", dossier_id=dossier.id))
    return _page("dossier/training_form.html", dossier, "formation", form=form, training=training)


@bp.route("/<uuid:dossier_id>/formation/<uuid:training_id>/supprimer", methods=["POST"])
@CANDIDATE
def training_delete(dossier_id: uuid.UUID, training_id: uuid.UUID) -> Any:
    dossier = load(dossier_id, edit=True)
    training = _child(dossier.trainings, training_id)
    _confirmed(
        operations.delete_training,
        dossier,
        training,
        f"La formation « {training.title} » est supprimée.",
    )
    return redirect(url_for("dossier.step_training", dossier_id=dossier.id))


@bp.route("/<uuid:dossier_id>/cv", methods=["GET", "POST"])
@CANDIDATE
def step_cv(dossier_id: uuid.UUID) -> Any:
    dossier = load(dossier_id, edit=True)
    form = CvForm(obj=dossier)
    if form.validate_on_submit():
        if (redirected := _editable_or_redirect(dossier)) is not None:
            return redirected
        operations.save_cv(dossier, form.cv.data)
        flash("Votre CV est enregistré.", "success")
        return _next_step(dossier, "cv")
    return _page("dossier/step_cv.html", dossier, "cv", form=form)


# --- attachments ---------------------------------------------------------------------------------


@bp.route("/<uuid:dossier_id>/pieces", methods=["GET", "POST"])
@CANDIDATE
def step_attachments(dossier_id: uuid.UUID) -> Any:
    dossier = load(dossier_id, edit=True)
    targets = presenters.upload_targets(dossier)
    forms = {t.key: presenters.upload_form(t) for t in targets}
    if request.method == "POST":
        if (redirected := _editable_or_redirect(dossier)) is not None:
            return redirected
        key = request.form.get("target", "")
        target = next((t for t in targets if t.key == key), None)
        if target is None:
            abort(400)
        form = presenters.upload_form(target, formdata=request.form)
        forms[key] = form
        if form.validate_on_submit():
            upload = form.file.data
            try:
                added = operations.add_attachment(
                    dossier,
                    AttachmentKind(form.kind.data),
                    upload.stream,
                    upload.filename,
                    activity=target.activity,
                    training=target.training,
                )
            except storage.UploadRejected as exc:
                form.file.errors.append(exc.message)
            else:
                flash(f"Pièce ajoutée : {added.display_name}.", "success")
                return redirect(
                    url_for(
                        "dossier.step_attachments", dossier_id=dossier.id, _anchor=f"piece-{key}"
                    )
                )
    return _page(
        "dossier/step_attachments.html",
        dossier,
        "pieces",
        targets=targets,
        forms=forms,
        action_form=ConfirmForm(),
    )


@bp.route("/<uuid:dossier_id>/pieces/<uuid:attachment_id>")
@FILE_READERS
def attachment(dossier_id: uuid.UUID, attachment_id: uuid.UUID) -> Any:
    dossier = load(dossier_id)
    item = _child(dossier.attachments, attachment_id)
    path = storage.path_of(operations.upload_folder(), item.stored_name)
    if not path.exists():
        abort(404)
    inline = request.args.get("voir") == "1"
    response = send_file(
        path,
        mimetype=item.mime_type,
        as_attachment=not inline,
        download_name=storage.display_name(item.display_name, item.mime_type),
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/<uuid:dossier_id>/pieces/<uuid:attachment_id>/supprimer", methods=["POST"])
@CANDIDATE
def attachment_delete(dossier_id: uuid.UUID, attachment_id: uuid.UUID) -> Any:
    dossier = load(dossier_id, edit=True)
    item = _child(dossier.live_attachments(), attachment_id)
    _confirmed(
        operations.remove_attachment,
        dossier,
        item,
        f"La pièce « {item.display_name} » est retirée.",
    )
    return redirect(url_for("dossier.step_attachments", dossier_id=dossier.id))


# --- summary and submission ---------------------------------------------------------------


@bp.route("/<uuid:dossier_id>/recapitulatif", methods=["GET", "POST"])
@READERS
def step_summary(dossier_id: uuid.UUID) -> Any:
    dossier = load(dossier_id)
    commitments = operations.commitments(dossier.referential.title)
    form = submit_form(commitments)
    error = None
    if request.method == "POST":
        if not dossier.is_owned_by(current_user):
            abort(404)
        if (redirected := _editable_or_redirect(dossier)) is not None:
            return redirected
        if form.validate_on_submit():
            try:
                submission = operations.submit(
                    dossier, {c.key: bool(getattr(form, c.key).data) for c in commitments}
                )
            except operations.DossierError as exc:
                if (redirected := _editable_or_redirect(dossier)) is not None:
                    return redirected  # submitted meanwhile (a double click, another tab)
                error = str(exc)
            else:
                flash(
                    f"Votre dossier {dossier.number} est déposé (version {submission.version}). "
                    "Un accusé de réception vous a été envoyé par courriel.",
                    "success",
                )
                return redirect(url_for("dossier.step_summary", dossier_id=dossier.id))
    assessment = assess_dossier(dossier)
    decisions = presenters.decisions_of(dossier)
    submissions = list(
        db.session.scalars(
            select(Submission)
            .where(Submission.dossier_id == dossier.id)
            .order_by(Submission.version)
        )
    )
    return _page(
        "dossier/step_summary.html",
        dossier,
        "recapitulatif",
        form=form,
        error=error,
        assessment=assessment,
        explained=presenters.explain(dossier, assessment),
        timeline=presenters.timeline(dossier, assessment),
        problems=steps.blocking_problems(dossier),
        submissions=submissions,
        decisions=decisions,
        quota=operations.quota_breach(dossier.candidate_id, dossier.certification.code, dossier.id)
        if dossier.submission_count == 0
        else None,
    )


@bp.route("/<uuid:dossier_id>/versions/<int:version>.pdf")
@FILE_READERS
def submission_pdf(dossier_id: uuid.UUID, version: int) -> Any:
    dossier = load(dossier_id)
    submission = db.session.scalar(
        select(Submission).where(Submission.dossier_id == dossier.id, Submission.version == version)
    )
    if submission is None:
        abort(404)
    path = storage.path_of(operations.upload_folder(), submission.pdf_stored_name)
    return send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{dossier.number}-v{version}.pdf",
        max_age=0,
    )


@bp.route("/<uuid:dossier_id>/decisions/<uuid:decision_id>.pdf")
@READERS
def decision_letter(dossier_id: uuid.UUID, decision_id: uuid.UUID) -> Any:
    from vae.review.models import Decision

    dossier = load(dossier_id)
    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.dossier_id != dossier.id:
        abort(404)
    path = storage.path_of(operations.upload_folder(), decision.letter_stored_name)
    return send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{dossier.number}-decision-{decision.kind.value}.pdf",
        max_age=0,
    )


@bp.route("/<uuid:dossier_id>/historique")
@READERS
def history(dossier_id: uuid.UUID) -> Any:
    dossier = load(dossier_id)
    events = presenters.candidate_history(audit.history("dossier", dossier.id))
    return render_template("dossier/history.html", dossier=dossier, events=events)


def _confirmed(operation: Any, dossier: Dossier, item: Any, success: str) -> None:
    """Run a one-button operation (delete, remove) once its CSRF token checks out."""
    if not ConfirmForm().validate_on_submit():
        return
    try:
        operation(dossier, item)
    except operations.DossierError as exc:
        flash(str(exc), "error")
    else:
        flash(success, "success")


def _child(items: list[Any], item_id: uuid.UUID | None) -> Any:
    """An activity, training or attachment of this dossier, or 404."""
    for item in items:
        if item.id == item_id:
            return item
    abort(404)


def _pdf_response(pdf: bytes, name: str) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
