"""Personal data: export as a zip, deletion request, anonymisation after the retention period."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import UTC, datetime

from sqlalchemy import select

from tests.functional.dossier_flow import IDENTITY, SWORN, complete_dossier, start_dossier, url
from tests.helpers import login, message_body, outbox_messages, submit, text
from vae.audit import AuditEntry
from vae.auth.models import User
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.roles import Role


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


def test_mail_goes_to_the_account_address_not_the_identity_one(app, candidate) -> None:
    """A typo in the Identité step must not send the dossier PDF to a stranger."""
    assert candidate.user.email != IDENTITY["email"]
    dossier_id = complete_dossier(candidate)
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    messages = outbox_messages(app)
    receipt = next(m for m in messages if "déposé" in m["Subject"])
    assert receipt["To"] == candidate.user.email
    assert [m for m in messages if IDENTITY["email"] in str(m["To"])] == []
    # The identity email stays contact data shown to staff.
    with app.app_context():
        assert db.session.get(Dossier, uuid.UUID(dossier_id)).email == IDENTITY["email"]


def test_deletion_with_only_drafts_erases_the_account_at_once(app, candidate) -> None:
    draft = start_dossier(candidate)
    submit(candidate, url(draft, "identite"), IDENTITY)
    response = submit(candidate, "/mon-compte/suppression", {}, page="/mon-compte")
    assert response.status_code == 302 and response.headers["Location"].endswith("/connexion")
    html = text(candidate.get(response.headers["Location"]))
    assert "Vos données sont effacées\u00a0: 1 brouillon(s) et votre compte, qui est fermé" in html
    assert "Vous êtes déconnecté" in html
    assert candidate.get("/mon-compte").status_code == 302  # signed out
    refused = login(app.test_client(), candidate.user.email)
    assert refused.status_code == 200 and "Mes données" not in text(refused)
    with app.app_context():
        user = db.session.get(User, candidate.user.id)
        assert user.anonymised_at is not None and not user.active
        assert "Martin" not in user.last_name and candidate.user.email != user.email
        assert db.session.get(Dossier, uuid.UUID(draft)) is None
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.id)
        ).all()
        assert entries and {e.actor_label for e in entries} == {"Candidat (compte anonymisé)"}
        assert all(e.ip is None for e in entries)
    (message,) = [m for m in outbox_messages(app) if "suppression" in m["Subject"]]
    assert "Martin" not in message_body(message) and "anonymisé et fermé" in message_body(message)


def record_finding(app, staff, dossier_id: str, comment: str, valid: str = "non") -> None:
    """The officer's finding on the dossier's first activity, with an internal comment."""
    from tests.functional.test_review import activity_refs, post

    first = activity_refs(app, dossier_id)[0]
    data = {
        "activity_ref": first,
        f"f-{first}-activity_ref": first,
        f"f-{first}-lock_version": "{lock}",
        f"f-{first}-relevant": "oui",
        f"f-{first}-attestation_valid": valid,
        f"f-{first}-comment": comment,
    }
    assert post(staff, dossier_id, "constats", data, prefix=f"f-{first}-").status_code == 302


def test_export_labels_the_officers_notes(app, candidate, logged_in) -> None:
    dossier_id = complete_dossier(candidate)
    submit(candidate, url(dossier_id, "recapitulatif"), SWORN)
    record_finding(app, logged_in(Role.STAFF), dossier_id, "Attestation non signée, à redemander.")
    archive = zipfile.ZipFile(io.BytesIO(candidate.get("/mon-compte/donnees.zip").data))
    (dossier,) = json.loads(archive.read("donnees.json"))["dossiers"]
    (finding,) = dossier["constats"]
    assert finding["Notes du chargé de mission CPNEFP"] == "Attestation non signée, à redemander."
    assert "comment" not in finding and finding["attestation_valid"] is False
    # Nowhere else unlabelled: the history says a note exists, not what it says.
    assert "redemander" not in json.dumps(dossier["historique"], ensure_ascii=False)


def test_audit_entries_keep_the_role_and_show_the_current_name(app, candidate) -> None:
    dossier_id = complete_dossier(candidate)
    with app.app_context():
        entry = db.session.scalar(
            select(AuditEntry).where(
                AuditEntry.subject_id == dossier_id, AuditEntry.action == "attachment_added"
            )
        )
        assert entry.actor_role == "candidate" and entry.actor_id == candidate.user.id
        assert entry.actor_label == "Camille Martin (Candidat)"
        assert "attestation.pdf" not in entry.comment  # file names are personal data
        user = db.session.get(User, candidate.user.id)
        user.first_name = "Camilla"
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(AuditEntry, entry.id).actor_label == "Camilla Martin (Candidat)"
