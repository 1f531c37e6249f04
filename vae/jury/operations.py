"""Jury operations: directory, sessions, composition, declarations, grid, signing, results."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from vae import audit, clock, mail
from vae.api import webhooks
from vae.dbtypes import commit_or, searchable
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.errors import DomainError
from vae.extensions import db
from vae.french import datetime_fr
from vae.jury import capitalisation
from vae.jury import grid as grids
from vae.jury.models import (
    AcquiredBlock,
    ConflictDeclaration,
    Jury,
    JuryMember,
    JurySession,
    MemberKind,
    Proclamation,
    Signature,
)
from vae.livret2.models import Livret2
from vae.roles import Role
from vae.rules import expiry

DECLARATION = (
    "Je déclare n'avoir aucun lien hiérarchique avec le candidat, ne pas l'avoir formé, ne pas "
    "être employé par son employeur actuel et n'avoir aucun intérêt personnel à l'issue de "
    "son évaluation."
)


class JuryError(DomainError):
    """A refused operation, with a French message."""


CONFLICT = "La grille vient d'être modifiée par l'autre membre du jury. Rechargez la page."


def _commit() -> None:
    commit_or(lambda: JuryError(CONFLICT))


# --- directory and sessions -----------------------------------------------------------------


def save_member(
    user: Any,
    kind: MemberKind,
    branch: str,
    employer: str,
    trained_on: date | None,
    certifier_id: int | None = None,
) -> JuryMember:
    """Add or update ``user``'s directory entry; a new entry names its certifier (whose
    directory lists it), an update without one keeps it."""
    if user.role != Role.JURY:
        raise JuryError("Ce compte n'a pas le rôle « membre de jury ».")
    member = db.session.scalar(select(JuryMember).where(JuryMember.user_id == user.id))
    created = member is None
    if member is None and certifier_id is None:
        raise JuryError("Choisissez le certificateur dont l'annuaire liste ce membre.")
    if member is None:
        member = JuryMember(user_id=user.id)
        db.session.add(member)
    if certifier_id is not None:
        member.certifier_id = certifier_id
    member.kind, member.branch, member.employer, member.trained_on = (
        kind,
        branch,
        employer,
        trained_on,
    )
    db.session.flush()
    audit.record(
        "jury_member",
        member.id,
        "created" if created else "updated",
        to_state=kind.value,
        comment=f"{branch} ; {employer}",
    )
    db.session.commit()
    return member


def create_session(
    starts_at: datetime, place: str, video_link: str, slot_minutes: int
) -> JurySession:
    if not place.strip() and not video_link.strip():
        raise JuryError("Indiquez un lieu ou un lien de visioconférence.")
    session = JurySession(
        starts_at=starts_at, place=place, video_link=video_link, slot_minutes=slot_minutes
    )
    db.session.add(session)
    db.session.flush()
    audit.record("jury_session", session.id, "created", comment=f"{datetime_fr(starts_at)} {place}")
    db.session.commit()
    return session


# --- composition ----------------------------------------------------------------------------


def candidate_employers(dossier: Dossier) -> set[str]:
    """The candidate's current employers, as declared in the submitted livret 1."""
    snapshot = dossier.submissions[-1].snapshot if dossier.submissions else {}
    return {
        searchable(a.get("employer_name", "")).strip()
        for a in snapshot.get("activities", [])
        if not a.get("end") and a.get("employer_name")
    }


def composition_problems(
    dossier: Dossier, certifier: JuryMember, professional: JuryMember, trained_candidate: set[Any]
) -> list[tuple[str, str]]:
    """Why this pair cannot sit: (code, French reason). "employer" alone may be overridden."""
    problems: list[tuple[str, str]] = []
    if certifier.kind != MemberKind.CERTIFIER:
        problems.append(
            ("kind", f"{certifier.name} n'est pas représentant de l'organisme certificateur.")
        )
    if professional.kind != MemberKind.PROFESSIONAL:
        problems.append(("kind", f"{professional.name} n'est pas professionnel de la branche."))
    if certifier.id == professional.id:
        problems.append(("kind", "Le jury compte deux membres distincts."))
    employers = candidate_employers(dossier)
    for member in (certifier, professional):
        if member.trained_on is None:
            problems.append(
                ("training", f"{member.name} n'a pas suivi la formation des évaluateurs.")
            )
        if member.employer and searchable(member.employer).strip() in employers:
            problems.append(
                ("employer", f"{member.name} est employé par l'employeur actuel du candidat.")
            )
        if member.id in trained_candidate:
            problems.append(("trained", f"{member.name} a formé le candidat."))
    return problems


