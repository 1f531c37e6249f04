"""The livret 2 PDF's constants, styles, page furniture and its reading of the snapshot."""

from __future__ import annotations

import functools
import math
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics

from vae.documents.pdf import (
    ACCENT,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    SHADE,
    NumberedCanvas,
    pdf_styles,
)
from vae.documents.text import (
    as_dict,
    as_list,
    clean_text,
    one_line,
    safe_markup,
    short_line,
)
from vae.french import NBSP, capitalised
from vae.french import number as french_number

TITLE = "Livret 2 – Description de situations professionnelles significatives"
WATERMARK = "Aperçu – non déposé"
CONTEXT_FIELD = ("context", "Contexte")
RUBRICS = (
    ("actions", "Ce que j'ai fait, étape par étape"),
    ("partners", "Avec qui"),
    ("tools", "Outils, règles et procédures utilisés"),
    ("results", "Résultats"),
    ("hindsight", "Ce que je ferais autrement"),
)
TEXT_FIELDS = (CONTEXT_FIELD[0], *(field for field, _ in RUBRICS))
COMPETENCIES_HEADING = "Compétences mises en œuvre"
ANNEXES_HEADING = "Annexes"
SHA_PREFIX = 16  # hexadecimal digits of the SHA-256 shown for each annex
CELL_CAP = 400  # characters of a title kept in the summary tables (in full in its section)
ALERT_HEX = "#a61b1b"  # unmet requirements, blocks without a situation
WARNING_HEX = "#8a4b00"  # competencies no situation shows (they do not block)
MUTED_HEX = f"#{MUTED.hexval()[2:]}"  # for inline markup
WATERMARK_HEX = "#b22222"
ALERT_SHADE = colors.HexColor("#fbeaea")

# --------------------------------------------------------------------------- text


def situation_word_count(situation: dict) -> int:
    """Words of a situation's text rubrics (context … hindsight), as a word processor counts.

    A word is a run of non-blank characters holding at least one letter or digit, so dashes
    and bullets do not count and « l'équipe » counts once.
    """
    situation = as_dict(situation)
    return sum(
        1
        for field in TEXT_FIELDS
        for token in clean_text(situation.get(field)).split()
        if any(char.isalnum() for char in token)
    )


def words_text(count: int) -> str:
    return f"{french_number(count, 0)}{NBSP}mot{'s' if count > 1 else ''}"


def cell_text(value: object, cap: int = CELL_CAP) -> str:
    """Markup for user text in a summary cell: one line, cut with an ellipsis past ``cap``."""
    return escape(short_line(value, cap))


def short_code(value: object) -> str:
    """A block, activity or competency code, on one line (codes are short)."""
    return short_line(value, 40)


# --------------------------------------------------------------------------- styles


class LivretStyles(NamedTuple):
    base: Any  # vae.documents.pdf's styles: body, title, subtitle, h1, h2, cell, cell_bold, note
    kicker: ParagraphStyle
    cover_title: ParagraphStyle
    cover_cert: ParagraphStyle
    band: ParagraphStyle
    situation: ParagraphStyle
    meta: ParagraphStyle
    rubric: ParagraphStyle
    text: ParagraphStyle
    empty: ParagraphStyle
    bullet: ParagraphStyle
    alert: ParagraphStyle


@functools.cache
def make_livret_styles(base: Any) -> LivretStyles:
    fonts = base.fonts
    return LivretStyles(
        base=base,
        kicker=ParagraphStyle(
            "l2_kicker",
            parent=base.body,
            fontSize=10.5,
            leading=14,
            alignment=TA_CENTER,
            textColor=MUTED,
            spaceAfter=10,
        ),
        cover_title=ParagraphStyle(
            "l2_cover_title", parent=base.title, fontSize=20, leading=26, spaceAfter=18
        ),
        cover_cert=ParagraphStyle(
            "l2_cover_cert",
            parent=base.body,
            fontName=fonts.bold,
            fontSize=13,
            leading=17,
            alignment=TA_CENTER,
            spaceAfter=4,
        ),
        band=ParagraphStyle(
            "l2_band",
            parent=base.body,
            fontName=fonts.bold,
            fontSize=12,
            leading=15,
            textColor=colors.white,
            spaceAfter=0,
        ),
        situation=ParagraphStyle(
            "l2_situation",
            parent=base.h1,
            fontSize=13.5,
            leading=17,
            spaceBefore=10,
            spaceAfter=2,
        ),
        meta=ParagraphStyle("l2_meta", parent=base.note, fontSize=9, leading=12, spaceAfter=2),
        rubric=ParagraphStyle(
            "l2_rubric",
            parent=base.h2,
            textColor=ACCENT,
            backColor=SHADE,
            borderPadding=(3, 4, 3, 4),
            spaceBefore=12,
            spaceAfter=6,
        ),
        text=ParagraphStyle("l2_text", parent=base.body, leading=13.5, spaceAfter=5),
        empty=ParagraphStyle("l2_empty", parent=base.body, textColor=MUTED),
        bullet=ParagraphStyle(
            "l2_bullet",
            parent=base.body,
            leftIndent=14,
            bulletIndent=3,
            bulletFontName=fonts.regular,
            spaceAfter=3,
        ),
        alert=ParagraphStyle(
            "l2_alert",
            parent=base.cell,
            fontName=fonts.bold,
            textColor=colors.HexColor(ALERT_HEX),
            spaceAfter=0,
        ),
    )


