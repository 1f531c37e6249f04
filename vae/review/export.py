"""Exports of the staff queue: CSV for any spreadsheet, XLSX through XlsxWriter.

* :func:`csv_chunks` / :func:`queue_csv`: UTF-8 with a BOM, ``;`` separators and CRLF line
  ends (what a French spreadsheet expects), dates as ``24/11/2026``, text cells that a
  spreadsheet would take for a formula (``= + - @``, tab, CR first) prefixed with an apostrophe.
* :func:`xlsx_chunks` / :func:`queue_xlsx`: a workbook written by XlsxWriter in constant-memory
  mode: one sheet, a bold and frozen header row with a filter, inline strings (never formulas),
  real dates (serial numbers with a date format) and numbers.

Rows are mappings; a missing key is an empty cell. ``*_chunks`` consume ``rows`` lazily and
yield the file piece by piece, so an export of any size runs in bounded memory (the XLSX goes
through a temporary file, deleted once sent or when the download is abandoned). No Flask, no
database.
"""

from __future__ import annotations

import csv
import enum
import io
import math
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

COLUMNS: list[tuple[str, str]] = [
    ("number", "N° de dossier"),
    ("candidate", "Candidat"),
    ("email", "Adresse électronique"),
    ("certification", "Certification"),
    ("option", "Option ou mention"),
    ("submitted_on", "Déposé le"),
    ("status", "État"),
    ("due_on", "Échéance légale"),
    ("days_left", "Jours restants"),
    ("officer", "Chargé de mission"),
]
PARIS = ZoneInfo("Europe/Paris")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_FIRST_DATE = date(1900, 3, 1)  # earlier serials suffer from Excel's 1900 leap-year bug
EXCEL_CELL_LIMIT = 32767
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Characters XML 1.0 does not allow (C0 controls but tab, LF, CR; surrogates; U+FFFE, U+FFFF).
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

Cell = str | int | float | Decimal | date | None


# --------------------------------------------------------------------------- values


def _clean(text: str) -> str:
    """Text without the characters XML (and so a spreadsheet) cannot hold."""
    return XML_INVALID.sub("", text)


def _paris(moment: datetime) -> datetime:
    """An aware moment as Paris wall time (naive); a naive one is kept as it is."""
    return moment.astimezone(PARIS).replace(tzinfo=None) if moment.tzinfo else moment


def _value(value: object) -> Cell:
    """A row value reduced to what a cell holds: text, a number, a date or nothing."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, enum.Enum):
        label = getattr(value, "label", None)
        return _clean(str(label if label is not None else value.value))
    if isinstance(value, datetime):
        return _paris(value)
    if isinstance(value, int | float | Decimal | date):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, Decimal) and not value.is_finite():
            return None
        return value
    return _clean(str(value))


def _date_text(value: date) -> str:
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _number_text(value: int | float | Decimal) -> str:
    """``12``, ``-3``, ``2,5``: plain digits, a decimal comma as a French spreadsheet reads it."""
    if isinstance(value, int):
        return str(value)
    if value == int(value):
        return str(int(value))
    text = format(value, "f") if isinstance(value, Decimal) else repr(value)
    return text.replace(".", ",")


# --------------------------------------------------------------------------- CSV


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if type(value) is str:  # most cells: straight to the text rules (a 100,000-row export)
        text = _clean(value)
        return "'" + text if text.startswith(FORMULA_TRIGGERS) else text
    cell = _value(value)
    if cell is None:
        return ""
    if isinstance(cell, date):
        return _date_text(cell)
    if isinstance(cell, int | float | Decimal):
        return _number_text(cell)
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


CSV_CHUNK_ROWS = 500  # rows per yielded piece: a few tens of KB
FILE_CHUNK = 64 * 1024


def csv_chunks(
    rows: Iterable[Mapping[str, object]], columns: Sequence[tuple[str, str]] = COLUMNS
) -> Iterator[bytes]:
    """The queue as a CSV file for a French spreadsheet, piece by piece (module docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    out.write("\ufeff")
    writer.writerow([_clean(header) for _, header in columns])
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(row.get(key)) for key, _ in columns])
        if count % CSV_CHUNK_ROWS == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def queue_csv(
    rows: Iterable[Mapping[str, object]], columns: Sequence[tuple[str, str]] = COLUMNS
) -> bytes:
    """The whole CSV file at once (see :func:`csv_chunks`)."""
    return b"".join(csv_chunks(rows, columns))


# --------------------------------------------------------------------------- XLSX

HEADER_FORMAT = {"bold": True}
DATE_FORMAT = {"num_format": "dd/mm/yyyy"}
DATETIME_FORMAT = {"num_format": "dd/mm/yyyy hh:mm"}
FIXED_CREATION = datetime(2000, 1, 1)  # the same rows give the same bytes


