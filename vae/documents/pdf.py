"""The PDF toolkit every feature's documents are built from (reportlab).

Fonts (DejaVu, Helvetica when missing), the shared paragraph styles, the « Page N sur M »
canvas with its running header, the one document set-up (:func:`document_info`,
:func:`build_pdf`), tables, key-value blocks, headings and lines to write on by hand.
"""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

from reportlab import platypus
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from vae.documents.capture import GridShape, record
from vae.documents.text import clean_text, one_line, safe_markup
from vae.french import typography


class Paragraph(platypus.Paragraph):
    """reportlab's paragraph with French typography (``vae.french.typography``), the same as
    pages and emails: every paragraph of every document is built from this one."""

    def __init__(self, text: Any, style: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(
            typography(text) if isinstance(text, str) else text, style, *args, **kwargs
        )


FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
PDF_AUTHOR = "Plateforme VAE des certifications de branche"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 2 * cm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
BLANK = "_" * 28
SHORT_BLANK = "_" * 16
GRID = colors.HexColor("#9aa5b1")
SHADE = colors.HexColor("#eef2f6")
ACCENT = colors.HexColor("#1f3a5f")
MUTED = colors.HexColor("#555555")
META_CAP = 300  # characters kept of a document's title, subject and running header


# --------------------------------------------------------------------------- fonts and styles


class Fonts(NamedTuple):
    regular: str
    bold: str
    checked: str
    unchecked: str


@functools.cache
def register_fonts(font_dir: str) -> Fonts:
    """Register DejaVu Sans from ``font_dir`` (Helvetica and « [x] » boxes when it is missing)."""
    base = Path(font_dir)
    files = {
        "DejaVuSans": "DejaVuSans.ttf",
        "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
        "DejaVuSans-Oblique": "DejaVuSans-Oblique.ttf",
        "DejaVuSans-BoldOblique": "DejaVuSans-BoldOblique.ttf",
    }
    if not all((base / files[name]).is_file() for name in ("DejaVuSans", "DejaVuSans-Bold")):
        return Fonts("Helvetica", "Helvetica-Bold", "[x]", "[ ]")
    for name, filename in files.items():
        if (base / filename).is_file():
            pdfmetrics.registerFont(TTFont(name, str(base / filename)))
    italic = "DejaVuSans-Oblique" if (base / files["DejaVuSans-Oblique"]).is_file() else None
    bold_italic = "DejaVuSans-BoldOblique" if italic else None
    pdfmetrics.registerFontFamily(
        "DejaVuSans",
        normal="DejaVuSans",
        bold="DejaVuSans-Bold",
        italic=italic or "DejaVuSans",
        boldItalic=bold_italic or "DejaVuSans-Bold",
    )
    return Fonts("DejaVuSans", "DejaVuSans-Bold", "\u2611", "\u2610")


def fonts() -> Fonts:
    """The fonts of :data:`FONT_DIR` (read at each call, so that tests may point it elsewhere)."""
    return register_fonts(str(FONT_DIR))


class Styles(NamedTuple):
    fonts: Fonts
    body: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    note: ParagraphStyle


@functools.cache
def make_styles(fonts: Fonts) -> Styles:
    """The shared paragraph styles in ``fonts``."""
    body = ParagraphStyle(
        "body", fontName=fonts.regular, fontSize=10, leading=13, spaceAfter=3, splitLongWords=1
    )
    return Styles(
        fonts=fonts,
        body=body,
        title=ParagraphStyle(
            "title",
            parent=body,
            fontName=fonts.bold,
            fontSize=16,
            leading=20,
            alignment=TA_CENTER,
            textColor=ACCENT,
            spaceAfter=2,
        ),
        subtitle=ParagraphStyle(
            "subtitle", parent=body, fontSize=10.5, leading=14, alignment=TA_CENTER, spaceAfter=10
        ),
        h1=ParagraphStyle(
            "h1",
            parent=body,
            fontName=fonts.bold,
            fontSize=12.5,
            leading=16,
            textColor=ACCENT,
            spaceBefore=12,
            spaceAfter=6,
        ),
        h2=ParagraphStyle(
            "h2",
            parent=body,
            fontName=fonts.bold,
            fontSize=10.5,
            leading=14,
            spaceBefore=8,
            spaceAfter=4,
        ),
        cell=ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceAfter=0),
        cell_bold=ParagraphStyle(
            "cell_bold", parent=body, fontName=fonts.bold, fontSize=8.5, leading=10.5, spaceAfter=0
        ),
        note=ParagraphStyle(
            "note", parent=body, fontSize=8.5, leading=11, textColor=MUTED, spaceAfter=6
        ),
    )


def pdf_styles() -> Styles:
    """The shared paragraph styles in the fonts of :data:`FONT_DIR`."""
    return make_styles(fonts())


# --------------------------------------------------------------------------- page furniture


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis so that it fits ``width``."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if pdfmetrics.stringWidth(text[:middle] + "…", font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low] + "…"


