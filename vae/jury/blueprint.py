"""Jury pages: members (declaration, grid, signature), candidates (results, certificates), the
public (verification); staff's pages are in ``vae.jury.staff_pages``, on the same blueprint."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forms.jury import DeclarationForm, SignForm, field_key, grid_answers, grid_form
from forms.plain import plain_fields
from vae import clock
from vae.access import public, roles_required
from vae.certifiers.scope import staff_covers
from vae.documents.capture import story_of
from vae.documents.html import document_page
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.jury import capitalisation, clearance, documents_glue, member_of, operations, staff_pages
from vae.jury import grid as grids
from vae.jury.models import AcquiredBlock, CertificationAward, Jury, JuryMember, Proclamation
from vae.jury.staff_pages import submitted_dossier
from vae.roles import Role
from vae.storage import pdf_cache

bp = Blueprint("jury", __name__)
staff_pages.register(bp)
JURY = roles_required(Role.JURY)


# --- jury members ---------------------------------------------------------------------------


def _cleared(dossier_id: uuid.UUID) -> tuple[JuryMember, Jury]:
    """The current member and the jury they sit on, once they declared no conflict of interest
    for this dossier; before that, every resource leads to the declaration page; 404 for a
    dossier they do not sit on (as for a missing one)."""
    standing = clearance(current_user, dossier_id)
    if not standing.seated:
        abort(404)
    if not standing.cleared:
        abort(redirect(url_for("jury.dossier", dossier_id=dossier_id)))
    return standing.member, standing.jury  # type: ignore[return-value]


@bp.route("/jury/")
@JURY
def my_dossiers() -> Any:
    member = member_of(current_user)
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
    standing = clearance(current_user, dossier_id)
    if not standing.seated:
        abort(404)
    member, jury = standing.member, standing.jury
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
        blocks,
        jury.grid or {},
        formdata=request.form if request.method == "POST" else None,
        words=jury.dossier.referential.words,
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
    latest = documents_glue.latest_livret2_version(jury.dossier_id)
    return render_template(
        "jury/grid.html",
        jury=jury,
        member=member,
        blocks=blocks,
        form=form,
        fields=plain_fields(form),
        results=grids.results(blocks, jury.grid or {}, threshold),
        states=grids.states(
            blocks, jury.grid or {}, threshold, block_word=jury.dossier.referential.words.Block
        ),
        missing=grids.missing_answers(blocks, jury.grid or {}, threshold),
        field_key=field_key,
        sign_form=SignForm(prefix="sign", formdata=None, data={"grid_version": jury.grid_version}),
        latest_livret2=latest,
        situations=grids.situations_by_block(latest.snapshot if latest else None),
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
    jury = _minutes_jury(dossier_id)
    return _pdf(documents_glue.minutes(jury), f"proces-verbal-{jury.dossier.number}.pdf")


# --- candidates and the public ----------------------------------------------------------------


@bp.route("/dossiers/<uuid:dossier_id>/resultats")
@roles_required(Role.CANDIDATE, Role.ACCOMPAGNATEUR, Role.STAFF, Role.ADMIN)
def results(dossier_id: uuid.UUID) -> Any:
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or not dossier.can_view(current_user):
        abort(404)
    proclamation = db.session.scalar(
        select(Proclamation).where(Proclamation.dossier_id == dossier.id)
    )
    if proclamation is None:
        abort(404)
    jury = Jury.of_dossier(dossier.id)
    held = capitalisation.holdings(dossier.candidate_id, dossier.certification_id)
    awards = list(
        db.session.scalars(
            select(CertificationAward).where(
                CertificationAward.candidate_id == dossier.candidate_id,
                CertificationAward.certification_id == dossier.certification_id,
            )
        )
    )
    capital = capitalisation.capitalisation(dossier, clock.today())
    return render_template(
        "jury/results.html",
        dossier=dossier,
        proclamation=proclamation,
        jury=jury,
        held=held,
        awards=awards,
        capital=capital,
        still_needed=[b.block_code for b in capital.blocks if b.block_code not in capital.held],
        may_restart=dossier.is_owned_by(current_user),
        certificate_links=dossier.shows_certificates_to(current_user),
        today=clock.today(),
    )


@bp.route("/certificats/bloc/<uuid:block_id>.pdf")
@roles_required(Role.CANDIDATE, Role.STAFF, Role.ADMIN)
def block_certificate(block_id: uuid.UUID) -> Any:
    block = _own(AcquiredBlock, block_id)
    pdf = pdf_cache.cached_pdf(
        block.candidate_id,
        documents_glue.block_certificate_data(block),
        documents_glue.render_block_certificate,
    )
    return _pdf(pdf, f"ccp-{block.block_code}.pdf")


@bp.route("/certificats/certification/<uuid:award_id>.pdf")
@roles_required(Role.CANDIDATE, Role.STAFF, Role.ADMIN)
def certification_certificate(award_id: uuid.UUID) -> Any:
    award = _own(CertificationAward, award_id)
    pdf = pdf_cache.cached_pdf(
        award.candidate_id,
        documents_glue.certification_data(award),
        documents_glue.render_certification,
    )
    return _pdf(pdf, "certification.pdf")


@bp.route("/verifier")
@bp.route("/verifier/<code>")
@public
def verify(code: str | None = None) -> Any:
    code = (code or request.args.get("code") or "").strip().upper()[:20]
    found = documents_glue.verify(code) if code else None
    return render_template("jury/verify.html", code=code, found=found)


# --- accessible HTML versions of the documents (RGAA 13.3), same access as their PDF ---------


def _minutes_jury(dossier_id: uuid.UUID) -> Jury:
    """The jury whose procès-verbal the current user may read (its cleared members, staff)."""
    if current_user.role == Role.JURY:
        return _cleared(dossier_id)[1]
    jury = Jury.of_dossier(submitted_dossier(dossier_id).id)
    if jury is None:
        abort(404)
    return jury


def _own(model: type[Any], object_id: uuid.UUID) -> Any:
    """A certificate (acquired block or award): its holder's, or for staff those of their
    certifiers (vae.certifiers.scope), any for admins."""
    found = db.session.get(model, object_id)
    if found is None or not (
        found.candidate_id == current_user.id
        if current_user.role == Role.CANDIDATE
        else staff_covers(current_user, found.certification_id)
    ):
        abort(404)
    return found


@bp.route("/jury/dossiers/<uuid:dossier_id>/proces-verbal.html")
@roles_required(Role.JURY, Role.STAFF, Role.ADMIN)
def minutes_html(dossier_id: uuid.UUID) -> Any:
    story = story_of(documents_glue.minutes, _minutes_jury(dossier_id))
    return document_page(story, pdf_url=url_for("jury.minutes", dossier_id=dossier_id))


@bp.route("/certificats/bloc/<uuid:block_id>.html")
@roles_required(Role.CANDIDATE, Role.STAFF, Role.ADMIN)
def block_certificate_html(block_id: uuid.UUID) -> Any:
    data = documents_glue.block_certificate_data(_own(AcquiredBlock, block_id))
    story = story_of(documents_glue.render_block_certificate, data)
    return document_page(story, pdf_url=url_for("jury.block_certificate", block_id=block_id))


@bp.route("/certificats/certification/<uuid:award_id>.html")
@roles_required(Role.CANDIDATE, Role.STAFF, Role.ADMIN)
def certification_certificate_html(award_id: uuid.UUID) -> Any:
    data = documents_glue.certification_data(_own(CertificationAward, award_id))
    story = story_of(documents_glue.render_certification, data)
    pdf_url = url_for("jury.certification_certificate", award_id=award_id)
    return document_page(story, pdf_url=pdf_url)


@bp.route("/dossiers/<uuid:dossier_id>/convocation")
@roles_required(Role.CANDIDATE, Role.ACCOMPAGNATEUR, Role.STAFF, Role.ADMIN)
def convocation_html(dossier_id: uuid.UUID) -> Any:
    """The convocation sent to the candidate (it has no PDF to download: it was emailed)."""
    dossier = db.session.get(Dossier, dossier_id)
    jury = Jury.of_dossier(dossier.id) if dossier and dossier.can_view(current_user) else None
    if jury is None or jury.convoked_at is None:
        abort(404)
    return document_page(story_of(documents_glue.convocation, jury), pdf_url=None)


def _pdf(content: bytes, name: str) -> Response:
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
