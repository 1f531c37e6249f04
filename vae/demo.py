"""Demo data for ``flask --app vae demo``: accounts and dossiers at every stage of the journey.

Everything goes through the real operations (submission, decisions, livret 2, jury,
proclamation), as the screens would; a second run finds each dossier and changes nothing.
"""

from __future__ import annotations

import io
import json
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from flask import current_app
from reportlab.pdfgen import canvas
from sqlalchemy import delete, insert, select

from vae import clock
from vae.auth import operations as accounts
from vae.certifiers.models import Certifier, certifier_ids_of, staff_certifiers
from vae.dossier import operations as dossiers
from vae.dossier import submit as submission
from vae.dossier.enums import ActivityStatus, AttachmentKind, DossierStatus, WorkTime
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.jury import operations as jury_ops
from vae.jury.models import JuryMember, JurySession, MemberKind
from vae.livret2 import operations as livret2
from vae.review import operations as review
from vae.review.models import DecisionKind
from vae.roles import Role

CERTIFICATIONS = ("cqp-spp", "gpac")  # one with domains and mentions, one with blocks
SECOND_CERTIFIER_CODES = ("cqp-dam",)  # Ucanss's: a submitted dossier for its officer's queue
# The two certifiers' identity as their letters carry it (filled once; an admin's edits stay).
IDENTITIES = {
    "cpnefp-mutualite": {
        "address": "Service VAE\n12 rue de Lyon\n75012 Paris",
        "city": "Paris",
        "email": "vae-mutualite@demo.vae.test",
        "phone": "01 40 00 00 01",
        "signatory_name": "Anne Lefèvre",
        "signatory_title": "Présidente de la CPNEFP Mutualité",
        "letter_mentions": "CPNEFP Mutualité — données de démonstration",
    },
    "ucanss": {
        "address": "Service certification\n18 avenue de la République\n75011 Paris",
        "city": "Paris",
        "email": "vae-ucanss@demo.vae.test",
        "phone": "01 40 00 00 02",
        "signatory_name": "Marc Lefort",
        "signatory_title": "Directeur de la formation",
        "letter_mentions": "Ucanss — données de démonstration",
    },
}


@dataclass(frozen=True)
class Account:
    """A demo account, what it sees; a candidate's dossiers, one per certification, stop at
    ``status``."""

    role: str
    email: str
    first_name: str
    last_name: str
    sees: str
    status: DossierStatus | None = None


SEES_FILE = "voit la file des dossiers déposés : décisions, jurys, proclamation"
STAFF = Account(
    "staff", "cpnefp@demo.vae.test", "Sophie", "Bernard", f"CPNEFP Mutualité : {SEES_FILE}"
)
STAFF_UCANSS = Account(
    "staff", "ucanss@demo.vae.test", "Julien", "Mercier", f"Ucanss (CQP DAM) : {SEES_FILE}"
)
OFFICERS = {STAFF.email: "cpnefp-mutualite", STAFF_UCANSS.email: "ucanss"}
ADMIN = Account(
    "admin", "admin@demo.vae.test", "Alex", "Moreau", "gère les comptes et les membres de jury"
)
SITS = "déclaration, grille et signature des jurys programmés"
CERTIFIER = Account("jury", "jury1@demo.vae.test", "Karim", "Benali", f"certificateur : {SITS}")
PROFESSIONAL = Account("jury", "jury2@demo.vae.test", "Claire", "Dubois", f"professionnel : {SITS}")
_S = DossierStatus
STAGES = (
    Account("candidate", "candidat@demo.vae.test", "Camille", "Martin", "brouillons", _S.DRAFT),
    Account("candidate", "candidat.depose@demo.vae.test", "Inès", "Petit", "déposés", _S.SUBMITTED),
    Account(
        "candidate",
        "candidat.complement@demo.vae.test",
        "Hugo",
        "Roux",
        "à compléter",
        _S.INCOMPLETE,
    ),
    Account(
        "candidate",
        "candidat.livret2@demo.vae.test",
        "Léa",
        "Fournier",
        "recevables, livret 2 en cours",
        _S.LIVRET2_IN_PROGRESS,
    ),
    Account(
        "candidate",
        "candidat.jury@demo.vae.test",
        "Nora",
        "Girard",
        "jury programmé",
        _S.JURY_SCHEDULED,
    ),
    Account(
        "candidate",
        "candidat.resultats@demo.vae.test",
        "Paul",
        "Lambert",
        "résultats proclamés, certificats",
        _S.PROCLAIMED,
    ),
)
ACCOUNTS = (STAFF, STAFF_UCANSS, ADMIN, CERTIFIER, PROFESSIONAL, *STAGES)
STORY = " ".join(["J'ai accueilli l'adhérent, analysé sa demande et vérifié ses garanties."] * 10)


