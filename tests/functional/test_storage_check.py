"""`flask storage check [--fix]`: files no row references and leftover temporary files, older
than an hour, are listed (and removed with --fix); rows whose file is gone are reported."""

from __future__ import annotations

import io
import json
import os
import shutil
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.functional.dossier_flow import SWORN, complete_dossier, url
from tests.helpers import make_pdf, submit
from vae import storage
from vae.dossier.models import Attachment
from vae.dossier.submissions import Submission
from vae.extensions import db

HOURS_AGO = 2 * 3600


@pytest.fixture(autouse=True)
def _empty_upload_folder(app) -> None:
    """The session's upload folder keeps the files of earlier tests, whose rows are gone."""
    shutil.rmtree(_folder(app), ignore_errors=True)


def _folder(app) -> Path:
    return Path(app.config["UPLOAD_FOLDER"])


def _aged(path: Path, seconds: float = HOURS_AGO) -> Path:
    past = time.time() - seconds
    os.utime(path, (past, past))
    return path


def _stored_files(app) -> set[Path]:
    return {p for p in _folder(app).rglob("*") if p.is_file()}


def _age_everything(app) -> None:
    for path in _stored_files(app):
        _aged(path)


def _check(app, *args: str):
    return app.test_cli_runner().invoke(args=["storage", "check", *args])


def _submitted(app, candidate) -> str:
    dossier_id = complete_dossier(candidate)
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    return dossier_id


def test_orphans_and_leftovers_older_than_an_hour_are_listed_then_removed(app, candidate) -> None:
    _submitted(app, candidate)
    referenced = _stored_files(app)
    assert len(referenced) == 3  # two attestations and the submitted PDF
    orphan = storage.store(
        io.BytesIO(make_pdf()), "perdu.pdf", _folder(app)
    ).stored_name  # a file whose row never came (kill -9 between file and commit)
    orphan_path = storage.path_of(_folder(app), orphan)
    leftover = orphan_path.parent / ".upload-k9x2.tmp"
    leftover.write_bytes(b"%PDF-1.7 half written")
    _age_everything(app)
    fresh = orphan_path.parent / ".upload-en-cours.tmp"  # an upload under way right now
    fresh.write_bytes(b"%PDF-1.7 being written")

    result = _check(app)
    assert result.exit_code == 1, result.output
    assert f"fichier sans ligne dans la base : {orphan[:2]}/{orphan}" in result.output
    assert f"fichier temporaire abandonné : {orphan[:2]}/.upload-k9x2.tmp" in result.output
    assert "en-cours" not in result.output
    for path in referenced:
        assert path.name not in result.output
    assert orphan_path.exists() and leftover.exists()  # without --fix nothing is touched

    result = _check(app, "--fix")
    assert result.exit_code == 0, result.output
    assert "2 fichier(s) supprimé(s)." in result.output
    assert not orphan_path.exists() and not leftover.exists()
    assert fresh.exists()  # too young: left alone
    assert _stored_files(app) == referenced | {fresh}

    fresh.unlink()
    result = _check(app)
    assert result.exit_code == 0 and "Rien à signaler." in result.output


def test_the_age_limit_is_an_option(app, candidate) -> None:
    _submitted(app, candidate)
    stray = storage.store(io.BytesIO(make_pdf()), "x.pdf", _folder(app))
    path = _aged(storage.path_of(_folder(app), stray.stored_name), 10 * 60)
    assert _check(app).exit_code == 0  # ten minutes old: maybe an upload under way
    result = _check(app, "--older-than", "5", "--fix")
    assert result.exit_code == 0 and "1 fichier(s) supprimé(s)." in result.output
    assert not path.exists()


def test_referenced_files_are_never_removed_and_missing_ones_are_reported(app, candidate) -> None:
    dossier_id = _submitted(app, candidate)
    _age_everything(app)
    before = _stored_files(app)
    result = _check(app, "--older-than", "0", "--fix")
    assert result.exit_code == 0 and "0 fichier(s) supprimé(s)." in result.output
    assert _stored_files(app) == before
    with app.app_context():
        submission = db.session.scalar(
            select(Submission).where(Submission.dossier_id == uuid.UUID(dossier_id))
        )
        gone = submission.pdf_stored_name
        attachment = db.session.scalar(select(Attachment))
        kept = attachment.stored_name
    storage.path_of(_folder(app), gone).unlink()
    result = _check(app, "--fix")
    assert result.exit_code == 1  # not fixable: reported only
    assert f"fichier introuvable (cité par dossier_submissions.pdf_stored_name) : {gone}" in (
        result.output
    )
    assert storage.path_of(_folder(app), kept).exists()


def test_backup_reports_orphans_and_does_not_copy_them(app, candidate, tmp_path) -> None:
    _submitted(app, candidate)
    orphan = storage.store(io.BytesIO(make_pdf()), "perdu.pdf", _folder(app))
    _age_everything(app)
    dest = tmp_path / "sauvegarde"
    result = app.test_cli_runner().invoke(args=["backup", str(dest)])
    assert result.exit_code == 0, result.output
    relative = f"{orphan.stored_name[:2]}/{orphan.stored_name}"
    assert f"fichier sans ligne dans la base : {relative}" in result.output

    manifest = json.loads((dest / "manifest.json").read_text())
    assert manifest["orphan_files"] == [relative]
    assert relative not in manifest["uploads"]["files"]
    assert not (dest / "uploads" / relative).exists()
    assert manifest["uploads"]["file_count"] == 3
