"""Jury pages: staff (directory, sessions, composition, proclamation), members, candidates."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from forms.jury import (
    ComposeForm,
    DeclarationForm,
    MemberForm,
    ProclaimForm,
    SessionForm,
    SignForm,
    field_key,
    grid_answers,
    grid_form,
    proclaim_fields,
)
from vae import clock
from vae.access import public, roles_required
from vae.auth.models import User
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.jury import documents_glue, operations
from vae.jury import grid as grids
from vae.jury.models import (
    AcquiredBlock,
    CertificationAward,
    Jury,
    JuryMember,
    JurySession,
    MemberKind,
    Proclamation,
)
from vae.roles import Role

bp = Blueprint("jury", __name__)
STAFF = roles_required(Role.STAFF, Role.ADMIN)
JURY = roles_required(Role.JURY)


def _paris(value: datetime) -> datetime:
    """A naive datetime typed in a form is Paris time."""
    return value.replace(tzinfo=clock.PARIS)


# --- staff: directory and sessions ----------------------------------------------------------


@bp.route("/cpnefp/jury/membres", methods=["GET", "POST"])
@STAFF
def members() -> Any:
    form = MemberForm()
    accounts = list(
        db.session.scalars(select(User).where(User.role == Role.JURY).order_by(User.last_name))
    )
    form.user.choices = [SelectChoice(str(u.id), f"{u.full_name} <{u.email}>") for u in accounts]
    if form.validate_on_submit():
        user = db.session.get(User, uuid.UUID(form.user.data))
        try:
            operations.save_member(
                user,
                MemberKind(form.kind.data),
                form.branch.data or "",
                form.employer.data or "",
                form.trained_on.data,
            )
        except operations.JuryError as error:
            form.user.errors.append(str(error))
        else:
            flash(f"Fiche de {user.full_name} enregistrée.", "success")
            return redirect(url_for("jury.members"))
    directory = list(db.session.scalars(select(JuryMember).options(selectinload(JuryMember.user))))
    directory.sort(key=lambda m: m.user.last_name)
    return render_template("jury/members.html", form=form, directory=directory)


@bp.route("/cpnefp/jury/sessions", methods=["GET", "POST"])
@STAFF
def sessions() -> Any:
    form = SessionForm()
    if form.validate_on_submit():
        try:
            operations.create_session(
                _paris(form.starts_at.data),
                form.place.data or "",
                form.video_link.data or "",
                form.slot_minutes.data,
            )
        except operations.JuryError as error:
            form.place.errors.append(str(error))
        else:
            flash("Session créée.", "success")
            return redirect(url_for("jury.sessions"))
    items = list(
        db.session.scalars(
            select(JurySession)
            .options(selectinload(JurySession.juries).selectinload(Jury.dossier))
            .order_by(JurySession.starts_at.desc())
        )
    )
    return render_template("jury/sessions.html", form=form, sessions=items)


def _dossier(dossier_id: uuid.UUID) -> Dossier:
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or dossier.submission_count == 0:
        abort(404)
    return dossier


def _jury_of(dossier: Dossier) -> Jury | None:
    return db.session.scalar(select(Jury).where(Jury.dossier_id == dossier.id))


@bp.route("/cpnefp/dossiers/<uuid:dossier_id>/jury", methods=["GET", "POST"])
@STAFF
def compose(dossier_id: uuid.UUID) -> Any:
    dossier = _dossier(dossier_id)
    jury = _jury_of(dossier)
    form = ComposeForm()
    members = list(db.session.scalars(select(JuryMember).options(selectinload(JuryMember.user))))
    sessions_ = list(
        db.session.scalars(
            select(JurySession)
            .where(JurySession.starts_at >= clock.now())
            .order_by(JurySession.starts_at)
        )
    )
    form.session.choices = [
        SelectChoice(str(s.id), f"{s.starts_at:%d/%m/%Y %H:%M} – {s.place or s.video_link}")
        for s in sessions_
    ]
    form.certifier.choices = [
        SelectChoice(str(m.id), m.name) for m in members if m.kind == MemberKind.CERTIFIER
    ]
    form.professional.choices = [
        SelectChoice(str(m.id), m.name) for m in members if m.kind == MemberKind.PROFESSIONAL
    ]
    form.trained.choices = [SelectChoice(str(m.id), m.name) for m in members]
    problems: list[str] = []
    if jury is None and form.validate_on_submit():
        by_id = {str(m.id): m for m in members}
        session = next(s for s in sessions_ if str(s.id) == form.session.data)
        try:
            jury = operations.compose(
                dossier,
                session,
                _paris(form.slot_at.data),
                by_id[form.certifier.data],
                by_id[form.professional.data],
                trained_candidate={uuid.UUID(i) for i in form.trained.data or []},
                override_reason=form.override_reason.data or "",
                actor=current_user,
            )
        except operations.JuryError as error:
            problems.append(str(error))
        else:
            documents_glue.send_convocation(jury)
            flash("Jury composé ; le candidat a reçu sa convocation.", "success")
            return redirect(url_for("jury.compose", dossier_id=dossier.id))
    return render_template(
        "jury/compose.html",
        dossier=dossier,
        jury=jury,
        form=form,
        problems=problems,
        members=members,
    )


@bp.route("/cpnefp/dossiers/<uuid:dossier_id>/proclamation", methods=["GET", "POST"])
@STAFF
def proclaim(dossier_id: uuid.UUID) -> Any:
    dossier = _dossier(dossier_id)
    jury = _jury_of(dossier)
    if jury is None:
        abort(404)
    proposal = operations.proposal(jury)

    class Form(ProclaimForm):
        pass

    proclaim_fields(Form, list(proposal))
    defaults = {field_key(code, "result"): "1" if ok else "0" for code, ok in proposal.items()}
    defaults["proclaimed_on"] = clock.today()
    form = Form(data=defaults) if request.method == "GET" else Form()
    error = None
    done = db.session.scalar(select(Proclamation).where(Proclamation.dossier_id == dossier.id))
    if done is None and form.validate_on_submit():
        decisions = {c: form[field_key(c, "result")].data == "1" for c in proposal}
        reasons = {c: form[field_key(c, "reason")].data or "" for c in proposal}
        try:
            operations.proclaim(
                dossier, jury, decisions, reasons, form.proclaimed_on.data, current_user
            )
        except operations.JuryError as exc:
            error = str(exc)
        else:
            flash("Résultats proclamés ; le candidat est prévenu.", "success")
            return redirect(url_for("jury.proclaim", dossier_id=dossier.id))
    return render_template(
        "jury/proclaim.html",
        dossier=dossier,
        jury=jury,
        form=form,
        proposal=proposal,
        error=error,
        done=done,
    )


# --- jury members ---------------------------------------------------------------------------


def _member() -> JuryMember:
    member = db.session.scalar(select(JuryMember).where(JuryMember.user_id == current_user.id))
    if member is None:
        abort(404)
    return member


def _assigned(dossier_id: uuid.UUID, member: JuryMember) -> Jury:
    """The jury of this dossier if the member sits on it; else 404 (as for a missing dossier)."""
    jury = db.session.scalar(select(Jury).where(Jury.dossier_id == dossier_id))
    if jury is None or member.id not in (jury.certifier_id, jury.professional_id):
        abort(404)
    return jury


def _cleared(dossier_id: uuid.UUID) -> tuple[JuryMember, Jury]:
    """The current member and the jury they sit on, once they declared no conflict of interest
    for this dossier; before that, every resource leads to the declaration page."""
    member = _member()
    jury = _assigned(dossier_id, member)
    if not jury.has_declared(member):
        abort(redirect(url_for("jury.dossier", dossier_id=dossier_id)))
    return member, jury


@bp.route("/jury/")
@JURY
def my_dossiers() -> Any:
    member = db.session.scalar(select(JuryMember).where(JuryMember.user_id == current_user.id))
    juries = (
        []
        if member is None
        else list(
            db.session.scalars(
                select(Jury)
                .where((Jury.certifier_id == member.id) | (Jury.professional_id == member.id))
                .options(
                    selectinload(Jury.dossier),
                    selectinload(Jury.session),
                    selectinload(Jury.declarations),
                )
                .order_by(Jury.slot_at)
            )
        )
    )
    return render_template("jury/my_dossiers.html", juries=juries, member=member)


@bp.route("/jury/dossiers/<uuid:dossier_id>", methods=["GET", "POST"])
@JURY
def dossier(dossier_id: uuid.UUID) -> Any:
    member = _member()
    jury = _assigned(dossier_id, member)
    form = DeclarationForm()
    if not jury.has_declared(member):
        if form.validate_on_submit():
            operations.declare(jury, member)
            flash("Déclaration enregistrée : vous avez accès au dossier.", "success")
            return redirect(url_for("jury.dossier", dossier_id=dossier_id))
        return render_template(
            "jury/declare.html", jury=jury, form=form, statement=operations.DECLARATION
        )
    return redirect(url_for("jury.grid", dossier_id=dossier_id))


@bp.route("/jury/dossiers/<uuid:dossier_id>/grille", methods=["GET", "POST"])
@JURY
def grid(dossier_id: uuid.UUID) -> Any:
    member, jury = _cleared(dossier_id)
    blocks = operations.definition(jury)
    form = grid_form(
        blocks, jury.grid or {}, formdata=request.form if request.method == "POST" else None
    )
    if request.method == "POST" and form.validate_on_submit():
        try:
            withdrawn = operations.save_grid(jury, member, grid_answers(form, blocks))
        except operations.JuryError as error:
            flash(str(error), "error")
        else:
            flash(
                "Grille enregistrée."
                + (
                    " Les signatures ont été retirées : les deux membres doivent signer à nouveau."
                    if withdrawn
                    else ""
                ),
                "success",
            )
        return redirect(url_for("jury.grid", dossier_id=dossier_id))
    threshold = jury.dossier.referential.validation_threshold
    return render_template(
        "jury/grid.html",
        jury=jury,
        member=member,
        blocks=blocks,
        form=form,
        results=grids.results(blocks, jury.grid or {}, threshold),
        missing=grids.missing_answers(blocks, jury.grid or {}, threshold),
        field_key=field_key,
        sign_form=SignForm(prefix="sign", formdata=None, data={"grid_version": jury.grid_version}),
        latest_livret2=documents_glue.latest_livret2_version(jury.dossier_id),
    )


@bp.route("/jury/dossiers/<uuid:dossier_id>/signer", methods=["POST"])
@JURY
def sign(dossier_id: uuid.UUID) -> Any:
    member, jury = _cleared(dossier_id)
    form = SignForm(prefix="sign")
    if form.validate_on_submit():
        try:
            operations.sign(jury, member, form.grid_version.data)
        except operations.JuryError as error:
            flash(str(error), "error")
        else:
            flash(
                "Vous avez signé la proposition."
                + (
                    " Les deux membres ont signé : elle est définitive."
                    if jury.signed_by_both
                    else ""
                ),
                "success",
            )
    else:
        flash(
            form.grid_version.errors[0]
            if form.grid_version.errors
            else "Cochez la case pour signer.",
            "error",
        )
    return redirect(url_for("jury.grid", dossier_id=dossier_id))


@bp.route("/jury/dossiers/<uuid:dossier_id>/proces-verbal.pdf")
@roles_required(Role.JURY, Role.STAFF, Role.ADMIN)
def minutes(dossier_id: uuid.UUID) -> Any:
    if current_user.role == Role.JURY:
        jury = _cleared(dossier_id)[1]
    else:
        jury = _jury_of(_dossier(dossier_id))
        if jury is None:
            abort(404)
    return _pdf(documents_glue.minutes(jury), f"proces-verbal-{jury.dossier.number}.pdf")


# --- candidates and the public ----------------------------------------------------------------


@bp.route("/dossiers/<uuid:dossier_id>/resultats")
@roles_required(Role.CANDIDATE, Role.STAFF, Role.ADMIN)
def results(dossier_id: uuid.UUID) -> Any:
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or not dossier.can_view(current_user):
        abort(404)
    proclamation = db.session.scalar(
        select(Proclamation).where(Proclamation.dossier_id == dossier.id)
    )
    if proclamation is None:
        abort(404)
    jury = _jury_of(dossier)
    held = operations.holdings(dossier.candidate_id, dossier.certification_id)
    awards = list(
        db.session.scalars(
            select(CertificationAward).where(
                CertificationAward.candidate_id == dossier.candidate_id,
                CertificationAward.certification_id == dossier.certification_id,
            )
        )
    )
    capital = operations.capitalisation(dossier, clock.today())
    return render_template(
        "jury/results.html",
        dossier=dossier,
        proclamation=proclamation,
        jury=jury,
        held=held,
        awards=awards,
        capital=capital,
        today=clock.today(),
    )


@bp.route("/certificats/bloc/<uuid:block_id>.pdf")
@roles_required(Role.CANDIDATE, Role.STAFF, Role.ADMIN)
def block_certificate(block_id: uuid.UUID) -> Any:
    block = db.session.get(AcquiredBlock, block_id)
    if block is None or not (
        current_user.role != Role.CANDIDATE or block.candidate_id == current_user.id
    ):
        abort(404)
    return _pdf(documents_glue.block_certificate(block), f"ccp-{block.block_code}.pdf")


@bp.route("/certificats/certification/<uuid:award_id>.pdf")
@roles_required(Role.CANDIDATE, Role.STAFF, Role.ADMIN)
def certification_certificate(award_id: uuid.UUID) -> Any:
    award = db.session.get(CertificationAward, award_id)
    if award is None or not (
        current_user.role != Role.CANDIDATE or award.candidate_id == current_user.id
    ):
        abort(404)
    return _pdf(documents_glue.certification(award), "certification.pdf")


@bp.route("/verifier")
@bp.route("/verifier/<code>")
@public
def verify(code: str | None = None) -> Any:
    code = (code or request.args.get("code") or "").strip().upper()[:20]
    found = documents_glue.verify(code) if code else None
    return render_template("jury/verify.html", code=code, found=found)


def _pdf(content: bytes, name: str) -> Response:
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
