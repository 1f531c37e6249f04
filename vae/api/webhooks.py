"""Signed webhooks: announced in the transaction of the change, delivered later.

:func:`announce` adds one :class:`WebhookDelivery` row per active endpoint of the dossier's
certifier subscribed to the event, in the caller's session: the caller's commit makes the
change and its announcement permanent together (a rollback drops both). Nothing is sent
inside the request: ``flask --app vae webhooks deliver`` (a loop, or ``--once``) claims the
due rows and POSTs them; when ``WEBHOOKS_AFTER_RESPONSE`` is on, the rows a request queued
are also tried once after its response has been sent (``call_on_close``).

Each POST carries ``X-VAE-Event``, ``X-VAE-Delivery`` (the row's id) and
``X-VAE-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``. A failure (no
answer within ``WEBHOOKS_TIMEOUT`` seconds, or a status outside 2xx) is retried after
:data:`BACKOFF`; after the last one the row is marked failed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, has_request_context
from sqlalchemy import inspect, select

from vae import clock
from vae.api.models import EVENTS, WebhookDelivery, WebhookEndpoint
from vae.extensions import db

# The wait after the 1st, 2nd… failed attempt; one failure more and the row is given up.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
# A claimed row is not claimed again by another worker for this long (its POST is under way).
LEASE = timedelta(minutes=2)
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
EVENT_LABELS = {
    "dossier.submitted": "Dossier déposé",
    "dossier.decided": "Décision de recevabilité",
    "jury.proclaimed": "Résultats proclamés",
}


# --- announcing ---------------------------------------------------------------------------------


def announce(event: str, dossier: Any, **details: Any) -> None:
    """Queue ``event`` about ``dossier`` for its certifier's endpoints, in the caller's
    transaction (no commit here)."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    certification = dossier.certification
    certifier_id = getattr(certification, "certifier_id", None)
    if certifier_id is None:
        return
    # No autoflush: the caller's changes are flushed by its own commit, where a lost race
    # (version column) becomes its French conflict message.
    with db.session.no_autoflush:
        endpoints = db.session.scalars(
            select(WebhookEndpoint).where(
                WebhookEndpoint.certifier_id == certifier_id, WebhookEndpoint.active.is_(True)
            )
        ).all()
    subscribed = [e for e in endpoints if event in e.events.split()]
    if not subscribed:
        return
    moment = clock.now()
    body = json.dumps(
        {
            "event": event,
            "occurred_at": moment.isoformat(),
            "dossier": {
                "id": str(dossier.id),
                "number": dossier.number,
                "status": dossier.status.value,
                "certification_code": certification.code,
                "version": dossier.submission_count,
            },
            **details,
        },
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    rows = [
        WebhookDelivery(endpoint_id=e.id, event=event, payload=body, next_attempt_at=moment)
        for e in subscribed
    ]
    db.session.add_all(rows)  # flushed by the caller's commit (no flush here: see above)
    if has_request_context():
        g.setdefault("webhook_deliveries", []).extend(rows)


def announce_decision(dossier: Any, decision: Any) -> None:
    """``dossier.decided``, with the decision's kind and id (explicit or implicit)."""
    db.session.flush()  # the decision's id
    due = decision.livret2_due
    announce(
        "dossier.decided",
        dossier,
        decision={
            "id": str(decision.id),
            "kind": decision.kind.value,
            "decided_at": decision.decided_at.isoformat(),
            "livret2_due": due.isoformat() if due else None,
        },
    )


# --- signing ------------------------------------------------------------------------------------


def signature(secret: str, timestamp: int, body: str) -> str:
    """The ``X-VAE-Signature`` header: ``t=<unix>,v1=<hex HMAC-SHA256(secret, "t.body")>``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: str, tolerance: int = 300) -> bool:
    """What a receiver does (the README shows the same): recompute, compare, check the age."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    expected = signature(secret, timestamp, body)
    return hmac.compare_digest(expected, header) and abs(time.time() - timestamp) <= tolerance


# --- delivering ---------------------------------------------------------------------------------


def _claim(ids: Iterable[int] | None, limit: int) -> list[WebhookDelivery]:
    """Take due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), lease them and commit."""
    moment = clock.now()
    stmt = (
        select(WebhookDelivery)
        .where(
            WebhookDelivery.delivered_at.is_(None),
            WebhookDelivery.failed_at.is_(None),
            WebhookDelivery.next_attempt_at <= moment,
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    )
    if ids is not None:
        stmt = stmt.where(WebhookDelivery.id.in_(list(ids)))
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=WebhookDelivery)
    rows = list(db.session.scalars(stmt))
    for row in rows:
        row.attempts += 1
        row.next_attempt_at = moment + LEASE
    db.session.commit()
    return rows


def _post(row: WebhookDelivery) -> tuple[int | None, str | None]:
    """POST one delivery: (HTTP status or None, error text or None)."""
    endpoint = row.endpoint
    timestamp = int(time.time())  # the wire's clock, never a frozen one
    request = urllib.request.Request(  # the URL is checked: http(s)
        endpoint.url,
        data=row.payload.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "vae-webhooks/1",
            "X-VAE-Event": row.event,
            "X-VAE-Delivery": str(row.id),
            "X-VAE-Signature": signature(endpoint.secret, timestamp, row.payload),
        },
    )
    timeout = float(current_app.config.get("WEBHOOKS_TIMEOUT", 5))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, None
    except urllib.error.HTTPError as error:
        return error.code, f"réponse HTTP {error.code}"
    except (OSError, ValueError) as error:
        return None, f"échec de connexion : {error}"[:500]


