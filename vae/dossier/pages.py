"""What the dossier's views share: the blueprint, who may call them, loading and page helpers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import cache
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request
from flask_login import current_user
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from forms.admin import ConfirmForm
from vae import storage
from vae.access import roles_required
from vae.dossier import operations, page_cache, steps
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.roles import Role

bp = Blueprint(steps.BLUEPRINT, __name__, url_prefix="/dossiers")
CANDIDATE = roles_required(Role.CANDIDATE)
# The draft's forms: the candidate and the accompagnateurs they invited (object check in load).
EDITORS = roles_required(Role.CANDIDATE, Role.ACCOMPAGNATEUR)
READERS = roles_required(Role.CANDIDATE, Role.ACCOMPAGNATEUR, Role.STAFF, Role.ADMIN)
# The frozen livret 1 and its files: also the jury members of the dossier (object check in load).
FILE_READERS = roles_required(
    Role.CANDIDATE, Role.ACCOMPAGNATEUR, Role.STAFF, Role.ADMIN, Role.JURY
)


@cache
def _statement(relations: bool) -> Select[tuple[Dossier]]:
    """The dossier's query, built once (on first use: the mappers are configured by then), so
    that a page pays for binding the id only. Many-to-one relations are joined into the
    dossier's own query, no extra round trip."""
    options = [joinedload(Dossier.referential_version)]
    if relations:
        options += [
            joinedload(Dossier.certification),
            selectinload(Dossier.activities),
            selectinload(Dossier.trainings),
            selectinload(Dossier.attachments),
        ]
    return select(Dossier).where(Dossier.id == bindparam("dossier_id")).options(*options)


def load(
    dossier_id: uuid.UUID, *, edit: bool = False, work: bool = False, relations: bool = True
) -> Dossier:
    """The dossier with everything its pages show, or 404 when it is not the user's to see;
    ``edit``: the candidate's own (sworn statement, submission, withdrawal…); ``work``: the
    candidate's or one of their accompagnateurs' (the draft's forms, the livret 2's situations);
    ``relations=False``: its lists are read only if used (a page built from cached parts)."""
    dossier = db.session.scalar(_statement(relations), {"dossier_id": dossier_id})
    if dossier is None or not dossier.can_view(current_user):
        abort(404)
    if edit and not dossier.is_owned_by(current_user):
        abort(404)
    if work and not dossier.is_worked_on_by(current_user):
        abort(404)
    return dossier


def editable_or_redirect(dossier: Dossier) -> Any:
    """None when the dossier may be changed; otherwise the redirect to its summary."""
    if not dossier.editable:
        flash("Ce dossier est déposé : il ne peut plus être modifié.", "info")
        return redirect(steps.SUMMARY.url(dossier.id))
    return None


def page(template: str, dossier: Dossier, step: steps.Step, **context: Any) -> str:
    """A step's page (or one of its item pages), with the stepper."""
    # A GET shows the stored dossier: its states and stepper are cached per version (a refused
    # POST may show changes not saved yet, so it computes them).
    cached = request.method == "GET"
    states = page_cache.step_states(dossier) if cached else steps.states(dossier)
    current = next(s for s in states if s.step == step)
    stepper = None
    if cached:
        stepper = page_cache.body_html(
            dossier,
            f"stepper:{step.key}",
            lambda _csrf: render_template(
                "dossier/_stepper.html", dossier=dossier, states=states, current=current
            ),
        )
    return render_template(
        template,
        dossier=dossier,
        states=states,
        current=current,
        next_state=steps.next_state(states, step),
        stepper=stepper,
        **context,
    )


def next_step(dossier: Dossier, step: steps.Step) -> Any:
    """Redirect to the step after ``step``."""
    return redirect(steps.following(step).url(dossier.id))


def confirmed(
    operation: Callable[[Dossier, Any], None], dossier: Dossier, item: Any, success: str
) -> None:
    """Run a one-button operation (delete, remove) once its CSRF token checks out."""
    if not ConfirmForm().validate_on_submit():
        return
    try:
        operation(dossier, item)
    except operations.DossierError as exc:
        flash(str(exc), "error")
    else:
        flash(success, "success")


def child(items: list[Any], item_id: uuid.UUID | None) -> Any:
    """An activity, training or attachment of this dossier, or 404."""
    for item in items:
        if item.id == item_id:
            return item
    abort(404)


def pdf_response(pdf: bytes, name: str) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def stored_pdf(stored_name: str, download_name: str) -> Response:
    """A stored PDF (a submitted version, a decision letter), downloaded under ``download_name``."""
    response = storage.stored_response(
        stored_name, mimetype="application/pdf", download_name=download_name
    )
    if response is None:
        abort(404)
    return response
