"""The candidate's checklist of a complement request, and their answer to one item.

The items belong to the review feature, above the dossier: review fills the slots below
(see vae.review.complements); this module shows them and takes the candidate's answers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import flash, redirect
from werkzeug.exceptions import NotFound

from forms.dossier import ComplementAnswerForm
from vae.dossier.models import Dossier
from vae.dossier.pages import CANDIDATE, bp, load
from vae.dossier.steps import SUMMARY
from vae.errors import DomainError
from vae.french import NBSP
from vae.provided import Provided

__all__ = ["SUMMARY", "Checklist", "Row"]


@dataclass(frozen=True)
class Row:
    """One item as the candidate sees it."""

    id: int
    label: str
    comment: str
    url: str
    steps: tuple[str, ...]
    corrected: bool
    answer: str
    can_answer: bool

    @property
    def done(self) -> bool:
        return self.corrected or bool(self.answer)

    @property
    def state(self) -> str:
        if self.corrected:
            return "corrigé"
        return "répondu" if self.answer else "à traiter"


@dataclass(frozen=True)
class Checklist:
    """The items of the latest request for complements."""

    version: int
    decided_at: datetime
    rows: list[Row]

    def for_step(self, key: str) -> list[Row]:
        """The items shown on the step ``key`` (the summary shows them all)."""
        return [row for row in self.rows if key == SUMMARY.key or key in row.steps]

    @property
    def open_count(self) -> int:
        return sum(not row.done for row in self.rows)


checklist_of: Provided[[Dossier], Checklist | None] = Provided(
    "the checklist of the dossier's latest request for complements (vae.review)"
)
answer_item: Provided[[Dossier, int, str], bool] = Provided(
    "record the candidate's answer to one item, False when not theirs (vae.review)"
)
open_items: Provided[[Dossier], list[str]] = Provided(
    "the labels of the items still open at resubmission (vae.review)"
)


@bp.app_context_processor
def _checklist_helper() -> dict[str, Any]:
    """Templates ask ``complement_checklist(dossier)`` for the items to show."""
    return {"complement_checklist": _checklist_if_submitted}


def _checklist_if_submitted(dossier: Dossier) -> Checklist | None:
    """A dossier never submitted has had no request for complements: no query for it."""
    return checklist_of(dossier) if dossier.submission_count else None


@bp.route("/<uuid:dossier_id>/complements/<int:item_id>/reponse", methods=["POST"])
@CANDIDATE
def answer(dossier_id: uuid.UUID, item_id: int) -> Any:
    """The candidate answers one item with a text (« répondre »)."""
    dossier = load(dossier_id, edit=True)
    form = ComplementAnswerForm(prefix=f"item-{item_id}")
    back = form.next.data or ""
    target = back if back.startswith("/dossiers/") else SUMMARY.url(dossier.id)
    if not form.validate_on_submit():
        for message in form.answer.errors or [f"La page a expiré{NBSP}: recommencez."]:
            flash(f"Réponse non enregistrée{NBSP}: {message}", "error")
        return redirect(target)
    try:
        if not answer_item(dossier, item_id, form.answer.data):
            raise NotFound()
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash("Votre réponse est enregistrée.", "success")
    return redirect(target)
