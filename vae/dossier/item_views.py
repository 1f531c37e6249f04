"""The items of the dossier's list steps (activities, trainings, attachments) and its files:
attestation models, submitted versions, decision letters, history."""

from __future__ import annotations

import uuid
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from forms.dossier import ActivityForm, MoveForm, TrainingForm, UploadTargetForm
from vae import audit, storage
from vae.documents.capture import story_of
from vae.documents.html import document_page
from vae.dossier import decisions, operations, presenters, snapshot, steps
from vae.dossier.enums import AttachmentKind
from vae.dossier.pages import (
    EDITORS,
    FILE_READERS,
    READERS,
    bp,
    child,
    confirmed,
    editable_or_redirect,
    load,
    page,
    pdf_response,
    stored_pdf,
)
from vae.dossier.submissions import Submission
from vae.extensions import db

# --- experience -----------------------------------------------------------------------------


@bp.route("/<uuid:dossier_id>/experience/nouvelle", methods=["GET", "POST"])
@bp.route("/<uuid:dossier_id>/experience/<uuid:activity_id>", methods=["GET", "POST"])
@EDITORS
def activity_form(dossier_id: uuid.UUID, activity_id: uuid.UUID | None = None) -> Any:
    dossier = load(dossier_id, work=True)
    if (redirected := editable_or_redirect(dossier)) is not None:
        return redirected
    activity = child(dossier.activities, activity_id) if activity_id else None
    form = ActivityForm()
    if request.method == "GET" and activity is not None:
        form.fill_from(activity)
    if form.validate_on_submit():
        operations.save_activity(dossier, activity, form.data_for_model())
        flash("L'activité est enregistrée.", "success")
        return redirect(steps.EXPERIENCE.url(dossier.id))
    return page(
        "dossier/activity_form.html", dossier, steps.EXPERIENCE, form=form, activity=activity
    )


@bp.route("/<uuid:dossier_id>/experience/<uuid:activity_id>/supprimer", methods=["POST"])
@EDITORS
def activity_delete(dossier_id: uuid.UUID, activity_id: uuid.UUID) -> Any:
    dossier = load(dossier_id, work=True)
    activity = child(dossier.activities, activity_id)
    confirmed(
        operations.delete_activity,
        dossier,
        activity,
        f"L'activité « {activity.title} » est supprimée.",
    )
    return redirect(steps.EXPERIENCE.url(dossier.id))


@bp.route("/<uuid:dossier_id>/experience/<uuid:activity_id>/deplacer", methods=["POST"])
@EDITORS
def activity_move(dossier_id: uuid.UUID, activity_id: uuid.UUID) -> Any:
    dossier = load(dossier_id, work=True)
    activity = child(dossier.activities, activity_id)
    form = MoveForm()
    if form.validate_on_submit():
        try:
            operations.move(dossier, dossier.activities, activity, form.offset)
        except operations.DossierError as exc:
            flash(str(exc), "error")
    return redirect(steps.EXPERIENCE.url(dossier.id, _anchor=f"activite-{activity.id}"))


@bp.route("/<uuid:dossier_id>/experience/<uuid:activity_id>/attestation.pdf")
@EDITORS
def attestation_model(dossier_id: uuid.UUID, activity_id: uuid.UUID) -> Any:
    dossier = load(dossier_id, work=True)
    activity = child(dossier.activities, activity_id)
    pdf, name = presenters.attestation_pdf(dossier, activity)
    return pdf_response(pdf, name)


# --- training ---------------------------------------------------------------------------------


@bp.route("/<uuid:dossier_id>/formation/nouvelle", methods=["GET", "POST"])
@bp.route("/<uuid:dossier_id>/formation/<uuid:training_id>", methods=["GET", "POST"])
@EDITORS
def training_form(dossier_id: uuid.UUID, training_id: uuid.UUID | None = None) -> Any:
    dossier = load(dossier_id, work=True)
    if (redirected := editable_or_redirect(dossier)) is not None:
        return redirected
    training = child(dossier.trainings, training_id) if training_id else None
    form = TrainingForm(obj=training)
    if form.validate_on_submit():
        operations.save_training(
            dossier, training, {n: form[n].data for n in operations.TRAINING_FIELDS}
        )
        flash("La formation est enregistrée.", "success")
        return redirect(steps.TRAINING.url(dossier.id))
    return page("dossier/training_form.html", dossier, steps.TRAINING, form=form, training=training)


@bp.route("/<uuid:dossier_id>/formation/<uuid:training_id>/supprimer", methods=["POST"])
@EDITORS
def training_delete(dossier_id: uuid.UUID, training_id: uuid.UUID) -> Any:
    dossier = load(dossier_id, work=True)
    training = child(dossier.trainings, training_id)
    confirmed(
        operations.delete_training,
        dossier,
        training,
        f"La formation « {training.title} » est supprimée.",
    )
    return redirect(steps.TRAINING.url(dossier.id))


# --- attachments ---------------------------------------------------------------------------------