def column_letter(index: int) -> str:
    """``0`` → ``A``, ``25`` → ``Z``, ``26`` → ``AA``."""
    return xl_col_to_name(index)


def excel_serial(value: date) -> int | float:
    """Days since Excel's epoch (1899-12-30), with the time of day as a fraction."""
    if isinstance(value, datetime):
        return (value.replace(tzinfo=None) - datetime(1899, 12, 30)) / timedelta(days=1)
    return (value - EXCEL_EPOCH).days


def _sheet_title(title: str) -> str:
    """A name Excel accepts: no ``[]:*?/\\``, 1 to 31 characters, no apostrophe at either end."""
    cleaned = " ".join(SHEET_TITLE_FORBIDDEN.sub(" ", _clean(title)).split())[:31].strip("'")
    return cleaned.strip() or "Dossiers"


def _xlsx_text(text: str) -> str:
    """Text as a cell holds it: a CR is a line end (an XML reader would make it one anyway)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")[:EXCEL_CELL_LIMIT]


def _write_xlsx_cell(
    sheet: Worksheet, row: int, col: int, value: object, formats: Mapping[str, Format]
) -> int:
    """Write one cell (never a formula); return the width its content needs (in characters)."""
    cell = _value(value)
    if cell is None:
        return 0
    if isinstance(cell, date):
        day = cell.date() if isinstance(cell, datetime) else cell
        if day < EXCEL_FIRST_DATE:
            sheet.write_string(row, col, _date_text(cell))
        else:
            style = formats["datetime" if isinstance(cell, datetime) else "date"]
            sheet.write_number(row, col, excel_serial(cell), style)
        return 16
    if isinstance(cell, int | float | Decimal):
        sheet.write_number(row, col, cell)  # type: ignore[arg-type]
        return len(str(cell) if not isinstance(cell, float) else repr(cell))
    text = _xlsx_text(cell)
    sheet.write_string(row, col, text)
    return max((len(line) for line in text.split("\n")), default=0)


def write_xlsx(
    target: str | io.BytesIO,
    rows: Iterable[Mapping[str, object]],
    columns: Sequence[tuple[str, str]] = COLUMNS,
    sheet_title: str = "Dossiers",
) -> None:
    """The queue as an Excel workbook written to ``target`` (a path or a buffer)."""
    # constant_memory: each row is flushed to a temporary file once the next one starts, and
    # strings are written inline (no shared-string table held in memory).
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False})
    workbook.set_properties({"created": FIXED_CREATION})
    formats = {
        "header": workbook.add_format(HEADER_FORMAT),
        "date": workbook.add_format(DATE_FORMAT),
        "datetime": workbook.add_format(DATETIME_FORMAT),
    }
    sheet = workbook.add_worksheet(_sheet_title(sheet_title))
    widths = [len(header) + 2 for _, header in columns]
    for index, (_, header) in enumerate(columns):
        sheet.write_string(0, index, _xlsx_text(_clean(header)), formats["header"])
    last = 0  # the last row's index
    for row in rows:
        last += 1
        for index, (key, _) in enumerate(columns):
            width = _write_xlsx_cell(sheet, last, index, row.get(key), formats)
            widths[index] = max(widths[index], width + 2)
    for index, width in enumerate(widths):
        sheet.set_column(index, index, min(max(width, 8), 60))
    sheet.freeze_panes(1, 0)
    if columns:
        sheet.autofilter(0, 0, last, len(columns) - 1)
    workbook.close()


def queue_xlsx(
    rows: Iterable[Mapping[str, object]],
    columns: Sequence[tuple[str, str]] = COLUMNS,
    sheet_title: str = "Dossiers",
) -> bytes:
    """The whole workbook at once, built in memory (small exports and tests)."""
    buffer = io.BytesIO()
    write_xlsx(buffer, rows, columns, sheet_title)
    return buffer.getvalue()


def xlsx_chunks(
    rows: Iterable[Mapping[str, object]],
    columns: Sequence[tuple[str, str]] = COLUMNS,
    sheet_title: str = "Dossiers",
) -> Iterator[bytes]:
    """The workbook built in a temporary file (in :func:`tempfile.gettempdir`), then read back
    piece by piece; the file is deleted when the last piece is sent or the generator is closed
    early (a download abandoned half-way)."""
    handle, path = tempfile.mkstemp(prefix="vae-export-", suffix=".xlsx")
    os.close(handle)
    try:
        write_xlsx(path, rows, columns, sheet_title)
        with open(path, "rb") as built:
            while chunk := built.read(FILE_CHUNK):
                yield chunk
    finally:
        os.unlink(path)
