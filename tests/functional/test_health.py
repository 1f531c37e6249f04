"""/sante: 200 when the database answers and is migrated to head, 503 otherwise."""

from __future__ import annotations

from pathlib import Path

import vae.main.blueprint


def test_healthy_when_migrated_to_head(client) -> None:
    response = client.get("/sante")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store, private"


def test_never_rate_limited(client) -> None:
    assert {client.get("/sante").status_code for _ in range(60)} == {200}


def test_unhealthy_when_the_code_has_a_newer_migration(client, monkeypatch) -> None:
    monkeypatch.setattr(vae.main.blueprint, "migration_heads", lambda _dir: {"f00dcafe0000"})
    response = client.get("/sante")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "not migrated"}


def test_healthy_when_a_newer_release_migrated_the_database(client, monkeypatch) -> None:
    """A rolling upgrade: the database is at a revision this release does not know yet."""
    monkeypatch.setattr(vae.main.blueprint, "known_revisions", lambda _dir: {"0ld0000000"})
    monkeypatch.setattr(vae.main.blueprint, "migration_heads", lambda _dir: {"0ld0000000"})
    response = client.get("/sante")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "newer than this release"}


def test_unhealthy_on_an_unmigrated_database(fresh_app, tmp_path: Path) -> None:
    empty = fresh_app(TESTING=False, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'vide.db'}")
    response = empty.test_client().get("/sante")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "not migrated"}


def test_unhealthy_when_the_database_is_unreachable(fresh_app, tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path / 'absent' / 'vae.db'}"
    response = fresh_app(TESTING=False, SQLALCHEMY_DATABASE_URI=missing).test_client().get("/sante")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unreachable"}
    assert "Set-Cookie" not in response.headers
