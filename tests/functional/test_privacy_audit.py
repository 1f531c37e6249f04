"""Anonymisation checked as an auditor would: the whole journey, then every table and file searched.

The candidate's data are distinctive strings (ASCII, so that no encoding hides them); after the
anonymisation none of them may remain anywhere: not in any table (reflected from the database
itself, so a table added tomorrow is searched too), not in any file of the instance folder
(uploads, outbox messages with their attachments, the SQLite files), not in any PDF's text.
"""

from __future__ import annotations

import email
import email.policy
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, select

from tests.functional.dossier_flow import (
    FULL_TIME_JOB,
    HALF_TIME_JOB,
    SWORN,
    activity_ids,
    add_activity,
    start_dossier,
    upload,
    url,
)
from tests.functional.jury_flow import STORY, compose, member, signed
from tests.functional.test_privacy import record_finding
from tests.helpers import make_pdf, outbox_messages, pdf_text, submit, text
from vae import storage
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.jury.models import AcquiredBlock, MemberKind
from vae.roles import Role

ACCOUNT = {
    "email": "zephyrine.quark@exemple.fr",
    "first_name": "Zephyrine",
    "last_name": "Quarkdottir",
}
IDENTITY = {
    "last_name": "Quarkdottir",
    "first_name": "Zephyrine",
    "address": "77 allee des Zinnias",
    "postcode": "97411",
    "city": "Trifouillis",
    "phone": "07 98 76 54 32",
    "email": "zq.contact@exemple.fr",
}
JOBS = [
    {
        **FULL_TIME_JOB,
        "title": "Coordinatrice Wombatique",
        "employer_name": "Mutuelle Quokkaland",
        "employer_address": "3 impasse Okapi, 31000 Toulouse",
        "main_activities": "Suivi des dossiers Narvalesques.",
    },
    {**HALF_TIME_JOB, "title": "Conseillere Lemurienne", "employer_name": "Mutuelle Quokkaland"},
]
FILE_NAME = "attestation-zq-bulletin.pdf"
FINDING = "Remarque Ornithorynque sur le poste"
SITUATION = "Situation Capybara"
NEEDLES = [
    "quarkdottir",
    "zephyrine",
    "zinnias",
    "trifouillis",
    "98 76 54 32",
    "zq.contact",
    "wombatique",
    "lemurienne",
    "quokkaland",
    "okapi",
    "narvalesque",
    "xylophoniste",
    "pangolin",
    "attestation-zq",
    "ornithorynque",
    "capybara",
    "axolotl",
    "quagga",
    "suricate",
    "tatouvelu",
]
# Searched after anonymisation only: forms the data might take once normalised elsewhere.
OTHER_FORMS = ["98765432", "zephyrine.quark", "zephyrine quarkdottir", "quarkdottir zephyrine"]
DECIDED = datetime(2026, 11, 24, 10, tzinfo=UTC)
PROCLAIMED = datetime(2027, 2, 1, 10, tzinfo=UTC)


def at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    import vae.clock

    monkeypatch.setattr(vae.clock, "now", lambda: moment)


