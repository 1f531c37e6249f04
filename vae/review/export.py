"""Exports of the staff queue: CSV for any spreadsheet, XLSX without any extra dependency.

* :func:`queue_csv`: UTF-8 with a BOM, ``;`` separators and CRLF line ends (what a French
  spreadsheet expects), dates as ``24/11/2026``, text cells that a spreadsheet would take for
  a formula (``= + - @``, tab, CR first) prefixed with an apostrophe.
* :func:`queue_xlsx`: a minimal Office Open XML workbook written with :mod:`zipfile`: one
  sheet, a bold and frozen header row with a filter, inline strings (never formulas), real
  dates (serial numbers with a date format) and numbers.

Rows are mappings; a missing key is an empty cell. Pure functions: no Flask, no database.
"""

from __future__ import annotations

import csv
import enum
import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

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
ZIP_DATE = (2000, 1, 1, 0, 0, 0)  # a fixed timestamp: the same rows give the same bytes

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
    cell = _value(value)
    if cell is None:
        return ""
    if isinstance(cell, date):
        return _date_text(cell)
    if isinstance(cell, int | float | Decimal):
        return _number_text(cell)
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


def queue_csv(
    rows: Iterable[Mapping[str, object]], columns: Sequence[tuple[str, str]] = COLUMNS
) -> bytes:
    """The queue as a CSV file for a French spreadsheet (see the module docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([_clean(header) for _, header in columns])
    for row in rows:
        writer.writerow([_csv_cell(row.get(key)) for key, _ in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --------------------------------------------------------------------------- XLSX

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
STYLE_HEADER, STYLE_DATE, STYLE_DATETIME = 1, 2, 3

CONTENT_TYPES = (
    XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    XML_HEAD + f'<Relationships xmlns="{NS_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{NS_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    XML_HEAD + f'<Relationships xmlns="{NS_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{NS_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{NS_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    XML_HEAD + f'<styleSheet xmlns="{NS_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_letter(index: int) -> str:
    """``0`` → ``A``, ``25`` → ``Z``, ``26`` → ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def excel_serial(value: date) -> int | float:
    """Days since Excel's epoch (1899-12-30), with the time of day as a fraction."""
    if isinstance(value, datetime):
        return (value.replace(tzinfo=None) - datetime(1899, 12, 30)) / timedelta(days=1)
    return (value - EXCEL_EPOCH).days


def _sheet_title(title: str) -> str:
    """A name Excel accepts: no ``[]:*?/\\``, 1 to 31 characters, no apostrophe at either end."""
    cleaned = " ".join(SHEET_TITLE_FORBIDDEN.sub(" ", _clean(title)).split())[:31].strip("'")
    return cleaned.strip() or "Dossiers"


def _inline(ref: str, text: str, style: int = 0) -> str:
    text = text[:EXCEL_CELL_LIMIT]
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    styled = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{styled} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _xlsx_cell(ref: str, value: object) -> tuple[str, int]:
    """The cell's XML and the width its content needs (in characters)."""
    cell = _value(value)
    if cell is None:
        return "", 0
    if isinstance(cell, date):
        day = cell.date() if isinstance(cell, datetime) else cell
        if day < EXCEL_FIRST_DATE:
            return _inline(ref, _date_text(cell)), 16
        style = STYLE_DATETIME if isinstance(cell, datetime) else STYLE_DATE
        return f'<c r="{ref}" s="{style}"><v>{excel_serial(cell)!r}</v></c>', 16
    if isinstance(cell, int | float | Decimal):
        text = str(cell) if not isinstance(cell, float) else repr(cell)
        return f'<c r="{ref}"><v>{text}</v></c>', len(text)
    longest = max((len(line) for line in cell.split("\n")), default=0)
    return _inline(ref, cell), longest


def _sheet(rows: Iterable[Mapping[str, object]], columns: Sequence[tuple[str, str]]) -> str:
    widths = [len(header) + 2 for _, header in columns]
    lines = ['<row r="1">']
    for index, (_, header) in enumerate(columns):
        lines.append(_inline(f"{column_letter(index)}1", _clean(header), STYLE_HEADER))
    lines.append("</row>")
    count = 1  # the last row's number
    for row in rows:
        count += 1
        lines.append(f'<row r="{count}">')
        for index, (key, _) in enumerate(columns):
            xml, width = _xlsx_cell(f"{column_letter(index)}{count}", row.get(key))
            lines.append(xml)
            widths[index] = max(widths[index], width + 2)
        lines.append("</row>")
    last = column_letter(max(len(columns), 1) - 1)
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{min(max(w, 8), 60)}" customWidth="1"/>'
        for i, w in enumerate(widths, 1)
    )
    return (
        XML_HEAD + f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'
        f'<dimension ref="A1:{last}{count}"/>'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + f"<sheetData>{''.join(lines)}</sheetData>"
        + (f'<autoFilter ref="A1:{last}{count}"/>' if columns else "")
        + "</worksheet>"
    ), f"$A$1:${last}${count}"


def _workbook(title: str, filter_range: str) -> str:
    quoted = "'" + title.replace("'", "''") + "'"
    return (
        XML_HEAD + f'<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'
        f'<sheets><sheet name={quoteattr(title)} sheetId="1" r:id="rId1"/></sheets>'
        '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f"{escape(quoted)}!{filter_range}</definedName></definedNames>"
        "</workbook>"
    )


def queue_xlsx(
    rows: Iterable[Mapping[str, object]],
    columns: Sequence[tuple[str, str]] = COLUMNS,
    sheet_title: str = "Dossiers",
) -> bytes:
    """The queue as an Excel workbook (see the module docstring)."""
    sheet, filter_range = _sheet(rows, columns)
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": _workbook(_sheet_title(sheet_title), filter_range),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/styles.xml": STYLES,
        "xl/worksheets/sheet1.xml": sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()
