"""The admin's API token pages (per certifier: create, shown once, list with last use,
revoke) and the ``api token create`` command."""

from __future__ import annotations

import uuid
from typing import Any

import click
from flask import Blueprint, Flask, flash, redirect, render_template, url_for
from flask.cli import AppGroup
from flask_login import current_user
from sqlalchemy import select

from forms.api_tokens import ApiTokenForm, RevokeTokenForm
from vae.access import roles_required
from vae.api import tokens
from vae.api.models import ApiToken
from vae.certifiers.models import Certifier
from vae.errors import DomainError
from vae.extensions import db
from vae.roles import Role

bp = Blueprint("api_tokens", __name__, url_prefix="/admin/certificateurs/<code>/jetons-api")
api_cli = AppGroup("api", help="L'API d'interopérabilité des certificateurs.")
token_cli = AppGroup("token", help="Jetons d'API.")
api_cli.add_command(token_cli)


def _certifier(code: str) -> Certifier:
    return db.first_or_404(select(Certifier).where(Certifier.code == code))


def _page(certifier: Certifier, form: ApiTokenForm, secret: str | None = None) -> Any:
    found = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.certifier_id == certifier.id)
        .order_by(ApiToken.created_at.desc())
    ).all()
    return render_template(
        "admin/api_tokens.html",
        certifier=certifier,
        form=form,
        revoke_form=RevokeTokenForm(),
        tokens=found,
        labels=tokens.SCOPE_LABELS,
        secret=secret,
    )


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def index(code: str) -> Any:
    """The certifier's tokens and the form to create one (its secret shown once)."""
    certifier = _certifier(code)
    form = ApiTokenForm()
    if form.validate_on_submit():
        _token, secret = tokens.create(
            certifier, form.name.data, form.scopes.data, form.days, current_user
        )
        db.session.commit()
        flash("Jeton créé : copiez-le maintenant, il ne sera plus affiché.", "success")
        return _page(certifier, ApiTokenForm(formdata=None), secret=secret)
    return _page(certifier, form)


@bp.route("/<uuid:token_id>/revoquer", methods=["POST"])
@roles_required(Role.ADMIN)
def revoke(code: str, token_id: uuid.UUID) -> Any:
    """Revoke a token once the admin ticked the confirmation; refused at once afterwards."""
    certifier = _certifier(code)
    token = db.first_or_404(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.certifier_id == certifier.id)
    )
    form = RevokeTokenForm()
    if form.validate_on_submit():
        tokens.revoke(token, current_user)
        db.session.commit()
        flash(f"Jeton « {token.name} » révoqué : il est refusé dès maintenant.", "success")
    else:
        flash("Cochez la case pour confirmer la révocation.", "error")
    return redirect(url_for("api_tokens.index", code=certifier.code))


@token_cli.command("create")
@click.option("--certifier", "certifier_code", required=True, help="Code du certificateur.")
@click.option("--scopes", default="read", show_default=True, help="read, decide, proclaim.")
@click.option("--days", default=tokens.DEFAULT_DAYS, show_default=True, type=int)
@click.argument("name")
def create_command(certifier_code: str, scopes: str, days: int, name: str) -> None:
    """Create a token for a certifier and print it, once."""
    certifier = db.session.scalar(select(Certifier).where(Certifier.code == certifier_code))
    if certifier is None:
        raise click.ClickException(f"Certificateur inconnu : {certifier_code}.")
    try:
        token, secret = tokens.create(certifier, name, tokens.parse_scopes(scopes), days)
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(
        f"Jeton « {token.name} » pour {certifier.name} ({token.scopes}), valable {days} jours."
    )
    click.echo("Copiez-le maintenant, il ne sera plus affiché :")
    click.echo(secret)


def init_app(app: Flask) -> None:
    """The admin pages and the command."""
    app.register_blueprint(bp)
    app.cli.add_command(api_cli)