def _record(row: WebhookDelivery, status: int | None, error: str | None) -> None:
    moment = clock.now()
    row.last_status = status
    row.last_error = error
    if error is None and status is not None and 200 <= status < 300:
        row.delivered_at = moment
    elif row.attempts > len(BACKOFF):
        row.failed_at = moment
    else:
        row.next_attempt_at = moment + BACKOFF[row.attempts - 1]


def deliver(ids: Iterable[int] | None = None, limit: int = 50) -> int:
    """Send the due deliveries (only ``ids`` when given); the number of rows tried."""
    rows = _claim(ids, limit)
    for row in rows:
        status, error = _post(row)
        _record(row, status, error)
        db.session.commit()
    return len(rows)


def run(once: bool, interval: float) -> int:
    """The worker's loop: deliver, and sleep ``interval`` seconds when nothing was due."""
    total = 0
    while True:
        count = deliver()
        total += count
        if once:
            return total
        if count == 0:
            time.sleep(interval)


def _after_response(response: Response) -> Response:
    # The rows the request's commit wrote (a rolled-back one has no identity: nothing to send).
    rows = g.pop("webhook_deliveries", None) or []
    ids = [key[0] for key in (inspect(row).identity for row in rows) if key]
    if ids and current_app.config.get("WEBHOOKS_AFTER_RESPONSE", True):
        app = current_app._get_current_object()  # type: ignore[attr-defined]

        def send() -> None:
            with app.app_context():
                deliver(ids)

        response.call_on_close(send)
    return response


def init_app(app: Flask) -> None:
    """Try a request's deliveries once its response is sent (never inside the request)."""
    app.after_request(_after_response)


# --- endpoints ------------------------------------------------------------------------------


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot receive webhooks (French), or None."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        return "Adresse invalide."
    if parts.scheme == "https" and host:
        return None
    loopback_allowed = (
        current_app.debug
        or current_app.testing
        or current_app.config.get("WEBHOOKS_ALLOW_LOOPBACK", False)
    )
    if parts.scheme == "http" and host in LOOPBACK_HOSTS and loopback_allowed:
        return None
    return "Indiquez une adresse en https:// (par exemple https://exemple.fr/vae/webhooks)."


def deliveries_of(certifier_id: int, limit: int = 100) -> list[WebhookDelivery]:
    """The delivery log of a certifier's endpoints, newest first."""
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .join(WebhookEndpoint)
            .where(WebhookEndpoint.certifier_id == certifier_id)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


def state_label(row: WebhookDelivery) -> str:
    """The delivery's state as the admin's log shows it (French)."""
    from vae.french import datetime_fr

    if row.delivered_at is not None:
        return f"remise le {datetime_fr(row.delivered_at)}"
    if row.failed_at is not None:
        return f"abandonnée le {datetime_fr(row.failed_at)}"
    return f"prochaine tentative le {datetime_fr(row.next_attempt_at)}"
