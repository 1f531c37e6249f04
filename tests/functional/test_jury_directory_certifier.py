"""A jury member's directory entry belongs to a certifier: required for a new entry, and an
officer may only file it in the directory of a certifier they work for."""

from __future__ import annotations

from sqlalchemy import insert, select

from tests.helpers import submit, text
from vae.certifiers.models import Certifier, staff_certifiers
from vae.extensions import db
from vae.jury.models import JuryMember
from vae.roles import Role

PAGE = "/cpnefp/jury/membres"


def officer_of(app, logged_in, code: str):
    client = logged_in(Role.STAFF, certifiers=())  # attached below, to ``code`` only
    with app.app_context():
        ids = dict(db.session.execute(select(Certifier.code, Certifier.id)).all())
        db.session.execute(
            insert(staff_certifiers).values(user_id=client.user.id, certifier_id=ids[code])
        )
        db.session.commit()
    return client, ids


def entry(user_id, certifier_id=None) -> dict:
    data = {"user": str(user_id), "kind": "professional", "branch": "Mutualité"}
    if certifier_id is not None:
        data["certifier"] = str(certifier_id)
    return data


def test_a_new_entry_names_its_certifier(app, logged_in, make_user) -> None:
    officer, ids = officer_of(app, logged_in, "ucanss")
    juror = make_user(Role.JURY, email="jure@exemple.fr")
    html = text(officer.get(PAGE))
    assert "Annuaire du certificateur" in html and "Ucanss" in html
    assert "CPNEFP Mutualité" not in html  # not a certifier this officer works for
    response = submit(officer, PAGE, entry(juror.id))
    assert response.status_code == 200
    assert "Choisissez le certificateur dont l'annuaire liste ce membre." in text(response)
    response = submit(officer, PAGE, entry(juror.id, ids["cpnefp-mutualite"]))
    assert response.status_code == 200  # another certifier's directory: refused
    assert "N'est pas un choix valide" in text(response)
    with app.app_context():
        assert db.session.scalar(select(JuryMember)) is None
    assert submit(officer, PAGE, entry(juror.id, ids["ucanss"])).status_code == 302
    with app.app_context():
        member = db.session.scalar(select(JuryMember).where(JuryMember.user_id == juror.id))
        assert member.certifier_id == ids["ucanss"]
    assert "Ucanss" in text(officer.get(PAGE))


def test_an_admin_may_file_in_any_directory(app, logged_in, make_user) -> None:
    admin = logged_in(Role.ADMIN)
    juror = make_user(Role.JURY, email="jure@exemple.fr")
    with app.app_context():
        courtage = db.session.scalar(
            select(Certifier.id).where(Certifier.code == "cpnefp-courtage")
        )
    assert submit(admin, PAGE, entry(juror.id, courtage)).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(JuryMember.certifier_id)) == courtage
