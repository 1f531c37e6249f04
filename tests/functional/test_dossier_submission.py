"""Evidence, submission, snapshot, receipt, versions, quotas and who may see what."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from tests.functional.dossier_flow import (
    FULL_TIME_JOB,
    IDENTITY,
    SWORN,
    activity_ids,
    add_activity,
    complete_dossier,
    start_dossier,
    upload,
    url,
)
from tests.helpers import make_pdf, outbox_messages, pdf_text, submit, text
from vae.audit import AuditEntry
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Attachment, Dossier
from vae.dossier.submissions import Submission
from vae.extensions import db
from vae.roles import Role

EXE = b"MZ\x90\x00" + b"\x00" * 200


def test_upload_checks_content_type_size_and_emptiness(app, candidate) -> None:
    dossier_id = start_dossier(candidate)
    add_activity(candidate, dossier_id, FULL_TIME_JOB)
    (activity,) = activity_ids(candidate, dossier_id)
    target = f"a-{activity}"
    for content, name, message in [
        (EXE, "attestation.pdf", "Type de fichier non accepté"),
        (b"", "vide.pdf", "Le fichier est vide."),
        (b"%PDF-1.4\n/JavaScript (app.alert(1))\n%%EOF", "js.pdf", "contenu actif"),
    ]:
        response = upload(candidate, dossier_id, target, "employer_attestation", content, name)
        html = text(response)
        assert response.status_code == 200 and message in html, message
    big = b"%PDF-1.4\n" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = upload(candidate, dossier_id, target, "employer_attestation", big, "gros.pdf")
    assert response.status_code == 413
    assert "10 Mo" in text(response)
    with app.app_context():
        assert db.session.scalars(select(Attachment)).all() == []
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        assert len(dossier.activities) == 1  # nothing else lost


def test_upload_download_and_delete(app, candidate, logged_in) -> None:
    dossier_id = start_dossier(candidate)
    add_activity(candidate, dossier_id, FULL_TIME_JOB)
    (activity,) = activity_ids(candidate, dossier_id)
    pdf = make_pdf("Bulletins 2015")
    response = upload(
        candidate, dossier_id, f"a-{activity}", "payslips", pdf, "../../etc/bulletins.pdf"
    )
    assert response.status_code == 302
    with app.app_context():
        attachment = db.session.scalar(select(Attachment))
        assert attachment.display_name == "bulletins.pdf" and attachment.size == len(pdf)
        assert "/" not in attachment.stored_name and attachment.sha256
        stored = attachment.stored_name
    download = url(dossier_id, f"pieces/{attachment.id}")
    response = candidate.get(download, buffered=True)
    assert response.status_code == 200 and response.data == pdf
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    other = logged_in(Role.CANDIDATE)
    assert other.get(download).status_code == 404
    staff = logged_in(Role.STAFF)
    assert staff.get(download).status_code == 404  # a draft is the candidate's alone
    jury = logged_in(Role.JURY)
    assert jury.get(download).status_code == 404  # not on this dossier's jury
    submit(
        candidate,
        url(dossier_id, f"pieces/{attachment.id}/supprimer"),
        {},
        page=url(dossier_id, "pieces"),
    )
    assert candidate.get(download).status_code == 404
    from vae.dossier.operations import upload_folder

    with app.test_request_context():
        assert not any(upload_folder().rglob(stored))


def test_submission_needs_every_step(candidate) -> None:
    dossier_id = start_dossier(candidate)
    html = text(candidate.get(url(dossier_id, "recapitulatif")))
    assert "Avant de déposer votre dossier, complétez" in html
    assert "Choisissez la mention visée." in html
    response = submit(candidate, url(dossier_id, "recapitulatif"), SWORN)
    assert "Le dossier n'est pas complet" in text(response)


def test_sworn_statement_needs_every_box(candidate) -> None:
    dossier_id = complete_dossier(candidate)
    response = submit(candidate, url(dossier_id, "recapitulatif"), {"exact": "y"})
    html = text(response)
    assert "Le formulaire contient 3 erreurs" in html
    assert "Cochez cette case pour confirmer cet engagement." in html


def test_submit_freezes_a_snapshot_and_sends_a_receipt(app, candidate, fixed_clock) -> None:
    dossier_id = complete_dossier(candidate)
    response = submit(candidate, url(dossier_id, "recapitulatif"), SWORN)
    assert response.status_code == 302
    html = text(candidate.get(url(dossier_id, "recapitulatif")))
    assert "VAE-2026-000001" in html and "Version 1" in html
    with app.app_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        assert dossier.status == DossierStatus.SUBMITTED and dossier.number == "VAE-2026-000001"
        (submission,) = dossier.submissions
        snapshot = submission.snapshot
        assert snapshot["eligibility"]["relevant_fte_days"] == 1662.0
        assert snapshot["eligibility"]["eligible"] is True
        assert [s.key for s in submission.statements] == list(SWORN)
        assert all(s.accepted_at == fixed_clock for s in submission.statements)
        assert "exactes" in submission.statements[0].wording
        entries = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.subject_id == dossier_id, AuditEntry.action == "submitted"
            )
        ).all()
        assert [(e.from_state, e.to_state) for e in entries] == [("draft", "submitted")]
    pdf = candidate.get(url(dossier_id, "versions/1.pdf"), buffered=True)
    assert pdf.status_code == 200
    content = pdf_text(pdf.data)
    assert "VAE-2026-000001" in content and "Mutuelle du Midi" in content
    receipt = next(m for m in outbox_messages(app) if "déposé" in m["Subject"])
    assert receipt["To"] == candidate.user.email  # the verified address, not the typed one
    attachment = next(receipt.iter_attachments())
    assert attachment.get_filename() == "VAE-2026-000001-v1.pdf"
    assert "VAE-2026-000001" in pdf_text(attachment.get_content())


def test_submitted_dossier_is_read_only(app, candidate) -> None:
    dossier_id = complete_dossier(candidate)
    submit(candidate, url(dossier_id, "recapitulatif"), SWORN)
    response = submit(
        candidate,
        url(dossier_id, "identite"),
        {**IDENTITY, "city": "Nantes"},
        page=url(dossier_id, "recapitulatif"),
    )
    assert response.status_code == 302 and "recapitulatif" in response.headers["Location"]
    response = candidate.get(url(dossier_id, "experience/nouvelle"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Dossier, uuid.UUID(dossier_id)).city == "Paris"


def test_complements_make_a_new_version_and_keep_the_old_one(app, candidate) -> None:
    dossier_id = complete_dossier(candidate)
    submit(candidate, url(dossier_id, "recapitulatif"), SWORN)
    with app.app_context():  # the CPNEFP asks for complements (review feature)
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        dossier.status = DossierStatus.INCOMPLETE
        db.session.commit()
        first_file = db.session.scalars(select(Attachment)).first()
        first_name, first_id = first_file.stored_name, first_file.id
    activity = first_file.activity_id
    submit(
        candidate,
        url(dossier_id, f"pieces/{first_id}/supprimer"),
        {},
        page=url(dossier_id, "pieces"),
    )
    upload(candidate, dossier_id, f"a-{activity}", "payslips", make_pdf("Bulletins"))
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    with app.app_context():
        versions = db.session.scalars(select(Submission).order_by(Submission.version)).all()
        assert [v.version for v in versions] == [1, 2]
        old = db.session.get(Attachment, first_id)
        assert old.removed_at is not None and old.submitted_in == 1  # kept for version 1
        assert db.session.get(Dossier, uuid.UUID(dossier_id)).number == "VAE-2026-000001"
    assert first_name
    assert candidate.get(url(dossier_id, "versions/1.pdf"), buffered=True).status_code == 200
    assert candidate.get(url(dossier_id, f"pieces/{first_id}"), buffered=True).status_code == 200


def test_quota_three_certifications_a_year(app, candidate) -> None:
    for code, option in (("cqp-dam", None), ("gpac", None), ("cmc", None)):
        dossier_id = complete_dossier(candidate, code, option)
        assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    html = text(candidate.get("/dossiers/nouveau"))
    assert "Attention" in html
    response = submit(candidate, "/dossiers/nouveau", {"certification": "cqp-gap"})
    assert response.status_code == 200
    assert "trois" in text(response)


def test_other_people_see_nothing(app, candidate, logged_in) -> None:
    dossier_id = complete_dossier(candidate)
    (activity,) = activity_ids(candidate, dossier_id)[:1]
    pages = [
        "",
        "certification",
        "identite",
        "experience",
        "experience/nouvelle",
        f"experience/{activity}",
        f"experience/{activity}/attestation.pdf",
        "formation",
        "formation/nouvelle",
        "cv",
        "pieces",
        "recapitulatif",
    ]
    other = logged_in(Role.CANDIDATE)
    for page in pages:
        assert other.get(url(dossier_id, page)).status_code == 404, page
    staff = logged_in(Role.STAFF)
    for page in pages:
        # A draft is the candidate's alone: staff see nothing of it until it is submitted.
        assert staff.get(url(dossier_id, page)).status_code in (403, 404), page
    jury = logged_in(Role.JURY)
    assert jury.get(url(dossier_id, "recapitulatif")).status_code == 403
    assert candidate.get(url(str(uuid.uuid4()), "identite")).status_code == 404
    response = submit(other, url(dossier_id, "identite"), IDENTITY, page="/dossiers/")
    assert response.status_code == 404


def test_dashboard_shows_status_and_next_action(candidate) -> None:
    dossier_id = complete_dossier(candidate)
    html = text(candidate.get("/dossiers/"))
    assert "Relire et déposer le dossier" in html
    submit(candidate, url(dossier_id, "recapitulatif"), SWORN)
    html = text(candidate.get("/dossiers/"))
    assert "Déposé, en cours d'examen" in html and "VAE-2026-000001" in html


def test_fixed_clock_is_used(fixed_clock) -> None:
    import vae.clock

    assert vae.clock.now() == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
