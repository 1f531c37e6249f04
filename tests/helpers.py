"""Helpers for tests: forms with their CSRF token, the outbox, the database."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage as Message
from pathlib import Path
from typing import Any

from sqlalchemy import text as sql

DEFAULT_PASSWORD = "un mot de passe solide"
_TOKEN = re.compile(
    rb'name="(?:[\w-]*-)?csrf_token" type="hidden" value="([^"]+)"|'
    rb'type="hidden" name="(?:[\w-]*-)?csrf_token" value="([^"]+)"|'
    rb'name="csrf_token" value="([^"]+)"'
)
KEEP_TABLES = {"certifications", "certifiers", "referential_versions", "alembic_version"}


def csrf_token(html: bytes) -> str:
    match = _TOKEN.search(html)
    assert match, "no CSRF token on the page"
    return next(g for g in match.groups() if g).decode()


def submit(
    client: Any,
    url: str,
    data: dict[str, Any],
    *,
    page: str | None = None,
    token_field: str = "csrf_token",
    **kwargs: Any,
) -> Any:
    """GET the page holding the form (``page``, default ``url``), then POST with its token."""
    page_response = client.get(page or url)
    payload = {token_field: csrf_token(page_response.data), **data}
    return client.post(url, data=payload, **kwargs)


def login(client: Any, email_address: str, password: str = DEFAULT_PASSWORD) -> Any:
    return submit(client, "/connexion", {"email": email_address, "password": password})


def outbox_messages(app: Any) -> list[Message]:
    folder = Path(app.config["MAIL_OUTBOX"])
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted(folder.glob("*.eml"))
    ]


def message_body(message: Message) -> str:
    part = message.get_body(("plain",))
    assert part is not None, "no text part"
    return part.get_content()


def link_in(message: Message, path_fragment: str) -> str:
    """The path (from the first `/`) of the link in the message that contains ``path_fragment``."""
    body = message_body(message)
    match = re.search(r"https?://[^/\s]+(\S*" + re.escape(path_fragment) + r"\S*)", body)
    assert match, f"no link with {path_fragment!r} in:\n{body}"
    return match.group(1)


def reset_database() -> None:
    """Drop everything in the test database, so that migrations start from empty."""
    from vae.extensions import db

    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(sql("DROP SCHEMA public CASCADE"))
            connection.execute(sql("CREATE SCHEMA public"))
    else:
        database = engine.url.database
        engine.dispose()
        if database and database != ":memory:":
            for suffix in ("", "-wal", "-shm"):
                Path(database + suffix).unlink(missing_ok=True)


def empty_user_tables() -> None:
    """Delete every row but the referentials (and their audit entries)."""
    from vae.extensions import db

    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            if table.name in KEEP_TABLES:
                continue
            if table.name == "audit_entries":
                connection.execute(
                    sql("DELETE FROM audit_entries WHERE subject_type <> 'certification'")
                )
            else:
                connection.execute(table.delete())
        # The certifiers stay (the referentials name them); what an admin filled in goes.
        connection.execute(
            sql(
                "UPDATE certifiers SET address = '', city = '', email = '', phone = '', "
                "signatory_name = '', signatory_title = '', letter_mentions = ''"
            )
        )


def make_pdf(text: str = "Attestation employeur") -> bytes:
    """A small real PDF, as a candidate's scanner would produce."""
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, text)
    pdf.save()
    return buffer.getvalue()


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def text(response: Any) -> str:
    """The page as a person reads it: HTML entities (&#39; …) decoded."""
    import html

    return html.unescape(response.get_data(as_text=True))