class NumberedCanvas(rl_canvas.Canvas):
    """Canvas that holds pages back until the end to print « Page N sur M » on each.

    Subclasses add to each page by overriding :meth:`furniture`.
    """

    def __init__(
        self, *args: Any, header: tuple[str, str] = ("", ""), font: str = "Helvetica", **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self._saved_pages: list[dict[str, Any]] = []
        self._furniture_font = font
        right = fit_text(header[1], font, 8, CONTENT_WIDTH * 0.4)
        room = CONTENT_WIDTH - pdfmetrics.stringWidth(right, font, 8) - 12
        self._header = (fit_text(header[0], font, 8, room), right)

    def showPage(self) -> None:
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self.furniture(total)
            super().showPage()
        super().save()

    def furniture(self, total: int) -> None:
        """The running header and the « Page N sur M » footer of the current page."""
        font, size = self._furniture_font, 8
        self.saveState()
        self.setFont(font, size)
        self.setFillColor(MUTED)
        self.setStrokeColor(GRID)
        self.setLineWidth(0.5)
        left, right = self._header
        top = PAGE_HEIGHT - MARGIN + 14
        if left or right:
            self.drawString(MARGIN, top, left)
            self.drawRightString(PAGE_WIDTH - MARGIN, top, right)
            self.line(MARGIN, top - 4, PAGE_WIDTH - MARGIN, top - 4)
        bottom = MARGIN - 22
        self.line(MARGIN, bottom + 11, PAGE_WIDTH - MARGIN, bottom + 11)
        self.drawCentredString(PAGE_WIDTH / 2, bottom, f"Page {self._pageNumber} sur {total}")
        self.restoreState()


# --------------------------------------------------------------------------- the document


def document_info(*, title: str, subject: str, creator: str) -> dict[str, Any]:
    """The document properties every PDF of the platform carries (French, titled)."""
    return {
        "title": one_line(title)[:META_CAP],
        "author": PDF_AUTHOR,
        "subject": one_line(subject)[:META_CAP],
        "creator": f"{creator} (reportlab)",
        "lang": "fr-FR",
        "displayDocTitle": 1,
    }


def build_pdf(
    story: list[Flowable],
    *,
    title: str,
    subject: str,
    creator: str,
    header: tuple[str, str] = ("", ""),
    canvasmaker: Callable[..., NumberedCanvas] = NumberedCanvas,
    **canvas_options: Any,
) -> bytes:
    """An A4 document with 2 cm margins, numbered pages and an optional running header.

    ``creator`` names the module that lays the document out; ``canvas_options`` go to
    ``canvasmaker`` (a :class:`NumberedCanvas` subclass) besides the header and the font.
    """
    if record(story, title=title):
        return b""  # the accessible HTML version reads the story (vae.documents.capture)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        **document_info(title=title, subject=subject, creator=creator),
    )
    running = (one_line(header[0])[:META_CAP], one_line(header[1])[:META_CAP])
    maker = functools.partial(canvasmaker, header=running, font=fonts().regular, **canvas_options)
    with _WRITING:
        doc.build(story, canvasmaker=maker)
    return buffer.getvalue()


_WRITING = threading.Lock()
"""One document written at a time per process: ReportLab's TrueType fonts are shared, and
their reader keeps one file position, which two threads writing their subsets at once mix up
(an ``IndexError`` or ``KeyError`` for one of six officers deciding at once, under gunicorn's
threads; tests/unit/test_pdf_threads.py). Other processes write theirs in parallel."""


# --------------------------------------------------------------------------- flowables


class WriteLine(Flowable):
    """An empty ruled line to write on by hand."""

    def __init__(self, height: float = 18) -> None:
        super().__init__()
        self.height = height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.height

    def draw(self) -> None:
        self.canv.setStrokeColor(GRID)
        self.canv.setLineWidth(0.5)
        self.canv.setDash(1, 2)
        self.canv.line(0, 2, self.width, 2)


def write_lines(count: int) -> list[Flowable]:
    """``count`` ruled lines to write on by hand."""
    return [WriteLine() for _ in range(count)]


def filled(text: str, blank: str = BLANK) -> str:
    """A pre-filled value in bold, or a blank to fill in by hand."""
    return f"<b>{safe_markup(text)}</b>" if clean_text(text) else blank


def section_heading(markup: str, style: ParagraphStyle, room: float = 4 * cm) -> list[Flowable]:
    """A heading that starts a new page rather than sit alone at the bottom of one."""
    return [CondPageBreak(room), Paragraph(markup, style)]


def grid_table(
    rows: list[list[Any]],
    widths: list[float],
    *,
    header: bool = False,
    label_column: bool = False,
    split_in_row: bool = True,
) -> Table:
    """A ruled table; ``header`` shades and repeats the first row, ``label_column`` shades
    the first column."""
    table = Table(
        rows, colWidths=widths, repeatRows=1 if header else 0, splitInRow=int(split_in_row)
    )
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    if label_column:
        commands.append(("BACKGROUND", (0, 0), (0, -1), SHADE))
    table.setStyle(TableStyle(commands))
    table.vae_grid = GridShape(header=header, label_column=label_column)  # type: ignore[attr-defined]
    return table


def key_values(
    pairs: Iterable[tuple[str, str]], st: Styles, label_width: float = 5.2 * cm
) -> Table:
    """A two-column table: a label (trusted markup) and a value (markup)."""
    rows = [
        [Paragraph(label, st.cell_bold), Paragraph(value or "—", st.cell)] for label, value in pairs
    ]
    return grid_table(rows, [label_width, CONTENT_WIDTH - label_width], label_column=True)
