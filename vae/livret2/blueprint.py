"""The candidate writes the livret 2; staff read it, return it, extend its deadline."""

from __future__ import annotations

import uuid
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from forms.admin import ConfirmForm
from forms.livret2 import (
    AfterSaveForm,
    AnnexForm,
    ExtendForm,
    ReturnForm,
    SituationForm,
    TargetsForm,
)
from vae import drafts, storage
from vae.access import keeps_drafts, roles_required
from vae.documents.capture import story_of
from vae.documents.html import document_page
from vae.dossier import operations as dossier_operations
from vae.dossier.blueprint import load as load_dossier
from vae.dossier.enums import AttachmentKind
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.livret2 import blocks, operations, snapshot
from vae.livret2.models import TEXT_FIELDS, Livret2, Livret2Version, Situation
from vae.livret2.situation_form import (
    build_situation_form,
    competency_choice,
    fill_from_livret1,
    guidance,
)
from vae.roles import Role

bp = Blueprint("livret2", __name__, url_prefix="/dossiers/<uuid:dossier_id>/livret2")
CANDIDATE = roles_required(Role.CANDIDATE)
# The situations' drafts: the candidate and their accompagnateurs (object check in load).
EDITORS = roles_required(Role.CANDIDATE, Role.ACCOMPAGNATEUR)
READERS = roles_required(Role.CANDIDATE, Role.ACCOMPAGNATEUR, Role.STAFF, Role.ADMIN)
STAFF = roles_required(Role.STAFF, Role.ADMIN)


def _load(
    dossier_id: uuid.UUID, *, edit: bool = False, work: bool = False
) -> tuple[Dossier, Livret2]:
    dossier = load_dossier(dossier_id, edit=edit, work=work)
    livret = db.session.scalar(select(Livret2).where(Livret2.dossier_id == dossier.id))
    if livret is None:
        if not dossier.is_worked_on_by(current_user) or not dossier.livret2_to_write:
            abort(404)
        flash("Commencez d'abord votre livret 2.", "info")
        abort(redirect(url_for("livret2.overview", dossier_id=dossier.id)))
    return dossier, livret


@bp.route("/commencer", methods=["POST"])
@CANDIDATE
def start(dossier_id: uuid.UUID) -> Any:
    """« Commencer mon livret 2 »: the dossier moves to « livret 2 en cours »."""
    dossier = load_dossier(dossier_id, edit=True)
    if ConfirmForm().validate_on_submit():
        try:
            operations.open_livret(dossier, current_user)
        except operations.Livret2Error as error:
            flash(str(error), "error")
    return redirect(url_for("livret2.overview", dossier_id=dossier.id))


@bp.route("/")
@READERS
def overview(dossier_id: uuid.UUID) -> Any:
    dossier = load_dossier(dossier_id)  # the dossier, its relations and the livret: once each
    livret = db.session.scalar(select(Livret2).where(Livret2.dossier_id == dossier.id))
    if livret is None:
        if dossier.livret2_due is None or not dossier.livret2_to_write:
            abort(404)
        return render_template(
            "livret2/not_started.html",
            dossier=dossier,
            owner=dossier.is_owned_by(current_user),
            writer=dossier.is_worked_on_by(current_user),
            form=ConfirmForm(),
        )
    owner = dossier.is_owned_by(current_user)
    acquired = blocks.acquired_block_codes(dossier)
    targets_form = TargetsForm(data={"blocks": livret.target_blocks})
    targets_form.blocks.choices = [
        SelectChoice(b.code, f"{b.code} – {b.title or 'titre absent du référentiel'}")
        for b in blocks.available_blocks(dossier, acquired)
    ]
    versions = list(
        db.session.scalars(
            select(Livret2Version)
            .where(Livret2Version.livret_id == livret.id)
            .order_by(Livret2Version.version)
        )
    )
    return render_template(
        "livret2/overview.html",
        dossier=dossier,
        livret=livret,
        owner=owner,
        writer=dossier.is_worked_on_by(current_user),
        staff_actions=current_user.is_staff,
        targets_form=targets_form,
        coverage=operations.coverage(dossier, livret),
        problems=operations.submission_problems(dossier, livret),
        requirement=snapshot.requirement_text(dossier.referential),
        acquired=acquired,
        versions=versions,
        action_form=ConfirmForm(),
        return_form=ReturnForm(prefix="return"),
        extend_form=ExtendForm(prefix="extend"),
    )


@bp.route("/blocs", methods=["POST"])
@EDITORS
def targets(dossier_id: uuid.UUID) -> Any:
    dossier, livret = _load(dossier_id, work=True)
    form = TargetsForm()
    form.blocks.choices = [SelectChoice(b.code, b.code) for b in blocks.available_blocks(dossier)]
    if form.validate_on_submit():
        try:
            operations.set_targets(livret, dossier, form.blocks.data or [])
        except operations.Livret2Error as error:
            flash(str(error), "error")
        else:
            flash("Les blocs visés sont enregistrés.", "success")
    return redirect(url_for("livret2.overview", dossier_id=dossier.id))


