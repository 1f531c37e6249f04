"""Staff's jury pages: the members' directory, sessions, a dossier's jury, the proclamation.

They belong to the ``jury`` blueprint (endpoints ``jury.members``, ``jury.compose``…), which
adds them with ``register``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from forms.jury import (
    ComposeForm,
    MemberDirectoryForm,
    MemberForm,
    ProclaimForm,
    SessionForm,
    field_key,
    proclaim_fields,
)
from vae import clock
from vae.access import roles_required
from vae.auth.models import User
from vae.certifiers import scope
from vae.certifiers.choices import certifiers_for
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.french import datetime_fr
from vae.jury import documents_glue, operations
from vae.jury.models import Jury, JuryMember, JurySession, MemberKind, Proclamation
from vae.roles import Role

STAFF = roles_required(Role.STAFF, Role.ADMIN)


def register(bp: Blueprint) -> None:
    """Add staff's pages to the jury blueprint."""
    both = ["GET", "POST"]
    bp.add_url_rule("/cpnefp/jury/membres", view_func=members, methods=both)
    bp.add_url_rule(
        "/cpnefp/jury/membres/<uuid:member_id>/annuaire",
        view_func=member_directory,
        methods=["POST"],
    )
    bp.add_url_rule("/cpnefp/jury/sessions", view_func=sessions, methods=both)
    bp.add_url_rule("/cpnefp/dossiers/<uuid:dossier_id>/jury", view_func=compose, methods=both)
    bp.add_url_rule(
        "/cpnefp/dossiers/<uuid:dossier_id>/proclamation", view_func=proclaim, methods=both
    )


def paris(value: datetime) -> datetime:
    """A naive datetime typed in a form is Paris time."""
    return value.replace(tzinfo=clock.PARIS)


@STAFF
def members() -> Any:
    form = MemberForm()
    accounts = list(
        db.session.scalars(select(User).where(User.role == Role.JURY).order_by(User.last_name))
    )
    form.user.choices = [SelectChoice(str(u.id), f"{u.full_name} <{u.email}>") for u in accounts]
    directories = certifiers_for(current_user)  # an officer adds to their certifiers' only
    form.certifier.choices = [SelectChoice(c.id, c.name) for c in directories]
    if form.validate_on_submit():
        user = db.session.get(User, uuid.UUID(form.user.data))
        try:
            operations.save_member(
                user,
                MemberKind(form.kind.data),
                form.branch.data or "",
                form.employer.data or "",
                form.trained_on.data,
                form.certifier.data,
            )
        except operations.JuryError as error:
            form.user.errors.append(str(error))
        else:
            flash(f"Fiche de {user.full_name} enregistrée.", "success")
            return redirect(url_for("jury.members"))
    directory = _directory(scope.certifier_ids(current_user))
    directory.sort(key=lambda m: m.user.last_name)
    names = {c.id: c.name for c in directories}
    return render_template(
        "jury/members.html",
        form=form,
        directory=directory,
        names=names,
        attach=_directory_form(directories) if current_user.is_admin else None,
    )


def _directory_form(directories: list[Any]) -> MemberDirectoryForm:
    form = MemberDirectoryForm(prefix="annuaire")
    form.certifier.choices = [SelectChoice(c.id, c.name) for c in directories]
    return form


@roles_required(Role.ADMIN)
def member_directory(member_id: uuid.UUID) -> Any:
    """An administrator attaches a member without a certifier to that certifier's directory."""
    member = db.session.get(JuryMember, member_id)
    if member is None:
        abort(404)
    form = _directory_form(certifiers_for(current_user))
    if not form.validate_on_submit():
        flash(f"Choisissez l'annuaire de {member.name}.", "error")
        return redirect(url_for("jury.members"))
    operations.save_member(
        member.user,
        member.kind,
        member.branch,
        member.employer,
        member.trained_on,
        form.certifier.data,
    )
    flash(f"{member.name} est rattaché à l'annuaire choisi.", "success")
    return redirect(url_for("jury.members"))


@STAFF
def sessions() -> Any:
    form = SessionForm()
    if form.validate_on_submit():
        try:
            operations.create_session(
                paris(form.starts_at.data),
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
    juries_of = {s.id: [j for j in s.juries if j.dossier.can_view(current_user)] for s in items}
    return render_template("jury/sessions.html", form=form, sessions=items, juries_of=juries_of)


def _directory(certifiers: Any) -> list[JuryMember]:
    """The directory entries of ``certifiers`` (a collection of ids; None: every entry)."""
    stmt = select(JuryMember).options(selectinload(JuryMember.user))
    if certifiers is not None:
        stmt = stmt.where(JuryMember.certifier_id.in_(certifiers))
    return list(db.session.scalars(stmt))


def submitted_dossier(dossier_id: uuid.UUID) -> Dossier:
    """A submitted dossier the officer covers (another certifier's: not found)."""
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or dossier.submission_count == 0 or not dossier.can_view(current_user):
        abort(404)
    return dossier


@STAFF
def compose(dossier_id: uuid.UUID) -> Any:
    dossier = submitted_dossier(dossier_id)
    jury = Jury.of_dossier(dossier.id)
    form = ComposeForm()
    members = _directory([dossier.certification.certifier_id])  # its certifier's directory
    sessions_ = list(
        db.session.scalars(
            select(JurySession)
            .where(JurySession.starts_at >= clock.now())
            .order_by(JurySession.starts_at)
        )
    )
    form.session.choices = [
        SelectChoice(str(s.id), f"{datetime_fr(s.starts_at)} – {s.place or s.video_link}")
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
                paris(form.slot_at.data),
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
        may_override=current_user.is_admin,
    )


@STAFF
def proclaim(dossier_id: uuid.UUID) -> Any:
    dossier = submitted_dossier(dossier_id)
    jury = Jury.of_dossier(dossier.id)
    if jury is None:
        abort(404)
    proposal = operations.proposal(jury)

    class Form(ProclaimForm):
        pass

    proclaim_fields(Form, list(proposal), dossier.referential.words)
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
