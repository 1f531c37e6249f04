"""Wiring of the web layer: blueprints, access enforcement, headers, errors, template helpers."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterator
from typing import Any

from babel import support
from flask import Flask, Response, current_app, flash, redirect, render_template, request
from flask import Request as FlaskRequest
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property
from wtforms.i18n import messages_path

from vae import french, glossary, logs, roles, urls
from vae.api import problems
from vae.errors import DomainError
from vae.extensions import db, login_manager

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
ERROR_TITLES = {
    400: "Requête incorrecte",
    403: "Accès refusé",
    404: "Page introuvable",
    405: "Méthode non autorisée",
    413: "Fichier trop volumineux",
    429: "Trop de tentatives",
    500: "Erreur interne",
}
REFUSED_TITLE = "Opération impossible"
HSTS = "max-age=31536000; includeSubDomains"
NO_STORE = "no-store, private"


class BoundedInt(IntegerConverter):
    """``<int:…>`` up to 2**31 - 1, the largest INTEGER of PostgreSQL: a larger number in an
    address is a 404, never an OverflowError from the database driver (a 500)."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def _without_nul(values: MultiDict[str, str]) -> MultiDict[str, str]:
    """The same fields without NUL characters (PostgreSQL refuses them in text: a 500)."""
    if not any("\x00" in key or "\x00" in value for key, value in values.items(multi=True)):
        return values
    return type(values)(
        (key.replace("\x00", ""), value.replace("\x00", ""))
        for key, value in values.items(multi=True)
    )


class Request(FlaskRequest):
    """Query and form fields never carry a NUL character: no one types it, and a forged one
    would reach the database (PostgreSQL refuses it in text) or a search."""

    @cached_property
    def args(self) -> MultiDict[str, str]:  # type: ignore[override]
        return _without_nul(super().args)

    def _load_form_data(self) -> None:
        loaded = "form" in self.__dict__
        super()._load_form_data()
        if not loaded:
            self.__dict__["form"] = _without_nul(self.__dict__["form"])


