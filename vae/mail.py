"""Outgoing email: SMTP when ``MAIL_SERVER`` is set, else ``.eml`` files in the outbox folder."""

from __future__ import annotations

import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app, render_template

from vae.french import typography


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/pdf"


def outbox_dir() -> Path:
    configured = current_app.config.get("MAIL_OUTBOX")
    path = Path(configured) if configured else Path(current_app.instance_path) / "outbox"
    path.mkdir(parents=True, exist_ok=True)
    return path


def build(
    to: str, subject: str, body: str, attachments: tuple[Attachment, ...] = ()
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = typography(subject)
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="vae.invalid")
    message.set_content(typography(body))
    for attachment in attachments:
        maintype, subtype = attachment.mime_type.split("/", 1)
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


def send(
    to: str, subject: str, body: str, attachments: tuple[Attachment, ...] = ()
) -> EmailMessage:
    """Send one message now; return it (tests and callers may inspect it)."""
    message = build(to, subject, body, attachments)
    config = current_app.config
    if config.get("MAIL_SERVER"):
        _send_smtp(message)
    else:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = outbox_dir() / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(bytes(message))
    return message


def send_template(
    to: str,
    subject: str,
    template: str,
    attachments: tuple[Attachment, ...] = (),
    **context: object,
) -> EmailMessage:
    body = render_template(template, **context)
    return send(to, subject, body, attachments)


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
