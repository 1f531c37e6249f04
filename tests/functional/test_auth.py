"""Sign-up with email confirmation, login, logout, password reset, rate limiting."""

from __future__ import annotations

from sqlalchemy import select

from tests.helpers import (
    DEFAULT_PASSWORD,
    csrf_token,
    link_in,
    login,
    message_body,
    outbox_messages,
    submit,
    text,
)
from vae.audit import AuditEntry
from vae.auth.models import User
from vae.extensions import db
from vae.roles import Role

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
    (message,) = outbox_messages(app)  # the same work as for an account: one email, no link
    assert message["To"] == "personne@exemple.fr"
    assert "aucun compte actif" in message_body(message)
    assert "/mot-de-passe/" not in message_body(message)


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


WEAK = ("aaaaaaaaaaaa", "123456789012", "azertyuiopqs", "motdepasse12", "marseille2024")


def test_guessable_passwords_are_refused_at_sign_up(app, client, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "RATELIMIT_SIGNUP", "1000 per minute")
    for weak in (*WEAK, "lea.dupont.2026"):
        response = submit(
            client, "/inscription", {**SIGNUP, "password": weak, "password_confirm": weak}
        )
        html = text(response)
        assert response.status_code == 200, weak
        assert 'id="password-error"' in html, weak
        assert "Ce mot de passe est trop facile à deviner\u00a0:" in html, weak
    assert "votre nom ou votre adresse électronique" in html  # the last one: her own name
    with app.app_context():
        assert db.session.scalars(select(User)).all() == []


def test_guessable_password_is_refused_at_reset(app, client, make_user) -> None:
    make_user(email="oubli@exemple.fr", first_name="Gaspard", last_name="Lefort")
    submit(client, "/mot-de-passe-oublie", {"email": "oubli@exemple.fr"})
    path = link_in(outbox_messages(app)[0], "/mot-de-passe/")
    for weak in ("azertyuiopqs", "gaspardlefort1"):
        response = submit(client, path, {"password": weak, "password_confirm": weak})
        assert response.status_code == 200 and 'id="password-error"' in text(response), weak
    assert "votre nom ou votre adresse électronique" in text(response)
    assert login(client, "oubli@exemple.fr", "gaspardlefort1").status_code == 200


def test_cli_refuses_a_guessable_password(app) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "--role", "admin", "--password", "motdepasse12", "a@exemple.fr"]
    )
    assert result.exit_code != 0 and "trop facile à deviner" in result.output
    with app.app_context():
        assert db.session.scalars(select(User)).all() == []


class Counted:
    """Count the calls of the costly steps whose absence would give an answer away."""

    def __init__(self, monkeypatch) -> None:
        import vae.auth.models
        import vae.mail

        self.calls: list[str] = []
        hasher = vae.auth.models._hasher
        real_send = vae.mail.send

        class CountingHasher(type(hasher)):
            def hash(inner, password, *, salt=None):
                self.calls.append("argon2")
                return super().hash(password, salt=salt)

        monkeypatch.setattr(vae.auth.models, "_hasher", CountingHasher())

        def send(*args, **kwargs):
            self.calls.append("mail")
            return real_send(*args, **kwargs)

        monkeypatch.setattr(vae.mail, "send", send)

    def during(self, action) -> tuple[list[str], object]:
        self.calls.clear()
        result = action()
        return sorted(self.calls), result


def same_page(response, typed: str) -> tuple[int, str]:
    return response.status_code, text(response).replace(typed, "ADRESSE")


def test_sign_up_does_the_same_work_whatever_the_address(
    app, client, make_user, monkeypatch
) -> None:
    monkeypatch.setitem(app.config, "RATELIMIT_SIGNUP", "1000 per minute")
    make_user(email="deja@exemple.fr")
    counted = Counted(monkeypatch)

    def sign_up(address: str):
        return lambda: submit(client, "/inscription", {**SIGNUP, "email": address})

    known_calls, known = counted.during(sign_up("deja@exemple.fr"))
    new_calls, new = counted.during(sign_up("nouvelle@exemple.fr"))
    assert known_calls == new_calls == ["argon2", "mail"]
    assert same_page(known, "deja@exemple.fr") == same_page(new, "nouvelle@exemple.fr")
    # Coarse timing, with wide margins: the median answer of each kind, within a factor 3.
    import statistics
    import time

    durations: dict[str, list[float]] = {"known": [], "new": []}
    for n in range(5):
        for kind, address in (("known", "deja@exemple.fr"), ("new", f"n{n}@exemple.fr")):
            page = client.get("/inscription")
            started = time.perf_counter()
            client.post(
                "/inscription",
                data={**SIGNUP, "email": address, "csrf_token": csrf_token(page.data)},
            )
            durations[kind].append(time.perf_counter() - started)
    known_time, new_time = (statistics.median(durations[k]) for k in ("known", "new"))
    assert max(known_time, new_time) < 3 * min(known_time, new_time), durations


def test_reset_request_does_the_same_work_whatever_the_address(
    app, client, make_user, monkeypatch
) -> None:
    make_user(email="connu@exemple.fr")
    make_user(email="parti@exemple.fr", active=False)
    counted = Counted(monkeypatch)
    pages = []
    for address in ("connu@exemple.fr", "inconnu@exemple.fr", "parti@exemple.fr"):
        calls, response = counted.during(
            lambda a=address: submit(client, "/mot-de-passe-oublie", {"email": a})
        )
        assert calls == ["mail"], address
        pages.append(same_page(response, address))
    assert pages[0] == pages[1] == pages[2]


def login_from(client, remote_addr: str, email_address: str, password: str):
    """A login attempt from the client address ``remote_addr`` (as a proxy would pass it on)."""
    environ = {"REMOTE_ADDR": remote_addr}
    page = client.get("/connexion", environ_base=environ)
    data = {"email": email_address, "password": password, "csrf_token": csrf_token(page.data)}
    return client.post("/connexion", data=data, environ_base=environ)


def test_ten_wrong_passwords_lock_the_account_from_any_address(client, make_user) -> None:
    victim = make_user(email="cible@exemple.fr")
    bystander = make_user(email="autre@exemple.fr")
    typed = " CIBLE@exemple.fr"  # normalised: the same account
    for n in range(10):
        response = login_from(client, f"203.0.113.{n + 1}", typed, "pas le bon")
        assert response.status_code == 200, n
    locked = login_from(client, "198.51.100.7", victim.email, DEFAULT_PASSWORD)
    assert locked.status_code == 429 and "Trop de tentatives" in text(locked)
    # Another account, from the same addresses, is unaffected.
    assert login_from(client, "203.0.113.1", bystander.email, DEFAULT_PASSWORD).status_code == 302


def test_the_account_limit_holds_for_unknown_addresses_too(client) -> None:
    statuses = [
        login_from(client, f"203.0.113.{n + 1}", "personne@exemple.fr", "pas le bon").status_code
        for n in range(11)
    ]
    assert statuses == [200] * 10 + [429]