def init_app(app: Flask) -> None:
    app.request_class = Request
    from vae.accompaniment.blueprint import bp as accompaniment_bp
    from vae.accompaniment.comment_views import bp as comments_bp
    from vae.admin.blueprint import bp as admin_bp
    from vae.admin.certifiers import bp as certifiers_bp
    from vae.api.blueprint import api_blueprint
    from vae.auth.blueprint import bp as auth_bp
    from vae.auth.sessions import load_user
    from vae.certifications.blueprint import bp as certifications_bp
    from vae.dossier.blueprint import bp as dossier_bp
    from vae.jury.blueprint import bp as jury_bp
    from vae.livret2.blueprint import bp as livret2_bp
    from vae.main.blueprint import bp as main_bp
    from vae.privacy.blueprint import bp as privacy_bp
    from vae.review.blueprint import bp as review_bp

    blueprints = (
        main_bp,
        auth_bp,
        certifications_bp,
        admin_bp,
        certifiers_bp,
        dossier_bp,
        review_bp,
        livret2_bp,
        jury_bp,
        privacy_bp,
        accompaniment_bp,
        comments_bp,
        api_blueprint(),
    )
    # Before the blueprints: their rules take their converters from the map when registered.
    app.url_map.converters["int"] = BoundedInt
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    from vae.api import webhook_views

    webhook_views.init_app(app)  # admin pages, `webhooks deliver`, after-response delivery
    from vae.api import admin_views as api_admin_views

    api_admin_views.init_app(app)  # the admin's token pages, `api token create`

    app.before_request(_wtforms_messages)
    app.after_request(_security_headers)
    for code in ERROR_TITLES:
        app.register_error_handler(code, _error_page)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(SecurityError, _untrusted_host)
    app.register_error_handler(DomainError, _refused)
    app.register_error_handler(RateLimitExceeded, _error_page)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.add_extension(FrenchTypography)
    app.jinja_env.finalize = _typeset
    app.jinja_env.filters["date_fr"] = french.date_fr
    app.jinja_env.filters["datetime_fr"] = french.datetime_fr
    app.jinja_env.filters["valid_until_fr"] = french.valid_until_fr
    app.jinja_env.filters["number_fr"] = french.number_fr
    app.jinja_env.globals["address_line"] = french.address_line
    app.jinja_env.globals["term"] = glossary.term
    app.jinja_env.globals["explain"] = glossary.explain
    app.jinja_env.globals["Role"] = roles.Role
    app.jinja_env.globals["row_url"] = urls.RowUrl  # url_for once per list, not per row
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _("Connectez-vous pour accéder à cette page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # Erased or anonymised data is overwritten in the file, not left in free space.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL is crash-safe and commits stop waiting for a disk sync under the
        # write lock (make load: shorter lock holds, fewer "database is locked").
        cursor.execute("PRAGMA synchronous=NORMAL")
        # 16 MB of pages per connection instead of SQLite's 2 MB: on a base of a million
        # dossiers, a search's count read its index pages from the OS again on each request
        # (10 ms down to 5 ms; bench/scale.py).
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()


SQLITE_CACHE_KIB = 16 * 1024


class FrenchTypography(Extension):
    """Template text gets French typography's no-break spaces when templates are compiled
    (pages and emails alike); values get them as they are written out (``_typeset``)."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        for token in stream:
            if token.type == "data":
                token = Token(token.lineno, "data", french.typography(token.value))
            yield token


def _typeset(value: Any) -> Any:
    """Plain text written by a template: typeset. Markup (form fields, ``|e`` for the values of
    inputs, which must come back as they were typed) is left alone."""
    if type(value) is str:
        return french.typography(value)
    return value


@functools.cache
def _wtforms_translations(locale: str) -> support.Translations:
    """WTForms' own French messages, read once per process (Flask-WTF reads the catalogue
    again for each request that builds a form)."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def _wtforms_messages() -> None:
    # Where Flask-WTF's translations look first (flask_wtf.i18n._get_translations).
    request.wtforms_translations = _wtforms_translations(current_app.config["BABEL_DEFAULT_LOCALE"])


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["PUBLIC_URL"].startswith("https://"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint != "static":
        if response.mimetype != "text/html":
            # Files, PDFs, exports, JSON: never kept by a browser or a shared cache, whoever asks.
            headers["Cache-Control"] = NO_STORE
        elif current_user.is_authenticated:
            headers.setdefault("Cache-Control", "no-store")
    return response


def _error_page(error: Exception) -> Any:
    code = error.code if isinstance(error, HTTPException) and error.code else 500
    if code == 500:
        db.session.rollback()
    elif code == 403:
        logs.event("access_refused")
    elif code == 429:
        logs.event("rate_limited")
    if problems.is_api_request():  # the API answers problem details, never a page
        return problems.problem(code, headers=problems.allowed_methods(error))
    return render_template(
        "errors/error.html", code=code, title=ERROR_TITLES.get(code), request_id=logs.request_id()
    ), code


def _untrusted_host(_error: SecurityError) -> tuple[str, int, dict[str, str]]:
    """A Host header that is not the public one: no URL can be built, so a bare page."""
    logs.event("untrusted_host", host=request.headers.get("Host", "")[:100])
    page = (
        '<!doctype html><html lang="fr"><meta charset="utf-8"><title>Requête incorrecte</title>'
        "<h1>Requête incorrecte</h1><p>Cette adresse ne correspond pas au service.</p></html>"
    )
    return page, 400, {"Content-Type": "text/html; charset=utf-8"}


def _refused(error: DomainError) -> Any:
    """A refusal of any feature not caught by its view (e.g. a dossier edited in two tabs at
    once): nothing was changed; say why and show the page again in its current state. A page
    that refuses to show itself (GET) gets the reason on an error page: a redirect would loop."""
    db.session.rollback()
    if problems.is_api_request():
        return problems.problem(422, str(error))
    if request.method in ("GET", "HEAD"):
        return render_template(
            "errors/error.html", code=409, title=REFUSED_TITLE, detail=str(error)
        ), 409
    flash(str(error), "error")
    return redirect(request.path)


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    logs.event("csrf_refused", reason=error.description)
    return render_template(
        "errors/error.html",
        code=400,
        title=_("Formulaire expiré"),
        detail=_(
            "Le formulaire a expiré ou n'a pas pu être vérifié. Rechargez la page et "
            "recommencez : vos informations déjà enregistrées sont conservées."
        ),
    ), 400
