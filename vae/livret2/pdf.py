"""The candidate's livret 2 laid out for the jury, returned as PDF bytes.

:func:`livret2_pdf` lays out the JSON-serialisable snapshot frozen when the livret 2 is
submitted (or the live data, for the candidate's preview): a cover page, a summary for the
jury (coverage of the target blocks, competencies no situation shows, blocks already acquired,
the list of situations), then the situations grouped by block, each in the rubrics of the paper
livret 2: context, what I did step by step, with whom, tools and rules, results, what I would do
differently, competencies shown and annexes. ``draft=True`` stamps every page « Aperçu – non
déposé ».

Pure function: no Flask, no database. Fonts, styles, text cleaning, tables and the « Page N sur
M » canvas come from :mod:`vae.dossier.pdf`; every piece of user text is cleaned (control
characters dropped) and escaped before it reaches reportlab's paragraph markup. Missing or
mistyped keys of the snapshot render as « — » or « Non renseigné », never as an error.
"""

from __future__ import annotations

import functools
import io
import math
import re
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from vae.dossier.pdf import (
    ACCENT,
    CONTENT_WIDTH,
    MARGIN,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    PDF_AUTHOR,
    SHADE,
    _date_text,
    _dict,
    _full_name,
    _key_values,
    _list,
    _markup,
    _moment_text,
    _NumberedCanvas,
    _one_line,
    _size,
    _styles,
    _table,
    clean_text,
)
from vae.french import NBSP
from vae.french import number as french_number
from vae.review.letters import _line
from vae.rules.coverage import _capitalised

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
    situation = _dict(situation)
    return sum(
        1
        for field in TEXT_FIELDS
        for token in clean_text(situation.get(field)).split()
        if any(char.isalnum() for char in token)
    )


def _words(count: int) -> str:
    return f"{french_number(count, 0)}{NBSP}mot{'s' if count > 1 else ''}"


def _cell(value: object, cap: int = CELL_CAP) -> str:
    """Markup for user text in a summary cell: one line, cut with an ellipsis past ``cap``."""
    return escape(_line(value, cap))


def _code(value: object) -> str:
    """A block, activity or competency code, on one line (codes are short)."""
    return _line(value, 40)


# --------------------------------------------------------------------------- styles


