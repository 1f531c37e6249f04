"""Exports of the staff queue (vae.review.export): CSV read back with csv, XLSX with zipfile."""

from __future__ import annotations

import csv
import enum
import io
import re
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vae.review.export import COLUMNS, column_letter, excel_serial, queue_csv, queue_xlsx

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
HEADERS = [
    "N° de dossier",
    "Candidat",
    "Adresse électronique",
    "Certification",
    "Option ou mention",
    "Déposé le",
    "État",
    "Échéance légale",
    "Jours restants",
    "Chargé de mission",
]
REQUIRED_PARTS = {
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/worksheets/sheet1.xml",
    "xl/styles.xml",
}


class Status(enum.StrEnum):
    SUBMITTED = "submitted"

    @property
    def label(self) -> str:
        return "Déposé, à examiner"


def row(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": "VAE-2026-00042",
        "candidate": "Élise Dupont",
        "email": "elise@example.fr",
        "certification": "CQP Spécialiste prestations",
        "option": "Santé",
        "submitted_on": date(2026, 11, 24),
        "status": "Déposé",
        "due_on": date(2027, 1, 24),
        "days_left": 61,
        "officer": "Sophie Bernard",
    }
    data.update(overrides)
    return data


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


# --------------------------------------------------------------------------- CSV


def test_csv_headers_separator_line_ends_and_values() -> None:
    data = queue_csv([row(), row(number="VAE-2026-00043", option=None, days_left=-3)])
    assert data.startswith("\ufeffN° de dossier;Candidat;".encode())
    assert data.count(b"\r\n") == 3 and data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    header, first, second = read_csv(data)
    assert header == HEADERS
    assert first == [
        "VAE-2026-00042",
        "Élise Dupont",
        "elise@example.fr",
        "CQP Spécialiste prestations",
        "Santé",
        "24/11/2026",
        "Déposé",
        "24/01/2027",
        "61",
        "Sophie Bernard",
    ]
    assert second[0] == "VAE-2026-00043"
    assert second[4] == ""  # None is empty
    assert second[8] == "-3"  # a number is never guarded


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_guards_formula_injection(start: str) -> None:
    payload = f'{start}HYPERLINK("http://evil.example";"clic")'
    (_, line) = read_csv(queue_csv([row(candidate=payload, number="-12")]))
    assert line[1] == "'" + payload
    assert line[0] == "'-12"  # text that looks like a number is still text


def test_csv_leaves_harmless_text_alone() -> None:
    (_, line) = read_csv(queue_csv([row(candidate="Dupont = Durand", email="a@b.fr")]))
    assert line[1] == "Dupont = Durand"
    assert line[2] == "a@b.fr"


def test_csv_round_trips_accents_quotes_separators_and_newlines() -> None:
    tricky = 'Zoë « l\'Haÿ-les-Roses » ; "guillemets"\nsur deux lignes — œ ß €'
    (_, line) = read_csv(queue_csv([row(candidate=tricky)]))
    assert line[1] == tricky


def test_csv_other_types() -> None:
    moment = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)  # 10 h 30 in Paris
    rows = [
        row(
            status=Status.SUBMITTED,
            submitted_on=moment,
            days_left=2.5,
            officer=True,
            option=Decimal("12.50"),
            email=float("nan"),
        )
    ]
    (_, line) = read_csv(queue_csv(rows))
    assert line[6] == "Déposé, à examiner"
    assert line[5] == "24/11/2026 10:30"
    assert line[8] == "2,5"
    assert line[9] == "Oui"
    assert line[4] == "12,50"
    assert line[2] == ""


def test_csv_custom_columns_and_missing_keys() -> None:
    data = queue_csv([{"number": "A"}, {}], columns=[("number", "N°"), ("nope", "Autre")])
    assert read_csv(data) == [["N°", "Autre"], ["A", ""], ["", ""]]


def test_csv_drops_characters_a_spreadsheet_cannot_hold() -> None:
    (_, line) = read_csv(queue_csv([row(candidate="a\x00b\x07c\ud800d")]))
    assert line[1] == "abcd"


