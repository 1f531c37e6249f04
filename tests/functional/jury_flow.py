"""Steps of the jury path reused by the jury and access-matrix tests."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from tests.functional.dossier_flow import SWORN, complete_dossier, url
from tests.helpers import submit
from vae.access import Role
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.jury.models import Jury, JuryMember, MemberKind

STORY = " ".join(["J'ai instruit le dossier de l'adhérent et vérifié ses garanties."] * 12)


def to_livret2_submitted(app, candidate, make_user) -> str:
    """A cqp-spp (santé) dossier, recevable, with a submitted livret 2 covering the 5 domains."""
    from vae.livret2 import operations as l2
    from vae.review import operations as review
    from vae.review.models import DecisionKind

    dossier_id = complete_dossier(candidate)
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    officer = make_user(Role.STAFF, email=f"agent-{uuid.uuid4().hex[:6]}@exemple.fr")
    with app.test_request_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        review.decide(
            dossier,
            DecisionKind.RECEVABLE,
            officer=officer,
            lock_version=None,
            livret2_due=date(2027, 5, 24),
        )
        livret = l2.open_livret(dossier, officer)
        for block in dossier.referential.blocks:
            l2.save_situation(
                dossier,
                livret,
                None,
                {
                    "block_code": block.code,
                    "activity_code": None,
                    "title": f"Situation {block.code}",
                    "context": STORY,
                    "competencies": [block.competencies[0].code],
                },
            )
        l2.submit(dossier, livret, officer)
    return dossier_id


def member(
    app, make_user, kind: MemberKind, *, trained=True, employer="Cabinet Conseil", email=None
):
    user = make_user(
        Role.JURY,
        email=email or f"jury-{uuid.uuid4().hex[:6]}@exemple.fr",
        first_name="Jean",
        last_name=f"Juré-{kind.value}",
    )
    with app.app_context():
        row = JuryMember(
            user_id=user.id,
            kind=kind,
            branch="Mutualité",
            employer=employer,
            trained_on=date(2025, 3, 1) if trained else None,
        )
        db.session.add(row)
        db.session.commit()
        return row.id, user


def compose(staff, dossier_id, session_id, certifier, professional, **extra):
    data = {
        "session": str(session_id),
        "slot_at": "2027-01-12T14:30",
        "certifier": str(certifier),
        "professional": str(professional),
        **extra,
    }
    return submit(staff, f"/cpnefp/dossiers/{dossier_id}/jury", data)


def jury_client(app, user):
    from tests.helpers import DEFAULT_PASSWORD, login

    client = app.test_client()
    assert login(client, user.email, DEFAULT_PASSWORD).status_code == 302
    return client


def declare(client, dossier_id):
    return submit(client, f"/jury/dossiers/{dossier_id}", {"confirm": "y"})


def grid_data(app, dossier_id, validated_blocks: set[str]) -> dict:
    from vae.jury.operations import definition

    with app.app_context():
        jury = db.session.scalar(select(Jury))
        blocks = definition(jury)
    data = {}
    for block in blocks:
        ok = block.code in validated_blocks
        for competency in block.competencies:
            if competency.criteria:
                for i in range(len(competency.criteria)):
                    data[f"{competency.code}__{i}".replace(".", "_")] = "1" if ok else "0"
            else:
                data[f"{competency.code}__validated".replace(".", "_")] = "1" if ok else "0"
        if not ok:
            data[f"{block.code}__recommendation"] = "Se former à l'analyse des indicateurs."
    return data


def signed(app, scheduled, validated: set[str]) -> str:
    dossier_id, certifier_user, professional_user, _staff = scheduled
    clients = [jury_client(app, certifier_user), jury_client(app, professional_user)]
    grid_url = f"/jury/dossiers/{dossier_id}/grille"
    for client in clients:
        declare(client, dossier_id)
    submit(clients[0], grid_url, grid_data(app, dossier_id, validated))
    for client in clients:
        submit(client, f"/jury/dossiers/{dossier_id}/signer", {"sign-confirm": "y"}, page=grid_url)
    return dossier_id