class _Styles(NamedTuple):
    base: Any  # vae.dossier.pdf's styles: body, title, subtitle, h1, h2, cell, cell_bold, note
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
def _make_styles(base: Any) -> _Styles:
    fonts = base.fonts
    return _Styles(
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


def _livret_styles() -> _Styles:
    return _make_styles(_styles())


# --------------------------------------------------------------------------- page furniture


class _LivretCanvas(_NumberedCanvas):
    """« Page N sur M » and the running header, plus a diagonal stamp on the candidate's preview."""

    def __init__(
        self, *args: Any, watermark: str = "", watermark_font: str = "Helvetica", **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self._watermark = watermark
        self._watermark_font = watermark_font

    def _furniture(self, total: int) -> None:
        super()._furniture(total)
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


def _build(
    story: list[Flowable], *, title: str, subject: str, header: tuple[str, str], draft: bool
) -> bytes:
    fonts = _livret_styles().base.fonts
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=_line(title, 300),
        author=PDF_AUTHOR,
        subject=_line(subject, 300),
        creator="vae.livret2.pdf (reportlab)",
        lang="fr-FR",
        displayDocTitle=1,
    )
    maker = functools.partial(
        _LivretCanvas,
        header=(_line(header[0], 300), _line(header[1], 300)),
        font=fonts.regular,
        watermark=WATERMARK if draft else "",
        watermark_font=fonts.bold,
    )
    doc.build(story, canvasmaker=maker)
    return buffer.getvalue()


# --------------------------------------------------------------------------- the snapshot


class _Referential(NamedTuple):
    """What the target blocks say about codes, to complete what the situations carry."""

    activity_titles: dict[str, str]
    competencies: dict[tuple[str, str], tuple[str, bool]]  # (block, code) -> (title, key)
    any_block: dict[str, tuple[str, bool]]  # code -> (title, key), first block that has it


def _referential(snapshot: dict[str, Any]) -> _Referential:
    activities: dict[str, str] = {}
    competencies: dict[tuple[str, str], tuple[str, bool]] = {}
    any_block: dict[str, tuple[str, bool]] = {}
    for raw in _list(snapshot.get("target_blocks")):
        block = _dict(raw)
        code = _code(block.get("code"))
        for activity in (_dict(a) for a in _list(block.get("activities"))):
            activities.setdefault(_code(activity.get("code")), clean_text(activity.get("title")))
        for item in (_dict(c) for c in _list(block.get("competencies"))):
            entry = (clean_text(item.get("title")), item.get("key") is True)
            competencies.setdefault((code, _code(item.get("code"))), entry)
            any_block.setdefault(_code(item.get("code")), entry)
    return _Referential(activities, competencies, any_block)


class _Numbered(NamedTuple):
    number: int
    situation: dict[str, Any]


class _Group(NamedTuple):
    code: str | None  # None: situations tied to no target block
    title: str
    activities: list[tuple[str, str]]
    situations: list[_Numbered]


def _groups(snapshot: dict[str, Any]) -> list[_Group]:
    """Target blocks in order, each with its situations; then the situations tied to none."""
    groups: dict[str, _Group] = {}
    for raw in _list(snapshot.get("target_blocks")):
        block = _dict(raw)
        code = _code(block.get("code"))
        if code not in groups:
            activities = [
                (_code(a.get("code")), clean_text(a.get("title")))
                for a in (_dict(item) for item in _list(block.get("activities")))
            ]
            groups[code] = _Group(code, clean_text(block.get("title")), activities, [])
    orphans: list[dict[str, Any]] = []
    for raw in _list(snapshot.get("situations")):
        situation = _dict(raw)
        code = _code(situation.get("block_code"))
        if code in groups:
            groups[code].situations.append(_Numbered(0, situation))
        else:
            orphans.append(situation)
    ordered = list(groups.values())
    if orphans:
        ordered.append(_Group(None, "", [], [_Numbered(0, s) for s in orphans]))
    number = 0
    for group in ordered:
        for index, item in enumerate(group.situations):
            number += 1
            group.situations[index] = item._replace(number=number)
    return ordered


def _block_name(label: str, code: str, title: str) -> str:
    """« Bloc B1 — Gestion de la relation… », markup."""
    name = f"{escape(_capitalised(label))}{NBSP}{escape(code)}" if code else escape(label)
    return f"{name} — {_markup(title)}" if clean_text(title) else name


def _activity(situation: dict[str, Any], ref: _Referential) -> str:
    """« Activité A1 — Prépare, mène… » (plain text); ``""`` when the situation names none."""
    code = _code(situation.get("activity_code"))
    title = _one_line(situation.get("activity_title")) or _one_line(ref.activity_titles.get(code))
    if not code and not title:
        return ""
    name = f"Activité{NBSP}{code}" if code else "Activité"
    return f"{name} — {title}" if title else name


def _competency(item: object, block_code: str, ref: _Referential) -> tuple[str, str, bool]:
    """(code, title, key) of a competency a situation shows, completed from the target blocks."""
    entry = _dict(item) if not isinstance(item, str) else {"code": item}
    code = _code(entry.get("code"))
    title = clean_text(entry.get("title"))
    known = ref.competencies.get((block_code, code)) or ref.any_block.get(code) or ("", False)
    if not title or title == code:
        title = known[0]
    key = entry.get("key") is True or known[1]
    return code, title, key


# --------------------------------------------------------------------------- cover


def _cover(
    snapshot: dict[str, Any], st: _Styles, groups: list[_Group], draft: bool
) -> list[Flowable]:
    base = st.base
    cert = _dict(snapshot.get("certification"))
    candidate = _dict(snapshot.get("candidate"))
    name = _full_name(candidate.get("first_name"), candidate.get("last_name"))
    story: list[Flowable] = [
        Spacer(1, 2.2 * cm),
        Paragraph("Validation des acquis de l'expérience (VAE)", st.kicker),
        Paragraph(escape(TITLE), st.cover_title),
        Paragraph(_markup(cert.get("title")) or "Certification non renseignée", st.cover_cert),
    ]
    option = _markup(cert.get("option_title"))
    if option:
        label = _capitalised(_one_line(cert.get("option_label")) or "option")
        story.append(Paragraph(f"{escape(label)} : {option}", st.kicker))
    number, version = _one_line(snapshot.get("number")), _one_line(snapshot.get("version"))
    dossier = escape(f"n°{NBSP}{number}") if number else "—"
    if version:
        dossier += f" — version{NBSP}{escape(version)}"
    if draft:
        deposit = f'<font color="{WATERMARK_HEX}"><b>{escape(WATERMARK)}</b></font>'
    elif snapshot.get("submitted_at"):
        deposit = escape(f"Déposé le {_moment_text(snapshot.get('submitted_at'))}")
    else:
        deposit = "Date de dépôt non renseignée"
    situations = [item for group in groups for item in group.situations]
    words = sum(situation_word_count(item.situation) for item in situations)
    count = len(situations)
    described = (
        f"{count} situation{'s' if count > 1 else ''} ({_words(words)})" if count else "Aucune"
    )
    pairs = [
        ("Candidat(e)", escape(name)),
        ("Dossier", dossier),
        ("Dépôt du livret 2", deposit),
        ("À déposer au plus tard le", escape(_date_text(snapshot.get("due_on")))),
        ("Situations décrites", described),
        ("Ce que le livret doit contenir", _markup(snapshot.get("requirement"))),
    ]
    story += [
        Spacer(1, 1.2 * cm),
        _key_values(pairs, base, label_width=5 * cm),
        Spacer(1, 0.8 * cm),
        Paragraph(
            "Ce livret rassemble les situations professionnelles significatives que le candidat "
            "a choisi de décrire pour montrer les compétences de la certification. Il est remis "
            "au jury VAE, qui l'étudie avant l'entretien avec le candidat.",
            base.note,
        ),
        PageBreak(),
    ]
    return story


# --------------------------------------------------------------------------- summary


def _coverage_rows(snapshot: dict[str, Any]) -> list[tuple[str, str, dict[str, Any] | None]]:
    """(block code, block title, coverage entry or None), target blocks first, in order."""
    coverage: dict[str, dict[str, Any]] = {}
    for item in (_dict(c) for c in _list(snapshot.get("coverage"))):
        coverage.setdefault(_code(item.get("block_code")), item)
    rows: list[tuple[str, str, dict[str, Any] | None]] = []
    seen: set[str] = set()
    for block in (_dict(b) for b in _list(snapshot.get("target_blocks"))):
        code = _code(block.get("code"))
        if code in seen:
            continue
        seen.add(code)
        rows.append((code, clean_text(block.get("title")), coverage.get(code)))
    for code, item in coverage.items():
        if code not in seen:
            rows.append((code, clean_text(item.get("block_title")), item))
    return rows


def _code_list(value: object) -> list[str]:
    return [code for code in (_code(v) for v in _list(value)) if code]


def _coverage_table(
    snapshot: dict[str, Any], st: _Styles, groups: list[_Group], label: str, ref: _Referential
) -> list[Flowable]:
    base = st.base
    rows_data = _coverage_rows(snapshot)
    if not rows_data:
        return [Paragraph(f"Aucun {escape(label)} visé n'est indiqué.", base.body)]
    numbers = {
        group.code: [item.number for item in group.situations]
        for group in groups
        if group.code is not None
    }
    head = [
        f"{escape(_capitalised(label))} visé",
        "Situations",
        "Compétences couvertes",
        "Compétences non couvertes",
    ]
    rows: list[list[Any]] = [[Paragraph(h, base.cell_bold) for h in head]]
    alerts: list[int] = []
    for code, title, item in rows_data:
        situations = numbers.get(code, [])
        shown = (
            f"{len(situations)} (n°{NBSP}{', '.join(str(n) for n in situations)})"
            if situations
            else f'<font color="{ALERT_HEX}"><b>Aucune</b></font>'
        )
        name = f"<b>{escape(_capitalised(label))}{NBSP}{escape(code)}</b>"
        if title:
            name += f"<br/>{_cell(title)}"
        if item is None:
            covered_text = uncovered_text = "—"
        else:
            covered = _code_list(item.get("covered"))
            uncovered = _code_list(item.get("uncovered"))
            covered_text = _flagged(covered, code, ref) or "Aucune"
            uncovered_text = (
                f'<font color="{WARNING_HEX}">{_flagged(uncovered, code, ref)}</font>'
                if uncovered
                else "Aucune"
            )
        rows.append(
            [
                Paragraph(name, base.cell),
                Paragraph(shown, base.cell),
                Paragraph(covered_text, base.cell),
                Paragraph(uncovered_text, base.cell),
            ]
        )
        unmet = [] if item is None else [_cell(u) for u in _list(item.get("unmet")) if _line(u)]
        for message in unmet:
            alerts.append(len(rows))
            rows.append([Paragraph(f"Exigence non remplie : {message}", st.alert), "", "", ""])
    table = _table(rows, [cm * w for w in (6.4, 2.4, 4.1, 4.1)], header=True)
    commands: list[tuple[Any, ...]] = []
    for row in alerts:
        commands += [
            ("SPAN", (0, row), (-1, row)),
            ("BACKGROUND", (0, row), (-1, row), ALERT_SHADE),
        ]
    table.setStyle(TableStyle(commands))
    return [table]


def _flagged(codes: list[str], block: str, ref: _Referential) -> str:
    """« C1, C4 (clé) »: codes, key competencies marked."""
    parts = []
    for code in codes:
        key = (ref.competencies.get((block, code)) or ref.any_block.get(code) or ("", False))[1]
        parts.append(escape(code) + (f"{NBSP}(clé)" if key else ""))
    return ", ".join(parts)


def _uncovered_list(
    snapshot: dict[str, Any], st: _Styles, label: str, ref: _Referential
) -> list[Flowable]:
    base = st.base
    rows: list[list[Any]] = []
    for code, _title, item in _coverage_rows(snapshot):
        for competency in _code_list(_dict(item).get("uncovered")):
            _, title, key = _competency(competency, code, ref)
            text = f"<b>{escape(competency)}</b>" + (f" — {_cell(title)}" if title else "")
            if key:
                text += " <i>(compétence clé)</i>"
            rows.append(
                [
                    Paragraph(f"{escape(_capitalised(label))}{NBSP}{escape(code)}", base.cell),
                    Paragraph(text, base.cell),
                ]
            )
    if not rows:
        return []
    return [
        CondPageBreak(3 * cm),
        Paragraph("Compétences non couvertes par les situations décrites", base.h2),
        Paragraph(
            "Aucune situation ne les mentionne. Elles n'empêchent pas le dépôt du livret ; le "
            "jury peut les aborder lors de l'entretien.",
            base.note,
        ),
        _table(rows, [2.4 * cm, CONTENT_WIDTH - 2.4 * cm]),
    ]


def _acquired(snapshot: dict[str, Any], st: _Styles, label: str, plural: str) -> list[Flowable]:
    base = st.base
    blocks = [_dict(b) for b in _list(snapshot.get("acquired_blocks"))]
    if not blocks:
        return []
    rows = []
    for block in blocks:
        name = f"<b>{escape(_capitalised(label))}{NBSP}{escape(_code(block.get('code')))}</b>"
        title = _cell(block.get("title"))
        expires = _date_text(block.get("expires_on"))
        validity = f"Valable jusqu'au {escape(expires)}" if expires else "Sans date d'expiration"
        rows.append(
            [
                Paragraph(name + (f" — {title}" if title else ""), base.cell),
                Paragraph(validity, base.cell),
            ]
        )
    return [
        CondPageBreak(3 * cm),
        Paragraph(f"{escape(_capitalised(plural))} acquis – non évalués dans ce livret", base.h2),
        _table(rows, [CONTENT_WIDTH - 5 * cm, 5 * cm]),
    ]


def _situation_list(
    groups: list[_Group], st: _Styles, label: str, ref: _Referential
) -> list[Flowable]:
    base = st.base
    story: list[Flowable] = [CondPageBreak(3 * cm), Paragraph("Situations décrites", base.h2)]
    items = [(group, item) for group in groups for item in group.situations]
    if not items:
        return [*story, Paragraph("Aucune situation n'a encore été décrite.", base.body)]
    head = ["N°", "Situation", escape(_capitalised(label)), "Employeur, période", "Mots"]
    rows: list[list[Any]] = [[Paragraph(h, base.cell_bold) for h in head]]
    for group, item in items:
        situation = item.situation
        title = f"<b>{_cell(situation.get('title')) or 'Sans titre'}</b>"
        activity = _activity(situation, ref)
        if activity:
            title += f'<br/><font color="{MUTED_HEX}">{_cell(activity)}</font>'
        where = "<br/>".join(
            text
            for text in (_cell(situation.get("employer")), _cell(situation.get("period")))
            if text
        )
        rows.append(
            [
                Paragraph(str(item.number), base.cell),
                Paragraph(title, base.cell),
                Paragraph(escape(group.code) if group.code else "—", base.cell),
                Paragraph(where or "—", base.cell),
                Paragraph(french_number(situation_word_count(situation), 0), base.cell),
            ]
        )
    return [*story, _table(rows, [cm * w for w in (1.0, 8.6, 1.6, 4.3, 1.5)], header=True)]


def _summary(
    snapshot: dict[str, Any],
    st: _Styles,
    groups: list[_Group],
    labels: tuple[str, str],
    ref: _Referential,
) -> list[Flowable]:
    base = st.base
    label, plural = labels
    story: list[Flowable] = [Paragraph("Synthèse pour le jury", base.h1)]
    requirement = _markup(snapshot.get("requirement"))
    if requirement:
        story.append(Paragraph(f"<b>Ce que le livret doit contenir :</b> {requirement}", base.body))
    story += [
        Paragraph(f"Couverture des {escape(plural)} visés", base.h2),
        *_coverage_table(snapshot, st, groups, label, ref),
        *_uncovered_list(snapshot, st, label, ref),
        *_acquired(snapshot, st, label, plural),
        *_situation_list(groups, st, label, ref),
    ]
    return story


# --------------------------------------------------------------------------- situations


def _texts(value: object, st: _Styles) -> list[Flowable]:
    """User text as paragraphs (split on blank lines), line breaks kept; may span pages."""
    parts = [part for part in re.split(r"\n\s*\n", clean_text(value)) if part.strip()]
    if not parts:
        return [Paragraph("<i>Non renseigné.</i>", st.empty)]
    return [Paragraph(_markup(part), st.text) for part in parts]


def _rubric(heading: str, st: _Styles) -> list[Flowable]:
    """A rubric heading that starts a new page rather than sit alone at the bottom of one."""
    return [CondPageBreak(2.6 * cm), Paragraph(escape(heading), st.rubric)]


def _band(markup: str, st: _Styles) -> Table:
    """The coloured band that opens a block's situations."""
    band = Table([[Paragraph(markup, st.band)]], colWidths=[CONTENT_WIDTH])
    band.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), ACCENT),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return band