def test_csv_of_no_rows_is_the_header_only() -> None:
    assert read_csv(queue_csv([])) == [HEADERS]


# --------------------------------------------------------------------------- XLSX


def open_xlsx(data: bytes) -> zipfile.ZipFile:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert set(archive.namelist()) >= REQUIRED_PARTS
    for name in archive.namelist():
        ET.fromstring(archive.read(name))  # every part is well-formed XML
    return archive


def sheet_cells(data: bytes) -> dict[str, tuple[str | None, str | None, str]]:
    """``{"A1": (type, style, value)}`` with the inline string's text as the value."""
    root = ET.fromstring(open_xlsx(data).read("xl/worksheets/sheet1.xml"))
    cells = {}
    for cell in root.iterfind(".//m:sheetData/m:row/m:c", NS):
        if cell.get("t") == "inlineStr":
            value = "".join(t.text or "" for t in cell.iterfind("m:is/m:t", NS))
        else:
            value = cell.findtext("m:v", "", NS)
        cells[cell.get("r")] = (cell.get("t"), cell.get("s"), value)
    return cells


def cell_formats(data: bytes) -> list[tuple[str, bool]]:
    """Per cell style index: its number format code (``General`` by default) and boldness."""
    root = ET.fromstring(open_xlsx(data).read("xl/styles.xml"))
    codes = {f.get("numFmtId"): f.get("formatCode") for f in root.iterfind(".//m:numFmt", NS)}
    bold = [f.find("m:b", NS) is not None for f in root.iterfind("m:fonts/m:font", NS)]
    return [
        (codes.get(xf.get("numFmtId"), "General"), bold[int(xf.get("fontId"))])
        for xf in root.iterfind("m:cellXfs/m:xf", NS)
    ]


def test_xlsx_is_a_valid_package() -> None:
    data = queue_xlsx([row()])
    archive = open_xlsx(data)
    types = archive.read("[Content_Types].xml").decode()
    assert "/xl/workbook.xml" in types and "/xl/worksheets/sheet1.xml" in types
    assert "/xl/styles.xml" in types
    rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    assert 'Target="worksheets/sheet1.xml"' in rels and 'Target="styles.xml"' in rels
    assert 'Target="xl/workbook.xml"' in archive.read("_rels/.rels").decode()
    workbook = ET.fromstring(archive.read("xl/workbook.xml"))
    assert [s.get("name") for s in workbook.iterfind(".//m:sheet", NS)] == ["Dossiers"]
    assert queue_xlsx([row()]) == data  # deterministic


def test_xlsx_header_row_is_bold_text() -> None:
    data = queue_xlsx([row()])
    cells, formats = sheet_cells(data), cell_formats(data)
    for index, header in enumerate(HEADERS):
        kind, style, value = cells[f"{column_letter(index)}1"]
        assert (kind, value) == ("inlineStr", header)
        assert formats[int(style or 0)][1] is True
    assert formats[0][1] is False


def test_xlsx_dates_are_serial_numbers_with_a_date_format() -> None:
    assert excel_serial(date(2026, 11, 24)) == 46350
    assert excel_serial(datetime(2026, 11, 24, 12)) == 46350.5
    data = queue_xlsx([row()])
    cells, formats = sheet_cells(data), cell_formats(data)
    kind, style, value = cells["F2"]
    assert kind is None and value == "46350"
    assert formats[int(style or 0)][0] == "dd/mm/yyyy"
    assert cells["H2"][2] == "46411"  # 2027-01-24


def test_xlsx_dates_before_march_1900_are_text() -> None:
    cells = sheet_cells(queue_xlsx([row(submitted_on=date(1899, 1, 1))]))
    assert cells["F2"] == ("inlineStr", None, "01/01/1899")


