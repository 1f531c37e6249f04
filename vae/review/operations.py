"""The officer's operations: take a dossier, record findings, decide. Each audits and commits."""

from __future__ import annotations

from datetime import date
from typing import Any

from vae import audit, clock, mail, storage
from vae.api import webhooks
from vae.certifiers.identity import identity_for
from vae.dbtypes import commit_or, stale_as
from vae.dossier import scope
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.errors import DomainError
from vae.extensions import db
from vae.french import date_fr
from vae.review import complements
from vae.review.models import NON_RECEVABLE_REASONS, Decision, DecisionKind, Finding

DECISION_STATUS = {
    DecisionKind.INCOMPLETE: DossierStatus.INCOMPLETE,
    DecisionKind.RECEVABLE: DossierStatus.RECEVABLE,
    DecisionKind.NON_RECEVABLE: DossierStatus.NON_RECEVABLE,
}


class ReviewError(DomainError):
    """A refused review operation, with a French message for the officer."""


class Conflict(ReviewError):
    """Someone else changed the dossier since the page was loaded."""

    def __init__(self) -> None:
        super().__init__(
            "Ce dossier vient d'être modifié par quelqu'un d'autre. La page a été rechargée : "
            "vérifiez la situation actuelle avant de recommencer."
        )


def _expect(dossier: Dossier, lock_version: int | None) -> None:
    if lock_version is not None and dossier.lock_version != lock_version:
        raise Conflict()


def _commit() -> None:
    """Commit; a concurrent change of the same dossier (version column) is a Conflict."""
    commit_or(Conflict)


def _under_review(dossier: Dossier) -> None:
    if dossier.status != DossierStatus.SUBMITTED:
        raise ReviewError(
            f"Ce dossier n'est pas en attente de décision (état : {dossier.status.label})."
        )
    if dossier.implicitly_accepted:
        raise ReviewError(
            f"L'échéance légale du {date_fr(dossier.decision_due)} est passée : la décision "
            "implicite d'acceptation s'applique (article L6412-2 du Code du travail). Aucune "
            "décision explicite ne peut plus être enregistrée."
        )


def assign(dossier: Dossier, officer: Any, lock_version: int | None) -> None:
    """Give the dossier to an officer (oneself or a colleague)."""
    _expect(dossier, lock_version)
    previous = dossier.assigned_officer
    dossier.assigned_officer_id = officer.id
    audit.record(
        "dossier",
        dossier.id,
        "assigned",
        from_state=previous.full_name if previous else None,
        to_state=officer.full_name,
    )
    _commit()


def record_finding(
    dossier: Dossier,
    activity_ref: str,
    *,
    relevant: bool | None,
    attestation_valid: bool | None,
    comment: str,
    lock_version: int | None,
    officer: Any,
) -> Finding:
    """Record what the officer found about one declared activity of the version under review."""
    _expect(dossier, lock_version)
    _under_review(dossier)
    refs = {a.get("id") for a in current_snapshot(dossier).get("activities", [])}
    if activity_ref not in refs:
        raise ReviewError("Cette activité ne fait pas partie du dossier déposé.")
    finding = Finding(
        dossier_id=dossier.id,
        version=dossier.submission_count,
        activity_ref=activity_ref,
        relevant=relevant,
        attestation_valid=attestation_valid,
        comment=comment,
        by_id=officer.id,
        at=clock.now(),
    )
    db.session.add(finding)
    dossier.updated_at = clock.now()  # bumps the version column: concurrent decisions conflict
    audit.record(
        "dossier",
        dossier.id,
        "finding",
        comment=_finding_summary(relevant, attestation_valid, comment),
    )
    _commit()
    return finding


def _finding_summary(relevant: bool | None, valid: bool | None, comment: str) -> str:
    parts = []
    if relevant is not None:
        parts.append("en rapport" if relevant else "sans rapport")
    if valid is not None:
        parts.append("justificatif valable" if valid else "justificatif non valable")
    if comment:
        parts.append("commentaire interne")  # its text stays in the finding
    return " ; ".join(parts) or "constat effacé"


