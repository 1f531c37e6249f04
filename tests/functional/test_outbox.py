"""Emails through the outbox: written with the change, delivered after its commit or by the
worker, retried after an SMTP outage, never delivered twice."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.helpers import outbox_messages, submit
from vae import mail, outbox
from vae.extensions import db
from vae.outbox import OutboxMessage
from vae.privacy.erasure import message_text


def _rows() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _closed_port() -> int:
    """A loopback port nobody listens on (an SMTP server that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_email_waits_for_the_commit_and_goes_right_after_it(app, fixed_clock) -> None:
    with app.app_context():
        db.session.begin()  # a change under way
        mail.send("camille@exemple.fr", "Dossier déposé", "Bonjour.")
        assert outbox_messages(app) == []  # nothing leaves before the commit
        (row,) = _rows()
        assert row.recipient == "camille@exemple.fr" and row.sent_at is None
        db.session.commit()
        (message,) = outbox_messages(app)
        assert message["To"] == "camille@exemple.fr"
        (row,) = _rows()
        assert row.sent_at == fixed_clock and row.attempts == 1 and row.last_error is None


def test_a_rolled_back_change_sends_no_email(app, fixed_clock) -> None:
    with app.app_context():
        db.session.begin()
        mail.send("camille@exemple.fr", "Dossier déposé", "Bonjour.")
        db.session.rollback()
        db.session.commit()  # a later commit does not resurrect it
        assert outbox_messages(app) == [] and _rows() == []


def test_an_smtp_outage_keeps_the_request_and_the_email_for_a_retry(
    app, client, make_user, fixed_clock, monkeypatch
) -> None:
    user = make_user(email="panne@exemple.fr")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", _closed_port())
    response = submit(client, "/mot-de-passe-oublie", {"email": user.email})
    assert response.status_code < 500
    with app.app_context():
        (row,) = _rows()
        assert row.sent_at is None and row.attempts == 1 and "échec d'envoi" in row.last_error
        assert row.next_attempt_at == fixed_clock + timedelta(minutes=1)
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)  # the server is back (as .eml here)
    runner = app.test_cli_runner()
    early = runner.invoke(args=["worker", "--once"])
    assert "Courriels tentés : 0" in early.output  # not due yet: the backoff
    import vae.clock

    monkeypatch.setattr(vae.clock, "now", lambda: fixed_clock + timedelta(minutes=2))
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0 and "Courriels tentés : 1" in result.output
    assert "notifications tentées : 0" in result.output  # the same loop delivers webhooks
    (message,) = outbox_messages(app)
    assert message["To"] == user.email
    with app.app_context():
        (row,) = _rows()
        assert row.sent_at is not None and row.attempts == 2


def test_with_a_worker_the_commit_leaves_delivery_to_it(app, fixed_clock, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "MAIL_WORKER", True)
    with app.app_context():
        mail.send("camille@exemple.fr", "Dossier déposé", "Bonjour.")
        db.session.commit()
        assert outbox_messages(app) == []
        assert outbox.deliver(db.session) == 1
        assert outbox.deliver(db.session) == 0  # sent once
    assert len(outbox_messages(app)) == 1


def test_a_claimed_row_is_left_to_its_worker(app, fixed_clock, monkeypatch) -> None:
    """The claim is a conditional UPDATE: a row leased by another worker is not taken."""
    monkeypatch.setitem(app.config, "MAIL_WORKER", True)
    with app.app_context():
        mail.send("camille@exemple.fr", "Dossier déposé", "Bonjour.")
        db.session.commit()
        (row,) = _rows()
        row.claimed_until = fixed_clock + timedelta(minutes=1)  # another worker's lease
        db.session.commit()
        assert outbox.deliver(db.session) == 0
        row.claimed_until = fixed_clock - timedelta(seconds=1)  # its lease ran out
        db.session.commit()
        assert outbox.deliver(db.session) == 1
    assert len(outbox_messages(app)) == 1


def test_two_workers_never_deliver_the_same_email(app, fixed_clock, monkeypatch) -> None:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite runs one worker: concurrent claims are a PostgreSQL matter")
    monkeypatch.setitem(app.config, "MAIL_WORKER", True)
    count = 60
    with app.app_context():
        for n in range(count):
            mail.send(f"candidat{n}@exemple.fr", f"Message {n}", "Bonjour.")
        db.session.commit()
    start = threading.Barrier(2)
    tried: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with app.app_context():
                start.wait()
                while done := outbox.deliver(db.session, limit=3):
                    tried.append(done)
                db.session.remove()
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors and sum(tried) == count
    recipients = [str(m["To"]) for m in outbox_messages(app)]
    assert sorted(recipients) == sorted(f"candidat{n}@exemple.fr" for n in range(count))
    with app.app_context():
        assert db.session.scalar(select(func.max(OutboxMessage.attempts))) == 1


def test_an_erased_person_leaves_no_row_in_the_outbox(app, candidate, monkeypatch) -> None:
    address = candidate.user.email
    with app.app_context():
        mail.send(address, "Déjà envoyé", "Bonjour Camille Martin.")  # delivered at commit
        db.session.commit()
    monkeypatch.setitem(app.config, "MAIL_WORKER", True)
    with app.app_context():
        mail.send("autre@exemple.fr", "En attente", "Au sujet de Camille Martin.")
        mail.send("autre@exemple.fr", "Sans rapport", "Bonjour.")
        db.session.commit()
    response = submit(candidate, "/mon-compte/suppression", {}, page="/mon-compte")
    assert response.status_code == 302
    with app.app_context():
        kept = [message_text(row.message) for row in _rows()]
    assert kept and all(address not in m and "martin" not in m for m in kept)
    assert any("sans rapport" in m for m in kept)