def test_xlsx_datetimes_are_paris_time() -> None:
    data = queue_xlsx([row(submitted_on=datetime(2026, 11, 24, 11, tzinfo=UTC))])
    _, style, value = sheet_cells(data)["F2"]
    assert float(value) == 46350.5  # noon in Paris
    assert cell_formats(data)[int(style or 0)][0] == "dd/mm/yyyy hh:mm"


def test_xlsx_numbers_are_numeric_and_text_is_inline() -> None:
    rows = [row(days_left=-3, option=2.5, officer=Decimal("12.50")), row(days_left=None)]
    cells = sheet_cells(queue_xlsx(rows))
    assert cells["I2"] == (None, None, "-3")
    assert cells["E2"] == (None, None, "2.5")
    assert cells["J2"] == (None, None, "12.50")
    assert "I3" not in cells  # None: no cell
    assert cells["A2"] == ("inlineStr", None, "VAE-2026-00042")
    assert cells["B2"][2] == "Élise Dupont"


def test_xlsx_escapes_text_and_keeps_formula_like_text_as_is() -> None:
    hostile = "=HYPERLINK(\"http://evil.example\")</t></is><f>1+1</f> & <b> 'quote'"
    data = queue_xlsx([row(candidate=hostile, email="  a\nb  ", officer="x\x00y\x1f\ufffez\ud800")])
    cells = sheet_cells(data)
    assert cells["B2"] == ("inlineStr", None, hostile)
    assert cells["C2"][2] == "  a\nb  "
    assert cells["J2"][2] == "xyz"
    sheet = open_xlsx(data).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet


def test_xlsx_sheet_title_is_made_acceptable() -> None:
    data = queue_xlsx([], sheet_title="File [active]: 2026/11 d'O'Brien et les autres dossiers")
    workbook = ET.fromstring(open_xlsx(data).read("xl/workbook.xml"))
    name = workbook.find(".//m:sheet", NS).get("name")
    assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)
    assert name.startswith("File active 2026 11")
    empty = queue_xlsx([], sheet_title="[]")
    assert (
        ET.fromstring(open_xlsx(empty).read("xl/workbook.xml")).find(".//m:sheet", NS).get("name")
        == "Dossiers"
    )


def test_xlsx_of_no_rows_is_the_header_only() -> None:
    cells = sheet_cells(queue_xlsx([]))
    assert set(cells) == {f"{column_letter(i)}1" for i in range(len(COLUMNS))}


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_xlsx_loads_in_openpyxl() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(queue_xlsx([row()])))
    sheet = book["Dossiers"]
    assert sheet["A1"].value == "N° de dossier"
    assert sheet["F2"].value.date() == date(2026, 11, 24)
    assert sheet["I2"].value == 61


# --------------------------------------------------------------------------- properties


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(st.text(), min_size=1, max_size=5))
def test_random_text_round_trips(texts: list[str]) -> None:
    rows = [row(candidate=text) for text in texts]
    csv_lines = read_csv(queue_csv(rows))[1:]
    cells = sheet_cells(queue_xlsx(rows))
    for index, text in enumerate(texts, 2):
        kept = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", text)
        written = csv_lines[index - 2][1]
        assert written in (kept, "'" + kept)
        # XML parsers turn a CR into a LF; everything else comes back unchanged.
        expected = kept.replace("\r\n", "\n").replace("\r", "\n")
        assert cells.get(f"B{index}", (None, None, ""))[2] == expected


def test_xlsx_is_written_by_xlsxwriter_in_constant_memory_mode() -> None:
    """A library writes the workbook: document properties, inline strings, a CR kept as a line."""
    data = queue_xlsx([row(candidate="ligne 1\rligne 2")])
    archive = open_xlsx(data)
    assert "Microsoft Excel" in archive.read("docProps/app.xml").decode()
    assert "xl/sharedStrings.xml" not in archive.namelist()  # constant memory: inline strings
    assert sheet_cells(data)["B2"] == ("inlineStr", None, "ligne 1\nligne 2")
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Dossiers"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:J2"
    assert sheet["A1"].font.bold and sheet["F2"].number_format == "dd/mm/yyyy"
