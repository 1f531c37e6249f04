"""Administrators manage the certifiers: the list with their certifications, the identity
their letters carry (each field checked, every change audited), who works for which."""

from __future__ import annotations

from sqlalchemy import select

from tests.helpers import submit, text
from vae.certifiers.models import Certifier, certifier_ids_of
from vae.extensions import db
from vae.roles import Role

PAGE = "/admin/certificateurs/cpnefp-mutualite"
GOOD = {
    "name": "CPNEFP Mutualité",
    "address": "255 rue de Vaugirard\n75015 Paris",
    "city": "Paris",
    "email": "vae@mutualite.example",
    "phone": "01 40 43 30 30",
    "signatory_name": "Anne Lefèvre",
    "signatory_title": "Présidente de la CPNEFP",
    "letter_mentions": "Mutualité Française — 255 rue de Vaugirard",
}


def mutualite() -> Certifier:
    return db.session.scalar(select(Certifier).where(Certifier.code == "cpnefp-mutualite"))


def test_the_list_shows_each_certifier_with_its_certifications(logged_in) -> None:
    html = text(logged_in(Role.ADMIN).get("/admin/certificateurs/"))
    assert "Ucanss" in html and "CPNEFP Mutualité" in html and "courtage" in html
    assert "Délégué Assurance Maladie" in html and "Spécialiste prestations" in html
    assert "à compléter" in html and "Complétez ici leurs coordonnées" in html


def test_admin_edits_a_certifier_and_the_change_is_audited(app, logged_in) -> None:
    admin = logged_in(Role.ADMIN)
    response = submit(admin, PAGE, GOOD)
    assert response.status_code == 302
    with app.app_context():
        certifier = mutualite()
        assert certifier.address == "255 rue de Vaugirard\n75015 Paris"
        assert certifier.signatory_name == "Anne Lefèvre" and certifier.phone == "01 40 43 30 30"
    html = text(admin.get(PAGE))
    assert "Coordonnées du certificateur modifiées" in html and "certifier_updated" not in html
    assert "nom du signataire" in html


def test_each_bad_field_gets_a_french_message(app, logged_in) -> None:
    admin = logged_in(Role.ADMIN)
    bad = {
        **GOOD,
        "name": "",
        "email": "pas-une-adresse",
        "phone": "appelez-nous",
        "address": "1\n2\n3\n4\n5",
        "signatory_name": "x" * 201,
    }
    response = submit(admin, PAGE, bad)
    assert response.status_code == 200
    html = text(response)
    assert "Indiquez le nom du certificateur." in html
    assert "Numéro invalide" in html and "4 lignes au plus" in html
    assert "200 caractères au plus." in html
    with app.app_context():
        certifier = mutualite()
        assert certifier.name == "CPNEFP Mutualité" and certifier.address == ""


def test_an_unknown_certifier_is_not_found(logged_in) -> None:
    assert logged_in(Role.ADMIN).get("/admin/certificateurs/inconnu").status_code == 404


def test_admin_ticks_the_certifiers_a_staff_account_works_for(app, logged_in, make_user) -> None:
    admin = logged_in(Role.ADMIN)
    officer = make_user(Role.STAFF, email="agent@exemple.fr")
    page = f"/admin/comptes/{officer.id}"
    with app.app_context():
        ids = dict(db.session.execute(select(Certifier.code, Certifier.id)).all())
    html = text(admin.get(page))
    assert "Certificateurs pour lesquels ce compte travaille" in html
    response = submit(
        admin,
        f"{page}/certificateurs",
        {"certifiers-certifiers": [ids["ucanss"], ids["cpnefp-courtage"]]},
        page=page,
        token_field="certifiers-csrf_token",
    )
    assert response.status_code == 302
    with app.app_context():
        assert sorted(certifier_ids_of(officer.id)) == sorted(
            [ids["ucanss"], ids["cpnefp-courtage"]]
        )
    submit(
        admin,
        f"{page}/certificateurs",
        {"certifiers-certifiers": [ids["ucanss"]]},
        page=page,
        token_field="certifiers-csrf_token",
    )
    with app.app_context():
        assert certifier_ids_of(officer.id) == [ids["ucanss"]]
    html = text(admin.get(page))
    assert "Certificateurs du compte modifiés" in html and "ucanss" in html


def test_an_unknown_certifier_cannot_be_ticked(app, logged_in, make_user) -> None:
    admin = logged_in(Role.ADMIN)
    officer = make_user(Role.STAFF, email="agent@exemple.fr", certifiers=())
    page = f"/admin/comptes/{officer.id}"
    response = submit(
        admin,
        f"{page}/certificateurs",
        {"certifiers-certifiers": ["999999"]},
        page=page,
        token_field="certifiers-csrf_token",
        follow_redirects=True,
    )
    assert "Choisissez parmi les certificateurs proposés." in text(response)
    with app.app_context():
        assert certifier_ids_of(officer.id) == []


def test_a_post_without_csrf_token_is_refused(app, logged_in) -> None:
    admin = logged_in(Role.ADMIN)
    response = admin.post(PAGE, data=GOOD)
    assert response.status_code in (200, 400)
    with app.app_context():
        certifier = mutualite()
        assert certifier.address == ""