def _group_heading(group: _Group, st: _Styles, label: str) -> list[Flowable]:
    if group.code is None:
        return [_band(f"Situations rattachées à aucun {escape(label)} visé", st), Spacer(1, 4)]
    story: list[Flowable] = [_band(_block_name(label, group.code, group.title), st), Spacer(1, 4)]
    for code, title in group.activities:
        name = f"Activité{NBSP}{escape(code)}" if code else "Activité"
        story.append(
            Paragraph(f"<b>{name}</b>" + (f" — {_markup(title)}" if title else ""), st.meta)
        )
    if not group.situations:
        story.append(Spacer(1, 6))
        story.append(Paragraph(f"Aucune situation décrite pour ce {escape(label)}.", st.empty))
    return story


def _context(situation: dict[str, Any], st: _Styles) -> list[Flowable]:
    pairs = [
        ("Employeur ou structure", _markup(situation.get("employer"))),
        ("Période", _markup(situation.get("period"))),
        ("Fonction occupée", _markup(situation.get("role"))),
    ]
    story: list[Flowable] = [*_rubric(CONTEXT_FIELD[1], st)]
    if any(value for _, value in pairs):
        story += [_key_values(pairs, st.base, label_width=4.2 * cm), Spacer(1, 6)]
    return [*story, *_texts(situation.get(CONTEXT_FIELD[0]), st)]


