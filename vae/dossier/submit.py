"""Submission of a dossier: the sworn statement, the checks, the frozen snapshot and its PDF."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlalchemy.dialects import postgresql, sqlite

from vae import clock, mail, storage
from vae.accompaniment.access import was_accompanied
from vae.api import webhooks
from vae.dbtypes import locked
from vae.dossier import checklist
from vae.dossier import snapshot as snapshots
from vae.dossier.assessment import assess_dossier
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.dossier.operations import DossierError, ensure_editable
from vae.dossier.quotas import quota_breach
from vae.dossier.steps import blocking_problems
from vae.dossier.submissions import DossierCounter, Submission, SwornStatement
from vae.extensions import db
from vae.french import NBSP


@dataclass(frozen=True)
class Commitment:
    key: str
    wording: str


def commitments(certification_title: str) -> tuple[Commitment, ...]:
    """The sworn statement of seed 001, one commitment per checkbox."""
    return (
        Commitment(
            "exact",
            "Je déclare sur l'honneur que toutes les informations fournies sont exactes.",
        ),
        Commitment("personal", "Je déclare avoir renseigné moi-même ce dossier."),
        Commitment(
            "single_request",
            "Je m'engage à ne déposer qu'une seule demande en vue de l'obtention de la "
            f"certification « {certification_title} » pendant l'année civile en cours.",
        ),
        Commitment(
            "three_requests",
            "Je m'engage à ne pas déposer plus de trois demandes de validation des acquis de "
            "l'expérience pour des diplômes ou titres différents pendant l'année civile en cours.",
        ),
    )


def submit(dossier: Dossier, accepted: Mapping[str, bool]) -> Submission:
    """Re-check every step and the quotas, then freeze an immutable snapshot and its PDF.

    ``accepted``: the commitments ticked, and ``reviewed`` (the whole dossier read again),
    required once an accompagnateur worked on it.

    Under the write lock: of simultaneous submissions of one dossier (a double click, two
    tabs), the first one submits and the others find it submitted; a failure leaves no file.
    """
    with locked(dossier):
        ensure_editable(dossier)
        problems = blocking_problems(dossier)
        if problems:
            raise DossierError(
                "Le dossier n'est pas complet : " + " ".join(p for _s, p in problems)
            )
        still_open = checklist.open_items(dossier) if dossier.submission_count else []
        if still_open:
            raise DossierError(
                "Avant de déposer à nouveau, corrigez chaque point demandé par la CPNEFP ou "
                f"répondez-y{NBSP}: " + " ; ".join(still_open) + "."
            )
        wording = commitments(dossier.referential.title)
        if not all(accepted.get(c.key) for c in wording):
            raise DossierError("Cochez chacun des engagements de la déclaration sur l'honneur.")
        if not accepted.get("reviewed") and was_accompanied(dossier):
            raise DossierError(
                "Cochez la case « J'ai relu l'ensemble de mon dossier… » : un accompagnateur "
                "y a travaillé, relisez-le en entier avant de le déposer."
            )
        moment = clock.now()
        if dossier.submission_count == 0:
            breach = quota_breach(
                dossier.candidate_id,
                dossier.certification.code,
                dossier.id,
                clock.paris_date(moment),
                blocks_only=dossier.blocks_only,
            )
            if breach is not None:
                raise DossierError(breach.message)
            dossier.number = _next_number(clock.paris_date(moment).year)
        version = dossier.submission_count + 1
        assessment = assess_dossier(dossier, clock.paris_date(moment))
        statements = [(c, moment) for c in wording]
        snapshot = snapshots.build(dossier, assessment, statements, version, moment)
        pdf = snapshots.render_pdf(snapshot)
        stored = storage.store_document(pdf, f"{dossier.number}-v{version}.pdf", storage.uploads())
        with storage.removed_on_failure(storage.uploads(), stored.stored_name):
            submission = Submission(
                dossier_id=dossier.id,
                version=version,
                submitted_at=moment,
                snapshot=snapshot,
                pdf_stored_name=stored.stored_name,
                pdf_sha256=stored.sha256,
                pdf_size=stored.size,
            )
            db.session.add(submission)
            db.session.flush()
            for position, (commitment, accepted_at) in enumerate(statements):
                db.session.add(
                    SwornStatement(
                        submission_id=submission.id,
                        position=position,
                        key=commitment.key,
                        wording=commitment.wording,
                        accepted_at=accepted_at,
                    )
                )
            for attachment in dossier.live_attachments():
                if attachment.submitted_in is None:
                    attachment.submitted_in = version
            dossier.move_to(DossierStatus.SUBMITTED, "submitted", comment=f"version {version}")
            dossier.submitted_at = moment
            dossier.submission_count = version
            # The certifier answers within two months of a complete dossier (L6412-2); a
            # resubmission after a request for complements starts the period again.
            dossier.decision_clock_started_on = clock.paris_date(moment)
            dossier.decision_due = clock.paris_date(moment) + relativedelta(months=2)
            dossier.refresh_search_text()
            webhooks.announce("dossier.submitted", dossier)
            mail.send_template(
                dossier.candidate.email,
                f"Dossier {dossier.number} déposé",
                "emails/dossier_submitted.txt",
                attachments=(mail.Attachment(f"{dossier.number}-v{version}.pdf", pdf),),
                dossier=dossier,
                version=version,
                submitted_at=moment,
                eligible=assessment.eligible,
            )
            db.session.commit()
    return submission


def _next_number(year: int) -> str:
    """The year's next number: one statement creates the counter or increments it, atomic on
    both databases (simultaneous submissions of different dossiers each get their own)."""
    table = DossierCounter.__table__
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values(year=year, last=1)
        .on_conflict_do_update(index_elements=[table.c.year], set_={"last": table.c.last + 1})
        .returning(table.c.last)
    )
    last = db.session.execute(statement).scalar_one()
    return f"VAE-{year}-{last:06d}"