def livret_styles() -> LivretStyles:
    return make_livret_styles(pdf_styles())


# --------------------------------------------------------------------------- page furniture


class LivretCanvas(NumberedCanvas):
    """« Page N sur M » and the running header, plus a diagonal stamp on the candidate's preview."""

    def __init__(
        self, *args: Any, watermark: str = "", watermark_font: str = "Helvetica", **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self._watermark = watermark
        self._watermark_font = watermark_font

    def furniture(self, total: int) -> None:
        super().furniture(total)
        if self._watermark:
            self._stamp()

    def _stamp(self) -> None:
        font = self._watermark_font
        diagonal = math.hypot(PAGE_WIDTH, PAGE_HEIGHT)
        size = min(60.0, 0.7 * diagonal / pdfmetrics.stringWidth(self._watermark, font, 1))
        self.saveState()
        self.setFillColor(colors.HexColor(WATERMARK_HEX))
        self.setFillAlpha(0.14)
        self.setFont(font, size)
        self.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        self.rotate(math.degrees(math.atan2(PAGE_HEIGHT, PAGE_WIDTH)))
        self.drawCentredString(0, -size / 3, self._watermark)
        self.restoreState()


# --------------------------------------------------------------------------- the snapshot


class Referential(NamedTuple):
    """What the target blocks say about codes, to complete what the situations carry."""

    activity_titles: dict[str, str]
    competencies: dict[tuple[str, str], tuple[str, bool]]  # (block, code) -> (title, key)
    any_block: dict[str, tuple[str, bool]]  # code -> (title, key), first block that has it


def read_referential(snapshot: dict[str, Any]) -> Referential:
    activities: dict[str, str] = {}
    competencies: dict[tuple[str, str], tuple[str, bool]] = {}
    any_block: dict[str, tuple[str, bool]] = {}
    for raw in as_list(snapshot.get("target_blocks")):
        block = as_dict(raw)
        code = short_code(block.get("code"))
        for activity in (as_dict(a) for a in as_list(block.get("activities"))):
            activities.setdefault(
                short_code(activity.get("code")), clean_text(activity.get("title"))
            )
        for item in (as_dict(c) for c in as_list(block.get("competencies"))):
            entry = (clean_text(item.get("title")), item.get("key") is True)
            competencies.setdefault((code, short_code(item.get("code"))), entry)
            any_block.setdefault(short_code(item.get("code")), entry)
    return Referential(activities, competencies, any_block)


class Numbered(NamedTuple):
    number: int
    situation: dict[str, Any]


class Group(NamedTuple):
    code: str | None  # None: situations tied to no target block
    title: str
    activities: list[tuple[str, str]]
    situations: list[Numbered]


def group_situations(snapshot: dict[str, Any]) -> list[Group]:
    """Target blocks in order, each with its situations; then the situations tied to none."""
    groups: dict[str, Group] = {}
    for raw in as_list(snapshot.get("target_blocks")):
        block = as_dict(raw)
        code = short_code(block.get("code"))
        if code not in groups:
            activities = [
                (short_code(a.get("code")), clean_text(a.get("title")))
                for a in (as_dict(item) for item in as_list(block.get("activities")))
            ]
            groups[code] = Group(code, clean_text(block.get("title")), activities, [])
    orphans: list[dict[str, Any]] = []
    for raw in as_list(snapshot.get("situations")):
        situation = as_dict(raw)
        code = short_code(situation.get("block_code"))
        if code in groups:
            groups[code].situations.append(Numbered(0, situation))
        else:
            orphans.append(situation)
    ordered = list(groups.values())
    if orphans:
        ordered.append(Group(None, "", [], [Numbered(0, s) for s in orphans]))
    number = 0
    for group in ordered:
        for index, item in enumerate(group.situations):
            number += 1
            group.situations[index] = item._replace(number=number)
    return ordered


def block_name(label: str, code: str, title: str) -> str:
    """« Bloc B1 — Gestion de la relation… », markup."""
    name = f"{escape(capitalised(label))}{NBSP}{escape(code)}" if code else escape(label)
    return f"{name} — {safe_markup(title)}" if clean_text(title) else name


def activity_name(situation: dict[str, Any], ref: Referential) -> str:
    """« Activité A1 — Prépare, mène… » (plain text); ``""`` when the situation names none."""
    code = short_code(situation.get("activity_code"))
    title = one_line(situation.get("activity_title")) or one_line(ref.activity_titles.get(code))
    if not code and not title:
        return ""
    name = f"Activité{NBSP}{code}" if code else "Activité"
    return f"{name} — {title}" if title else name


def competency_of(item: object, block_code: str, ref: Referential) -> tuple[str, str, bool]:
    """(code, title, key) of a competency a situation shows, completed from the target blocks."""
    entry = as_dict(item) if not isinstance(item, str) else {"code": item}
    code = short_code(entry.get("code"))
    title = clean_text(entry.get("title"))
    known = ref.competencies.get((block_code, code)) or ref.any_block.get(code) or ("", False)
    if not title or title == code:
        title = known[0]
    key = entry.get("key") is True or known[1]
    return code, title, key