def run() -> list[str]:
    """Create what is missing; return the lines to print (which account sees what)."""
    store = Path(current_app.instance_path) / "demo-accounts.json"
    known: dict[str, str] = json.loads(store.read_text()) if store.exists() else {}
    users = {account.email: _account(known, account) for account in ACCOUNTS}
    store.write_text(json.dumps(known, indent=2))
    store.chmod(0o600)
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        certifiers = _certifiers()
        for email, code in OFFICERS.items():
            _works_for(users[email], certifiers[code])
        staff = users[STAFF.email]
        mutualite = certifiers["cpnefp-mutualite"].id
        members = (
            _member(users[CERTIFIER.email], MemberKind.CERTIFIER, mutualite),
            _member(users[PROFESSIONAL.email], MemberKind.PROFESSIONAL, mutualite),
        )
        for stage in STAGES:
            for code in _codes(stage):
                officer = users[STAFF_UCANSS.email] if code in SECOND_CERTIFIER_CODES else staff
                _dossier(users[stage.email], code, stage.status, officer, members)
    lines = ["Comptes de démonstration :"]
    for account in ACCOUNTS:
        label = Role(account.role).label
        lines.append(f"  {label:<28} {account.email:<36} mot de passe : {known[account.email]}")
        sees = account.sees
        if account.status is not None:
            sees = f"voit ses dossiers {' et '.join(_codes(account))} : {sees}"
        lines.append(f"    {sees}")
    return lines


def _account(known: dict[str, str], account: Account) -> Any:
    """The account, created once; its password kept in instance/demo-accounts.json."""
    password = known.get(account.email) or secrets.token_urlsafe(9)
    user = accounts.find_by_email(account.email)
    if user is None:
        user = accounts.create_account(
            account.email, account.first_name, account.last_name, Role(account.role), password
        )
    elif account.email not in known:
        user.set_password(password)
        db.session.commit()
    known[account.email] = password
    return user


def _codes(stage: Account) -> tuple[str, ...]:
    """The certifications of a stage's dossiers: a submitted one of the second certifier too."""
    extra = SECOND_CERTIFIER_CODES if stage.status == DossierStatus.SUBMITTED else ()
    return CERTIFICATIONS + extra


def _certifiers() -> dict[str, Certifier]:
    """The certifiers ``referentials load`` created, their identity filled in once."""
    found = {c.code: c for c in db.session.scalars(select(Certifier))}
    for code, identity in IDENTITIES.items():
        for name, value in identity.items():
            if not getattr(found[code], name):
                setattr(found[code], name, value)
    db.session.commit()
    return found


def _works_for(user: Any, certifier: Certifier) -> None:
    """``user`` works for ``certifier`` (and for it only, in the demo)."""
    if certifier_ids_of(user.id) != [certifier.id]:
        db.session.execute(delete(staff_certifiers).where(staff_certifiers.c.user_id == user.id))
        db.session.execute(
            insert(staff_certifiers).values(user_id=user.id, certifier_id=certifier.id)
        )
        db.session.commit()


def _member(user: Any, kind: MemberKind, certifier_id: int) -> JuryMember:
    found = db.session.scalar(select(JuryMember).where(JuryMember.user_id == user.id))
    if found is not None:
        return found
    return jury_ops.save_member(
        user, kind, "Mutualité", "Cabinet Conseil", date(2025, 3, 1), certifier_id
    )


def _dossier(
    candidate: Any, code: str, status: DossierStatus | None, staff: Any, members: tuple
) -> None:
    """The candidate's dossier for ``code``, brought to ``status`` (nothing if it exists)."""
    if any(d.certification.code == code for d in _dossiers_of(candidate)):
        return
    dossier = _filled(candidate, code)
    if status == DossierStatus.DRAFT:
        return
    submission.submit(
        dossier, {c.key: True for c in submission.commitments(dossier.referential.title)}
    )
    if status == DossierStatus.SUBMITTED:
        return
    if status == DossierStatus.INCOMPLETE:
        missing = ["L'attestation de l'employeur actuel n'est pas signée."]
        review.decide(
            dossier, DecisionKind.INCOMPLETE, officer=staff, lock_version=None, missing=missing
        )
        return
    due = clock.today() + relativedelta(months=current_app.config["LIVRET2_DEFAULT_MONTHS"])
    review.decide(
        dossier, DecisionKind.RECEVABLE, officer=staff, lock_version=None, livret2_due=due
    )
    livret = livret2.open_livret(dossier, candidate)
    blocks = list(dossier.referential.blocks)
    last = len(blocks) if status != DossierStatus.LIVRET2_IN_PROGRESS else 1
    for block in blocks[:last]:
        situation = {
            "block_code": block.code,
            "activity_code": None,
            "title": f"Situation – {block.title or block.code}"[:200],
            "context": STORY,
            "competencies": [block.competencies[0].code],
        }
        livret2.save_situation(dossier, livret, None, situation)
    if status == DossierStatus.LIVRET2_IN_PROGRESS:
        return
    livret2.submit(dossier, livret, candidate)
    jury = _compose(dossier, staff, *members)
    if status == DossierStatus.JURY_SCHEDULED:
        return
    _judge(jury, members)
    jury_ops.proclaim(dossier, jury, jury_ops.proposal(jury), {}, clock.today(), staff)