@bp.route("/situations/nouvelle", methods=["GET", "POST"])
@bp.route("/situations/<uuid:situation_id>", methods=["GET", "POST"])
@EDITORS
@keeps_drafts(SituationForm)
def situation_form(dossier_id: uuid.UUID, situation_id: uuid.UUID | None = None) -> Any:
    dossier, livret = _load(dossier_id, work=True)
    situation = _situation(livret, situation_id) if situation_id else None
    if not livret.editable:
        flash("Le livret 2 est déposé : il ne peut plus être modifié.", "info")
        return redirect(url_for("livret2.overview", dossier_id=dossier.id))
    autosave = request.headers.get("X-Autosave") == "1"
    recovered = (
        drafts.take(request.endpoint or "", request.view_args or {})
        if request.method == "GET"
        else None
    )
    if recovered is not None:
        flash("Votre texte a été récupéré : relisez-le puis enregistrez.", "success")
        form = build_situation_form(dossier, livret, formdata=recovered)
    else:
        form = build_situation_form(
            dossier,
            livret,
            situation=situation,
            formdata=None if request.method == "GET" else request.form,
        )
    error = None
    if request.method == "POST" and form.validate_on_submit():
        fill_from_livret1(form, dossier)
        try:
            situation = operations.save_situation(
                dossier, livret, situation, form.data_for_model(), autosave=autosave
            )
        except operations.Livret2Error as exc:
            error = str(exc)
        else:
            edit_url = url_for(
                "livret2.situation_form", dossier_id=dossier.id, situation_id=situation.id
            )
            if autosave:
                return jsonify(saved=True, url=edit_url, words=situation.word_count)
            flash("La situation est enregistrée.", "success")
            if AfterSaveForm().to_overview:
                return redirect(url_for("livret2.overview", dossier_id=dossier.id))
            return redirect(edit_url)
    if autosave:
        return jsonify(saved=False, error=error or "Vérifiez les champs signalés."), 400
    annex_form = AnnexForm(prefix="annex")
    return render_template(
        "livret2/situation.html",
        dossier=dossier,
        livret=livret,
        situation=situation,
        form=form,
        error=error,
        annex_form=annex_form,
        action_form=ConfirmForm(),
        annexes=[
            a
            for a in dossier.live_attachments()
            if situation is not None and a.situation_id == situation.id
        ],
        guidance=guidance(dossier, livret),
        competencies=competency_choice(dossier, livret, form),
        min_words=operations.MIN_WORDS,
        word_fields=TEXT_FIELDS,
    )


@bp.route("/situations/<uuid:situation_id>/supprimer", methods=["POST"])
@EDITORS
def situation_delete(dossier_id: uuid.UUID, situation_id: uuid.UUID) -> Any:
    dossier, livret = _load(dossier_id, work=True)
    situation = _situation(livret, situation_id)
    if ConfirmForm().validate_on_submit():
        try:
            operations.delete_situation(dossier, livret, situation)
        except operations.Livret2Error as error:
            flash(str(error), "error")
        else:
            flash("La situation est supprimée.", "success")
    return redirect(url_for("livret2.overview", dossier_id=dossier.id))


@bp.route("/situations/<uuid:situation_id>/annexes", methods=["POST"])
@EDITORS
def annex_add(dossier_id: uuid.UUID, situation_id: uuid.UUID) -> Any:
    dossier, livret = _load(dossier_id, work=True)
    situation = _situation(livret, situation_id)
    form = AnnexForm(prefix="annex")
    target = url_for("livret2.situation_form", dossier_id=dossier.id, situation_id=situation.id)
    if not livret.editable:
        flash("Le livret 2 est déposé : il ne peut plus être modifié.", "info")
    elif form.validate_on_submit():
        upload = form.file.data
        try:
            attachment = dossier_operations.add_attachment(
                dossier,
                AttachmentKind.LIVRET2_ANNEX,
                upload.stream,
                upload.filename,
                check_editable=False,
            )
        except storage.UploadRejected as exc:
            flash(f"Annexe refusée : {exc.message}", "error")
        else:
            attachment.situation_id = situation.id
            db.session.commit()
            flash(f"Annexe ajoutée : {attachment.display_name}.", "success")
    else:
        flash(" ".join(form.file.errors) or "Annexe refusée.", "error")
    return redirect(target + "#annexes")


