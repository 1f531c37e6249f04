"""The admin's webhook pages (per certifier: endpoints, secret shown once, delivery log) and
the ``webhooks deliver`` command."""

from __future__ import annotations

import secrets
from typing import Any

import click
from flask import Blueprint, Flask, flash, redirect, render_template, url_for
from flask.cli import AppGroup
from sqlalchemy import select

from forms.webhooks import DisableEndpointForm, WebhookEndpointForm
from vae import audit
from vae.access import roles_required
from vae.api import webhooks
from vae.api.models import EVENTS, WebhookEndpoint
from vae.certifiers.models import Certifier
from vae.extensions import db
from vae.roles import Role

bp = Blueprint("webhooks", __name__, url_prefix="/admin/certificateurs/<code>/webhooks")
webhooks_cli = AppGroup("webhooks", help="Notifications signées vers les certificateurs.")


def _certifier(code: str) -> Certifier:
    return db.first_or_404(select(Certifier).where(Certifier.code == code))


def _page(certifier: Certifier, form: WebhookEndpointForm, secret: str | None = None) -> Any:
    endpoints = db.session.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.certifier_id == certifier.id)
        .order_by(WebhookEndpoint.created_at)
    ).all()
    return render_template(
        "admin/webhooks.html",
        certifier=certifier,
        form=form,
        disable_form=DisableEndpointForm(),
        endpoints=endpoints,
        deliveries=[(d, webhooks.state_label(d)) for d in webhooks.deliveries_of(certifier.id)],
        labels=webhooks.EVENT_LABELS,
        secret=secret,
    )


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def index(code: str) -> Any:
    """The certifier's endpoints, the form to add one, and the delivery log."""
    certifier = _certifier(code)
    form = WebhookEndpointForm()
    if not form.is_submitted():
        form.events.data = list(EVENTS)
    if form.validate_on_submit():
        secret = "whsec_" + secrets.token_urlsafe(32)
        endpoint = WebhookEndpoint(
            certifier_id=certifier.id,
            url=form.url.data,
            secret=secret,
            events=" ".join(e for e in EVENTS if e in form.events.data),
            active=True,
        )
        db.session.add(endpoint)
        db.session.flush()
        audit.record(
            "certifier",
            certifier.code,
            "webhook_added",
            comment=f"{endpoint.url} ({endpoint.events})",
        )
        db.session.commit()
        flash("Adresse ajoutée : copiez son secret maintenant, il ne sera plus affiché.", "success")
        return _page(certifier, WebhookEndpointForm(formdata=None), secret=secret)
    return _page(certifier, form)


@bp.route("/<int:endpoint_id>/desactiver", methods=["POST"])
@roles_required(Role.ADMIN)
def disable(code: str, endpoint_id: int) -> Any:
    """Stop sending to an endpoint (its log stays)."""
    certifier = _certifier(code)
    endpoint = db.first_or_404(
        select(WebhookEndpoint).where(
            WebhookEndpoint.id == endpoint_id, WebhookEndpoint.certifier_id == certifier.id
        )
    )
    if DisableEndpointForm().validate_on_submit() and endpoint.active:
        endpoint.active = False
        audit.record("certifier", certifier.code, "webhook_disabled", comment=endpoint.url)
        db.session.commit()
        flash("Adresse désactivée : plus rien ne lui sera envoyé.", "success")
    return redirect(url_for("webhooks.index", code=certifier.code))


@webhooks_cli.command("deliver")
@click.option("--once", is_flag=True, help="Un seul passage, puis s'arrêter.")
@click.option("--interval", default=10.0, show_default=True, help="Secondes entre deux passages.")
def deliver_command(once: bool, interval: float) -> None:
    """Send the due notifications (retried with backoff), in a loop or once."""
    count = webhooks.run(once, interval)
    click.echo(f"Notifications tentées : {count}")


def init_app(app: Flask) -> None:
    """The admin pages, the command, and the after-response delivery."""
    app.register_blueprint(bp)
    app.cli.add_command(webhooks_cli)
    webhooks.init_app(app)
