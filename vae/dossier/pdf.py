"""PDF documents of the dossier de recevabilité (livret 1), returned as bytes.

* :func:`employer_attestation_pdf` and :func:`volunteer_attestation_pdf`: the two attestation
  models of the paper dossier (seed 001, last pages), pre-filled with what the dossier knows,
  blank where it does not, ready to sign.
* :func:`dossier_pdf`: the whole submitted dossier laid out like the paper form, from the
  JSON-serialisable snapshot frozen at submission.

Pure functions: no Flask, no database, no I/O besides reading the DejaVu fonts (Helvetica
when they are missing). Every piece of user text is cleaned (control characters dropped) and
escaped before it reaches reportlab's paragraph markup.
"""

from __future__ import annotations

import functools
import io
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from vae.french import long_date as french_long_date
from vae.french import number as french_number

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
PDF_AUTHOR = "Plateforme VAE des certifications de branche"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 2 * cm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
NBSP = "\u00a0"
BLANK = "_" * 28
SHORT_BLANK = "_" * 16
OPEN_END = "à ce jour"
STATUS_LABELS = {"salarie": "Salarié", "non_salarie": "Non salarié", "benevole": "Bénévole"}
GRID = colors.HexColor("#9aa5b1")
SHADE = colors.HexColor("#eef2f6")
ACCENT = colors.HexColor("#1f3a5f")
MUTED = colors.HexColor("#555555")


@dataclass(frozen=True)
class PersonInfo:
    """The candidate as the attestation models name them."""

    last_name: str
    first_name: str
    address: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class ActivityInfo:
    """One job or volunteer activity declared in the dossier."""

    title: str
    employer_name: str
    employer_address: str = ""
    sector: str = ""
    status: str = "salarie"  # salarie | non_salarie | benevole
    start: date | None = None
    end: date | None = None  # None: current activity
    work_time_label: str = ""  # "Temps plein", "Temps partiel : 50 %", "20 h par semaine"
    main_activities: str = ""


# --------------------------------------------------------------------------- text and numbers