def decide(
    dossier: Dossier,
    kind: DecisionKind,
    *,
    officer: Any,
    lock_version: int | None,
    comment: str = "",
    reason_code: str | None = None,
    missing: list[str] | None = None,
    livret2_due: date | None = None,
    items: list[complements.ItemSpec] | None = None,
) -> Decision:
    """Decide on the submitted version, write the letter, notify the candidate.

    « Incomplet » takes ``items`` (vae.review.complements); ``missing``, the free lines of
    earlier decisions, is still accepted.
    """
    _expect(dossier, lock_version)
    _under_review(dossier)
    if not kind.explicit:
        raise ReviewError("Cette décision n'est pas prise par un chargé de mission.")
    missing = [m for m in (missing or []) if m.strip()]
    items = list(items or []) if kind == DecisionKind.INCOMPLETE else []
    if kind == DecisionKind.INCOMPLETE and not missing and not items:
        raise ReviewError("Indiquez au moins une pièce manquante ou à corriger.")
    if kind == DecisionKind.NON_RECEVABLE and reason_code not in NON_RECEVABLE_REASONS:
        raise ReviewError("Choisissez le motif de non-recevabilité.")
    if kind == DecisionKind.NON_RECEVABLE and not comment.strip():
        raise ReviewError("Expliquez le motif au candidat.")
    today = clock.today()
    if kind == DecisionKind.RECEVABLE and (livret2_due is None or livret2_due <= today):
        raise ReviewError(
            "Indiquez une date limite de dépôt du livret 2 postérieure à aujourd'hui."
        )
    moment = clock.now()
    letter = letter_data(
        dossier,
        kind,
        officer,
        moment.date(),
        comment,
        reason_code,
        missing + complements.spec_lines(items),
        livret2_due,
    )
    pdf = render_letter(letter)
    stored = storage.store_document(pdf, "decision.pdf", storage.uploads())
    # Everything after the letter is stored either commits or leaves no file behind; a
    # concurrent decision (version column, at any flush) is the French conflict message.
    with storage.removed_on_failure(storage.uploads(), stored.stored_name), stale_as(Conflict):
        decision = Decision(
            dossier_id=dossier.id,
            version=dossier.submission_count,
            kind=kind,
            reason_code=reason_code if kind == DecisionKind.NON_RECEVABLE else None,
            comment=comment,
            missing=missing if kind == DecisionKind.INCOMPLETE else [],
            livret2_due=livret2_due if kind == DecisionKind.RECEVABLE else None,
            decided_by_id=officer.id,
            decided_at=moment,
            letter_stored_name=stored.stored_name,
            letter_sha256=stored.sha256,
        )
        db.session.add(decision)
        db.session.flush()
        complements.add_items(decision, items)
        why = comment or "; ".join(missing + complements.spec_lines(items)) or None
        if reason_code:
            why = f"{NON_RECEVABLE_REASONS[reason_code]} : {comment}"
        dossier.move_to(DECISION_STATUS[kind], "decided", comment=why)
        dossier.decided_at = moment
        dossier.decision_due = None
        dossier.decision_clock_started_on = None  # stopped; a resubmission starts it again
        dossier.livret2_due = decision.livret2_due
        webhooks.announce_decision(dossier, decision)
        send_decision(
            dossier,
            decision,
            pdf,
            items=[
                (item, complements.place_public_url(dossier, item))
                for item in complements.items_of(decision)
            ],
        )
        db.session.commit()
    return decision


def send_decision(dossier: Dossier, decision: Decision, pdf: bytes, **context: Any) -> None:
    """Email the decision's letter to the candidate's (verified) account address."""
    mail.send_template(
        dossier.candidate.email,
        f"Dossier {dossier.number} — {decision.kind.label.lower()}",
        f"emails/decision_{decision.kind.value}.txt",
        attachments=(mail.Attachment(f"{dossier.number}-decision.pdf", pdf),),
        dossier=dossier,
        decision=decision,
        **context,
    )


def letter_data(
    dossier: Dossier,
    kind: DecisionKind,
    officer: Any,
    decided_on: date,
    comment: str,
    reason_code: str | None,
    missing: list[str],
    livret2_due: date | None,
) -> dict[str, Any]:
    option = dossier.option
    return {
        "kind": kind.value,
        "dossier_number": dossier.number,
        "version": dossier.submission_count,
        "decided_on": decided_on.isoformat(),
        "submitted_on": clock.paris_date(dossier.submitted_at).isoformat()
        if dossier.submitted_at
        else None,
        "candidate": {
            "first_name": dossier.first_name,
            "last_name": dossier.last_name,
            "address": dossier.address,
            "postcode": dossier.postcode,
            "city": dossier.city,
            "email": dossier.email,
        },
        "certification": {
            "title": dossier.referential.title,
            "option_label": dossier.referential.option_label,
            "option_title": option.title if option else None,
            "scope": scope.dossier_scope_text(dossier),
        },
        "officer_name": officer.full_name if officer else "",
        "certifier": identity_for(dossier),
        "reason_label": NON_RECEVABLE_REASONS.get(reason_code or ""),
        "comment": comment,
        "missing": missing,
        "livret2_due": livret2_due.isoformat() if livret2_due else None,
    }


def render_letter(letter: dict[str, Any]) -> bytes:
    from vae.review.letters import decision_letter_pdf

    return decision_letter_pdf(letter)


def current_snapshot(dossier: Dossier) -> dict[str, Any]:
    submission = dossier.submissions[-1] if dossier.submissions else None
    return submission.snapshot if submission else {}