def compose(
    dossier: Dossier,
    session: JurySession,
    slot_at: datetime,
    certifier: JuryMember,
    professional: JuryMember,
    *,
    trained_candidate: set[Any],
    override_reason: str,
    actor: Any,
) -> Jury:
    if dossier.status != DossierStatus.LIVRET2_SUBMITTED:
        raise JuryError("Le jury se compose une fois le livret 2 déposé.")
    problems = composition_problems(dossier, certifier, professional, trained_candidate)
    blocking = [m for code, m in problems if code != "employer"]
    employer = [m for code, m in problems if code == "employer"]
    if blocking:
        raise JuryError(" ".join(blocking))
    if employer:
        if actor.role != Role.ADMIN:
            raise JuryError(
                " ".join(employer) + " Seul un administrateur peut passer outre, avec une raison."
            )
        if not override_reason.strip():
            raise JuryError("Indiquez la raison de la dérogation.")
    jury = Jury(
        dossier_id=dossier.id,
        session_id=session.id,
        slot_at=slot_at,
        certifier_id=certifier.id,
        professional_id=professional.id,
        override_reason=override_reason if employer else "",
        grid={},
    )
    db.session.add(jury)
    comment = f"{certifier.name} ; {professional.name}"
    if employer:
        comment += f" ; dérogation : {override_reason}"
    dossier.move_to(DossierStatus.JURY_SCHEDULED, "jury_composed", comment=comment, actor=actor)
    _commit()
    return jury


# --- declarations, grid, signatures ----------------------------------------------------------


def declare(jury: Jury, member: JuryMember) -> None:
    if jury.has_declared(member):
        return
    db.session.add(
        ConflictDeclaration(
            jury_id=jury.id, member_id=member.id, statement=DECLARATION, declared_at=clock.now()
        )
    )
    audit.record("dossier", jury.dossier_id, "conflict_declared", comment=member.name)
    _commit()


def _require_declared(jury: Jury, member: JuryMember) -> None:
    if not jury.has_declared(member):
        raise JuryError("Déclarez d'abord l'absence de conflit d'intérêts pour ce dossier.")


def target_blocks(jury: Jury) -> list[str]:
    livret = db.session.scalar(select(Livret2).where(Livret2.dossier_id == jury.dossier_id))
    return list(livret.target_blocks) if livret else []


def definition(jury: Jury) -> list[grids.GridBlock]:
    return grids.definition(jury.dossier.referential, target_blocks(jury))


def save_grid(jury: Jury, member: JuryMember, answers: Mapping[str, Any]) -> bool:
    """Store the grid; a change after a signature withdraws every signature. True if withdrawn."""
    _require_declared(jury, member)
    if jury.dossier.status != DossierStatus.JURY_SCHEDULED:
        raise JuryError("La proposition est signée : la grille ne peut plus être modifiée.")
    new_grid = dict(answers)
    if grids.fingerprint(new_grid) == grids.fingerprint(jury.grid or {}):
        return False
    withdrawn = [s for s in jury.current_signatures()]
    for signature in withdrawn:
        signature.withdrawn_at = clock.now()
    jury.grid = new_grid
    jury.grid_version += 1
    audit.record(
        "dossier",
        jury.dossier_id,
        "grid_saved",
        comment=f"version {jury.grid_version} par {member.name}"
        + (" ; signature retirée" if withdrawn else ""),
    )
    if withdrawn:
        for other in jury.members:
            mail.send_template(
                other.user.email,
                f"Dossier {jury.dossier.number} : grille modifiée",
                "emails/jury_signature_withdrawn.txt",
                jury=jury,
                member=member,
            )
    _commit()
    return bool(withdrawn)


GRID_CHANGED = (
    "La grille a été modifiée depuis l'ouverture de la page (version {seen} affichée, "
    "version {current} enregistrée) ; vérifiez-la avant de signer."
)


class GridChanged(JuryError):
    """The grid the member's page showed is no longer the saved one: nothing was signed."""


