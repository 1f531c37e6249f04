"""Personal data: export as a zip, deletion request, anonymisation after the retention period."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import UTC, datetime

from sqlalchemy import select

from tests.functional.dossier_flow import SWORN, complete_dossier, start_dossier, url
from tests.helpers import outbox_messages, submit, text
from vae.access import Role
from vae.audit import AuditEntry
from vae.auth.models import User
from vae.dossier.models import Dossier, DossierStatus
from vae.extensions import db


def test_export_holds_everything_and_the_files(app, candidate) -> None:
    dossier_id = complete_dossier(candidate)
    submit(candidate, url(dossier_id, "recapitulatif"), SWORN)
    response = candidate.get("/mon-compte/donnees.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("donnees.json"))
    assert data["compte"]["email"] == candidate.user.email
    assert "password_hash" not in data["compte"] and "session_token" not in data["compte"]
    (dossier,) = data["dossiers"]
    assert dossier["number"] == "VAE-2026-000001" and len(dossier["activites"]) == 2
    assert dossier["depots"][0]["snapshot"]["eligibility"]["relevant_fte_days"] == 1662.0
    names = archive.namelist()
    assert "dossier-VAE-2026-000001/depots/version-1.pdf" in names
    assert sum(1 for n in names if "/pieces/" in n) == 2
    with app.app_context():
        assert db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "personal_data_exported")
        )


def test_deletion_request_erases_drafts_and_tells_the_cpnefp(app, candidate) -> None:
    draft = start_dossier(candidate, "cmc")
    kept = complete_dossier(candidate)
    submit(candidate, url(kept, "recapitulatif"), SWORN)
    response = submit(candidate, "/mon-compte/suppression", {}, page="/mon-compte")
    assert response.status_code == 302
    assert "1 brouillon(s) effacé(s)" in text(candidate.get("/mon-compte"))
    with app.app_context():
        assert db.session.get(Dossier, uuid.UUID(draft)) is None
        assert db.session.get(Dossier, uuid.UUID(kept)) is not None
        assert db.session.get(User, candidate.user.id).deletion_requested_at is not None
    assert any("suppression" in m["Subject"] for m in outbox_messages(app))


def test_anonymisation_after_retention_keeps_decisions(app, candidate, logged_in, monkeypatch):
    import vae.clock
    from tests.functional.test_review import post

    dossier_id = complete_dossier(candidate)
    submit(candidate, url(dossier_id, "recapitulatif"), SWORN)
    staff = logged_in(Role.STAFF)
    post(
        staff,
        dossier_id,
        "decision",
        {
            "decision-lock_version": "{lock}",
            "decision-kind": "non_recevable",
            "decision-reason": "experience_duration",
            "decision-comment": "Moins de trois ans.",
        },
        prefix="decision-",
    )
    submit(candidate, "/mon-compte/suppression", {}, page="/mon-compte")
    anonymise = f"/cpnefp/dossiers/{dossier_id}/anonymiser"
    submit(staff, anonymise, {}, page=f"/cpnefp/dossiers/{dossier_id}")
    assert "La durée de conservation court jusqu'au 24/11/2031" in text(
        staff.get(f"/cpnefp/dossiers/{dossier_id}")
    )
    monkeypatch.setattr(vae.clock, "now", lambda: datetime(2031, 12, 1, 9, tzinfo=UTC))
    assert submit(staff, anonymise, {}, page=f"/cpnefp/dossiers/{dossier_id}").status_code == 302
    with app.app_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        assert dossier.last_name == "Anonymisé" and dossier.email == "" and dossier.cv == ""
        assert dossier.status == DossierStatus.NON_RECEVABLE  # the decision stays
        assert dossier.submissions[0].snapshot["eligibility"]["relevant_fte_days"] == 1662.0
        assert dossier.submissions[0].snapshot["identity"]["last_name"] == "Anonymisé"
        assert all(a.display_name == "fichier supprimé" for a in dossier.attachments)
        user = db.session.get(User, candidate.user.id)
        assert user.anonymised_at is not None and not user.active
        assert "Camille" not in user.first_name
    html = text(staff.get("/cpnefp/dossiers?q=martin"))
    assert "Aucun dossier" in html


def test_only_closed_dossiers_are_anonymised(app, candidate, logged_in) -> None:
    dossier_id = complete_dossier(candidate)
    submit(candidate, url(dossier_id, "recapitulatif"), SWORN)
    staff = logged_in(Role.STAFF)
    page = f"/cpnefp/dossiers/{dossier_id}"
    submit(staff, f"{page}/anonymiser", {}, page=page)
    assert "Seul un dossier clos peut être anonymisé." in text(staff.get(page))
