"""Livret 2 operations: open, choose blocks, write situations, submit, return, extend."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from vae import audit, clock, mail, storage
from vae.dbtypes import commit_or, locked
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.errors import DomainError
from vae.extensions import db
from vae.livret2.blocks import available_blocks
from vae.livret2.models import TEXT_FIELDS, Livret2, Livret2Status, Livret2Version, Situation
from vae.rules import coverage as coverage_rule

SITUATION_FIELDS = (
    "block_code",
    "activity_code",
    "title",
    "employer",
    "period",
    "role",
    *TEXT_FIELDS,
    "competencies",
)
MIN_WORDS = 80  # per situation, over all its rubrics: below that the jury has little to read


class Livret2Error(DomainError):
    """A refused operation, with a French message."""


def open_livret(dossier: Dossier, actor: Any) -> Livret2:
    """The dossier's livret 2, created on first visit once the dossier is recevable."""
    existing = db.session.query(Livret2).filter_by(dossier_id=dossier.id).one_or_none()
    if existing is not None:
        return existing
    if dossier.status != DossierStatus.RECEVABLE or dossier.livret2_due is None:
        raise Livret2Error("Le livret 2 s'ouvre quand le dossier est déclaré recevable.")
    livret = Livret2(
        dossier_id=dossier.id,
        target_blocks=[b.code for b in available_blocks(dossier)],
        due_on=dossier.livret2_due,
    )
    db.session.add(livret)
    dossier.move_to(DossierStatus.LIVRET2_IN_PROGRESS, "livret2_opened", actor=actor)
    db.session.commit()
    return livret


def _editable(livret: Livret2) -> None:
    if not livret.editable:
        raise Livret2Error("Le livret 2 est déposé : il ne peut plus être modifié.")


def _commit() -> None:
    commit_or(
        lambda: Livret2Error(
            "Le livret 2 a été modifié entre-temps (dans un autre onglet ?). Rechargez la page."
        )
    )


def set_targets(livret: Livret2, dossier: Dossier, codes: list[str]) -> None:
    _editable(livret)
    allowed = [b.code for b in available_blocks(dossier)]
    chosen = [c for c in allowed if c in codes]
    if not chosen:
        raise Livret2Error(f"Choisissez au moins un {dossier.referential.block_label}.")
    livret.target_blocks = chosen
    audit.record("dossier", dossier.id, "livret2_targets", comment=", ".join(chosen))
    _commit()


def check_situation(dossier: Dossier, livret: Livret2, data: Mapping[str, Any]) -> list[str]:
    """Consistency with the referential: block aimed at, activity of that block, competencies."""
    referential = dossier.referential
    block = next((b for b in referential.blocks if b.code == data["block_code"]), None)
    if block is None or block.code not in livret.target_blocks:
        return [f"Choisissez un {referential.block_label} parmi ceux que vous visez."]
    problems = []
    activity_codes = {a.code for a in block.activities}
    if data.get("activity_code") and data["activity_code"] not in activity_codes:
        problems.append(f"Cette activité n'appartient pas au {referential.words.block} choisi.")
    known = {c.code for b in referential.blocks for c in b.competencies}
    unknown = [c for c in data.get("competencies", []) if c not in known]
    if unknown:
        problems.append(f"Compétences inconnues : {', '.join(unknown)}.")
    return problems


def save_situation(
    dossier: Dossier,
    livret: Livret2,
    situation: Situation | None,
    data: Mapping[str, Any],
    *,
    autosave: bool = False,
) -> Situation:
    _editable(livret)
    problems = check_situation(dossier, livret, data)
    if problems:
        raise Livret2Error(" ".join(problems))
    if situation is None:
        situation = Situation(livret=livret, position=len(livret.situations))
        db.session.add(situation)
    for name in SITUATION_FIELDS:
        setattr(situation, name, data.get(name) or ([] if name == "competencies" else ""))
    situation.activity_code = data.get("activity_code") or None
    db.session.flush()
    if not autosave:  # autosaves would flood the history; the explicit save is what counts
        audit.record("dossier", dossier.id, "situation_saved", comment=str(situation.id))
    _commit()
    return situation


def delete_situation(dossier: Dossier, livret: Livret2, situation: Situation) -> None:
    _editable(livret)
    livret.situations.remove(situation)
    for position, item in enumerate(livret.situations):
        item.position = position
    audit.record("dossier", dossier.id, "situation_deleted", comment=str(situation.id))
    _commit()