def journey(app, logged_in, make_user, session_id, monkeypatch) -> tuple[str, Any, Any]:
    """Sign up, fill, submit, finding and decision, livret 2, jury, proclamation (later)."""
    from vae.livret2 import operations as l2
    from vae.review import operations as review
    from vae.review.models import DecisionKind

    at(monkeypatch, DECIDED)
    candidate = logged_in(Role.CANDIDATE, **ACCOUNT)
    dossier_id = start_dossier(candidate)
    submit(candidate, url(dossier_id, "certification"), {"option": "sante"})
    submit(candidate, url(dossier_id, "identite"), IDENTITY)
    # An accompagnateur invited (their address and structure), and a comment on a step.
    invitation = {"email": "quagga.mentor@relais.fr", "structure": "Relais Suricate"}
    assert submit(candidate, url(dossier_id, "accompagnateurs"), invitation).status_code == 302
    remark = {"comment-target": "etape:identite", "comment-body": "Relu avec Tatouvelu."}
    posted = submit(
        candidate,
        url(dossier_id, "commentaires"),
        remark,
        page=url(dossier_id, "identite"),
        token_field="comment-csrf_token",
    )
    assert posted.status_code == 302
    for job in JOBS:
        assert add_activity(candidate, dossier_id, job).status_code == 302
    education = {"diplomas_prepared": "BTS Xylophoniste", "diplomas_obtained": "Licence Pangolin"}
    submit(candidate, url(dossier_id, "formation"), education)
    submit(candidate, url(dossier_id, "cv"), {"cv": "Dix ans chez Quokkaland."})
    for activity_id in activity_ids(candidate, dossier_id):
        content = make_pdf("Attestation de Zephyrine Quarkdottir")
        response = upload(
            candidate, dossier_id, f"a-{activity_id}", "employer_attestation", content, FILE_NAME
        )
        assert response.status_code == 302
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    staff = logged_in(Role.STAFF)
    record_finding(app, staff, dossier_id, FINDING, valid="oui")
    with app.test_request_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        officer = staff.user
        review.decide(
            dossier,
            DecisionKind.RECEVABLE,
            officer=officer,
            lock_version=None,
            comment="Recevable, bravo Zephyrine.",
            livret2_due=date(2027, 5, 24),
        )
        livret = l2.open_livret(dossier, officer)
        for block in dossier.referential.blocks:
            l2.save_situation(
                dossier,
                livret,
                None,
                {
                    "block_code": block.code,
                    "activity_code": None,
                    "title": f"{SITUATION} {block.code}",
                    "employer": "Mutuelle Quokkaland",
                    "context": f"{STORY} Avec l'equipe Axolotl.",
                    "competencies": [block.competencies[0].code],
                },
            )
        l2.submit(dossier, livret, officer)
    certifier, certifier_user = member(app, make_user, MemberKind.CERTIFIER)
    professional, professional_user = member(app, make_user, MemberKind.PROFESSIONAL)
    assert compose(staff, dossier_id, session_id, certifier, professional).status_code == 302
    signed(app, (dossier_id, certifier_user, professional_user, staff), {"D1", "D2", "D3"})
    at(monkeypatch, PROCLAIMED)
    results = {f"D{i}__result": "1" if i <= 3 else "0" for i in range(1, 6)}
    response = submit(
        staff,
        f"/cpnefp/dossiers/{dossier_id}/proclamation",
        {"proclaimed_on": "2027-02-01", **results},
    )
    assert response.status_code == 302, text(response)[:2000]
    return dossier_id, candidate, staff


def database_text() -> str:
    """Every row of every table of the database, as text, lower-cased."""
    metadata = MetaData()
    metadata.reflect(bind=db.engine)
    with db.engine.connect() as connection:
        rows = [
            f"{table.name} {tuple(row)}"
            for table in sorted(metadata.tables.values(), key=lambda t: t.name)
            for row in connection.execute(select(table))
        ]
    return "\n".join(rows).lower()


