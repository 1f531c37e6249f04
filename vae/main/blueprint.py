"""The home page: a welcome for visitors, each role's starting point once signed in."""

from __future__ import annotations

import functools
import logging
from typing import Any

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, render_template
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from vae.access import public
from vae.drafts import KEEP_FOR
from vae.extensions import db, limiter
from vae.glossary import ENTRIES

bp = Blueprint("main", __name__)
log = logging.getLogger(__name__)


@bp.route("/")
@public
def home() -> Any:
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    return render_template("main/home.html")


@bp.route("/accessibilite")
@public
def accessibility() -> Any:
    """The accessibility statement (RGAA form)."""
    return render_template("main/accessibility.html", contact=current_app.config["CPNEFP_EMAIL"])


@bp.route("/lexique")
@public
def glossary() -> Any:
    """The words of the VAE explained (CPNEFP, ETP, recevabilité…)."""
    return render_template("main/glossary.html", entries=ENTRIES)


@bp.route("/mentions-legales")
@public
def legal_notices() -> Any:
    """Publisher, director of publication and host, from the configuration."""
    return render_template("main/legal.html", **legal_settings())


@bp.route("/donnees-personnelles")
@public
def privacy_notice() -> Any:
    """Controller, purposes, legal bases, retention periods and rights."""
    return render_template(
        "main/privacy.html",
        retention_years=current_app.config["RETENTION_YEARS"],
        draft_days=KEEP_FOR.days,
        **legal_settings(),
    )


def legal_settings() -> dict[str, str]:
    """The configured publisher, host and contact, as the public pages print them."""
    settings = {key.lower(): current_app.config[key] for key in LEGAL_KEYS}
    return {**settings, "contact": current_app.config["CPNEFP_EMAIL"]}


LEGAL_KEYS = (
    "PUBLISHER_NAME",
    "PUBLISHER_ADDRESS",
    "PUBLICATION_DIRECTOR",
    "HOST_NAME",
    "HOST_ADDRESS",
)


@bp.route("/sante")
@public
@limiter.exempt
def health() -> Any:
    """For the monitoring and load balancers: 200 when the database answers and is migrated
    to this release's head (or to a newer release's, during a rolling upgrade), else 503.
    Nothing personal, no session (the response sets no cookie)."""
    try:
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        log.error("health: database unreachable (%s)", type(error).__name__)
        return {"status": "error", "database": "unreachable"}, 503
    directory = current_app.extensions["migrate"].directory
    if current == migration_heads(directory):
        return {"status": "ok", "database": "ok"}
    if current and not current & known_revisions(directory):
        # Migrated by a newer release during a rolling upgrade (migrations are written to
        # keep the previous code working: README, « Déployer plusieurs serveurs »).
        return {"status": "ok", "database": "newer than this release"}
    log.error("health: database not migrated to head")
    return {"status": "error", "database": "not migrated"}, 503


@functools.cache
def known_revisions(directory: str) -> frozenset[str]:
    """Every revision of this release's migration scripts (read once per process)."""
    return frozenset(script.revision for script in ScriptDirectory(directory).walk_revisions())


@functools.cache
def migration_heads(directory: str) -> frozenset[str]:
    """The head revisions of the migration scripts (read once per process)."""
    return frozenset(ScriptDirectory(directory).get_heads())
