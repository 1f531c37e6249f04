"""The two-month clock's consequences (Code du travail L6412-2), run daily by
``flask --app vae deadlines run``: implicit acceptance once the due date has passed, staff
digests 15 and 5 days before it; and the admin's withdrawal of an implicit decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from vae import clock, mail, storage
from vae.api import webhooks
from vae.auth.models import User
from vae.certifiers.scope import staff_covers
from vae.dbtypes import commit_or, locked, stale_as
from vae.dossier.enums import DossierStatus
from vae.dossier.models import STAFF_ROLES, Dossier
from vae.extensions import db
from vae.french import days_left
from vae.review.models import DeadlineDigest, Decision, DecisionKind
from vae.review.operations import (
    Conflict,
    ReviewError,
    letter_data,
    render_letter,
    send_decision,
)
from vae.urls import public_url

DIGEST_THRESHOLDS = (15, 5)  # days before the due date, largest first
LEGAL_BASIS = "article L6412-2 du Code du travail"
WITHDRAWABLE = (DossierStatus.RECEVABLE, DossierStatus.LIVRET2_IN_PROGRESS)


@dataclass
class RunReport:
    implicit: list[str] = field(default_factory=list)  # dossier numbers
    digests: dict[str, list[str]] = field(default_factory=dict)  # officer email -> numbers


def livret2_default_due(today: date) -> date:
    """The livret 2's usual deadline for a dossier declared recevable today."""
    return today + relativedelta(months=int(current_app.config["LIVRET2_DEFAULT_MONTHS"]))


def run(today: date | None = None) -> RunReport:
    """Idempotent: a second run the same day finds nothing more to do."""
    today = today or clock.today()
    report = RunReport()
    overdue = db.session.scalars(
        select(Dossier.id).where(
            Dossier.status == DossierStatus.SUBMITTED, Dossier.decision_due < today
        )
    ).all()
    for dossier_id in overdue:
        number = accept_implicitly(dossier_id, today)
        if number:
            report.implicit.append(number)
    report.digests = send_digests(today)
    return report


def accept_implicitly(dossier_id: Any, today: date) -> str | None:
    """Record the implicit acceptance of one overdue dossier, under its row lock: an officer
    deciding at the same moment either decided first (nothing to do here) or loses."""
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None:
        return None
    with locked(dossier):
        if not (dossier.under_review and dossier.decision_due and dossier.decision_due < today):
            db.session.rollback()
            return None
        started = dossier.decision_clock_started_on or clock.paris_date(dossier.submitted_at)
        letter = {
            **letter_data(
                dossier,
                DecisionKind.IMPLICIT,
                None,
                today,
                "",
                None,
                [],
                livret2_default_due(today),
            ),
            "clock_started_on": started.isoformat(),
            "due_on": dossier.decision_due.isoformat(),
        }
        decision, pdf = _store(dossier, DecisionKind.IMPLICIT, letter, None, "")
        dossier.move_to(
            DossierStatus.RECEVABLE,
            "decided_implicitly",
            comment=f"Sans réponse dans les deux mois ({LEGAL_BASIS})",
        )
        dossier.decided_at = decision.decided_at
        dossier.decision_due = None
        dossier.decision_clock_started_on = None
        dossier.livret2_due = decision.livret2_due
        _commit_and_tell(dossier, decision, pdf)
    return dossier.number


def withdraw_implicit(dossier: Dossier, admin: Any, reason: str, lock_version: int | None) -> None:
    """An admin withdraws the implicit acceptance (for the cases the law allows): the dossier
    is back under review, with an explicit decision to take."""
    if lock_version is not None and dossier.lock_version != lock_version:
        raise Conflict()
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("Indiquez le motif du retrait de la décision implicite.")
    last = latest_decision(dossier)
    if last is None or last.kind != DecisionKind.IMPLICIT:
        raise ReviewError("Ce dossier n'a pas de décision implicite d'acceptation à retirer.")
    if dossier.status not in WITHDRAWABLE:
        raise ReviewError(
            "La décision implicite ne peut plus être retirée : le livret 2 a été déposé "
            f"(état : {dossier.status.label})."
        )
    today = clock.today()
    letter = {
        **letter_data(
            dossier, DecisionKind.IMPLICIT_WITHDRAWN, admin, today, reason, None, [], None
        ),
        "implicit_on": clock.paris_date(last.decided_at).isoformat(),
    }
    decision, pdf = _store(dossier, DecisionKind.IMPLICIT_WITHDRAWN, letter, admin, reason)
    dossier.move_to(DossierStatus.SUBMITTED, "implicit_withdrawn", comment=reason, actor=admin)
    dossier.livret2_due = None
    dossier.decided_at = None
    _commit_and_tell(dossier, decision, pdf)


