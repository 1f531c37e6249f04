"""The Host header, the reverse proxy, absolute links and the transport/caching headers."""

from __future__ import annotations

import uuid

from flask import request
from sqlalchemy import select

from tests.functional.dossier_flow import SWORN, complete_dossier, url
from tests.helpers import DEFAULT_PASSWORD, csrf_token, message_body, outbox_messages, submit, text
from vae.access import public
from vae.audit import AuditEntry
from vae.dossier.models import Attachment
from vae.extensions import db
from vae.roles import Role

EVIL = "http://evil.example"
NGINX = {"REMOTE_ADDR": "127.0.0.1"}  # what gunicorn sees behind the README's nginx


def _with_address_view(application):
    """A test-only view telling what the app believes of the client and the request."""

    @application.route("/test/adresse")
    @public
    def client_address() -> str:
        return f"{request.remote_addr} {request.scheme} {request.host}"

    return application


def _login_from(client, email: str, password: str, forwarded_for: str):
    headers = {"X-Forwarded-For": forwarded_for}
    token = csrf_token(client.get("/connexion", headers=headers, environ_base=NGINX).data)
    return client.post(
        "/connexion",
        data={"csrf_token": token, "email": email, "password": password},
        headers=headers,
        environ_base=NGINX,
    )


# --------------------------------------------------------------------------- absolute links


def test_reset_link_is_on_the_public_url_whatever_the_host(app, client, make_user) -> None:
    user = make_user()
    page = client.get("/mot-de-passe-oublie", base_url=EVIL)
    client.post(
        "/mot-de-passe-oublie",
        data={"csrf_token": csrf_token(page.data), "email": user.email},
        base_url=EVIL,
    )
    (message,) = outbox_messages(app)
    body = message_body(message)
    assert "http://localhost/mot-de-passe/" in body
    assert "evil.example" not in body


def test_certificate_verification_link_is_on_the_public_url(app) -> None:
    from vae.jury.documents_glue import verify_url

    with app.test_request_context("/", base_url=EVIL):
        assert verify_url("AB12CD") == "http://localhost/verifier/AB12CD"


def test_public_url_keeps_the_public_path_and_scheme(fresh_app) -> None:
    from vae.urls import public_url

    application = fresh_app(PUBLIC_URL="https://vae.exemple.fr/espace")
    with application.test_request_context("/", base_url=EVIL):
        assert public_url("auth.reset_password", token="t") == (
            "https://vae.exemple.fr/espace/mot-de-passe/t"
        )
    with application.app_context():  # the CLI: no request at all
        assert public_url("jury.verify", code="X") == "https://vae.exemple.fr/espace/verifier/X"


# --------------------------------------------------------------------------- trusted hosts


def test_outside_testing_only_the_public_host_is_served(fresh_app, monkeypatch) -> None:
    monkeypatch.setenv("VAE_TRUSTED_HOSTS", "intranet.exemple.fr, .interne.exemple.fr")
    production = fresh_app(TESTING=False)
    client = production.test_client()
    assert client.get("/").status_code == 200  # PUBLIC_URL is http://localhost
    assert client.get("/", base_url="http://intranet.exemple.fr").status_code == 200
    assert client.get("/", base_url="http://cpnefp.interne.exemple.fr").status_code == 200
    refused = client.get("/", base_url=EVIL)
    assert refused.status_code == 400
    assert "Requête incorrecte" in text(refused)
    posted = client.post("/mot-de-passe-oublie", data={"email": "x@exemple.fr"}, base_url=EVIL)
    assert posted.status_code == 400
    assert outbox_messages(production) == []


def test_testing_and_debug_accept_any_host(app, client) -> None:
    assert app.config["TRUSTED_HOSTS"] is None
    assert client.get("/", base_url=EVIL).status_code == 200


# --------------------------------------------------------------------------- proxies


