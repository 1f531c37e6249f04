"""VAE dossiers for branch certifications: the application factory."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults < instance/config.py < VAE_* environment < ``test_config``."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("VAE_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    _configure(app, test_config)
    _trust_hosts_and_proxies(app)

    from vae.auth.models import configure_hasher

    configure_hasher(
        app.config["PASSWORD_HASH_TIME_COST"],
        app.config["PASSWORD_HASH_MEMORY_KIB"],
        app.config["PASSWORD_HASH_PARALLELISM"],
    )

    from vae import access, extensions, logs, models, web  # noqa: F401  (models: the tables)

    logs.init_app(app)

    # Access first: a visitor without the right is refused before anything else is checked.
    app.before_request(access.enforce)

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(PROJECT_ROOT / "migrations"))
    extensions.csrf.init_app(app)
    extensions.login_manager.init_app(app)
    extensions.babel.init_app(app)
    extensions.limiter.init_app(app)
    web.init_app(app)

    from vae import cli

    cli.init_app(app)
    return app


def _configure(app: Flask, test_config: dict[str, Any] | None) -> None:
    from vae.config import Defaults, load_environment

    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    load_environment(app.config)
    if test_config:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(
            Path(app.instance_path) / "vae.sqlite3"
        )
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):  # the scheme some hosts hand out
        uri = "postgresql://" + uri[len("postgres://") :]
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri[len("postgresql://") :]
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if not app.config.get("SECRET_KEY") and serves_requests():
        print(NO_SECRET_KEY, file=sys.stderr)
        # 4: gunicorn's « App failed to load », which stops it instead of restarting workers.
        raise SystemExit(4)


NO_SECRET_KEY = (
    "Aucune clé secrète\u00a0: définissez VAE_SECRET_KEY ou SECRET_KEY dans "
    "instance/config.py (`make run` en crée une)."
)


def serves_requests() -> bool:
    """True for a WSGI server and ``flask run``; False for the other ``flask`` commands, which
    sign nothing (``referentials show``, ``eligibility check``, ``jury evaluate``…)."""
    if os.environ.get("FLASK_RUN_FROM_CLI") != "true":
        return True
    import click

    context = click.get_current_context(silent=True)
    return context is not None and context.info_name == "run"


def _trust_hosts_and_proxies(app: Flask) -> None:
    """Hosts: outside debug and testing (or when a list is given), only PUBLIC_URL's host and
    TRUSTED_HOSTS are served, any other Host header gets 400. Proxies: X-Forwarded-For and
    X-Forwarded-Proto are believed from TRUSTED_PROXIES hops, X-Forwarded-Host never (it
    would bypass the Host check)."""
    extra = app.config.get("TRUSTED_HOSTS") or []
    if isinstance(extra, str):
        extra = extra.replace(",", " ").split()
    if extra or not (app.testing or app.debug):
        public_host = urlsplit(app.config["PUBLIC_URL"]).hostname
        app.config["TRUSTED_HOSTS"] = [h for h in (public_host, *extra) if h]
    else:
        app.config["TRUSTED_HOSTS"] = None
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0)  # type: ignore[method-assign]