def latest_decision(dossier: Dossier) -> Decision | None:
    return db.session.scalars(
        select(Decision)
        .where(Decision.dossier_id == dossier.id)
        .order_by(Decision.decided_at.desc())
        .limit(1)
    ).first()


def _store(
    dossier: Dossier, kind: DecisionKind, letter: dict[str, Any], officer: Any, comment: str
) -> tuple[Decision, bytes]:
    pdf = render_letter(letter)
    stored = storage.store_document(pdf, "decision.pdf", storage.uploads())
    due = letter.get("livret2_due")
    decision = Decision(
        dossier_id=dossier.id,
        version=dossier.submission_count,
        kind=kind,
        comment=comment,
        missing=[],
        livret2_due=date.fromisoformat(due) if due else None,
        decided_by_id=officer.id if officer else None,
        decided_at=clock.now(),
        letter_stored_name=stored.stored_name,
        letter_sha256=stored.sha256,
    )
    db.session.add(decision)
    return decision, pdf


def _commit_and_tell(dossier: Dossier, decision: Decision, pdf: bytes) -> None:
    """Announce, mail and commit: a lost race (at any flush) leaves no letter file behind."""
    with storage.removed_on_failure(storage.uploads(), decision.letter_stored_name):
        with stale_as(Conflict):
            webhooks.announce_decision(dossier, decision)
        send_decision(
            dossier, decision, pdf, link=public_url("dossier.step_summary", dossier_id=dossier.id)
        )
        commit_or(Conflict)


def _officers_of(dossier: Dossier, officers: list[User]) -> list[User]:
    """Who is told about ``dossier``: its officer, or else every officer of its certifier."""
    covering = [o for o in officers if staff_covers(o, dossier.certification_id)]
    assigned = dossier.assigned_officer
    return [assigned] if assigned in covering else covering


def send_digests(today: date) -> dict[str, list[str]]:
    """One email per officer listing their dossiers reaching 15 or 5 days before the due date;
    each dossier is listed once per threshold (table ``deadline_digests``)."""
    horizon = today + timedelta(days=DIGEST_THRESHOLDS[0])
    pending = db.session.scalars(
        select(Dossier)
        .where(
            Dossier.status == DossierStatus.SUBMITTED,
            Dossier.decision_due >= today,
            Dossier.decision_due <= horizon,
        )
        .order_by(Dossier.decision_due, Dossier.number)
    ).all()
    sent = {
        (d, t, due)
        for d, t, due in db.session.execute(
            select(
                DeadlineDigest.dossier_id, DeadlineDigest.threshold, DeadlineDigest.due_on
            ).where(DeadlineDigest.dossier_id.in_([d.id for d in pending]))
        )
    }
    officers = list(
        db.session.scalars(select(User).where(User.role.in_(STAFF_ROLES), User.active.is_(True)))
    )
    listed: dict[Any, list[tuple[Dossier, int]]] = {}
    for dossier in pending:
        left = (dossier.decision_due - today).days
        threshold = min(t for t in DIGEST_THRESHOLDS if t >= left)
        if (dossier.id, threshold, dossier.decision_due) in sent:
            continue
        db.session.add(
            DeadlineDigest(dossier_id=dossier.id, threshold=threshold, due_on=dossier.decision_due)
        )
        for officer in _officers_of(dossier, officers):
            listed.setdefault(officer, []).append((dossier, left))
    for officer, rows in listed.items():
        mail.send_template(
            officer.email,
            f"Échéances légales : {len(rows)} dossier{'s' if len(rows) > 1 else ''} à décider",
            "emails/deadline_digest.txt",
            officer=officer,
            rows=[(d, days_left(n), public_url("review.show", dossier_id=d.id)) for d, n in rows],
        )
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent run listed them: it sends the digests (not this one)
        db.session.rollback()
        return {}
    return {o.email: [d.number for d, _left in rows] for o, rows in listed.items()}
