"""Certificates are built from frozen data once, kept by content hash, and erased with their
holder's personal data."""

from __future__ import annotations

from sqlalchemy import select

from tests.functional.jury_flow import proclaimed_journey
from tests.helpers import pdf_text
from vae.auth.models import User
from vae.extensions import db
from vae.jury import documents
from vae.jury.models import AcquiredBlock
from vae.storage import pdf_cache


def _count_builds(monkeypatch, name: str) -> list[int]:
    """Count the real builder's calls (it still builds the PDF)."""
    calls: list[int] = []
    real = getattr(documents, name)

    def counted(data):
        calls.append(1)
        return real(data)

    monkeypatch.setattr(documents, name, counted)
    return calls


def test_a_certificate_is_built_once_then_read_from_the_cache(
    app, candidate, make_user, logged_in, session_id, monkeypatch
) -> None:
    proclaimed_journey(app, candidate, make_user, logged_in, session_id)
    with app.app_context():
        block = db.session.scalar(select(AcquiredBlock).where(AcquiredBlock.block_code == "D1"))
        block_id, holder_id = block.id, block.candidate_id
    calls = _count_builds(monkeypatch, "block_certificate_pdf")
    path = f"/certificats/bloc/{block_id}.pdf"
    first = candidate.get(path)
    second = candidate.get(path)
    assert first.status_code == second.status_code == 200
    assert first.data == second.data and first.data.startswith(b"%PDF")
    assert len(calls) == 1
    with app.app_context():
        folder = pdf_cache.cache_folder() / holder_id.hex
        assert [p.read_bytes() for p in folder.iterdir()] == [first.data]
        # A change of what the certificate prints is seen at once: new content, new build.
        db.session.get(User, holder_id).last_name = "Nouveaunom"
        db.session.commit()
    renamed = candidate.get(path)
    assert len(calls) == 2 and "nouveaunom" in pdf_text(renamed.data).lower()
    assert candidate.get(path).data == renamed.data and len(calls) == 2