def file_text(data: bytes) -> str:
    """What a reader finds in a file: its bytes, a PDF's text, a message's decoded parts."""
    found = [data.decode("latin-1")]
    if data.startswith(b"%PDF"):
        found.append(pdf_text(data))
    elif data.startswith((b"SQLite format 3", b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")):
        pass  # a database or its log, read above (its outbox rows hold messages: not one itself)
    elif b"\nMIME-Version:" in data or data.startswith((b"From:", b"Content-Type:")):
        message = email.message_from_bytes(data, policy=email.policy.default)
        found.append(str(message["To"]) + str(message["Subject"]))
        for part in message.walk():
            if part.is_multipart():
                continue
            payload = part.get_payload(decode=True) or b""
            found.append(file_text(payload))
    return "\n".join(found).lower()


def instance_files(app) -> set[str]:
    """Every file of the instance folders and, with the S3 backend, every object of the bucket
    (as ``s3://bucket/key``)."""
    roots = {app.instance_path, app.config["UPLOAD_FOLDER"], app.config["MAIL_OUTBOX"]}
    found = {str(path) for root in roots for path in Path(root).rglob("*") if path.is_file()}
    if app.config.get("STORAGE_BACKEND") == "s3":
        bucket = app.config["S3_BUCKET"]
        found |= {f"s3://{bucket}/{entry.key}" for entry in _bucket(app).iter_names()}
    return found


def _bucket(app) -> storage.S3Backend:
    """The whole bucket (every prefix), with the app's client."""
    with app.app_context():
        return storage.S3Backend(storage.configured.s3("").client, app.config["S3_BUCKET"])


def _read(app, name: str) -> bytes:
    if name.startswith("s3://"):
        return _bucket(app).read(name.split("/", 3)[3])
    return Path(name).read_bytes()


def instance_text(app, skip: set[str] = frozenset()) -> dict[str, str]:
    """The text of every file of the instance but ``skip`` (other tests' uploads)."""
    kept = {p for p in instance_files(app) if p not in skip or ".sqlite3" in p}
    return {name: file_text(_read(app, name)) for name in sorted(kept)}


def test_the_auditor_finds_the_candidate_everywhere_before(
    app, logged_in, make_user, session_id, monkeypatch
) -> None:
    """The search is able to find them: without anonymisation, they are everywhere."""
    _dossier_id, _candidate, _staff = journey(app, logged_in, make_user, session_id, monkeypatch)
    with app.app_context():
        dump = database_text()
    files = "\n".join(instance_text(app).values())
    for needle in NEEDLES:
        assert needle in dump, needle
    for needle in ("quarkdottir", "zinnias", "attestation-zq", "zephyrine.quark"):
        assert needle in files, needle
    assert any(m["To"] == ACCOUNT["email"] for m in outbox_messages(app))


def test_after_anonymisation_no_table_or_file_holds_the_candidate(
    app, logged_in, make_user, session_id, monkeypatch
) -> None:
    anonymisation_leaves_nothing(app, logged_in, make_user, session_id, monkeypatch)


def test_after_anonymisation_no_object_of_the_bucket_holds_the_candidate(
    app, logged_in, make_user, session_id, monkeypatch, on_s3
) -> None:
    """The same audit with the S3 backend: the bucket is read as well as the folders."""
    anonymisation_leaves_nothing(app, logged_in, make_user, session_id, monkeypatch)


def anonymisation_leaves_nothing(app, logged_in, make_user, session_id, monkeypatch) -> None:
    others = instance_files(app)
    dossier_id, candidate, staff = journey(app, logged_in, make_user, session_id, monkeypatch)
    with app.app_context():  # downloaded certificates are cached (vae.storage.pdf_cache)
        blocks = db.session.scalars(select(AcquiredBlock.id)).all()
    for block_id in blocks:
        certificate = candidate.get(f"/certificats/bloc/{block_id}.pdf")
        assert certificate.status_code in (200, 404)
    assert any("pdf-cache" in str(p) for p in instance_files(app) - others)
    assert submit(candidate, "/mon-compte/suppression", {}, page="/mon-compte").status_code == 302
    at(monkeypatch, datetime(2032, 2, 2, 9, tzinfo=UTC))
    page = f"/cpnefp/dossiers/{dossier_id}"
    assert submit(staff, f"{page}/anonymiser", {}, page=page).status_code == 302
    assert "Dossier anonymisé" in text(staff.get(page))
    with app.app_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        assert dossier.status == DossierStatus.PROCLAIMED and dossier.anonymised_at is not None
        dump = database_text()
    leaks = [n for n in NEEDLES + OTHER_FORMS if n in dump]
    assert leaks == [], [line for line in dump.splitlines() if any(n in line for n in leaks)][:5]
    for path, content in instance_text(app, others).items():
        leaks = [n for n in NEEDLES + OTHER_FORMS if n in content]
        assert leaks == [], (path, leaks)
    # The trail keeps who (role), what and when; the candidate shows as an anonymised account.
    html = text(staff.get(page))
    assert "Candidat (compte anonymisé)" in html and "<td>Anonymisation</td>" in html
    assert "<td>Résultats proclamés</td>" in html


def test_retention_counts_from_the_proclamation(
    app, logged_in, make_user, session_id, monkeypatch
) -> None:
    """Decided on 24/11/2026, proclaimed on 01/02/2027: kept until 01/02/2032, not 24/11/2031."""
    dossier_id, _candidate, staff = journey(app, logged_in, make_user, session_id, monkeypatch)
    at(monkeypatch, datetime(2031, 12, 1, 9, tzinfo=UTC))
    page = f"/cpnefp/dossiers/{dossier_id}"
    submit(staff, f"{page}/anonymiser", {}, page=page)
    assert "La durée de conservation court jusqu'au 01/02/2032." in text(staff.get(page))
    with app.app_context():
        assert db.session.get(Dossier, uuid.UUID(dossier_id)).anonymised_at is None