def _competencies(
    situation: dict[str, Any], block_code: str, st: _Styles, ref: _Referential
) -> list[Flowable]:
    story = _rubric(COMPETENCIES_HEADING, st)
    items = [_competency(item, block_code, ref) for item in _list(situation.get("competencies"))]
    items = [item for item in items if item[0] or item[1]]
    if not items:
        return [*story, Paragraph("<i>Aucune compétence indiquée.</i>", st.empty)]
    for code, title, key in items:
        text = f"<b>{escape(code) or '—'}</b>" + (f" — {_markup(title)}" if title else "")
        if key:
            text += " <i>(compétence clé)</i>"
        story.append(Paragraph(text, st.bullet, bulletText="•"))
    return story


def _annexes(situation: dict[str, Any], st: _Styles) -> list[Flowable]:
    base = st.base
    story = _rubric(ANNEXES_HEADING, st)
    annexes = [_dict(a) for a in _list(situation.get("annexes"))]
    if not annexes:
        return [*story, Paragraph("<i>Aucune annexe.</i>", st.empty)]
    head = ["N°", "Fichier", "Taille", "SHA-256 (début)"]
    rows: list[list[Any]] = [[Paragraph(h, base.cell_bold) for h in head]]
    for index, annex in enumerate(annexes, 1):
        digest = _one_line(annex.get("sha256"))
        short = escape(digest[:SHA_PREFIX]) + ("…" if len(digest) > SHA_PREFIX else "")
        rows.append(
            [
                Paragraph(str(index), base.cell),
                Paragraph(_cell(annex.get("filename")) or "—", base.cell),
                Paragraph(_size(annex.get("size")), base.cell),
                Paragraph(short or "—", base.cell),
            ]
        )
    return [*story, _table(rows, [cm * w for w in (1.0, 9.4, 2.4, 4.2)], header=True)]


