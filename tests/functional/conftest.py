"""Fixtures for the dossier journeys: a fixed clock and a candidate with a dossier."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.functional.s3 import bucket, on_s3, s3_endpoint  # noqa: F401 (S3 fixtures)
from vae.roles import Role

FIXED_NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Today is 24 November 2026 (the worked example of DOMAIN.md), whenever the suite runs."""
    import vae.clock

    monkeypatch.setattr(vae.clock, "now", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def candidate(logged_in, fixed_clock):
    return logged_in(Role.CANDIDATE, first_name="Camille", last_name="Martin")


@pytest.fixture
def session_id(app):
    """A jury session on 12 January 2027, in Paris."""
    from vae.jury.operations import create_session

    with app.app_context():
        return create_session(
            datetime(2027, 1, 12, 13, 0, tzinfo=UTC), "Paris, 12 rue de Lyon", "", 45
        ).id


@pytest.fixture
def fresh_app(app, instance_dir, database_url):
    """``fresh_app(**settings)``: a new app on the test database, configured like ``app`` but
    for ``settings`` (e.g. ``TESTING=False``, as in production); views may still be added to
    it. Its connections are closed after the test."""
    from tests.conftest import test_settings
    from vae import create_app, logs
    from vae.extensions import db

    built = []

    def factory(**settings):
        application = create_app({**test_settings(instance_dir, database_url), **settings})
        built.append(application)
        return application

    yield factory
    for application in built:
        with application.app_context():
            db.engine.dispose()
    logs.configure(app.config["LOG_LEVEL"])  # the logger is global: back to the suite's level
