"""Outgoing email, built here and written to the outbox (:mod:`vae.outbox`) in the caller's
transaction; delivered after the commit, by SMTP when ``MAIL_SERVER`` is set, else as ``.eml``
files in the outbox folder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app, render_template
from markupsafe import Markup, escape

from vae import outbox
from vae.certifiers.identity import reply_to_for, signature_of
from vae.french import typography
from vae.urls import public_url

_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?»)]")


@dataclass(frozen=True)
class Attachment:
    """One attached file; ``mime_type`` may carry parameters (``text/calendar; method=REQUEST``)."""

    filename: str
    content: bytes
    mime_type: str = "application/pdf"

    def content_type(self) -> tuple[str, str, dict[str, str]]:
        """Main type, subtype and parameters of ``mime_type``."""
        kind, *raw = (part.strip() for part in self.mime_type.split(";"))
        maintype, subtype = kind.split("/", 1)
        params = dict(p.split("=", 1) for p in raw if "=" in p)
        return maintype, subtype, {k.strip(): v.strip() for k, v in params.items()}


def _linked(line: str) -> Markup:
    """One escaped line of text whose web addresses are real links."""
    out, last = [], 0
    for match in _URL.finditer(line):
        url = match.group(0)
        out += [escape(line[last : match.start()]), Markup('<a href="%s">%s</a>') % (url, url)]
        last = match.end()
    out.append(escape(line[last:]))
    return Markup("").join(out)


def _blocks(paragraph: list[str]) -> list[Markup]:
    """A paragraph's lines as HTML: « - » lines (with their indented follow-ups) as a list,
    the other runs of lines as paragraphs with line breaks."""
    runs: list[tuple[bool, list[list[str]]]] = []
    for line in paragraph:
        if line.startswith("- "):
            if not runs or not runs[-1][0]:
                runs.append((True, []))
            runs[-1][1].append([line[2:]])
        elif runs and (line.startswith(" ") or not runs[-1][0]):  # follows the item or text
            runs[-1][1][-1].append(line.strip())
        else:
            runs.append((False, [[line.strip()]]))
    html = []
    for is_list, groups in runs:
        parts = [Markup("<br>\n").join(_linked(line) for line in group) for group in groups]
        if is_list:
            html.append(
                Markup("<ul>%s</ul>")
                % Markup("").join(Markup("<li>%s</li>") % part for part in parts)
            )
        else:
            html += [Markup("<p>%s</p>") % part for part in parts]
    return html


def html_version(subject: str, body: str) -> str:
    """The HTML twin of a plain-text email: same words, ``lang="fr"``, the subject as heading,
    blank-line paragraphs, « - » lines as a list, addresses as links; everything escaped."""
    blocks = []
    for paragraph in re.split(r"\n\s*\n", body.strip()):
        blocks += _blocks([line.rstrip() for line in paragraph.splitlines() if line.strip()])
    return str(
        Markup(
            '<!DOCTYPE html>\n<html lang="fr">\n<head><meta charset="utf-8">'
            "<title>%s</title></head>\n<body>\n<h1>%s</h1>\n%s\n</body>\n</html>\n"
        )
        % (subject, subject, Markup("\n").join(blocks))
    )


def build(
    to: str,
    subject: str,
    body: str,
    attachments: tuple[Attachment, ...] = (),
    reply_to_address: str | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = typography(subject)
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="vae.invalid")
    message["Reply-To"] = reply_to_address or reply_to()
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to it
    body = typography(body)
    message.set_content(body)
    message.add_alternative(html_version(message["Subject"], body), subtype="html")
    for attachment in attachments:
        maintype, subtype, params = attachment.content_type()
        message.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype,
            filename=attachment.filename,
            params=params,
        )
    return message


def reply_to() -> str:
    """Where answers go: the CPNEFP contact (``MAIL_REPLY_TO``, else ``CPNEFP_EMAIL``)."""
    config = current_app.config
    return config.get("MAIL_REPLY_TO") or config["CPNEFP_EMAIL"]


def send(
    to: str,
    subject: str,
    body: str,
    attachments: tuple[Attachment, ...] = (),
    reply_to_address: str | None = None,
) -> EmailMessage:
    """Write one message to the outbox, in the caller's transaction (delivered after its
    commit, dropped by its rollback); return it (tests and callers may inspect it)."""
    message = build(to, subject, body, attachments, reply_to_address)
    outbox.queue(message)
    return message


def send_template(
    to: str,
    subject: str,
    template: str,
    attachments: tuple[Attachment, ...] = (),
    **context: object,
) -> EmailMessage:
    """Render ``template`` (plain text; ``public_url`` is at hand for its links) and send it.

    About a ``dossier`` (in ``context``), the email speaks for the dossier's certifier: its
    name in ``signature`` (the templates' last line), answers to its contact email when set.
    """
    holder = context.get("dossier")
    body = render_template(
        template, public_url=public_url, signature=signature_of(holder), **context
    )
    return send(to, subject, body, attachments, reply_to_for(holder))
