"""The floor page of ``make bench`` (bench/floor_app.py): signed-in only, base.html, one query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from bench.floor_app import FLOOR_PATH, add_floor
from tests.helpers import DEFAULT_PASSWORD, login
from vae.extensions import db
from vae.roles import Role


def test_floor_page_is_an_empty_signed_in_page(fresh_app, make_user) -> None:
    app = add_floor(fresh_app())
    client = app.test_client()
    anonymous = client.get(FLOOR_PATH)
    assert anonymous.status_code == 302 and "/connexion" in anonymous.headers["Location"]

    user = make_user(Role.CANDIDATE)
    assert login(client, user.email, DEFAULT_PASSWORD).status_code == 302
    client.get(FLOOR_PATH)  # warm-up
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(FLOOR_PATH)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>Page vide – Plateforme VAE</title>" in html
    assert response.headers["Content-Security-Policy"] and response.headers["X-Frame-Options"]
    assert len(statements) == 1  # the signed-in user's row
