"""Signed webhooks against a real HTTP receiver on loopback: written with the change, never
sent inside the request, signed with the endpoint's secret, retried with backoff, logged."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from tests.functional.api_flow import bearer, make_token
from tests.functional.certifier_flow import MUTUALITE, certifier_id, submitted_dossiers
from tests.functional.dossier_flow import SWORN, complete_dossier, url
from tests.functional.test_api_write import decision_body
from tests.helpers import csrf_token, submit, text
from vae import clock
from vae.api import idempotency, webhooks
from vae.api.models import WebhookDelivery, WebhookEndpoint
from vae.extensions import db
from vae.roles import Role

SECRET = "whsec_secret-de-test"


class Receiver:
    """An HTTP server on 127.0.0.1 recording each POST; answers the statuses queued, then 200."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                receiver.received.append({"headers": self.headers, "body": body})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/vae"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(app) -> Iterator[Receiver]:
    with Receiver() as running:
        with app.app_context():
            db.session.add(
                WebhookEndpoint(
                    certifier_id=certifier_id(MUTUALITE),
                    url=running.url,
                    secret=SECRET,
                    events=" ".join(("dossier.submitted", "dossier.decided", "jury.proclaimed")),
                )
            )
            db.session.commit()
        yield running


@pytest.fixture
def no_after_response(app, monkeypatch) -> None:
    """As with a worker: the request only writes the row; `webhooks deliver` sends it."""
    monkeypatch.setitem(app.config, "WEBHOOKS_AFTER_RESPONSE", False)


def deliveries(app) -> list[WebhookDelivery]:
    with app.app_context():
        rows = list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))
        db.session.expunge_all()
        return rows


def deliver_once(app) -> str:
    return app.test_cli_runner().invoke(args=["webhooks", "deliver", "--once"]).output


def test_a_submission_is_written_with_the_change_and_sent_by_the_worker_signed(
    app, candidate, receiver, no_after_response
) -> None:
    dossier_id = complete_dossier(candidate)

    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302

    [row] = deliveries(app)
    assert row.event == "dossier.submitted" and row.attempts == 0 and row.delivered_at is None
    assert receiver.received == []  # nothing inside the request, nor after it
    assert "tentées : 1" in deliver_once(app)
    [got] = receiver.received
    assert got["body"] == row.payload
    payload = json.loads(got["body"])
    assert payload["event"] == "dossier.submitted" and payload["dossier"]["id"] == dossier_id
    assert payload["dossier"]["certification_code"] == "cqp-spp"
    assert got["headers"]["X-VAE-Event"] == "dossier.submitted"
    assert got["headers"]["X-VAE-Delivery"] == str(row.id)
    assert webhooks.verify(SECRET, got["headers"]["X-VAE-Signature"], got["body"])
    assert not webhooks.verify("autre-secret", got["headers"]["X-VAE-Signature"], got["body"])
    [done] = deliveries(app)
    assert done.delivered_at is not None and done.last_status == 200 and done.attempts == 1
    assert "tentées : 0" in deliver_once(app)  # delivered once only
    assert len(receiver.received) == 1


