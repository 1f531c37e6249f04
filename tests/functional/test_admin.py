"""Administrators create staff, jury and admin accounts and manage roles; so does the CLI."""

from __future__ import annotations

from sqlalchemy import select

from tests.helpers import link_in, login, outbox_messages, submit, text
from vae.auth.models import User
from vae.extensions import db
from vae.roles import Role


def test_admin_creates_a_jury_account_who_sets_a_password(app, logged_in) -> None:
    admin = logged_in(Role.ADMIN)
    response = submit(
        admin,
        "/admin/comptes/nouveau",
        {"first_name": "Karim", "last_name": "Benali", "email": "karim@exemple.fr", "role": "jury"},
    )
    assert response.status_code == 302
    (message,) = outbox_messages(app)
    new_password = "phrase de passe du jury"
    visitor = app.test_client()
    submit(
        visitor,
        link_in(message, "/mot-de-passe/"),
        {"password": new_password, "password_confirm": new_password},
    )
    assert login(visitor, "karim@exemple.fr", new_password).status_code == 302
    assert "Espace jury" in text(visitor.get("/"))


def test_admin_cannot_create_a_duplicate(logged_in, make_user) -> None:
    make_user(email="double@exemple.fr")
    admin = logged_in(Role.ADMIN)
    response = submit(
        admin,
        "/admin/comptes/nouveau",
        {"first_name": "A", "last_name": "B", "email": "double@exemple.fr", "role": "staff"},
    )
    assert response.status_code == 200
    assert "Un compte existe déjà" in text(response)


def test_admin_changes_a_role_and_deactivates(app, logged_in, make_user) -> None:
    admin = logged_in(Role.ADMIN)
    other = make_user(Role.STAFF, email="agent@exemple.fr")
    page = f"/admin/comptes/{other.id}"
    response = submit(admin, page, {"role-role": "jury"}, token_field="role-csrf_token")
    assert response.status_code == 302
    submit(admin, f"{page}/activation", {}, page=page, token_field="toggle-csrf_token")
    with app.app_context():
        account = db.session.get(User, other.id)
        assert account.role == Role.JURY and not account.active
    html = text(admin.get(page))
    assert "Rôle modifié" in html and "Compte désactivé" in html
    assert "role_changed" not in html and "deactivated" not in html
    listing = text(admin.get("/admin/comptes?q=agent"))
    assert "agent@exemple.fr" in listing


def test_admin_list_is_paginated(app, logged_in, make_user) -> None:
    admin = logged_in(Role.ADMIN)
    for i in range(30):
        make_user(email=f"c{i:02}@exemple.fr")
    html = text(admin.get("/admin/comptes"))
    assert "Page 1 sur 2" in html
    assert "Page 2 sur 2" in text(admin.get("/admin/comptes?page=2"))


def test_cli_creates_accounts(app) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--role",
            "staff",
            "--password",
            "phrase de passe agent",
            "agent.cli@exemple.fr",
        ]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "--role", "staff", "agent.cli@exemple.fr"])
    assert result.exit_code != 0 and "existe déjà" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "agent.cli@exemple.fr"))
        assert user.role == Role.STAFF and user.check_password("phrase de passe agent")


def test_demo_accounts_are_created_once_and_printed(app) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])
    assert first.exit_code == 0 and first.output == second.output
    assert "candidat@demo.vae.test" in first.output and "mot de passe" in first.output
    password = (
        first.output.split("candidat@demo.vae.test")[1].split("mot de passe : ")[1].split()[0]
    )
    assert login(app.test_client(), "candidat@demo.vae.test", password).status_code == 302
