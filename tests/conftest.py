"""Fixtures shared by the functional and browser tests (unit tests need none of them).

One app per test session, built on a database migrated from empty by Alembic (SQLite by
default, PostgreSQL when VAE_TEST_DATABASE_URL is set); each test starts from a clean slate:
the referentials stay loaded, every other table is emptied after the test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from tests.helpers import DEFAULT_PASSWORD, login

# Argon2 at its lowest cost for every app of the run, the servers the tests start included
# (they inherit the environment): thousands of accounts are created and signed in, and the
# production cost (tests/unit/test_passwords.py checks the defaults) is argon2's own work.
os.environ.setdefault("VAE_PASSWORD_HASH_TIME_COST", "1")
os.environ.setdefault("VAE_PASSWORD_HASH_MEMORY_KIB", "64")
os.environ.setdefault("VAE_PASSWORD_HASH_PARALLELISM", "1")

# CI replays the same examples every run (a red build means a code change, not luck);
# developers' runs explore new examples. No deadline: timing is for `make bench`.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("instance")
    os.environ["VAE_INSTANCE_PATH"] = str(path)
    return path


@pytest.fixture(scope="session")
def database_url(instance_dir: Path) -> str:
    return os.environ.get("VAE_TEST_DATABASE_URL") or f"sqlite:///{instance_dir / 'test.sqlite3'}"


def test_settings(instance_dir: Path, database_url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SESSION_COOKIE_SECURE": False,
        "MAIL_OUTBOX": str(instance_dir / "outbox"),
        "UPLOAD_FOLDER": str(instance_dir / "uploads"),
        "PUBLIC_URL": "http://localhost",
    }


@pytest.fixture(scope="session")
def app(instance_dir: Path, database_url: str) -> Iterator[Any]:
    from flask_migrate import upgrade

    from tests.helpers import reset_database
    from vae import create_app
    from vae.referentials.operations import load_all

    application = create_app(test_settings(instance_dir, database_url))
    with application.app_context():
        reset_database()
        upgrade()
        load_all()
    yield application
    dispose_engines()


def dispose_engines() -> None:
    """Close every pooled connection of every app the tests built (no connection left open)."""
    from vae.extensions import db

    for engines in list(db._app_engines.values()):
        for engine in engines.values():
            engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a test that used the app: empty the user data, the outbox and the rate limits."""
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    from tests.helpers import empty_user_tables
    from vae.extensions import limiter

    with application.app_context():
        empty_user_tables()
        limiter.reset()
    outbox = Path(application.config["MAIL_OUTBOX"])
    for message in outbox.glob("*.eml"):
        message.unlink()


@pytest.fixture
def app_ctx(app: Any) -> Iterator[Any]:
    with app.app_context():
        yield app


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def make_user(app: Any) -> Callable[..., Any]:
    """Create an account directly in the database: ``make_user(role, email=..., ...)``.

    A staff account works for every certifier unless ``certifiers`` names some (codes; an
    empty tuple: none, the scoping tests' unattached officer)."""
    from datetime import UTC, datetime

    from tests.functional.certifier_flow import attach
    from vae.auth.models import User
    from vae.extensions import db
    from vae.roles import Role

    counter = {"n": 0}

    def factory(
        role: Role = Role.CANDIDATE,
        email: str | None = None,
        password: str = DEFAULT_PASSWORD,
        confirmed: bool = True,
        first_name: str = "Léa",
        last_name: str = "Dupont",
        active: bool = True,
        certifiers: Any = None,
    ) -> Any:
        counter["n"] += 1
        with app.app_context():
            user = User(
                email=email or f"{role.value}{counter['n']}@exemple.fr",
                role=role,
                first_name=first_name,
                last_name=last_name,
                active=active,
                email_confirmed_at=datetime.now(UTC) if confirmed else None,
            )
            user.set_password(password)
            db.session.add(user)
            db.session.commit()
            if role == Role.STAFF and certifiers is None:
                attach(user.id)  # every certifier
            elif role == Role.STAFF and certifiers:
                attach(user.id, *certifiers)
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return factory


@pytest.fixture
def logged_in(app: Any, make_user: Callable[..., Any]) -> Callable[..., Any]:
    """``logged_in(role)`` returns a test client signed in as a new user of that role."""

    def factory(role: Any, **kwargs: Any) -> Any:
        user = make_user(role, **kwargs)
        client = app.test_client()
        response = login(client, user.email, kwargs.get("password", DEFAULT_PASSWORD))
        assert response.status_code == 302, response.data[:500]
        client.user = user
        return client

    return factory