@bp.route("/annexes/<uuid:attachment_id>/supprimer", methods=["POST"])
@EDITORS
def annex_delete(dossier_id: uuid.UUID, attachment_id: uuid.UUID) -> Any:
    dossier, livret = _load(dossier_id, work=True)
    attachment = next(
        (
            a
            for a in dossier.live_attachments()
            if a.id == attachment_id and a.situation_id is not None
        ),
        None,
    )
    if attachment is None:
        abort(404)
    situation_id = attachment.situation_id
    if livret.editable and ConfirmForm().validate_on_submit():
        dossier_operations.remove_attachment(dossier, attachment, check_editable=False)
        flash("L'annexe est retirée.", "success")
    return redirect(
        url_for("livret2.situation_form", dossier_id=dossier.id, situation_id=situation_id)
        + "#annexes"
    )


@bp.route("/apercu.pdf")
@READERS
def preview(dossier_id: uuid.UUID) -> Any:
    dossier, livret = _load(dossier_id)
    data = snapshot.build(dossier, livret, operations.coverage(dossier, livret), None, None)
    pdf = snapshot.render_pdf(data, draft=True)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'attachment; filename="livret2-apercu.pdf"'
    return response


@bp.route("/deposer", methods=["POST"])
@CANDIDATE
def submit(dossier_id: uuid.UUID) -> Any:
    dossier, livret = _load(dossier_id, edit=True)
    if ConfirmForm().validate_on_submit():
        try:
            version = operations.submit(dossier, livret, current_user)
        except operations.Livret2Error as error:
            flash(str(error), "error")
        else:
            flash(
                f"Votre livret 2 est déposé (version {version.version}). Un accusé de "
                "réception vous a été envoyé.",
                "success",
            )
    return redirect(url_for("livret2.overview", dossier_id=dossier.id))


@bp.route("/versions/<int:version>.pdf")
@roles_required(Role.CANDIDATE, Role.ACCOMPAGNATEUR, Role.STAFF, Role.ADMIN, Role.JURY)
def version_pdf(dossier_id: uuid.UUID, version: int) -> Any:
    dossier, found = _version(dossier_id, version)
    response = storage.stored_response(
        found.pdf_stored_name,
        mimetype="application/pdf",
        download_name=f"{dossier.number}-livret2-v{version}.pdf",
    )
    if response is None:
        abort(404)
    return response


def _version(dossier_id: uuid.UUID, version: int) -> tuple[Dossier, Livret2Version]:
    """The dossier and its livret 2's submitted ``version``, or 404."""
    dossier, livret = _load(dossier_id)
    found = db.session.scalar(
        select(Livret2Version).where(
            Livret2Version.livret_id == livret.id, Livret2Version.version == version
        )
    )
    if found is None:
        abort(404)
    return dossier, found


@bp.route("/versions/<int:version>.html")
@roles_required(Role.CANDIDATE, Role.ACCOMPAGNATEUR, Role.STAFF, Role.ADMIN, Role.JURY)
def version_html(dossier_id: uuid.UUID, version: int) -> Any:
    """The accessible HTML version of a submitted livret 2's PDF, from its snapshot."""
    _dossier, found = _version(dossier_id, version)
    pdf_url = url_for("livret2.version_pdf", dossier_id=dossier_id, version=version)
    return document_page(story_of(snapshot.render_pdf, found.snapshot), pdf_url=pdf_url)


@bp.route("/renvoyer", methods=["POST"])
@STAFF
def return_livret(dossier_id: uuid.UUID) -> Any:
    dossier, livret = _load(dossier_id)
    form = ReturnForm(prefix="return")
    if form.validate_on_submit():
        try:
            operations.return_for_completion(dossier, livret, form.comment.data, current_user)
        except operations.Livret2Error as error:
            flash(str(error), "error")
        else:
            flash("Le livret 2 est renvoyé au candidat avec vos commentaires.", "success")
    else:
        flash(" ".join(form.comment.errors) or "Formulaire invalide.", "error")
    return redirect(url_for("livret2.overview", dossier_id=dossier.id))


@bp.route("/delai", methods=["POST"])
@STAFF
def extend(dossier_id: uuid.UUID) -> Any:
    dossier, livret = _load(dossier_id)
    form = ExtendForm(prefix="extend")
    if form.validate_on_submit():
        try:
            operations.extend_deadline(
                dossier, livret, form.due_on.data, form.reason.data, current_user
            )
        except operations.Livret2Error as error:
            flash(str(error), "error")
        else:
            flash("La date limite du livret 2 est prolongée.", "success")
    else:
        errors = form.due_on.errors + form.reason.errors
        flash(" ".join(errors) or "Formulaire invalide.", "error")
    return redirect(url_for("livret2.overview", dossier_id=dossier.id))


def _situation(livret: Livret2, situation_id: uuid.UUID | None) -> Situation:
    for situation in livret.situations:
        if situation.id == situation_id:
            return situation
    abort(404)
