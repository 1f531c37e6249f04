"""Complement requests item by item: what an « incomplet » decision asks, and the answers.

Each item targets a place of the dossier (an activity or training of the version decided
on, the identity, the CV, the education, or a free request). An item is « corrigé » as soon
as its place differs from that version (vae.review.diff), or answered with a text; the
candidate resubmits only when every item is one or the other.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import ForeignKey, Index, Integer, String, Text, Uuid, select
from sqlalchemy.orm import Mapped, mapped_column

from vae import audit, clock
from vae.dbtypes import UTCDateTime, commit_or
from vae.dossier import checklist
from vae.dossier.assessment import assess_dossier
from vae.dossier.models import Dossier
from vae.dossier.snapshot import build
from vae.dossier.steps import BLUEPRINT, CV, GENERIC_VIEW, IDENTITY, TRAINING, Step
from vae.errors import DomainError
from vae.extensions import db
from vae.french import NBSP
from vae.review.diff import Change, changed_places, diff
from vae.review.queries import decisions_of
from vae.urls import public_url

KINDS = {
    "activity": "Activité",
    "training": "Formation continue",
    "identity": "Identité",
    "cv": "CV synthétique",
    "education": "Formation initiale",
    "free": "Autre demande",
}
PROBLEMS = {
    "attestation_missing": "attestation manquante",
    "unreadable": "justificatif illisible",
    "wrong_period": "ne correspond pas à la période déclarée",
    "other": "autre problème",
}
# Which problems the officer chooses from, per kind (the others need none).
KIND_PROBLEMS = {
    "activity": ("attestation_missing", "unreadable", "wrong_period", "other"),
    "training": ("attestation_missing", "unreadable", "other"),
}


class ComplementItem(db.Model):
    """One thing an « incomplet » decision asks, and the candidate's side of it."""

    __tablename__ = "complement_items"
    __table_args__ = (Index("ix_complement_items_dossier", "dossier_id", "decision_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dossier_decisions.id", ondelete="CASCADE")
    )
    dossier_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dossiers.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    target_ref: Mapped[str | None] = mapped_column(String(36))
    target_label: Mapped[str] = mapped_column(String(300), default="")
    problem: Mapped[str | None] = mapped_column(String(30))
    comment: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def label(self) -> str:
        """« Activité « Aide-soignante » : attestation manquante »."""
        head = Target(self.kind, self.target_ref, self.target_label).heading
        return f"{head}{NBSP}: {PROBLEMS[self.problem]}" if self.problem else head

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


@dataclass(frozen=True)
class Target:
    """A place the officer may tick on the decision form."""

    kind: str
    ref: str | None
    label: str

    @property
    def key(self) -> str:
        return f"{self.kind}_{uuid.UUID(self.ref).hex}" if self.ref else self.kind

    @property
    def problems(self) -> tuple[str, ...]:
        return KIND_PROBLEMS.get(self.kind, ())

    @property
    def heading(self) -> str:
        """« Activité « Aide-soignante » », « Identité », « Autre demande »: what is ticked."""
        head = KINDS[self.kind]
        return f"{head} «{NBSP}{self.label}{NBSP}»" if self.label else head


@dataclass(frozen=True)
class ItemSpec:
    """What the officer asks about one target."""

    target: Target
    problem: str | None
    comment: str


def targets(snapshot: dict[str, Any]) -> list[Target]:
    """The places of a submitted version that an item may target, in the dossier's order."""
    found = [
        Target("activity", a["id"], f"{a.get('title', '')} – {a.get('employer_name', '')}")
        for a in snapshot.get("activities", [])
    ]
    found += [
        Target("training", t["id"], t.get("title", "")) for t in snapshot.get("trainings", [])
    ]
    found += [Target(kind, None, "") for kind in ("identity", "cv", "education", "free")]
    return found


def add_items(decision: Any, specs: list[ItemSpec]) -> None:
    """Record the items of an « incomplet » decision (flushed with it)."""
    for position, spec in enumerate(specs):
        db.session.add(
            ComplementItem(
                decision_id=decision.id,
                dossier_id=decision.dossier_id,
                position=position,
                kind=spec.target.kind,
                target_ref=spec.target.ref,
                target_label=spec.target.label[:300],
                problem=spec.problem,
                comment=spec.comment,
            )
        )


def spec_lines(specs: list[ItemSpec]) -> list[str]:
    """The items as the letter lists them."""
    return item_lines(
        ComplementItem(
            kind=spec.target.kind,
            target_label=spec.target.label,
            problem=spec.problem,
            comment=spec.comment,
        )
        for spec in specs
    )


def item_lines(items: Iterable[ComplementItem]) -> list[str]:
    """Stored (or about to be stored) items as the letter lists them."""
    return [f"{item.label}{' – ' + item.comment if item.comment else ''}" for item in items]


def items_of(decision: Any) -> list[ComplementItem]:
    return list(
        db.session.scalars(
            select(ComplementItem)
            .where(ComplementItem.decision_id == decision.id)
            .order_by(ComplementItem.position)
        )
    )


