"""Tokens: the admin creates one for a certifier (shown once, stored hashed), lists it with
its last use, revokes it after confirming; the ``api token create`` command prints one."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from tests.functional.api_flow import api_get
from tests.helpers import submit, text
from vae.api.models import ApiToken
from vae.audit import AuditEntry
from vae.extensions import db
from vae.roles import Role

PAGE = "/admin/certificateurs/cpnefp-mutualite/jetons-api/"
SECRET = re.compile(r'<code id="api-token-secret">(vae_[A-Za-z0-9_-]+)</code>')


def test_the_admin_creates_a_token_shown_once_and_stored_hashed(app, logged_in) -> None:
    admin = logged_in(Role.ADMIN)
    response = submit(
        admin, PAGE, {"name": "Outil de gestion", "scopes": ["read", "decide"], "expires_on": ""}
    )
    assert "Indiquez la date d'expiration" in text(response)
    response = submit(
        admin,
        PAGE,
        {"name": "Outil de gestion", "scopes": ["read", "decide"], "expires_on": "2099-01-01"},
    )
    assert "au plus un an" in text(response)
    page = admin.get(PAGE).get_data(as_text=True)
    default = re.search(r'name="expires_on"[^>]*value="([0-9-]+)"', page)
    assert default, page
    response = submit(
        admin,
        PAGE,
        {"name": "Outil de gestion", "scopes": ["read", "decide"], "expires_on": default.group(1)},
    )
    html = response.get_data(as_text=True)
    secret = SECRET.search(html).group(1)
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert token.token_sha256 == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in (token.prefix + token.token_sha256)
        assert token.scopes == "read decide"
        assert 89 <= (token.expires_at - token.created_at).days <= 90
        assert token.created_by_id == admin.user.id
    listed = admin.get(PAGE).get_data(as_text=True)
    assert secret not in listed and token.prefix in listed and "jamais" in listed
    client = app.test_client()
    assert api_get(client, "/dossiers", secret).status_code == 200
    assert "jamais" not in admin.get(PAGE).get_data(as_text=True)


def test_the_admin_revokes_after_confirming(app, logged_in) -> None:
    admin = logged_in(Role.ADMIN)
    html = submit(
        admin, PAGE, {"name": "Outil", "scopes": ["read"], "expires_on": "2027-01-15"}
    ).get_data(as_text=True)
    secret = SECRET.search(html).group(1)
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    revoke = f"{PAGE}{token_id}/revoquer"
    refused = submit(admin, revoke, {}, page=PAGE, follow_redirects=True)
    assert "Cochez la case pour confirmer" in text(refused)
    client = app.test_client()
    assert api_get(client, "/dossiers", secret).status_code == 200
    assert submit(admin, revoke, {"confirm": "y"}, page=PAGE).status_code == 302
    assert api_get(client, "/dossiers", secret).status_code == 401
    assert "révoqué le" in admin.get(PAGE).get_data(as_text=True)
    with app.app_context():
        actions = set(
            db.session.scalars(
                select(AuditEntry.action).where(AuditEntry.subject_type == "api_token")
            )
        )
    assert {"api_token_created", "api_token_revoked", "api_call"} <= actions
    for role in (Role.STAFF, Role.CANDIDATE):
        other = logged_in(role)
        other.get("/")
        assert other.post(revoke, data={"confirm": "y"}).status_code in (400, 403)


def test_the_cli_prints_a_token_once(app) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "api",
            "token",
            "create",
            "--certifier",
            "ucanss",
            "--scopes",
            "read,decide",
            "--days",
            "90",
            "Registre Ucanss",
        ]
    )
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert secret.startswith("vae_")
    client = app.test_client()
    assert api_get(client, "/dossiers", secret).status_code == 200
    bad = runner.invoke(
        args=["api", "token", "create", "--certifier", "ucanss", "--scopes", "tout", "X"]
    )
    assert bad.exit_code != 0 and "Permission inconnue" in bad.output
    too_long = runner.invoke(
        args=["api", "token", "create", "--certifier", "ucanss", "--days", "400", "X"]
    )
    assert too_long.exit_code != 0 and "365" in too_long.output
    unknown = runner.invoke(args=["api", "token", "create", "--certifier", "nulle", "X"])
    assert unknown.exit_code != 0 and "Certificateur inconnu" in unknown.output
