"""The factory, configuration precedence, error pages, headers and CSRF."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import dispose_engines
from tests.helpers import csrf_token, text
from vae import create_app


def test_config_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAE_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "config.py").write_text(
        "SECRET_KEY = 'from-instance'\nMAIL_SENDER = 'instance@exemple.fr'\nMAIL_PORT = 2525\n"
    )
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-instance"  # instance over defaults
    assert app.config["MAIL_PORT"] == 2525
    assert app.config["BABEL_DEFAULT_LOCALE"] == "fr"  # default kept

    monkeypatch.setenv("VAE_MAIL_PORT", "465")
    monkeypatch.setenv("VAE_MAIL_USE_SSL", "true")
    monkeypatch.setenv("VAE_DATABASE_URL", "postgres://u:p@127.0.0.1:5432/vae")
    app = create_app()
    assert app.config["MAIL_PORT"] == 465  # environment over instance, typed
    assert app.config["MAIL_USE_SSL"] is True
    assert app.config["MAIL_SENDER"] == "instance@exemple.fr"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@127.0.0.1:5432/vae"

    app = create_app({"MAIL_PORT": 25})
    assert app.config["MAIL_PORT"] == 25  # test_config over everything


def test_environment_is_read_by_flask_with_nested_keys_and_the_old_typing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``from_prefixed_env``: ``__`` sets a key inside a dict setting; typing is unchanged."""
    monkeypatch.setenv("VAE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("VAE_SECRET_KEY", "x")
    monkeypatch.setenv("VAE_SQLALCHEMY_ENGINE_OPTIONS__pool_recycle", "300")
    monkeypatch.setenv("VAE_SESSION_COOKIE_SECURE", "FALSE")
    monkeypatch.setenv("VAE_CPNEFP_EMAIL", '["cpnefp@exemple.fr"]')
    monkeypatch.setenv("VAE_DATABASE_URL", f"sqlite:///{tmp_path / 'autre.sqlite3'}")
    app = create_app()
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_recycle"] == 300
    assert options["hide_parameters"] is True  # the default's other keys are kept
    assert app.config["SESSION_COOKIE_SECURE"] is False  # any case, as before
    assert app.config["CPNEFP_EMAIL"] == '["cpnefp@exemple.fr"]'  # only numbers, booleans typed
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'autre.sqlite3'}"
    assert "DATABASE_URL" not in app.config
    monkeypatch.delenv("VAE_SQLALCHEMY_ENGINE_OPTIONS__pool_recycle")
    assert "pool_recycle" not in create_app().config["SQLALCHEMY_ENGINE_OPTIONS"]  # not shared
    dispose_engines()


def test_default_database_is_sqlite_in_instance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VAE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("VAE_DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'vae.sqlite3'}"


def test_secret_key_is_required(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VAE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("VAE_SECRET_KEY", raising=False)
    with pytest.raises(SystemExit):
        create_app()
    assert "Aucune clé secrète" in capsys.readouterr().err


def test_login_page_is_french_with_security_headers(client) -> None:
    response = client.get("/connexion")
    assert response.status_code == 200
    html = text(response)
    assert '<html lang="fr">' in html
    assert "Se connecter" in html and "Mot de passe" in html
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(client) -> None:
    for url in ("/", "/connexion", "/inscription", "/certifications/"):
        html = text(client.get(url))
        assert "<script>" not in html and "style=" not in html and "<style" not in html, url


def test_not_found_page_is_french(client) -> None:
    response = client.get("/cette-page-n-existe-pas")
    assert response.status_code == 404
    assert "Page introuvable" in text(response)


def test_method_not_allowed_is_french(client) -> None:
    response = client.get("/deconnexion")
    assert response.status_code in (302, 405)


def test_post_without_csrf_token_is_refused(client) -> None:
    response = client.post("/connexion", data={"email": "a@exemple.fr", "password": "x"})
    assert response.status_code == 400
    assert "Formulaire expiré" in text(response)


def test_post_with_wrong_csrf_token_is_refused(client) -> None:
    client.get("/connexion")
    response = client.post(
        "/connexion", data={"email": "a@exemple.fr", "password": "x", "csrf_token": "faux"}
    )
    assert response.status_code == 400


def test_too_large_request_gets_a_french_413(app, client) -> None:
    token = csrf_token(client.get("/connexion").data)
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = client.post("/connexion", data={"csrf_token": token, "email": big, "password": "x"})
    assert response.status_code == 413
    assert "Fichier trop volumineux" in text(response)


def test_internal_error_page_is_french(app) -> None:
    from vae.access import public

    keys = ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "PUBLIC_URL")
    broken = create_app({**{k: app.config[k] for k in keys}, "TESTING": False})

    @broken.route("/boom")
    @public
    def boom() -> str:
        raise RuntimeError("boom")

    response = broken.test_client().get("/boom")
    dispose_engines()
    assert response.status_code == 500
    assert "Erreur interne" in text(response)


def test_dates_are_french(app_ctx) -> None:
    from datetime import UTC, date, datetime

    from vae.french import date_fr, datetime_fr

    with app_ctx.test_request_context():
        assert date_fr(date(2026, 11, 24)) == "24 novembre 2026"
        assert date_fr(date(2020, 1, 1)) == "1er janvier 2020"
        # 23:30 UTC on 24 November is 00:30 on the 25th in Paris.
        assert datetime_fr(datetime(2026, 11, 24, 23, 30, tzinfo=UTC)) == "25 novembre 2026 à 00:30"