def _request(dossier: Dossier) -> tuple[Any, list[ComplementItem]] | None:
    """The latest decision of the dossier with its items, when it asked for some."""
    decisions = decisions_of(dossier)
    if not decisions:
        return None
    items = items_of(decisions[-1])
    return (decisions[-1], items) if items else None


def live_snapshot(dossier: Dossier) -> dict[str, Any]:
    """The dossier as it would be submitted now (same shape as a submission's snapshot)."""
    moment = clock.now()
    assessment = assess_dossier(dossier, clock.paris_date(moment))
    return dict(build(dossier, assessment, [], dossier.submission_count + 1, moment))


def _snapshot_of(dossier: Dossier, version: int) -> dict[str, Any]:
    return next((s.snapshot for s in dossier.submissions if s.version == version), {})


STEP_OF: dict[str, Step] = {"identity": IDENTITY, "cv": CV, "education": TRAINING}


def place(dossier: Dossier, item: ComplementItem) -> tuple[str, dict[str, Any]]:
    """Where the candidate corrects the item: an endpoint and its values."""
    if item.kind in ("activity", "training"):
        return f"dossier.{item.kind}_form", {
            "dossier_id": dossier.id,
            f"{item.kind}_id": item.target_ref,
        }
    step = STEP_OF.get(item.kind, checklist.SUMMARY)
    values: dict[str, Any] = {"dossier_id": dossier.id}
    if step.view == GENERIC_VIEW:
        values["key"] = step.key
    return f"{BLUEPRINT}.{step.view}", values


def place_url(dossier: Dossier, item: ComplementItem) -> str:
    endpoint, values = place(dossier, item)
    return url_for(endpoint, **values)


def place_public_url(dossier: Dossier, item: ComplementItem) -> str:
    """The item's place as an absolute link, for the email."""
    endpoint, values = place(dossier, item)
    return public_url(endpoint, **values)


def step_keys(item: ComplementItem) -> tuple[str, ...]:
    """The steps whose pages show the item (the summary shows them all)."""
    if item.kind == "activity":
        return ("experience", "pieces")
    if item.kind == "training":
        return ("formation", "pieces")
    return (STEP_OF.get(item.kind, checklist.SUMMARY).key,)


def current_checklist(dossier: Dossier) -> checklist.Checklist | None:
    """The latest request's items with their state, while the dossier is being completed."""
    found = _request(dossier)
    if found is None:
        return None
    decision, items = found
    if dossier.editable:
        changed = changed_places(_snapshot_of(dossier, decision.version), live_snapshot(dossier))
    else:
        changed = set()
    rows = [
        checklist.Row(
            id=item.id,
            label=item.label,
            comment=item.comment,
            url=place_url(dossier, item),
            steps=step_keys(item),
            corrected=item.corrected_at is not None or (item.kind, item.target_ref) in changed,
            answer=item.answer,
            can_answer=dossier.editable,
        )
        for item in items
    ]
    return checklist.Checklist(version=decision.version, decided_at=decision.decided_at, rows=rows)


class AnswerError(DomainError):
    """A refused answer, with a French message."""


def answer(dossier: Dossier, item_id: int, text: str) -> bool:
    """The candidate answers one item of the latest request; False when it is not theirs."""
    found = _request(dossier)
    item = next((i for i in found[1] if i.id == item_id), None) if found else None
    if item is None:
        return False
    if not dossier.editable:
        raise AnswerError(f"Ce dossier est déposé{NBSP}: il ne peut plus être modifié.")
    item.answer = text
    item.answered_at = clock.now()
    dossier.updated_at = clock.now()
    audit.record("dossier", dossier.id, "complement_answered", comment=item.label)
    commit_or(lambda: AnswerError(f"Ce dossier vient d'être modifié ailleurs{NBSP}: recommencez."))
    return True


def stamp_corrected(dossier: Dossier) -> list[str]:
    """At resubmission: the labels of the open items; when none, stamp the corrected ones."""
    found = _request(dossier)
    board = current_checklist(dossier)
    if found is None or board is None:
        return []
    pairs = list(zip(found[1], board.rows, strict=True))
    open_labels = [i.label for i, row in pairs if not row.corrected and not i.answered]
    if not open_labels:
        for item, row in pairs:
            if row.corrected and item.corrected_at is None:
                item.corrected_at = clock.now()
    return open_labels


checklist.checklist_of.provide(current_checklist)
checklist.answer_item.provide(answer)
checklist.open_items.provide(stamp_corrected)


@dataclass(frozen=True)
class Changes:
    """What the officer reads on a resubmitted version: the diff, the items and answers."""

    previous: int
    changes: list[Change]
    items: list[ComplementItem]


def changes_since_previous(dossier: Dossier) -> Changes | None:
    """The differences from the previous submitted version, None on a first version."""
    version = dossier.submission_count
    if version < 2:
        return None
    decision = next((d for d in reversed(decisions_of(dossier)) if d.version == version - 1), None)
    return Changes(
        previous=version - 1,
        changes=diff(_snapshot_of(dossier, version - 1), _snapshot_of(dossier, version)),
        items=items_of(decision) if decision else [],
    )
