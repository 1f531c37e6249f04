"""A draft is the candidate's alone until submitted; once submitted, staff reads it, and still
does when it comes back to the candidate for complements."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from tests.functional.dossier_flow import SWORN, complete_dossier, url
from tests.helpers import submit
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Attachment, Dossier
from vae.extensions import db
from vae.roles import Role


def _pages(app, dossier_id: str) -> list[str]:
    with app.app_context():
        attachment = db.session.scalar(
            select(Attachment.id).where(Attachment.dossier_id == uuid.UUID(dossier_id))
        )
    return [url(dossier_id, p) for p in ("recapitulatif", "historique", f"pieces/{attachment}")]


def test_staff_reads_a_dossier_from_its_submission_on(app, candidate, logged_in, make_user):
    from vae.review import operations as review
    from vae.review.models import DecisionKind

    staff, admin = logged_in(Role.STAFF), logged_in(Role.ADMIN)
    dossier_id = complete_dossier(candidate)
    pages = _pages(app, dossier_id)
    for page in pages:
        assert candidate.get(page, buffered=True).status_code == 200, page
        for client in (staff, admin):
            assert client.get(page, buffered=True).status_code == 404, page
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    for page in pages:
        for client in (staff, admin):
            assert client.get(page, buffered=True).status_code == 200, page
    officer = make_user(Role.STAFF, email="agent-complements@exemple.fr")
    with app.test_request_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        review.decide(
            dossier,
            DecisionKind.INCOMPLETE,
            officer=officer,
            lock_version=None,
            missing=["Bulletin de salaire de 2015"],
        )
        assert dossier.status == DossierStatus.INCOMPLETE and dossier.editable
    for page in pages:  # returned for complements: already submitted once, still staff's to read
        for client in (staff, admin):
            assert client.get(page, buffered=True).status_code == 200, page