def coverage(dossier: Dossier, livret: Livret2) -> coverage_rule.CoverageResult:
    referential = dossier.referential
    blocks = [
        coverage_rule.TargetBlock(
            code=b.code,
            title=b.title or b.code,
            competencies=tuple(c.code for c in b.competencies),
            activities=tuple(a.code for a in b.activities),
        )
        for b in referential.blocks
        if b.code in livret.target_blocks
    ]
    situations = [
        coverage_rule.Situation(
            id=str(s.id),
            title=s.title,
            block_code=s.block_code,
            activity_code=s.activity_code,
            competencies=tuple(s.competencies),
        )
        for s in livret.situations
    ]
    return coverage_rule.evaluate_coverage(
        blocks,
        situations,
        mode=referential.livret2.situations_per,
        min_situations=referential.livret2.min_situations_per_unit,
        block_label=referential.block_label,
    )


def submission_problems(dossier: Dossier, livret: Livret2) -> list[str]:
    problems = list(coverage(dossier, livret).unmet)
    for situation in livret.situations:
        name = f"« {situation.title or 'Situation sans titre'} »"
        if not situation.title.strip():
            problems.append(f"{name} : donnez un titre à la situation.")
        if situation.word_count < MIN_WORDS:
            problems.append(
                f"{name} : {situation.word_count} mots ; décrivez la situation plus en détail "
                f"(au moins {MIN_WORDS} mots)."
            )
        if not situation.competencies:
            problems.append(f"{name} : indiquez les compétences que la situation montre.")
    if clock.today() > livret.due_on:
        problems.append("Le délai de dépôt est dépassé : demandez une prolongation à la CPNEFP.")
    return problems


def submit(dossier: Dossier, livret: Livret2, actor: Any) -> Livret2Version:
    """Freeze the livret 2 and its PDF. Under the write lock: of simultaneous submissions (a
    double click, two tabs), the first one submits and the others find it submitted."""
    with locked(dossier, livret):
        _editable(livret)
        problems = submission_problems(dossier, livret)
        if problems:
            raise Livret2Error("Le livret 2 ne peut pas encore être déposé : " + " ".join(problems))
        from vae.livret2 import snapshot as snapshots

        moment = clock.now()
        version_number = livret.submission_count + 1
        data = snapshots.build(dossier, livret, coverage(dossier, livret), version_number, moment)
        pdf = snapshots.render_pdf(data)
        stored = storage.store_document(pdf, "livret2.pdf", storage.uploads())
        with storage.removed_on_failure(storage.uploads(), stored.stored_name):
            version = Livret2Version(
                livret_id=livret.id,
                version=version_number,
                submitted_at=moment,
                snapshot=data,
                pdf_stored_name=stored.stored_name,
                pdf_sha256=stored.sha256,
            )
            db.session.add(version)
            livret.submitted_at = moment
            livret.submission_count = version_number
            for attachment in dossier.live_attachments():
                if attachment.situation_id is not None and attachment.submitted_in is None:
                    attachment.submitted_in = version_number
            livret.move_to(
                Livret2Status.SUBMITTED,
                "livret2_submitted",
                comment=f"version {version_number}",
                actor=actor,
            )
            mail.send_template(
                dossier.candidate.email,
                f"Livret 2 du dossier {dossier.number} déposé",
                "emails/livret2_submitted.txt",
                attachments=(
                    mail.Attachment(f"{dossier.number}-livret2-v{version_number}.pdf", pdf),
                ),
                dossier=dossier,
                version=version_number,
            )
            _commit()
    return version


def return_for_completion(dossier: Dossier, livret: Livret2, comment: str, officer: Any) -> None:
    if not livret.may_be_returned:
        raise Livret2Error("Seul un livret 2 déposé peut être renvoyé au candidat.")
    if not comment.strip():
        raise Livret2Error("Expliquez au candidat ce qu'il doit compléter.")
    livret.move_to(Livret2Status.RETURNED, "livret2_returned", comment=comment, actor=officer)
    livret.return_comment = comment
    livret.returned_at = clock.now()
    mail.send_template(
        dossier.candidate.email,
        f"Livret 2 du dossier {dossier.number} : à compléter",
        "emails/livret2_returned.txt",
        dossier=dossier,
        livret=livret,
    )
    _commit()


def extend_deadline(
    dossier: Dossier, livret: Livret2, new_due: date, reason: str, officer: Any
) -> None:
    if new_due <= livret.due_on:
        raise Livret2Error("La nouvelle date doit être postérieure à la date limite actuelle.")
    if not reason.strip():
        raise Livret2Error("Indiquez la raison de la prolongation.")
    previous = livret.due_on
    livret.due_on = new_due
    dossier.livret2_due = new_due
    audit.record(
        "dossier",
        dossier.id,
        "livret2_deadline_extended",
        from_state=previous.isoformat(),
        to_state=new_due.isoformat(),
        comment=reason,
        actor=officer,
    )
    _commit()