def clean_text(value: object) -> str:
    """User text made safe to lay out: control characters dropped except newlines, stripped."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return "".join(
        char
        for char in text
        if char == "\n" or unicodedata.category(char) not in ("Cc", "Cs", "Cn")
    ).strip()


def _markup(value: object) -> str:
    """Paragraph markup for user text: escaped, newlines as line breaks."""
    return escape(clean_text(value)).replace("\n", "<br/>")


def _one_line(value: object) -> str:
    return " ".join(clean_text(value).split())


def _days(value: float) -> str:
    unit = "jour" if abs(value) < 2 else "jours"
    return f"{french_number(value, 1)}{NBSP}{unit}"


def _years(value: float, decimals: int = 2) -> str:
    unit = "an" if abs(value) < 2 else "ans"
    return f"{french_number(value, decimals)}{NBSP}{unit}"


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _size(value: object) -> str:
    size = _number(value)
    if size is None:
        return "—"
    if size < 1024:
        return f"{int(size)}{NBSP}octets"
    if size < 1024 * 1024:
        return f"{french_number(size / 1024, 1)}{NBSP}Ko"
    return f"{french_number(size / (1024 * 1024), 1)}{NBSP}Mo"


def _parse_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _parse_datetime(value: object) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(ZoneInfo("Europe/Paris"))
    except ZoneInfoNotFoundError:
        return moment


def _date_text(value: object) -> str:
    """A snapshot date in long form, the raw text when unparsable, ``""`` when absent."""
    parsed = _parse_date(value)
    return french_long_date(parsed) if parsed else _one_line(value)


def _moment_text(value: object) -> str:
    moment = _parse_datetime(value)
    if moment is None:
        return _one_line(value)
    return f"{french_long_date(moment.date())} à {moment.hour}{NBSP}h{NBSP}{moment.minute:02d}"


def _period(start: date | None, end: date | None) -> str:
    """``du 1er janvier 2020 au 31 décembre 2023``; ``du 1er janvier 2020 à ce jour``."""
    since = french_long_date(start) if start else "(date de début non renseignée)"
    until = f"au {french_long_date(end)}" if end else OPEN_END
    return f"du {since} {until}"


def _full_name(first: object, last: object) -> str:
    return " ".join(part for part in (_one_line(first), _one_line(last).upper()) if part)


_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")
_HOURS_PER_WEEK = re.compile(r"(\d+(?:[.,]\d+)?)\s*h(?:eures?)?\s*(?:par|/)\s*semaine", re.I)


def _is_full_time(label: str) -> bool | None:
    """Whether a work-time label says full time (« Temps partiel : 80 % d'un temps plein »: no)."""
    lowered = label.lower()
    percent = _PERCENT.search(lowered)
    if percent and float(percent.group(1).replace(",", ".")) >= 100:
        return True
    if "partiel" in lowered or percent or re.search(r"\d\s*h", lowered):
        return False
    if "temps plein" in lowered or "temps complet" in lowered:
        return True
    return None


# --------------------------------------------------------------------------- fonts and styles


class _Fonts(NamedTuple):
    regular: str
    bold: str
    checked: str
    unchecked: str


@functools.cache
def _register_fonts(font_dir: str) -> _Fonts:
    base = Path(font_dir)
    files = {
        "DejaVuSans": "DejaVuSans.ttf",
        "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
        "DejaVuSans-Oblique": "DejaVuSans-Oblique.ttf",
        "DejaVuSans-BoldOblique": "DejaVuSans-BoldOblique.ttf",
    }
    if not all((base / files[name]).is_file() for name in ("DejaVuSans", "DejaVuSans-Bold")):
        return _Fonts("Helvetica", "Helvetica-Bold", "[x]", "[ ]")
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
    return _Fonts("DejaVuSans", "DejaVuSans-Bold", "\u2611", "\u2610")


class _Styles(NamedTuple):
    fonts: _Fonts
    body: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    note: ParagraphStyle


@functools.cache
def _make_styles(fonts: _Fonts) -> _Styles:
    body = ParagraphStyle(
        "body", fontName=fonts.regular, fontSize=10, leading=13, spaceAfter=3, splitLongWords=1
    )
    return _Styles(
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


def _styles() -> _Styles:
    return _make_styles(_register_fonts(str(FONT_DIR)))


# --------------------------------------------------------------------------- page furniture


def _fit(text: str, font: str, size: float, width: float) -> str:
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


class _NumberedCanvas(rl_canvas.Canvas):
    """Canvas that holds pages back until the end to print « Page N sur M » on each."""

    def __init__(
        self, *args: Any, header: tuple[str, str] = ("", ""), font: str = "Helvetica", **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self._saved_pages: list[dict[str, Any]] = []
        self._furniture_font = font
        right = _fit(header[1], font, 8, CONTENT_WIDTH * 0.4)
        room = CONTENT_WIDTH - pdfmetrics.stringWidth(right, font, 8) - 12
        self._header = (_fit(header[0], font, 8, room), right)

    def showPage(self) -> None:
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self._furniture(total)
            super().showPage()
        super().save()

    def _furniture(self, total: int) -> None:
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


def _build(
    story: list[Flowable], *, title: str, subject: str, header: tuple[str, str], fonts: _Fonts
) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=_one_line(title)[:300],
        author=PDF_AUTHOR,
        subject=_one_line(subject)[:300],
        creator="vae.dossier.pdf (reportlab)",
        lang="fr-FR",
        displayDocTitle=1,
    )
    header = (_one_line(header[0])[:300], _one_line(header[1])[:300])
    maker = functools.partial(_NumberedCanvas, header=header, font=fonts.regular)
    doc.build(story, canvasmaker=maker)
    return buffer.getvalue()


class _WriteLine(Flowable):
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


def _heading(markup: str, style: ParagraphStyle) -> list[Flowable]:
    """A heading that starts a new page rather than sit alone at the bottom of one."""
    return [CondPageBreak(4 * cm), Paragraph(markup, style)]


def _write_lines(count: int) -> list[Flowable]:
    return [_WriteLine() for _ in range(count)]


def _table(
    rows: list[list[Any]],
    widths: list[float],
    *,
    header: bool = False,
    label_column: bool = False,
    split_in_row: bool = True,
) -> Table:
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
    return table


def _key_values(
    pairs: Iterable[tuple[str, str]], st: _Styles, label_width: float = 5.2 * cm
) -> Table:
    """A two-column table: a label (trusted markup) and a value (markup)."""
    rows = [
        [Paragraph(label, st.cell_bold), Paragraph(value or "—", st.cell)] for label, value in pairs
    ]
    return _table(rows, [label_width, CONTENT_WIDTH - label_width], label_column=True)


# --------------------------------------------------------------------------- attestations


def _value(text: str, blank: str = BLANK) -> str:
    """A pre-filled value in bold, or a blank to fill in by hand."""
    return f"<b>{_markup(text)}</b>" if clean_text(text) else blank


def _since_until(activity: ActivityInfo) -> str:
    since = _value(french_long_date(activity.start) if activity.start else "", SHORT_BLANK)
    if activity.end:
        return f"depuis le {since} jusqu'au <b>{french_long_date(activity.end)}</b>"
    if activity.start:
        return f"depuis le {since} jusqu'{OPEN_END}"
    return f"depuis le {since} jusqu'au {SHORT_BLANK}"


def _activities_block(activity: ActivityInfo, st: _Styles, lines: int) -> list[Flowable]:
    """The candidate's description (to be checked by the signatory) and lines to complete it."""
    story: list[Flowable] = []
    if clean_text(activity.main_activities):
        story.append(Paragraph("<i>Activités déclarées par le candidat :</i>", st.note))
        story.append(Paragraph(_markup(activity.main_activities), st.body))
        lines = 3
    return [*story, *_write_lines(lines)]


def _prefill_note(candidate: PersonInfo, certification_title: str, st: _Styles) -> Paragraph:
    name = _full_name(candidate.first_name, candidate.last_name)
    whose = f"de <b>{escape(name)}</b>" if name else "du candidat"
    cert = _markup(certification_title) or "visée"
    return Paragraph(
        f"Pièce justificative du dossier de recevabilité VAE {whose} "
        f"pour la certification « {cert} ». Les informations imprimées en gras proviennent "
        "de la déclaration du candidat : vérifiez-les, corrigez-les au besoin et complétez "
        "les zones laissées en blanc avant de signer.",
        st.note,
    )


def _signatory_cell(heading: str, function_label: str, st: _Styles) -> list[Flowable]:
    return [
        Paragraph(f"<b>{heading}</b>", st.cell),
        Spacer(1, 6),
        Paragraph(f"Nom et prénom : {BLANK}", st.cell),
        Spacer(1, 6),
        Paragraph(f"{function_label} : {SHORT_BLANK}", st.cell),
        Spacer(1, 6),
        Paragraph(f"Date : {SHORT_BLANK}", st.cell),
        Spacer(1, 6),
        Paragraph("Signature :", st.cell),
        Spacer(1, 2.2 * cm),
    ]


def _stamp_cell(label: str, st: _Styles, height: float = 3.6 * cm) -> list[Flowable]:
    return [Paragraph(f"<b>{label}</b>", st.cell), Spacer(1, height)]


def employer_attestation_pdf(
    candidate: PersonInfo, activity: ActivityInfo, certification_title: str
) -> bytes:
    """Seed 001's « Modèle d'attestation d'activités salariées », pre-filled, ready to sign."""
    st = _styles()
    name = _full_name(candidate.first_name, candidate.last_name)
    label = clean_text(activity.work_time_label)
    full_time = _is_full_time(label)
    full_time_text = {True: "<b>oui</b>", False: "<b>non</b>"}.get(full_time, "oui / non")
    percent = _PERCENT.search(label) if full_time is False else None
    if percent:
        part_time = f"<b>{escape(percent.group(1).replace('.', ','))}</b>{NBSP}%"
    else:
        declared = f" (déclaré par le candidat : {_markup(label)})" if full_time is False else ""
        part_time = f"{SHORT_BLANK}{NBSP}%{declared}"
    story: list[Flowable] = [
        Paragraph("Attestation d'activités salariées", st.title),
        Paragraph("(à remplir par l'employeur)", st.subtitle),
        _prefill_note(candidate, certification_title, st),
        Spacer(1, 6),
        Paragraph(f"Je soussigné(e) M., Mme ou Mlle {BLANK}", st.body),
        Paragraph(f"Agissant en qualité de {BLANK}", st.body),
        Paragraph(f"Nom de l'entreprise : {_value(activity.employer_name)}", st.body),
        Paragraph(f"Adresse de l'entreprise : {_value(activity.employer_address)}", st.body),
        Paragraph(f"Certifie que Mme ou M. {_value(name)}", st.body),
        Paragraph(f"Est ou a été employé(e) {_since_until(activity)}", st.body),
        Paragraph(f"Intitulé du poste ou de la fonction : {_value(activity.title)}", st.body),
        Paragraph(f"Travail à temps complet : {full_time_text}", st.body),
        Paragraph(
            f"Si temps partiel, indiquez le % par rapport au temps plein : {part_time}", st.body
        ),
        Spacer(1, 4),
        Paragraph("Principales activités réalisées dans le cadre de cet emploi :", st.body),
        *_activities_block(activity, st, lines=9),
        Spacer(1, 10),
    ]
    signature = _table(
        [
            [
                _signatory_cell("Le signataire", "Fonction", st),
                _stamp_cell("Cachet de l'entreprise", st),
            ]
        ],
        [CONTENT_WIDTH * 0.55, CONTENT_WIDTH * 0.45],
        split_in_row=False,
    )
    story.append(
        KeepTogether(
            [
                Paragraph(f"À {BLANK}, le {SHORT_BLANK}", st.body),
                Paragraph("<b>Signature et cachet de l'employeur</b>", st.body),
                signature,
            ]
        )
    )
    return _build(
        story,
        title=f"Attestation d'activités salariées — {name}",
        subject=f"Dossier de recevabilité VAE — {clean_text(certification_title)}",
        header=(f"Dossier de recevabilité VAE — {certification_title}", name),
        fonts=st.fonts,
    )


def volunteer_attestation_pdf(
    candidate: PersonInfo, activity: ActivityInfo, certification_title: str
) -> bytes:
    """Seed 001's « Modèle d'attestation d'activités bénévoles »: two officers sign it."""
    st = _styles()
    name = _full_name(candidate.first_name, candidate.last_name)
    label = clean_text(activity.work_time_label)
    hours = _HOURS_PER_WEEK.search(label)
    if hours:
        weekly = f"<b>{escape(hours.group(1).replace('.', ','))}</b>"
    else:
        weekly = SHORT_BLANK + (f" (déclaré par le candidat : {_markup(label)})" if label else "")
    story: list[Flowable] = [
        Paragraph("Attestation d'activités bénévoles", st.title),
        Paragraph("(à remplir par l'association ou l'organisme d'accueil)", st.subtitle),
        _prefill_note(candidate, certification_title, st),
        Paragraph(
            "Attestation signée par deux responsables de l'association ayant pouvoir de "
            "signature. Attention ! Cette attestation est obligatoire pour que les activités "
            "bénévoles soient prises en compte.",
            st.note,
        ),
        Spacer(1, 4),
        Paragraph(f"Nous soussigné(e)s {BLANK} et {BLANK}", st.body),
        Paragraph(f"Agissant en qualité de {BLANK} et {BLANK}", st.body),
        Paragraph(
            f"Nom de l'association ou la structure : {_value(activity.employer_name)}", st.body
        ),
        Paragraph(f"Adresse : {_value(activity.employer_address)}", st.body),
        Paragraph(f"Déclarée le {SHORT_BLANK} à {BLANK}", st.body),
        Paragraph(f"Certifions que Mme ou M. {_value(name)}", st.body),
        Paragraph(f"A exercé une activité bénévole {_since_until(activity)}", st.body),
        Paragraph(f"Nombre d'heures par semaine : {weekly}", st.body),
        Spacer(1, 4),
        Paragraph("Détaillez les activités bénévoles assurées :", st.body),
        Paragraph(f"Nature des activités : {_value(activity.title)}", st.body),
        *_activities_block(activity, st, lines=11),
        Spacer(1, 4),
        Paragraph("Ces activités bénévoles étaient-elles encadrées ? Si oui, par qui ?", st.body),
        *_write_lines(3),
        Spacer(1, 10),
    ]
    half = CONTENT_WIDTH / 2
    signatures = _table(
        [
            [
                _signatory_cell("Premier responsable", "Fonction dans l'association", st),
                _signatory_cell("Second responsable", "Fonction dans l'association", st),
            ],
            [_stamp_cell("Cachet de l'association", st, 2.2 * cm), ""],
        ],
        [half, half],
        split_in_row=False,
    )
    signatures.setStyle(TableStyle([("SPAN", (0, 1), (1, 1))]))
    story.append(
        KeepTogether(
            [
                Paragraph(f"À {BLANK}, le {SHORT_BLANK}", st.body),
                Paragraph(
                    "<b>Signatures et cachet de deux responsables de l'association</b>", st.body
                ),
                signatures,
            ]
        )
    )
    return _build(
        story,
        title=f"Attestation d'activités bénévoles — {name}",
        subject=f"Dossier de recevabilité VAE — {clean_text(certification_title)}",
        header=(f"Dossier de recevabilité VAE — {certification_title}", name),
        fonts=st.fonts,
    )


# --------------------------------------------------------------------------- the dossier


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _text_or_dash(value: object) -> str:
    return _markup(value) or "—"


def _yes_no(value: object, yes: str = "Oui", no: str = "Non") -> str:
    if isinstance(value, bool):
        return yes if value else no
    return "—"


def _fte(value: object) -> str:
    number = _number(value)
    return f"{_days(number)} ({_years(number / 365)})" if number is not None else "—"


def _snapshot_period(item: dict[str, Any]) -> str:
    start, end = _parse_date(item.get("start")), _parse_date(item.get("end"))
    if start is None and item.get("start"):
        return escape(f"du {_one_line(item.get('start'))} au {_one_line(item.get('end'))}")
    if end is None and item.get("end"):
        return escape(f"{_period(start, None)} (fin : {_one_line(item.get('end'))})")
    return _period(start, end)


def _status_label(item: dict[str, Any]) -> str:
    label = item.get("status_label")
    if clean_text(label):
        return _markup(label)
    return _markup(STATUS_LABELS.get(str(item.get("status")), item.get("status")))


def _activity_heading(index: int, item: dict[str, Any]) -> str:
    kind = "Activité bénévole" if item.get("status") == "benevole" else "Emploi"
    title = _markup(item.get("title"))
    return f"{kind} n°{NBSP}{index}" + (f" — {title}" if title else "")


def _identity_section(snapshot: dict[str, Any], st: _Styles) -> list[Flowable]:
    who = _dict(snapshot.get("identity"))
    town = " ".join(p for p in (_one_line(who.get("postcode")), _one_line(who.get("city"))) if p)
    address = "\n".join(p for p in (clean_text(who.get("address")), town) if p)
    return [
        *_heading("1. Identité du candidat", st.h1),
        _key_values(
            [
                ("Nom", _markup(_one_line(who.get("last_name")).upper())),
                ("Prénom", _markup(who.get("first_name"))),
                ("Adresse", _markup(address)),
                ("Téléphone", _markup(who.get("phone"))),
                ("Courriel", _markup(who.get("email"))),
            ],
            st,
        ),
    ]


def _certification_section(snapshot: dict[str, Any], st: _Styles) -> list[Flowable]:
    cert = _dict(snapshot.get("certification"))
    option = _dict(cert.get("option"))
    pairs = [("Certification visée", f"<b>{_text_or_dash(cert.get('title'))}</b>")]
    if clean_text(cert.get("code")):
        pairs.append(("Code", _markup(cert.get("code"))))
    if option:
        option_label = _one_line(option.get("label")) or "option"
        pairs.append(
            (escape(option_label[:1].upper() + option_label[1:]), _markup(option.get("title")))
        )
    else:
        pairs.append(("Option ou mention", "Sans objet"))
    if cert.get("referential_version") is not None:
        pairs.append(("Version du référentiel", _markup(cert.get("referential_version"))))
    return [*_heading("2. Certification visée", st.h1), _key_values(pairs, st)]


def _sworn_section(snapshot: dict[str, Any], st: _Styles) -> list[Flowable]:
    who = _dict(snapshot.get("identity"))
    name = _full_name(who.get("first_name"), who.get("last_name"))
    story: list[Flowable] = [
        *_heading("3. Déclaration sur l'honneur", st.h1),
        Paragraph(f"Je soussigné(e), {_value(name)},", st.body),
    ]
    rows = []
    for entry in _list(snapshot.get("sworn_statement")):
        item = _dict(entry)
        accepted = clean_text(item.get("accepted_at"))
        box = st.fonts.checked if accepted else st.fonts.unchecked
        when = f"Accepté le {escape(_moment_text(accepted))}" if accepted else "Non accepté"
        rows.append(
            [
                Paragraph(box, st.cell),
                Paragraph(_text_or_dash(item.get("wording")), st.cell),
                Paragraph(when, st.cell),
            ]
        )
    if rows:
        story.append(_table(rows, [0.8 * cm, CONTENT_WIDTH - 5.3 * cm, 4.5 * cm]))
    else:
        story.append(Paragraph("Aucun engagement enregistré.", st.body))
    return story


def _experience_section(snapshot: dict[str, Any], st: _Styles) -> list[Flowable]:
    activities = [_dict(a) for a in _list(snapshot.get("activities"))]
    story: list[Flowable] = [
        *_heading("4. Récapitulatif des emplois (ou activités bénévoles exercées)", st.h1)
    ]
    if not activities:
        return [*story, Paragraph("Aucun emploi ni activité bénévole déclaré.", st.body)]
    head = [
        "N°",
        "Intitulé, employeur, domaine",
        "Statut",
        "Période",
        "Temps de travail",
        "Durée ETP",
        "En rapport",
    ]
    rows: list[list[Any]] = [[Paragraph(h, st.cell_bold) for h in head]]
    for index, item in enumerate(activities, 1):
        who = " — ".join(
            m for m in (_markup(item.get("employer_name")), _markup(item.get("sector"))) if m
        )
        rows.append(
            [
                Paragraph(str(index), st.cell),
                Paragraph(f"<b>{_text_or_dash(item.get('title'))}</b><br/>{who}", st.cell),
                Paragraph(_status_label(item) or "—", st.cell),
                Paragraph(_snapshot_period(item), st.cell),
                Paragraph(_text_or_dash(item.get("work_time_label")), st.cell),
                Paragraph(_fte(item.get("fte_days_total")), st.cell),
                Paragraph(_yes_no(item.get("relevant")), st.cell),
            ]
        )
    widths = [cm * w for w in (0.8, 4.6, 1.8, 3.1, 2.4, 2.3, 2.0)]
    story.append(_table(rows, widths, header=True))
    for index, item in enumerate(activities, 1):
        counted = item.get("counted")
        reason = _markup(item.get("reason"))
        counted_text = _yes_no(counted) + (f" — {reason}" if reason else "")
        in_window = _fte(item.get("fte_days_in_window"))
        name, address = _markup(item.get("employer_name")), _markup(item.get("employer_address"))
        employer = "<br/>".join(m for m in (name and f"<b>{name}</b>", address) if m)
        story += [
            *_heading(_activity_heading(index, item), st.h2),
            _key_values(
                [
                    (
                        "Intitulé du poste, de la fonction ou de l'activité",
                        _markup(item.get("title")),
                    ),
                    ("Employeur ou structure (nom et adresse)", employer),
                    ("Domaine d'activité de l'entreprise", _markup(item.get("sector"))),
                    ("Statut (salarié, non salarié ou bénévole)", _status_label(item)),
                    ("Période d'activité", _snapshot_period(item)),
                    ("Temps de travail", _markup(item.get("work_time_label"))),
                    (
                        "Durée de l'activité en équivalent temps plein",
                        _fte(item.get("fte_days_total")),
                    ),
                    ("dont sur la période de référence", in_window),
                    ("En rapport avec la certification", _yes_no(item.get("relevant"))),
                    ("Prise en compte dans le calcul", counted_text),
                ],
                st,
                label_width=6.2 * cm,
            ),
            Spacer(1, 4),
            Paragraph("<b>Principales activités exercées :</b>", st.body),
            Paragraph(_text_or_dash(item.get("main_activities")), st.body),
        ]
    return story


def _hours(value: float | None) -> str:
    return "—" if value is None else french_number(value, 0 if value.is_integer() else 1)


def _rule_text(rule: dict[str, Any]) -> str:
    required = _number(rule.get("required_years"))
    window = _number(rule.get("window_years"))
    if not required:
        duration = "au moins une activité en rapport avec la certification, sans durée minimale"
    else:
        decimals = 0 if float(required).is_integer() else 1
        duration = f"{_years(required, decimals)} d'expérience en rapport avec la certification"
    if window:
        return f"{duration}, au cours des {french_number(window, 0)} dernières années"
    return f"{duration}, sur l'ensemble du parcours"


def _eligibility_section(snapshot: dict[str, Any], st: _Styles) -> list[Flowable]:
    data = _dict(snapshot.get("eligibility"))
    story: list[Flowable] = [*_heading("5. Durée de l'expérience et recevabilité", st.h1)]
    if not data:
        return [*story, Paragraph("Calcul de durée non disponible.", st.body)]
    relevant, total = _number(data.get("relevant_fte_days")), _number(data.get("total_fte_days"))
    years = _number(data.get("relevant_fte_years"))
    if years is None and relevant is not None:
        years = relevant / 365
    relevant_text = f"{_days(relevant)} ({_years(years)})" if relevant is not None else "—"
    window_start, reference = data.get("window_start"), data.get("reference_date")
    if window_start:
        window = f"du {escape(_date_text(window_start))} au {escape(_date_text(reference))}"
    else:
        window = f"jusqu'au {escape(_date_text(reference))}" if reference else "—"
    verdict = _yes_no(
        data.get("eligible"),
        '<font color="#1b6e2b"><b>Oui</b></font>',
        '<font color="#a61b1b"><b>Non</b></font>',
    )
    pairs = [
        (
            "Durée totale de l'activité en relation avec la certification, "
            "en équivalent temps plein",
            relevant_text,
        ),
        ("Durée totale de l'expérience professionnelle tous secteurs confondus", _fte(total)),
        ("Condition de durée", escape(_rule_text(_dict(data.get("rule"))))),
        ("Période de référence", window),
        ("Condition de durée remplie", verdict),
    ]
    missing = _number(data.get("missing_fte_days"))
    if missing:
        pairs.append(("Durée manquante", _fte(missing)))
    if data.get("eligible_from"):
        pairs.append(
            (
                "Condition remplie à partir du (si l'activité se poursuit)",
                escape(_date_text(data.get("eligible_from"))),
            )
        )
    warnings = [_markup(w) for w in _list(data.get("warnings")) if clean_text(w)]
    if warnings:
        pairs.append(("Points d'attention", "<br/>".join(f"• {w}" for w in warnings)))
    story.append(_key_values(pairs, st, label_width=6.2 * cm))
    story.append(Spacer(1, 4))
    story.append(
        Paragraph(
            "Calcul indicatif : la recevabilité du dossier est décidée par la CPNEFP après "
            "examen des pièces justificatives.",
            st.note,
        )
    )
    return story


def _cv_section(snapshot: dict[str, Any], st: _Styles) -> list[Flowable]:
    return [
        *_heading("6. Parcours professionnel (CV synthétique)", st.h1),
        Paragraph(_markup(snapshot.get("cv")) or "Non renseigné.", st.body),
    ]


def _training_section(snapshot: dict[str, Any], st: _Styles) -> list[Flowable]:
    education = _dict(snapshot.get("education"))
    story: list[Flowable] = [
        *_heading("7. Votre parcours de formation", st.h1),
        *_heading("Formation initiale", st.h2),
        _key_values(
            [
                ("Diplôme(s) préparé(s)", _markup(education.get("diplomas_prepared"))),
                ("Diplôme(s) obtenu(s)", _markup(education.get("diplomas_obtained"))),
            ],
            st,
        ),
        *_heading("Formation professionnelle continue", st.h2),
    ]
    trainings = [_dict(t) for t in _list(snapshot.get("trainings"))]
    if not trainings:
        return [*story, Paragraph("Aucune formation déclarée.", st.body)]
    head = [
        "Intitulé de la formation",
        "Année",
        "Durée (heures)",
        "Organisme de formation ou formateur",
        "Contenu de la formation",
        "Attestation",
    ]
    rows: list[list[Any]] = [[Paragraph(h, st.cell_bold) for h in head]]
    for item in trainings:
        hours = _number(item.get("hours"))
        count = len(_list(item.get("attachments")))
        rows.append(
            [
                Paragraph(_text_or_dash(item.get("title")), st.cell),
                Paragraph(_text_or_dash(item.get("year")), st.cell),
                Paragraph(_hours(hours), st.cell),
                Paragraph(_text_or_dash(item.get("organisation")), st.cell),
                Paragraph(_text_or_dash(item.get("content")), st.cell),
                Paragraph(
                    f"Oui ({count} pièce{'s' if count > 1 else ''})" if count else "Non", st.cell
                ),
            ]
        )
    widths = [cm * w for w in (3.4, 1.5, 1.8, 3.0, 5.1, 2.2)]
    return [*story, _table(rows, widths, header=True)]


def _attachments_section(snapshot: dict[str, Any], st: _Styles) -> list[Flowable]:
    owners: list[tuple[str, list[Any]]] = []
    for index, item in enumerate((_dict(a) for a in _list(snapshot.get("activities"))), 1):
        owners.append((_activity_heading(index, item), _list(item.get("attachments"))))
    for index, item in enumerate((_dict(t) for t in _list(snapshot.get("trainings"))), 1):
        title = _markup(item.get("title"))
        owners.append(
            (
                f"Formation n°{NBSP}{index}" + (f" — {title}" if title else ""),
                _list(item.get("attachments")),
            )
        )
    story: list[Flowable] = [*_heading("8. Pièces jointes", st.h1)]
    head = ["Rattachée à", "Type de pièce", "Fichier", "Taille", "SHA-256 (début)"]
    rows: list[list[Any]] = [[Paragraph(h, st.cell_bold) for h in head]]
    empty_rows: list[int] = []
    for owner, attachments in owners:
        if not attachments:
            empty_rows.append(len(rows))
            rows.append(
                [Paragraph(owner, st.cell), Paragraph("<i>Aucune pièce jointe</i>", st.cell)]
            )
            rows[-1] += [""] * 3
        for entry in attachments:
            item = _dict(entry)
            digest = _one_line(item.get("sha256"))
            short = escape(digest[:16]) + ("…" if len(digest) > 16 else "") if digest else "—"
            cells = (
                owner,
                _text_or_dash(item.get("kind_label") or item.get("kind")),
                _text_or_dash(item.get("filename")),
                _size(item.get("size")),
                short,
            )
            rows.append([Paragraph(cell, st.cell) for cell in cells])
    if len(rows) == 1:
        return [*story, Paragraph("Aucune pièce jointe.", st.body)]
    table = _table(rows, [cm * w for w in (4.2, 3.0, 4.0, 2.0, 3.8)], header=True)
    table.setStyle(TableStyle([("SPAN", (1, row), (-1, row)) for row in empty_rows]))
    return [*story, table]


def dossier_pdf(snapshot: dict) -> bytes:
    """The submitted dossier de recevabilité, laid out like the paper form of seed 001."""
    st = _styles()
    snapshot = _dict(snapshot)
    number = _one_line(snapshot.get("number"))
    version = _one_line(snapshot.get("version"))
    cert = _dict(snapshot.get("certification"))
    option = _dict(cert.get("option"))
    who = _dict(snapshot.get("identity"))
    name = _full_name(who.get("first_name"), who.get("last_name"))
    submitted = snapshot.get("submitted_at")
    reference = f"Dossier n°{NBSP}{number or '(sans numéro)'}" + (
        f" — version {version}" if version else ""
    )
    submitted_text = (
        f"déposé le {_moment_text(submitted)}" if submitted else "non déposé (brouillon)"
    )
    subtitle = _markup(cert.get("title")) or "Certification non renseignée"
    if option:
        option_label = _one_line(option.get("label")) or "option"
        option_title = _markup(option.get("title"))
        subtitle += f"<br/>{escape(option_label[:1].upper() + option_label[1:])} {option_title}"
    story: list[Flowable] = [
        Paragraph("Dossier de recevabilité VAE", st.title),
        Paragraph(f"<b>{subtitle}</b>", st.subtitle),
        Paragraph(f"{escape(reference)} — {escape(submitted_text)}", st.subtitle),
    ]
    for section in (
        _identity_section,
        _certification_section,
        _sworn_section,
        _experience_section,
        _eligibility_section,
        _cv_section,
        _training_section,
        _attachments_section,
    ):
        story += section(snapshot, st)
    return _build(
        story,
        title=f"Dossier de recevabilité VAE {number} (version {version or '?'}) — {name}",
        subject=f"Validation des acquis de l'expérience — {clean_text(cert.get('title'))}",
        header=(f"Dossier de recevabilité VAE n° {number} — version {version}", name),
        fonts=st.fonts,
    )