def sign(jury: Jury, member: JuryMember, seen_version: int) -> None:
    """Sign the grid at ``seen_version``, the version the member's page showed.

    The signature updates the jury row under its lock version, so a grid change or the other
    member's signature committed meanwhile makes the commit fail; it is then tried once more on
    fresh data: after the other signature it completes the pair, after a grid change it raises
    :class:`GridChanged`.
    """
    from sqlalchemy.orm.exc import StaleDataError

    for _attempt in range(2):
        try:
            _sign(jury, member, seen_version)
            db.session.commit()
            return
        except StaleDataError:
            db.session.rollback()
    raise JuryError(CONFLICT)


def _sign(jury: Jury, member: JuryMember, seen_version: int) -> None:
    _require_declared(jury, member)
    if seen_version != jury.grid_version:
        raise GridChanged(GRID_CHANGED.format(seen=seen_version, current=jury.grid_version))
    referential = jury.dossier.referential
    missing = grids.missing_answers(
        definition(jury), jury.grid or {}, referential.validation_threshold
    )
    if missing:
        raise JuryError("La grille n'est pas complète : " + " ".join(missing))
    if any(s.member_id == member.id for s in jury.current_signatures()):
        return
    jury.signatures.append(
        Signature(
            member_id=member.id,
            grid_version=jury.grid_version,
            grid_sha256=grids.fingerprint(jury.grid),
            signed_at=clock.now(),
        )
    )
    flag_modified(jury, "grid")  # an UPDATE of the jury row, checked against its lock version
    audit.record(
        "dossier",
        jury.dossier_id,
        "grid_signed",
        comment=f"{member.name} ; version {jury.grid_version}",
    )
    if jury.signed_by_both:
        jury.dossier.move_to(DossierStatus.JURY_SIGNED, "jury_signed")


# --- proclamation and after --------------------------------------------------------------------


def proposal(jury: Jury) -> dict[str, bool]:
    threshold = jury.dossier.referential.validation_threshold
    return {
        code: r.block_validated
        for code, r in grids.results(definition(jury), jury.grid or {}, threshold).items()
    }


def proclaim(
    dossier: Dossier,
    jury: Jury,
    decisions: Mapping[str, bool],
    reasons: Mapping[str, str],
    on: date,
    actor: Any,
) -> Proclamation:
    """Record the national joint jury's decision per block; departures need a reason."""
    if dossier.status != DossierStatus.JURY_SIGNED:
        raise JuryError(
            "La proclamation suit la signature de la proposition par les deux membres du jury."
        )
    if on > clock.today():
        raise JuryError("La date de proclamation ne peut pas être dans le futur.")
    proposed = proposal(jury)
    departures = {}
    for code, validated in decisions.items():
        if code not in proposed:
            raise JuryError(f"Bloc inconnu : {code}.")
        if validated != proposed[code]:
            reason = (reasons.get(code) or "").strip()
            if not reason:
                raise JuryError(
                    f"{code} : indiquez la raison de l'écart avec la proposition du jury."
                )
            departures[code] = reason
    results = {code: decisions.get(code, proposed[code]) for code in proposed}
    proclamation = Proclamation(
        dossier_id=dossier.id,
        proclaimed_on=on,
        results=results,
        departures=departures,
        by_id=actor.id,
    )
    db.session.add(proclamation)
    referential = dossier.referential
    titles = {b.code: b.title or b.code for b in referential.blocks}
    for code, validated in results.items():
        if validated:
            db.session.add(
                AcquiredBlock(
                    candidate_id=dossier.candidate_id,
                    certification_id=dossier.certification_id,
                    dossier_id=dossier.id,
                    block_code=code,
                    block_title=titles.get(code, code),
                    proclaimed_on=on,
                    expires_on=expiry.expiry_date(on, referential.validity_years),
                    verification_code=capitalisation.verification_code(),
                )
            )
    db.session.flush()
    comment = ", ".join(f"{c} {'validé' if v else 'non validé'}" for c, v in results.items())
    if departures:
        comment += " ; écarts : " + " ; ".join(f"{c} : {r}" for c, r in departures.items())
    dossier.move_to(DossierStatus.PROCLAIMED, "proclaimed", comment=comment, actor=actor)
    award = capitalisation.award_if_complete(dossier, on)
    webhooks.announce("jury.proclaimed", dossier, results=results, proclaimed_on=on.isoformat())
    mail.send_template(
        dossier.candidate.email,
        f"Dossier {dossier.number} : résultats du jury",
        "emails/proclaimed.txt",
        dossier=dossier,
        results=results,
        titles=titles,
        award=award,
    )
    _commit()
    return proclamation