def _situation(item: _Numbered, group: _Group, st: _Styles, ref: _Referential) -> list[Flowable]:
    situation = item.situation
    title = escape(_one_line(situation.get("title"))) or "<i>Sans titre</i>"
    if group.code is None:  # no block band above: name the activity in full
        activity = _activity(situation, ref)
    else:  # the band lists the block's activities: the code is enough
        code = _code(situation.get("activity_code"))
        activity = f"Activité{NBSP}{code}" if code else ""
    words = _words(situation_word_count(situation))
    meta = [escape(text) for text in (activity, words) if text]
    story: list[Flowable] = [
        CondPageBreak(6 * cm),
        Paragraph(f"Situation n°{NBSP}{item.number} — {title}", st.situation),
        Paragraph(" · ".join(meta), st.meta),
        *_context(situation, st),
    ]
    for field, heading in RUBRICS:
        story += [*_rubric(heading, st), *_texts(situation.get(field), st)]
    story += _competencies(situation, group.code or _code(situation.get("block_code")), st, ref)
    story += _annexes(situation, st)
    return story


def _situations(groups: list[_Group], st: _Styles, label: str, ref: _Referential) -> list[Flowable]:
    story: list[Flowable] = []
    for group in groups:
        story += [PageBreak(), *_group_heading(group, st, label)]
        for index, item in enumerate(group.situations):
            if index:
                story.append(PageBreak())
            story += _situation(item, group, st, ref)
    return story