@bp.route("/<uuid:dossier_id>/pieces", methods=["GET", "POST"])
@EDITORS
def step_attachments(dossier_id: uuid.UUID) -> Any:
    dossier = load(dossier_id, work=True)
    targets = presenters.upload_targets(dossier)
    posted: dict[str, Any] = {}
    if request.method == "POST":
        if (redirected := editable_or_redirect(dossier)) is not None:
            return redirected
        key = UploadTargetForm().target.data or ""
        target = next((t for t in targets if t.key == key), None)
        if target is None:
            abort(400)
        form = presenters.upload_form(target, formdata=request.form)
        posted[key] = form
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
                return redirect(steps.ATTACHMENTS.url(dossier.id, _anchor=f"piece-{key}"))
    return page(
        "dossier/step_attachments.html",
        dossier,
        steps.ATTACHMENTS,
        targets=targets,
        fields=presenters.upload_fields(targets, posted),
    )


@bp.route("/<uuid:dossier_id>/pieces/<uuid:attachment_id>")
@FILE_READERS
def attachment(dossier_id: uuid.UUID, attachment_id: uuid.UUID) -> Any:
    dossier = load(dossier_id)
    item = child(dossier.attachments, attachment_id)
    inline = request.args.get("voir") == "1"
    response = storage.stored_response(
        item.stored_name,
        mimetype=item.mime_type,
        as_attachment=not inline,
        download_name=storage.display_name(item.display_name, item.mime_type),
    )
    if response is None:
        abort(404)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/<uuid:dossier_id>/pieces/<uuid:attachment_id>/supprimer", methods=["POST"])
@EDITORS
def attachment_delete(dossier_id: uuid.UUID, attachment_id: uuid.UUID) -> Any:
    dossier = load(dossier_id, work=True)
    item = child(dossier.live_attachments(), attachment_id)
    confirmed(
        operations.remove_attachment,
        dossier,
        item,
        f"La pièce « {item.display_name} » est retirée.",
    )
    return redirect(steps.ATTACHMENTS.url(dossier.id))


# --- submitted files and history ----------------------------------------------------------------


@bp.route("/<uuid:dossier_id>/versions/<int:version>.pdf")
@FILE_READERS
def submission_pdf(dossier_id: uuid.UUID, version: int) -> Any:
    dossier, submission = _submission(dossier_id, version)
    return stored_pdf(submission.pdf_stored_name, f"{dossier.number}-v{version}.pdf")


@bp.route("/<uuid:dossier_id>/decisions/<uuid:decision_id>.pdf")
@READERS
def decision_letter(dossier_id: uuid.UUID, decision_id: uuid.UUID) -> Any:
    dossier, decision = _decision(dossier_id, decision_id)
    return stored_pdf(
        decision.letter_stored_name, f"{dossier.number}-decision-{decision.kind.value}.pdf"
    )


def _submission(dossier_id: uuid.UUID, version: int) -> tuple[Any, Submission]:
    """The dossier and its submitted ``version``, or 404."""
    dossier = load(dossier_id)
    submission = db.session.scalar(
        select(Submission).where(Submission.dossier_id == dossier.id, Submission.version == version)
    )
    if submission is None:
        abort(404)
    return dossier, submission


def _decision(dossier_id: uuid.UUID, decision_id: uuid.UUID) -> tuple[Any, Any]:
    """The dossier and its decision ``decision_id``, or 404."""
    dossier = load(dossier_id)
    decision = decisions.decision_of(dossier, decision_id)
    if decision is None:
        abort(404)
    return dossier, decision


@bp.route("/<uuid:dossier_id>/versions/<int:version>.html")
@FILE_READERS
def submission_html(dossier_id: uuid.UUID, version: int) -> Any:
    """The accessible HTML version of the submitted dossier's PDF, from its snapshot."""
    _dossier, submission = _submission(dossier_id, version)
    story = story_of(snapshot.render_pdf, submission.snapshot)
    pdf_url = url_for("dossier.submission_pdf", dossier_id=dossier_id, version=version)
    return document_page(story, pdf_url=pdf_url)


@bp.route("/<uuid:dossier_id>/decisions/<uuid:decision_id>.html")
@READERS
def decision_letter_html(dossier_id: uuid.UUID, decision_id: uuid.UUID) -> Any:
    """The accessible HTML version of a decision letter."""
    dossier, decision = _decision(dossier_id, decision_id)
    pdf_url = url_for("dossier.decision_letter", dossier_id=dossier_id, decision_id=decision_id)
    return document_page(decisions.letter_story(dossier, decision), pdf_url=pdf_url)


@bp.route("/<uuid:dossier_id>/historique")
@READERS
def history(dossier_id: uuid.UUID) -> Any:
    dossier = load(dossier_id)
    events = presenters.candidate_history(audit.history("dossier", dossier.id))
    title = presenters.history_title(dossier, current_user)
    return render_template("dossier/history.html", dossier=dossier, events=events, title=title)
