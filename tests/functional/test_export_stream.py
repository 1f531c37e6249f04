"""Queue exports streamed: every row once (no cut-off), read in batches, no temporary file left."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bench.seed import seed
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.review import export_rows, queue
from vae.roles import Role

DOSSIERS = 7
XLSX = "/cpnefp/dossiers/export.xlsx"
CSV = "/cpnefp/dossiers/export.csv"


@pytest.fixture
def seeded(app: Any) -> list[str]:
    """Seven submitted dossiers (and a draft the queue does not show); their numbers."""
    with app.app_context():
        seed(db.engine, DOSSIERS)
        return sorted(
            db.session.scalars(select(Dossier.number).where(Dossier.status != DossierStatus.DRAFT))
        )


@pytest.fixture
def officer(logged_in, fixed_clock):
    return logged_in(Role.STAFF)


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 2 rows, and the old 100,000-row cut-off brought down to 3 rows."""
    monkeypatch.setattr(export_rows, "BATCH", 2)
    monkeypatch.setattr(queue, "EXPORT_LIMIT", 3, raising=False)


@pytest.fixture
def temp_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Where :mod:`tempfile` (so the XLSX export) puts its files during the test."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def sheet_numbers(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    return sorted(n for n in __import__("re").findall(r"VAE-\d{4}-\d{6}", sheet))


def test_csv_export_is_streamed_with_every_row_once(seeded, officer, small_batches) -> None:
    response = officer.get(CSV)
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Disposition"] == 'attachment; filename="dossiers.csv"'
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "N° de dossier"
    assert sorted(r[0] for r in rows[1:]) == seeded and len(seeded) == DOSSIERS


def test_csv_export_keeps_the_queue_order_across_batches(seeded, officer, small_batches) -> None:
    response = officer.get(CSV + "?tri=numero")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == seeded


def test_xlsx_export_is_streamed_with_every_row_and_no_file_left(
    seeded, officer, small_batches, temp_dir
) -> None:
    response = officer.get(XLSX)
    assert response.status_code == 200 and response.is_streamed
    assert sheet_numbers(response.data) == seeded
    assert list(temp_dir.iterdir()) == []


def test_abandoned_xlsx_download_leaves_no_file(seeded, officer, temp_dir) -> None:
    response = officer.get(XLSX, buffered=False)
    chunks = iter(response.response)
    assert next(chunks).startswith(b"PK")  # a zip: the workbook is being sent
    assert [p.suffix for p in temp_dir.iterdir()] == [".xlsx"]
    response.close()  # what the server does when the client goes away
    assert list(temp_dir.iterdir()) == []


@pytest.mark.parametrize("path", [CSV, XLSX])
def test_streamed_exports_are_for_officers_only(seeded, client, logged_in, path) -> None:
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/connexion" in anonymous.headers["Location"]
    for role in (Role.CANDIDATE, Role.JURY):
        assert logged_in(role).get(path).status_code == 403