# --------------------------------------------------------------------------- the livret


def livret2_pdf(snapshot: dict, *, draft: bool = False) -> bytes:
    """The candidate's livret 2 laid out for the jury (A4), from its JSON-serialisable snapshot.

    ``draft=True`` is the candidate's preview: every page is stamped « Aperçu – non déposé » and
    the cover says the livret is not submitted. Every key of ``snapshot`` may be missing.
    """
    st = _livret_styles()
    snapshot = _dict(snapshot)
    cert = _dict(snapshot.get("certification"))
    label = _one_line(cert.get("block_label")).lower() or "bloc"
    plural = label if label.endswith(("s", "x")) else f"{label}s"
    ref = _referential(snapshot)
    groups = _groups(snapshot)
    story = [
        *_cover(snapshot, st, groups, draft),
        *_summary(snapshot, st, groups, (label, plural), ref),
        *_situations(groups, st, label, ref),
    ]
    number, version = _one_line(snapshot.get("number")), _one_line(snapshot.get("version"))
    candidate = _dict(snapshot.get("candidate"))
    name = _full_name(candidate.get("first_name"), candidate.get("last_name"))
    reference = f"n° {number}" if number else "(sans numéro)"
    if version:
        reference += f" — version {version}"
    cert_title = _one_line(cert.get("title"))
    return _build(
        story,
        title=f"Livret 2 VAE {reference} — {name}" + (" (aperçu)" if draft else ""),
        subject=(
            "Validation des acquis de l'expérience — livret 2"
            + (f" — {cert_title}" if cert_title else "")
        ),
        header=(f"Livret 2 — dossier {reference}", name),
        draft=draft,
    )
