"""Sign-up with email confirmation, login, logout, password reset, rate limiting."""

from __future__ import annotations

from sqlalchemy import select

from tests.helpers import (
    DEFAULT_PASSWORD,
    link_in,
    login,
    message_body,
    outbox_messages,
    submit,
    text,
)
from vae.access import Role
from vae.audit import AuditEntry
from vae.auth.models import User
from vae.extensions import db

SIGNUP = {
    "first_name": "Léa",
    "last_name": "Dupont",
    "email": "Lea.Dupont@Exemple.fr ",
    "password": DEFAULT_PASSWORD,
    "password_confirm": DEFAULT_PASSWORD,
}


def test_signup_confirm_login_logout(app, client) -> None:
    response = submit(client, "/inscription", SIGNUP)
    assert response.status_code == 200
    assert "Vérifiez votre messagerie" in text(response)

    # Not confirmed yet: login sends a new link instead of opening a session.
    response = login(client, "lea.dupont@exemple.fr")
    assert "pas encore confirmée" in text(response)
    messages = outbox_messages(app)
    assert len(messages) == 2
    assert messages[0]["To"] == "lea.dupont@exemple.fr"
    assert "Confirmez" in messages[0]["Subject"]

    response = client.get(link_in(messages[0], "/confirmation/"))
    assert response.status_code == 302
    response = login(client, "lea.dupont@exemple.fr")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Bonjour Léa" in text(client.get("/"))

    response = submit(client, "/deconnexion", {}, page="/")
    assert response.status_code == 302
    assert "Se connecter" in text(client.get("/"))

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "lea.dupont@exemple.fr"))
        assert user.role == Role.CANDIDATE and user.email_confirmed
        actions = [
            e.action
            for e in db.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.subject_id == str(user.id))
                .order_by(AuditEntry.id)
            )
        ]
        assert actions == ["signed_up", "email_confirmed", "logged_in", "logged_out"]


def test_signup_errors_are_shown_next_to_fields_and_keep_input(client) -> None:
    response = submit(
        client,
        "/inscription",
        {**SIGNUP, "email": "pas-une-adresse", "password_confirm": "autre chose encore"},
    )
    html = text(response)
    assert response.status_code == 200
    assert "Le formulaire contient 2 erreurs" in html
    assert 'id="email-error"' in html and 'aria-describedby="email-hint email-error"' in html
    assert 'aria-invalid="true"' in html
    assert "Les deux mots de passe ne sont pas identiques." in html
    assert 'value="Dupont"' in html  # what was typed stays


def test_signup_with_existing_email_reveals_nothing(app, client, make_user) -> None:
    make_user(email="deja@exemple.fr")
    response = submit(client, "/inscription", {**SIGNUP, "email": "deja@exemple.fr"})
    assert "Vérifiez votre messagerie" in text(response)
    (message,) = outbox_messages(app)
    assert "existe déjà" in message["Subject"]


def test_login_failure_is_generic(client, make_user) -> None:
    make_user(email="connu@exemple.fr")
    unknown = text(login(client, "inconnu@exemple.fr", "mauvais mot de passe"))
    wrong = text(login(client, "connu@exemple.fr", "mauvais mot de passe"))
    message = "Adresse électronique ou mot de passe incorrect."
    assert message in unknown and message in wrong


def test_inactive_account_cannot_log_in(client, make_user) -> None:
    make_user(email="parti@exemple.fr", active=False)
    response = login(client, "parti@exemple.fr")
    assert response.status_code == 200
    assert "incorrect" in text(response)


def test_login_renews_the_session_and_logout_invalidates_the_cookie(app, make_user) -> None:
    user = make_user(email="session@exemple.fr")
    client = app.test_client()
    client.get("/connexion")
    before = client.get_cookie("session").value
    login(client, user.email)
    stolen = client.get_cookie("session").value
    assert stolen != before
    submit(client, "/deconnexion", {}, page="/")

    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/admin/comptes")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    assert "Bonjour" not in text(thief.get("/"))


def test_open_redirect_after_login_is_refused(client, make_user) -> None:
    user = make_user()
    response = submit(
        client,
        "/connexion?next=https://malveillant.example/",
        {"email": user.email, "password": DEFAULT_PASSWORD},
        page="/connexion",
    )
    assert response.headers["Location"] == "/"


def test_next_page_after_login(client, make_user) -> None:
    user = make_user(Role.ADMIN)
    response = submit(
        client,
        "/connexion?next=/admin/comptes",
        {"email": user.email, "password": DEFAULT_PASSWORD},
        page="/connexion",
    )
    assert response.headers["Location"] == "/admin/comptes"


def test_password_reset_flow(app, client, make_user) -> None:
    user = make_user(email="oubli@exemple.fr")
    response = submit(client, "/mot-de-passe-oublie", {"email": "oubli@exemple.fr"})
    assert "Si un compte existe" in text(response)
    (message,) = outbox_messages(app)
    path = link_in(message, "/mot-de-passe/")
    new = "une toute nouvelle phrase"
    response = submit(client, path, {"password": new, "password_confirm": new})
    assert response.status_code == 302
    assert login(client, user.email, DEFAULT_PASSWORD).status_code == 200  # old one refused
    assert login(client, user.email, new).status_code == 302
    # The link worked once; it does not work twice.
    other = app.test_client()
    response = other.get(path)
    assert response.status_code == 302 and "/mot-de-passe-oublie" in response.headers["Location"]


def test_password_reset_for_unknown_email_says_the_same(app, client) -> None:
    response = submit(client, "/mot-de-passe-oublie", {"email": "personne@exemple.fr"})
    assert "Si un compte existe" in text(response)
    assert outbox_messages(app) == []


def test_tampered_tokens_are_refused(client) -> None:
    response = client.get("/confirmation/faux-jeton")
    assert response.status_code == 302
    assert client.get("/mot-de-passe/faux-jeton").status_code == 302


def test_login_is_rate_limited(client, make_user) -> None:
    user = make_user()
    statuses = [login(client, user.email, "mauvais mot de passe").status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    response = login(client, user.email)
    assert response.status_code == 429
    assert "Trop de tentatives" in text(response)


def test_signup_email_body_has_a_working_link(app, client) -> None:
    submit(client, "/inscription", SIGNUP)
    (message,) = outbox_messages(app)
    assert "Bonjour Léa" in message_body(message)
