"""The email outbox: messages written in the transaction of the change, delivered afterwards.

:func:`queue` adds one :class:`OutboxMessage` row (the whole message as bytes) to the
caller's session: the caller's commit makes the change and its emails permanent together, a
rollback drops both. :func:`deliver` claims due rows — ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, then a conditional ``UPDATE … WHERE claimed_until < now`` on every backend, so
that two workers never take the same row — sends them (SMTP when ``MAIL_SERVER`` is set,
else an ``.eml`` file in ``MAIL_OUTBOX``) and marks them sent, or retries after
:data:`vae.api.webhooks.BACKOFF`. ``flask --app vae worker`` runs it in a loop; with
``MAIL_WORKER`` off (the default), the rows a commit wrote are delivered right after that
commit, in the same process, before the response (an SMTP outage leaves them for retry).
"""

from __future__ import annotations

import email
import email.policy
import logging
import smtplib
import ssl
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import Index, Integer, LargeBinary, String, event, inspect, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, scoped_session

from vae import clock
from vae.api import webhooks
from vae.api.webhooks import BACKOFF, LEASE
from vae.dbtypes import UTCDateTime, utcnow
from vae.extensions import db

log = logging.getLogger(__name__)

# The rows a session wrote, delivered after its commit (``Session.info`` key).
PENDING = "vae_outbox_pending"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    message: Mapped[bytes] = mapped_column(LargeBinary)  # the whole message, as sent
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # gave up after retries
    last_error: Mapped[str | None] = mapped_column(String(500))

    def parsed(self) -> EmailMessage:
        """The stored message, parsed back."""
        parsed = email.message_from_bytes(self.message, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


# --- queueing -----------------------------------------------------------------------------------


def queue(message: EmailMessage) -> OutboxMessage:
    """Write ``message`` to the outbox in the caller's transaction (committed with it).

    Called outside any transaction (nothing pending in the session), the row is committed
    at once: there is no change for it to wait for.
    """
    session = db.session()
    standalone = not session.in_transaction()
    moment = clock.now()
    row = OutboxMessage(
        recipient=str(message["To"]),
        message=bytes(message),
        created_at=moment,
        next_attempt_at=moment,
    )
    session.add(row)  # no flush here: the caller's own flush errors stay at its commit
    session.info.setdefault(PENDING, []).append(row)
    if standalone:
        session.commit()
    return row


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    """Deliver the rows this commit made permanent, unless a worker does it."""
    rows = session.info.pop(PENDING, None)
    if not rows or not has_app_context() or current_app.config.get("MAIL_WORKER"):
        return
    # Expired by the commit, the rows still know their key (no SQL to read it).
    ids = [key[0] for key in (inspect(row).identity for row in rows) if key]
    try:  # the committed session cannot run SQL here: a session of its own
        with Session(db.engine) as own:
            deliver(own, ids)
    except Exception:  # the rows stay due: the next delivery retries them
        log.exception("outbox: in-process delivery failed")


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


# --- delivering ---------------------------------------------------------------------------------


def outbox_dir() -> Path:
    """The folder of ``.eml`` files when no SMTP server is configured."""
    configured = current_app.config.get("MAIL_OUTBOX")
    path = Path(configured) if configured else Path(current_app.instance_path) / "outbox"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _claim(
    session: Session | scoped_session[Session], ids: Iterable[int] | None, limit: int
) -> list[OutboxMessage]:
    """Take due rows, lease them and commit; a row another worker leased is left alone."""
    moment = clock.now()
    free = or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < moment)
    due = (
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None),
        OutboxMessage.next_attempt_at <= moment,
        free,
    )
    stmt = select(OutboxMessage.id).where(*due).order_by(OutboxMessage.id).limit(limit)
    if ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(list(ids)))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    claimed = []
    for row_id in session.scalars(stmt).all():
        taken = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, *due)
            .values(claimed_until=moment + LEASE, attempts=OutboxMessage.attempts + 1)
        )
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(row_id)
    session.commit()
    return list(
        session.scalars(
            select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).order_by(OutboxMessage.id)
        )
    )


def _transmit(row: OutboxMessage) -> None:
    """Send one message: SMTP when configured, else an ``.eml`` file (raises on failure)."""
    if current_app.config.get("MAIL_SERVER"):
        _send_smtp(row.parsed())
        return
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    (outbox_dir() / f"{stamp}-{uuid.uuid4().hex[:8]}.eml").write_bytes(row.message)


def _record(row: OutboxMessage, error: str | None) -> None:
    moment = clock.now()
    row.claimed_until = None
    row.last_error = error
    if error is None:
        row.sent_at = moment
    elif row.attempts > len(BACKOFF):
        row.failed_at = moment
    else:
        row.next_attempt_at = moment + BACKOFF[row.attempts - 1]


def deliver(
    session: Session | scoped_session[Session], ids: Iterable[int] | None = None, limit: int = 50
) -> int:
    """Send the due messages (only ``ids`` when given); the number of rows tried."""
    rows = _claim(session, ids, limit)
    for row in rows:
        try:
            _transmit(row)
            error = None
        except (OSError, smtplib.SMTPException) as failure:
            error = f"échec d'envoi : {failure}"[:500]
            log.warning("outbox: message %s not sent: %s", row.id, failure)
        _record(row, error)
        session.commit()
    return len(rows)


def run(once: bool, interval: float) -> tuple[int, int]:
    """The worker's loop: deliver due emails and webhooks, sleep ``interval`` seconds when
    nothing was due; the numbers of emails and webhooks tried."""
    emails = hooks = 0
    while True:
        sent, posted = deliver(db.session), webhooks.deliver()
        emails, hooks = emails + sent, hooks + posted
        if once:
            return emails, hooks
        if sent + posted == 0:
            time.sleep(interval)


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    context = ssl.create_default_context()
    if config.get("MAIL_USE_SSL"):
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, context=context, timeout=30)
    else:
        smtp = smtplib.SMTP(host, port, timeout=30)
    with smtp:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            smtp.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)
