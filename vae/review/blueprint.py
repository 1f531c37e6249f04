"""The CPNEFP officers' pages: queue, review of a dossier, decisions, exports, dashboard."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forms.plain import plain_fields
from forms.review import (
    AssignForm,
    DecisionForm,
    FindingForm,
    FindingRefForm,
    WithdrawImplicitForm,
    decision_form,
    tri_state,
    tri_state_value,
)
from vae import audit, clock
from vae.access import roles_required
from vae.audit_labels import audit_lines
from vae.auth.models import User
from vae.certifiers import scope
from vae.certifiers.choices import staff_sharing
from vae.dossier.models import Dossier
from vae.dossier.snapshot import DossierSnapshot
from vae.extensions import db
from vae.review import complements, deadlines, export, export_rows, operations, queue, stats
from vae.review.assessment import assess_reviewed, reviewed_activities
from vae.review.models import Decision, DecisionKind, Finding, latest_findings
from vae.roles import Role
from vae.rules.identity import missing_identity

bp = Blueprint("review", __name__, url_prefix="/cpnefp")
STAFF = roles_required(Role.STAFF, Role.ADMIN)


def _officers(dossier: Dossier) -> list[Any]:
    """Whom the dossier may be given to: staff of its certifier, and administrators."""
    return staff_sharing([dossier.certification.certifier_id])


@bp.route("/dossiers")
@STAFF
def index() -> Any:
    viewer = current_user._get_current_object()  # the account, not the proxy: read often here
    filters = queue.Filters.from_args(request.args, viewer)
    page = queue.fetch(filters, viewer.id)
    return render_template(
        "review/index.html",
        filters=filters,
        page=page,
        certifications=scope.certification_choices(viewer),
        officers=staff_sharing(scope.certifier_ids(viewer)),  # the viewer's colleagues
        statuses=queue.QUEUE_STATUSES,
        sorts=queue.SORTS,
        unattached=scope.UNATTACHED if scope.is_unattached(viewer) else "",
    )


@bp.route("/dossiers/export.csv")
@STAFF
def export_csv() -> Any:
    return _download(export.csv_chunks(_export_rows()), "text/csv; charset=utf-8", "dossiers.csv")


@bp.route("/dossiers/export.xlsx")
@STAFF
def export_xlsx() -> Any:
    return _download(
        export.xlsx_chunks(_export_rows()),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "dossiers.xlsx",
    )


def _export_rows() -> Iterator[dict[str, Any]]:
    """Every row of the queue view asked for (no cut-off), read lazily in batches."""
    filters = queue.Filters.from_args(request.args, current_user)
    return export_rows.queue_rows(filters, current_user.id)


def _download(chunks: Iterator[bytes], content_type: str, name: str) -> Response:
    """A streamed attachment: the file is sent as it is built (memory bounded at any size)."""
    # content_type, not mimetype: Werkzeug would append a second "; charset=utf-8".
    response = Response(chunks, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _load(dossier_id: uuid.UUID) -> Dossier:
    dossier = db.session.scalar(
        select(Dossier)
        .where(Dossier.id == dossier_id, Dossier.submission_count > 0)
        .options(
            selectinload(Dossier.submissions),
            selectinload(Dossier.attachments),
            selectinload(Dossier.certification),
            selectinload(Dossier.referential_version),
            selectinload(Dossier.assigned_officer),
        )
    )
    if dossier is None or not dossier.can_view(current_user):
        abort(404)  # another certifier's dossier: not found either
    return dossier


@bp.route("/dossiers/<uuid:dossier_id>")
@STAFF
def show(dossier_id: uuid.UUID) -> Any:
    dossier = _load(dossier_id)
    return _review_page(dossier)


def _review_page(dossier: Dossier, **forms: Any) -> str:
    snapshot = operations.current_snapshot(dossier)
    findings = list(
        db.session.scalars(
            select(Finding).where(
                Finding.dossier_id == dossier.id, Finding.version == dossier.submission_count
            )
        )
    )
    current = latest_findings(findings)
    rows = reviewed_activities(snapshot, current)
    reviewed = assess_reviewed(snapshot, rows, dossier.referential)
    decisions = list(
        db.session.scalars(
            select(Decision).where(Decision.dossier_id == dossier.id).order_by(Decision.decided_at)
        )
    )
    officers = _officers(dossier)
    assign_form = forms.get("assign_form") or AssignForm(
        prefix="assign",
        data={"lock_version": dossier.lock_version, "officer": str(current_user.id)},
    )
    assign_form.officer.choices = [(str(o.id), o.full_name) for o in officers]
    # One finding form gives the labels; each row's fields are plain data (forms/plain.py).
    finding_form = FindingForm(formdata=None)
    finding_fields = {
        row.data["id"]: plain_fields(
            finding_form,
            {
                "lock_version": dossier.lock_version,
                "activity_ref": row.data["id"],
                "relevant": tri_state_value(row.finding.relevant if row.finding else None),
                "attestation_valid": tri_state_value(
                    row.finding.attestation_valid if row.finding else None
                ),
                "comment": row.finding.comment if row.finding else "",
            },
            prefix=f"f-{row.data['id']}-",
        )
        for row in rows
    }
    finding_fields.update(
        {ref: plain_fields(posted) for ref, posted in forms.get("finding_forms", {}).items()}
    )
    decision_form = forms.get("decision_form") or decision_form_for(
        snapshot,
        formdata=None,
        data={
            "lock_version": dossier.lock_version,
            "livret2_due": deadlines.livret2_default_due(clock.today()),
        },
    )
    last = decisions[-1] if decisions else None
    withdrawable = (
        current_user.role == Role.ADMIN
        and last is not None
        and last.kind == DecisionKind.IMPLICIT
        and dossier.status in deadlines.WITHDRAWABLE
    )
    withdraw_form = forms.get("withdraw_form") or WithdrawImplicitForm(
        prefix="withdraw", data={"lock_version": dossier.lock_version}
    )
    return render_template(
        "review/show.html",
        dossier=dossier,
        snapshot=snapshot,
        rows=rows,
        reviewed=reviewed,
        decisions=decisions,
        entries=audit_lines(audit.history("dossier", dossier.id), dossier.referential),
        assign_form=assign_form,
        finding_fields=finding_fields,
        decision_form=decision_form,
        withdraw_form=withdraw_form if withdrawable else None,
        checklist=_checklist(snapshot, rows),
        changes=complements.changes_since_previous(dossier),
        default_livret2_due=deadlines.livret2_default_due(clock.today()),
        attachments={str(a.id): a for a in dossier.attachments},
    )


def _checklist(snapshot: DossierSnapshot, rows: list[Any]) -> list[tuple[str, bool]]:
    identity = snapshot.get("identity", {})
    items = [
        (
            "Identité complète",
            not missing_identity(identity),
        ),
        (
            "Déclaration sur l'honneur : chaque engagement accepté",
            bool(snapshot.get("sworn_statement")),
        ),
        ("CV synthétique", bool((snapshot.get("cv") or "").strip())),
    ]
    for row in rows:
        label = f"Justificatif : {row.data.get('title', '')} ({row.data.get('employer_name', '')})"
        ok = row.has_proof and row.proof_valid is not False
        items.append((label, ok))
    return items


def decision_form_for(snapshot: DossierSnapshot, **kwargs: Any) -> DecisionForm:
    """The decision form, with one item per place of the version under review."""
    return decision_form(complements.targets(dict(snapshot)), prefix="decision", **kwargs)


def _conflict(dossier_id: uuid.UUID, error: operations.ReviewError) -> Any:
    db.session.rollback()
    flash(str(error), "error")
    return redirect(url_for("review.show", dossier_id=dossier_id))


@bp.route("/dossiers/<uuid:dossier_id>/attribution", methods=["POST"])
@STAFF
def assign(dossier_id: uuid.UUID) -> Any:
    dossier = _load(dossier_id)
    form = AssignForm(prefix="assign")
    form.officer.choices = [(str(o.id), o.full_name) for o in _officers(dossier)]
    if form.validate_on_submit():
        officer = db.session.get(User, uuid.UUID(form.officer.data))
        try:
            operations.assign(dossier, officer, form.lock_version.data)
        except operations.ReviewError as error:
            return _conflict(dossier_id, error)
        flash(f"Dossier confié à {officer.full_name}.", "success")
        return redirect(url_for("review.show", dossier_id=dossier.id))
    return _review_page(dossier, assign_form=form)


@bp.route("/dossiers/<uuid:dossier_id>/constats", methods=["POST"])
@STAFF
def finding(dossier_id: uuid.UUID) -> Any:
    dossier = _load(dossier_id)
    ref = FindingRefForm().activity_ref.data or ""
    form = FindingForm(prefix=f"f-{ref}")
    if form.validate_on_submit() and form.activity_ref.data == ref:
        try:
            operations.record_finding(
                dossier,
                ref,
                relevant=tri_state(form.relevant.data),
                attestation_valid=tri_state(form.attestation_valid.data),
                comment=form.comment.data or "",
                lock_version=form.lock_version.data,
                officer=current_user,
            )
        except operations.ReviewError as error:
            return _conflict(dossier_id, error)
        flash("Constat enregistré ; l'éligibilité est recalculée.", "success")
        return redirect(url_for("review.show", dossier_id=dossier.id, _anchor=f"activite-{ref}"))
    return _review_page(dossier, finding_forms={ref: form})


@bp.route("/dossiers/<uuid:dossier_id>/decision", methods=["POST"])
@STAFF
def decide(dossier_id: uuid.UUID) -> Any:
    dossier = _load(dossier_id)
    form = decision_form_for(operations.current_snapshot(dossier))
    if form.validate_on_submit():
        try:
            operations.decide(
                dossier,
                DecisionKind(form.kind.data),
                officer=current_user,
                lock_version=form.lock_version.data,
                comment=form.comment.data or "",
                reason_code=form.reason.data or None,
                items=form.item_specs(),
                livret2_due=form.livret2_due.data,
            )
        except operations.Conflict as error:
            return _conflict(dossier_id, error)
        except operations.ReviewError as error:
            form.kind.errors = [*form.kind.errors, str(error)]
        else:
            flash("Décision enregistrée ; le candidat a reçu le courrier par courriel.", "success")
            return redirect(url_for("review.show", dossier_id=dossier.id))
    return _review_page(dossier, decision_form=form)


@bp.route("/dossiers/<uuid:dossier_id>/retrait-decision-implicite", methods=["POST"])
@roles_required(Role.ADMIN)
def withdraw_implicit(dossier_id: uuid.UUID) -> Any:
    dossier = _load(dossier_id)
    form = WithdrawImplicitForm(prefix="withdraw")
    if form.validate_on_submit():
        try:
            deadlines.withdraw_implicit(
                dossier, current_user, form.reason.data or "", form.lock_version.data
            )
        except operations.Conflict as error:
            return _conflict(dossier_id, error)
        except operations.ReviewError as error:
            form.reason.errors = [*form.reason.errors, str(error)]
        else:
            flash("Décision implicite retirée ; le candidat a reçu le courrier.", "success")
            return redirect(url_for("review.show", dossier_id=dossier.id))
    return _review_page(dossier, withdraw_form=form)


@bp.route("/tableau-de-bord")
@STAFF
def dashboard() -> Any:
    figures = stats.compute(within=scope.certification_ids(current_user))
    return render_template("review/dashboard.html", figures=figures)