def _dossiers_of(candidate: Any) -> list[Dossier]:
    return list(db.session.scalars(select(Dossier).where(Dossier.candidate_id == candidate.id)))


def _filled(candidate: Any, code: str) -> Dossier:
    """A complete draft: option, identity, two activities with their attestation, CV."""
    dossier = dossiers.start(candidate, code)
    options = [o.code for o in dossier.referential.options]
    dossiers.set_option(dossier, options[0] if options else None, None)
    dossiers.save_identity(
        dossier,
        {
            "last_name": candidate.last_name,
            "first_name": candidate.first_name,
            "address": "12 rue des Lilas",
            "postcode": "75011",
            "city": "Paris",
            "phone": "06 12 34 56 78",
            "email": candidate.email,
        },
    )
    today = clock.today()
    for title, employer, start, end, percent in (
        (
            "Gestionnaire prestations",
            "Mutuelle du Midi",
            date(2014, 1, 1),
            date(2017, 12, 31),
            None,
        ),
        ("Conseillère prestations", "Mutuelle de l'Ouest", date(2019, 1, 1), None, 80),
    ):
        activity = dossiers.save_activity(
            dossier,
            None,
            {
                "title": title,
                "employer_name": employer,
                "employer_address": "1 place du Capitole, 31000 Toulouse",
                "sector": "Mutuelle santé",
                "status": ActivityStatus.SALARIE,
                "start_date": start,
                "end_date": end if end is None or end < today else None,
                "work_time": WorkTime.FULL_TIME if percent is None else WorkTime.PERCENT,
                "work_time_value": percent,
                "main_activities": "Traitement des demandes de remboursement et conseil.",
                "relevant": True,
            },
        )
        dossiers.add_attachment(
            dossier,
            AttachmentKind.EMPLOYER_ATTESTATION,
            io.BytesIO(_pdf(f"Attestation de {employer}")),
            "attestation.pdf",
            activity=activity,
        )
    dossiers.save_education(dossier, "BTS Assurance", "Baccalauréat")
    dossiers.save_cv(dossier, "Dix ans dans les mutuelles, de la gestion au conseil.")
    db.session.commit()
    return dossier


def _pdf(text: str) -> bytes:
    """A one-line PDF, as a scanner would produce an attestation."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


def _compose(dossier: Dossier, staff: Any, certifier: JuryMember, professional: JuryMember) -> Any:
    starts = clock.now().replace(hour=13, minute=0, second=0, microsecond=0) + timedelta(days=30)
    session = db.session.scalar(select(JurySession).where(JurySession.starts_at == starts))
    if session is None:
        session = jury_ops.create_session(starts, "Paris, 12 rue de Lyon", "", 45)
    return jury_ops.compose(
        dossier,
        session,
        starts,
        certifier,
        professional,
        trained_candidate=set(),
        override_reason="",
        actor=staff,
    )


def _judge(jury: Any, members: tuple) -> None:
    """Both members declare, the grid validates every competency, both sign."""
    competencies: dict[str, Any] = {}
    notes: dict[str, Any] = {}
    for block in jury_ops.definition(jury):
        for competency in block.competencies:
            entry: dict[str, Any] = {"comment": ""}
            if competency.criteria:
                entry["criteria"] = [True] * len(competency.criteria)
            else:
                entry["validated"] = True
            competencies[competency.code] = entry
        notes[block.code] = {"comment": "", "recommendation": ""}
    for member in members:
        jury_ops.declare(jury, member)
    jury_ops.save_grid(jury, members[0], {"competencies": competencies, "blocks": notes})
    for member in members:
        jury_ops.sign(jury, member, jury.grid_version)
