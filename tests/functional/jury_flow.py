"""Steps of the jury path reused by the jury and access-matrix tests."""

from __future__ import annotations

import re
import uuid
from datetime import date

from sqlalchemy import select

from tests.functional.certifier_flow import MUTUALITE, certifier_id
from tests.functional.dossier_flow import SWORN, complete_dossier, url
from tests.helpers import csrf_token, submit
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.jury.models import Jury, JuryMember, MemberKind
from vae.roles import Role

STORY = " ".join(["J'ai instruit le dossier de l'adhérent et vérifié ses garanties."] * 12)


def to_livret2_submitted(app, candidate, make_user) -> str:
    """A cqp-spp (santé) dossier, recevable, with a submitted livret 2 covering the 5 domains."""
    from vae.livret2 import operations as l2
    from vae.livret2.models import Livret2

    dossier_id, officer = livret2_ready(app, candidate, make_user)
    with app.test_request_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        livret = db.session.scalar(select(Livret2).where(Livret2.dossier_id == dossier.id))
        l2.submit(dossier, livret, officer)
    return dossier_id


def livret2_ready(app, candidate, make_user, due: date = date(2027, 5, 24)) -> tuple[str, object]:
    """A cqp-spp (santé) dossier, recevable, its livret 2 covering the 5 domains, not submitted;
    with the officer who declared it recevable."""
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
            livret2_due=due,
        )
        livret = l2.open_livret(dossier, officer)
        write_situations(dossier, livret, [b.code for b in dossier.referential.blocks])
    return dossier_id, officer


def write_situations(dossier, livret, block_codes: list[str]) -> list:
    """One situation per block of ``block_codes``, long enough, citing its first competency;
    returns them."""
    from vae.livret2 import operations as l2

    return [
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
        for block in dossier.referential.blocks
        if block.code in block_codes
    ]


def member(
    app,
    make_user,
    kind: MemberKind,
    *,
    trained=True,
    employer="Cabinet Conseil",
    email=None,
    certifier=MUTUALITE,
):
    """A jury account and its entry in the directory of ``certifier`` (a code: cqp-spp's)."""
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
            certifier_id=certifier_id(certifier),
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


SIGN_VERSION = re.compile(r'name="sign-grid_version"[^>]*value="(\d+)"')


def grid_url(dossier_id) -> str:
    return f"/jury/dossiers/{dossier_id}/grille"


def sign_form(client, dossier_id) -> dict:
    """The « Signer » form as the grid page shows it now: CSRF token and the grid's version."""
    page = client.get(grid_url(dossier_id)).get_data(as_text=True)
    match = SIGN_VERSION.search(page)
    assert match, "no « Signer » form on the grid page"
    return {
        "csrf_token": csrf_token(page.encode()),
        "sign-confirm": "y",
        "sign-grid_version": match.group(1),
    }


def sign(client, dossier_id, form: dict | None = None):
    """Press « Signer »: with ``form`` as loaded earlier, or with the page loaded now."""
    return client.post(
        f"/jury/dossiers/{dossier_id}/signer", data=form or sign_form(client, dossier_id)
    )


def grid_data(app, dossier_id, validated_blocks: set[str]) -> dict:
    from vae.jury.operations import definition

    with app.app_context():
        jury = db.session.scalar(select(Jury).where(Jury.dossier_id == uuid.UUID(dossier_id)))
        blocks = definition(jury)
    data = {}
    for block in blocks:
        ok = block.code in validated_blocks
        for competency in block.competencies:
            if competency.criteria:
                for i in range(len(competency.criteria)):
                    data[f"{competency.code}__{i}".replace(".", "_")] = "1" if ok else "0"
                if not ok:  # judged: none of its criteria is met
                    data[f"{competency.code}__none".replace(".", "_")] = "1"
            else:
                data[f"{competency.code}__validated".replace(".", "_")] = "1" if ok else "0"
        if not ok:
            data[f"{block.code}__recommendation"] = "Se former à l'analyse des indicateurs."
    return data


def signed(app, scheduled, validated: set[str]) -> str:
    dossier_id, certifier_user, professional_user, _staff = scheduled
    clients = [jury_client(app, certifier_user), jury_client(app, professional_user)]
    for client in clients:
        declare(client, dossier_id)
    submit(clients[0], grid_url(dossier_id), grid_data(app, dossier_id, validated))
    for client in clients:
        assert sign(client, dossier_id).status_code == 302
    return dossier_id


def proclaimed_journey(
    app, candidate, make_user, logged_in, session_id, validated: tuple = ("D1", "D2", "D3")
) -> dict:
    """A cqp-spp dossier taken all the way: submitted, recevable, livret 2 deposited, jury
    convened and signed, results proclaimed on 20 November 2026 (D1-D3 validated). Returns its
    ``dossier_id``, the ``staff`` client, the members' ids and users (``certifier``,
    ``certifier_user``, ``professional``, ``professional_user``)."""
    dossier_id = to_livret2_submitted(app, candidate, make_user)
    staff = logged_in(Role.STAFF)
    certifier, certifier_user = member(app, make_user, MemberKind.CERTIFIER)
    professional, professional_user = member(app, make_user, MemberKind.PROFESSIONAL)
    assert compose(staff, dossier_id, session_id, certifier, professional).status_code == 302
    signed(app, (dossier_id, certifier_user, professional_user, staff), set(validated))
    results = {f"D{i}__result": "1" if f"D{i}" in validated else "0" for i in range(1, 6)}
    page = f"/cpnefp/dossiers/{dossier_id}/proclamation"
    assert submit(staff, page, {"proclaimed_on": "2026-11-20", **results}).status_code == 302
    return {
        "dossier_id": dossier_id,
        "staff": staff,
        "certifier": certifier,
        "certifier_user": certifier_user,
        "professional": professional,
        "professional_user": professional_user,
    }
