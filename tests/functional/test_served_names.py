"""A piece's served name: its extension is the detected type's, never the user's, and it holds
no control or bidirectional character (in the page, the flash message and Content-Disposition)."""

from __future__ import annotations

import unicodedata
import uuid

from sqlalchemy import select
from werkzeug.http import parse_options_header

from tests.functional.dossier_flow import (
    FULL_TIME_JOB,
    activity_ids,
    add_activity,
    start_dossier,
    upload,
    url,
)
from tests.helpers import make_pdf, text
from vae.dossier.models import Attachment
from vae.extensions import db


def _polyglot() -> bytes:
    """A valid PDF that a browser would also render as a web page (HTML in a PDF comment)."""
    pdf = make_pdf()
    head, _, rest = pdf.partition(b"\n")
    return head + b"\n%<html><body><script>alert(document.cookie)</script></body></html>\n" + rest


def _upload(app, candidate, filename: str) -> tuple[str, Attachment, str]:
    dossier_id = start_dossier(candidate)
    assert add_activity(candidate, dossier_id, FULL_TIME_JOB).status_code == 302
    (activity_id,) = activity_ids(candidate, dossier_id)
    response = upload(
        candidate, dossier_id, f"a-{activity_id}", "employer_attestation", _polyglot(), filename
    )
    assert response.status_code == 302, text(response)[:2000]
    page = text(candidate.get(response.headers["Location"]))
    with app.app_context():
        item = db.session.scalar(
            select(Attachment).where(Attachment.dossier_id == uuid.UUID(dossier_id))
        )
        db.session.expunge(item)
    return dossier_id, item, page


def _served_name(response) -> str:
    """The file name a browser saves the response under (RFC 6266: filename* wins)."""
    _kind, options = parse_options_header(response.headers["Content-Disposition"])
    return options.get("filename*") or options["filename"]


def test_a_pdf_html_polyglot_uploaded_as_html_is_served_as_pdf(app, candidate) -> None:
    dossier_id, item, page = _upload(app, candidate, "attestation.html")
    assert item.mime_type == "application/pdf"
    assert item.display_name == "attestation.pdf"
    assert "attestation.html" not in page and "Pièce ajoutée\u00a0: attestation.pdf." in page
    for query in ("", "?voir=1"):
        response = candidate.get(url(dossier_id, f"pieces/{item.id}{query}"), buffered=True)
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert _served_name(response) == "attestation.pdf"
        assert ".html" not in response.headers["Content-Disposition"]


def test_bidi_and_control_characters_are_stripped_from_names(app, candidate) -> None:
    dossier_id, item, page = _upload(app, candidate, "fact\u202eFDP\u2066\u200f\x85.exe")
    assert item.display_name == "factFDP.pdf"
    assert "Pièce ajoutée\u00a0: factFDP.pdf." in page
    assert "\u202e" not in page and "\u2066" not in page
    served = _served_name(candidate.get(url(dossier_id, f"pieces/{item.id}"), buffered=True))
    assert served == "factFDP.pdf"
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in served)


def test_a_name_stored_before_the_fix_is_served_with_the_detected_extension(app, candidate) -> None:
    dossier_id, item, _page = _upload(app, candidate, "releve.pdf")
    with app.app_context():
        row = db.session.get(Attachment, item.id)
        row.display_name = "attestation\u202e.html"  # as an older version stored it
        db.session.commit()
    response = candidate.get(url(dossier_id, f"pieces/{item.id}"), buffered=True)
    assert _served_name(response) == "attestation.pdf"