def test_a_failure_is_retried_with_backoff_then_delivered(
    app, candidate, receiver, no_after_response, monkeypatch
) -> None:
    dossier_id = complete_dossier(candidate)
    submit(candidate, url(dossier_id, "recapitulatif"), SWORN)
    receiver.statuses = [500]

    deliver_once(app)
    [failed] = deliveries(app)
    deliver_once(app)  # not due yet: nothing sent
    later = clock.now() + timedelta(minutes=1, seconds=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    deliver_once(app)

    assert failed.last_status == 500 and failed.last_error == "réponse HTTP 500"
    assert failed.delivered_at is None and failed.attempts == 1
    assert failed.next_attempt_at == clock.now() - timedelta(seconds=1)
    assert len(receiver.received) == 2
    [done] = deliveries(app)
    assert done.attempts == 2 and done.delivered_at is not None and done.last_status == 200
    assert receiver.received[0]["body"] == receiver.received[1]["body"]


def test_the_last_failure_gives_up(
    app, candidate, receiver, no_after_response, monkeypatch
) -> None:
    dossier_id = complete_dossier(candidate)
    submit(candidate, url(dossier_id, "recapitulatif"), SWORN)
    receiver.statuses = [503] * 10
    moment = clock.now()
    for wait in (timedelta(0), *webhooks.BACKOFF):
        moment = moment + wait + timedelta(seconds=1)
        monkeypatch.setattr(clock, "now", lambda m=moment: m)
        deliver_once(app)

    [row] = deliveries(app)
    assert row.attempts == len(webhooks.BACKOFF) + 1 and row.failed_at is not None
    assert len(receiver.received) == len(webhooks.BACKOFF) + 1


def test_an_api_decision_is_delivered_after_its_response_only(
    app, client, receiver, make_user, candidate
) -> None:
    dossier_id = complete_dossier(candidate)
    submit(candidate, url(dossier_id, "recapitulatif"), SWORN)
    with app.app_context():
        db.session.execute(WebhookDelivery.__table__.delete())  # the submission's
        db.session.commit()
    officer = make_user(Role.STAFF, email="agent@exemple.fr", certifiers=(MUTUALITE,))
    secret = make_token(app, scopes=("decide",))

    response = client.post(
        f"/api/v1/dossiers/{dossier_id}/decisions",
        headers={**bearer(secret), idempotency.HEADER: "k"},
        json=decision_body(officer),
    )

    assert response.status_code == 201
    [row] = deliveries(app)
    assert row.event == "dossier.decided" and receiver.received == []  # the response is out
    response.close()  # the server closes the response once sent: the hook runs then
    [got] = receiver.received
    payload = json.loads(got["body"])
    assert (
        payload["decision"]["kind"] == "recevable" and payload["dossier"]["status"] == "recevable"
    )
    assert webhooks.verify(SECRET, got["headers"]["X-VAE-Signature"], got["body"])
    assert deliveries(app)[0].delivered_at is not None


def test_the_admin_adds_an_endpoint_sees_its_secret_once_and_reads_the_log(
    app, logged_in, candidate, no_after_response
) -> None:
    admin = logged_in(Role.ADMIN)
    page_url = f"/admin/certificateurs/{MUTUALITE}/webhooks/"
    page = admin.get(page_url)
    token = csrf_token(page.data)

    refused = admin.post(page_url, data={"csrf_token": token, "url": "http://exemple.fr/h"})
    added = admin.post(
        page_url,
        data={"csrf_token": token, "url": "https://exemple.fr/vae", "events": ["dossier.decided"]},
    )

    assert "Indiquez une adresse en https://" in text(refused)
    assert "Choisissez au moins un événement." in text(refused)
    with app.app_context():
        [endpoint] = db.session.scalars(select(WebhookEndpoint)).all()
        assert endpoint.url == "https://exemple.fr/vae" and endpoint.events == "dossier.decided"
        assert endpoint.secret.startswith("whsec_")
        secret = endpoint.secret
        db.session.add(
            WebhookDelivery(endpoint_id=endpoint.id, event="dossier.decided", payload="{}")
        )
        db.session.commit()
        endpoint_id = endpoint.id
    assert secret in text(added)
    again = admin.get(page_url)
    assert secret not in text(again)
    assert "Décision de recevabilité (dossier.decided)" in text(again)
    assert "prochaine tentative le" in text(again)

    disabled = admin.post(f"{page_url}{endpoint_id}/desactiver", data={"csrf_token": token})

    assert disabled.status_code == 302
    with app.app_context():
        assert db.session.get(WebhookEndpoint, endpoint_id).active is False
    staff = logged_in(Role.STAFF)
    assert staff.get(page_url).status_code == 403


def test_an_implicit_decision_of_the_daily_run_is_announced(
    app, receiver, no_after_response
) -> None:
    with app.app_context():
        [dossier_id] = submitted_dossiers(
            "cqp-spp", 1, last_name="Implicite", due=date(2026, 12, 1)
        )

    run = app.test_cli_runner().invoke(args=["deadlines", "run", "--today", "2026-12-02"])

    assert run.exit_code == 0, run.output
    [row] = deliveries(app)
    payload = json.loads(row.payload)
    assert row.event == "dossier.decided" and payload["dossier"]["id"] == str(dossier_id)
    assert payload["decision"]["kind"] == "implicit"
    assert receiver.received == []


def test_no_endpoint_no_row_and_a_disabled_one_gets_nothing(app, candidate, receiver) -> None:
    with app.app_context():
        for endpoint in db.session.scalars(select(WebhookEndpoint)):
            endpoint.active = False
        db.session.commit()
    dossier_id = complete_dossier(candidate)

    submit(candidate, url(dossier_id, "recapitulatif"), SWORN)

    assert deliveries(app) == []
    assert receiver.received == []