def test_forwarded_headers_are_ignored_without_trusted_proxies(fresh_app) -> None:
    client = _with_address_view(fresh_app(TESTING=False)).test_client()
    forged = {
        "X-Forwarded-For": "203.0.113.7",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "evil.example",
    }
    response = client.get("/test/adresse", headers=forged, environ_base=NGINX)
    assert response.get_data(as_text=True) == "127.0.0.1 http localhost"


def test_one_trusted_proxy_gives_the_address_nginx_appended(fresh_app) -> None:
    client = _with_address_view(fresh_app(TESTING=False, TRUSTED_PROXIES=1)).test_client()
    forwarded = {
        # The client forged the first address; nginx appended the one it saw.
        "X-Forwarded-For": "198.51.100.1, 203.0.113.7",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "evil.example",  # never believed: it would bypass the Host check
    }
    response = client.get("/test/adresse", headers=forwarded, environ_base=NGINX)
    assert response.get_data(as_text=True) == "203.0.113.7 https localhost"
    bypass = {**forwarded, "X-Forwarded-Host": "localhost"}
    assert client.get("/test/adresse", headers=bypass, base_url=EVIL).status_code == 400


def test_audit_records_the_client_address(fresh_app, make_user) -> None:
    user = make_user()
    behind_nginx = fresh_app(TESTING=False, TRUSTED_PROXIES=1).test_client()
    assert _login_from(behind_nginx, user.email, DEFAULT_PASSWORD, "203.0.113.7").status_code == 302
    direct = fresh_app(TESTING=False).test_client()
    assert _login_from(direct, user.email, DEFAULT_PASSWORD, "203.0.113.8").status_code == 302
    with behind_nginx.application.app_context():
        ips = db.session.scalars(
            select(AuditEntry.ip)
            .where(AuditEntry.subject_id == str(user.id), AuditEntry.action == "logged_in")
            .order_by(AuditEntry.id)
        ).all()
    assert ips == ["203.0.113.7", "127.0.0.1"]


def test_forged_addresses_do_not_escape_the_login_limit(fresh_app) -> None:
    client = fresh_app(TESTING=False).test_client()
    statuses = [
        _login_from(client, f"inconnu{n}@exemple.fr", "mauvais", f"203.0.113.{n}").status_code
        for n in range(11)
    ]
    assert statuses == [200] * 10 + [429]


def test_behind_the_proxy_one_client_does_not_lock_out_the_others(fresh_app) -> None:
    client = fresh_app(TESTING=False, TRUSTED_PROXIES=1).test_client()
    statuses = [
        _login_from(client, f"inconnu{n}@exemple.fr", "mauvais", "203.0.113.7").status_code
        for n in range(11)
    ]
    assert statuses == [200] * 10 + [429]
    other = _login_from(client, "autre@exemple.fr", "mauvais", "203.0.113.8")
    assert other.status_code == 200


# --------------------------------------------------------------------------- headers


def test_hsts_only_when_the_public_url_is_https(fresh_app, client) -> None:
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = fresh_app(PUBLIC_URL="https://localhost").test_client()
    response = secure.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_files_pdfs_and_exports_are_never_cached(app, candidate, logged_in) -> None:
    dossier_id = complete_dossier(candidate)
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    with app.app_context():
        attachment = db.session.scalar(
            select(Attachment).where(Attachment.dossier_id == uuid.UUID(dossier_id))
        )
    staff = logged_in(Role.STAFF)
    downloads = [
        (candidate, url(dossier_id, f"pieces/{attachment.id}")),
        (candidate, url(dossier_id, f"pieces/{attachment.id}?voir=1")),
        (candidate, url(dossier_id, "versions/1.pdf")),
        (candidate, "/mon-compte/donnees.zip"),
        (staff, "/cpnefp/dossiers/export.csv"),
        (staff, "/cpnefp/dossiers/export.xlsx"),
    ]
    for client, address in downloads:
        response = client.get(address, buffered=True)
        assert response.status_code == 200, address
        assert response.headers["Cache-Control"] == "no-store, private", address


def test_csv_export_says_its_charset_once(logged_in) -> None:
    response = logged_in(Role.STAFF).get("/cpnefp/dossiers/export.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
