"""The candidate's livret 2 laid out for the jury, returned as PDF bytes.

:func:`livret2_pdf` lays out the JSON-serialisable snapshot frozen when the livret 2 is
submitted (or the live data, for the candidate's preview): a cover page, a summary for the
jury (coverage of the target blocks, competencies no situation shows, blocks already acquired,
the list of situations), then the situations grouped by block, each in the rubrics of the paper
livret 2: context, what I did step by step, with whom, tools and rules, results, what I would do
differently, competencies shown and annexes. ``draft=True`` stamps every page « Aperçu – non
déposé ».

Pure function: no Flask, no database. Fonts, styles, text cleaning, tables and the « Page N sur
M » canvas come from :mod:`vae.documents`; every piece of user text is cleaned (control
characters dropped) and escaped before it reaches reportlab's paragraph markup. Missing or
mistyped keys of the snapshot render as « — » or « Non renseigné », never as an error.
"""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer, Table, TableStyle

from vae.documents.pdf import (
    ACCENT,
    CONTENT_WIDTH,
    Paragraph,
    build_pdf,
    fonts,
    grid_table,
    key_values,
    section_heading,
)
from vae.documents.text import (
    as_dict,
    as_list,
    clean_text,
    file_size,
    full_name,
    one_line,
    safe_markup,
    short_line,
)
from vae.french import NBSP
from vae.livret2.pdf_parts import (
    ANNEXES_HEADING,
    COMPETENCIES_HEADING,
    CONTEXT_FIELD,
    RUBRICS,
    SHA_PREFIX,
    TITLE,
    WATERMARK,
    Group,
    LivretCanvas,
    LivretStyles,
    Numbered,
    Referential,
    activity_name,
    block_name,
    cell_text,
    competency_of,
    group_situations,
    livret_styles,
    read_referential,
    short_code,
    situation_word_count,
    words_text,
)
from vae.livret2.pdf_summary import (
    cover_pages,
    summary_pages,
)

__all__ = ["RUBRICS", "TITLE", "WATERMARK", "livret2_pdf", "situation_word_count"]


# --------------------------------------------------------------------------- situations


def _texts(value: object, st: LivretStyles) -> list[Flowable]:
    """User text as paragraphs (split on blank lines), line breaks kept; may span pages."""
    parts = [part for part in re.split(r"\n\s*\n", clean_text(value)) if part.strip()]
    if not parts:
        return [Paragraph("<i>Non renseigné.</i>", st.empty)]
    return [Paragraph(safe_markup(part), st.text) for part in parts]


def _rubric(heading: str, st: LivretStyles) -> list[Flowable]:
    """A rubric heading that starts a new page rather than sit alone at the bottom of one."""
    return section_heading(escape(heading), st.rubric, 2.6 * cm)


def _band(markup: str, st: LivretStyles) -> Table:
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


def _group_heading(group: Group, st: LivretStyles, label: str) -> list[Flowable]:
    if group.code is None:
        return [_band(f"Situations rattachées à aucun {escape(label)} visé", st), Spacer(1, 4)]
    story: list[Flowable] = [_band(block_name(label, group.code, group.title), st), Spacer(1, 4)]
    for code, title in group.activities:
        name = f"Activité{NBSP}{escape(code)}" if code else "Activité"
        story.append(
            Paragraph(f"<b>{name}</b>" + (f" — {safe_markup(title)}" if title else ""), st.meta)
        )
    if not group.situations:
        story.append(Spacer(1, 6))
        story.append(Paragraph(f"Aucune situation décrite pour ce {escape(label)}.", st.empty))
    return story


def _context(situation: dict[str, Any], st: LivretStyles) -> list[Flowable]:
    pairs = [
        ("Employeur ou structure", safe_markup(situation.get("employer"))),
        ("Période", safe_markup(situation.get("period"))),
        ("Fonction occupée", safe_markup(situation.get("role"))),
    ]
    story: list[Flowable] = [*_rubric(CONTEXT_FIELD[1], st)]
    if any(value for _, value in pairs):
        story += [key_values(pairs, st.base, label_width=4.2 * cm), Spacer(1, 6)]
    return [*story, *_texts(situation.get(CONTEXT_FIELD[0]), st)]


def _competencies(
    situation: dict[str, Any], block_code: str, st: LivretStyles, ref: Referential
) -> list[Flowable]:
    story = _rubric(COMPETENCIES_HEADING, st)
    items = [
        competency_of(item, block_code, ref) for item in as_list(situation.get("competencies"))
    ]
    items = [item for item in items if item[0] or item[1]]
    if not items:
        return [*story, Paragraph("<i>Aucune compétence indiquée.</i>", st.empty)]
    for code, title, key in items:
        text = f"<b>{escape(code) or '—'}</b>" + (f" — {safe_markup(title)}" if title else "")
        if key:
            text += " <i>(compétence clé)</i>"
        story.append(Paragraph(text, st.bullet, bulletText="•"))
    return story


def _annexes(situation: dict[str, Any], st: LivretStyles) -> list[Flowable]:
    base = st.base
    story = _rubric(ANNEXES_HEADING, st)
    annexes = [as_dict(a) for a in as_list(situation.get("annexes"))]
    if not annexes:
        return [*story, Paragraph("<i>Aucune annexe.</i>", st.empty)]
    head = ["N°", "Fichier", "Taille", "SHA-256 (début)"]
    rows: list[list[Any]] = [[Paragraph(h, base.cell_bold) for h in head]]
    for index, annex in enumerate(annexes, 1):
        digest = one_line(annex.get("sha256"))
        short = escape(digest[:SHA_PREFIX]) + ("…" if len(digest) > SHA_PREFIX else "")
        rows.append(
            [
                Paragraph(str(index), base.cell),
                Paragraph(cell_text(annex.get("filename")) or "—", base.cell),
                Paragraph(file_size(annex.get("size")), base.cell),
                Paragraph(short or "—", base.cell),
            ]
        )
    return [*story, grid_table(rows, [cm * w for w in (1.0, 9.4, 2.4, 4.2)], header=True)]


def _situation(item: Numbered, group: Group, st: LivretStyles, ref: Referential) -> list[Flowable]:
    situation = item.situation
    title = escape(one_line(situation.get("title"))) or "<i>Sans titre</i>"
    if group.code is None:  # no block band above: name the activity in full
        activity = activity_name(situation, ref)
    else:  # the band lists the block's activities: the code is enough
        code = short_code(situation.get("activity_code"))
        activity = f"Activité{NBSP}{code}" if code else ""
    words = words_text(situation_word_count(situation))
    meta = [escape(text) for text in (activity, words) if text]
    story: list[Flowable] = [
        CondPageBreak(6 * cm),
        Paragraph(f"Situation n°{NBSP}{item.number} — {title}", st.situation),
        Paragraph(" · ".join(meta), st.meta),
        *_context(situation, st),
    ]
    for field, heading in RUBRICS:
        story += [*_rubric(heading, st), *_texts(situation.get(field), st)]
    story += _competencies(
        situation, group.code or short_code(situation.get("block_code")), st, ref
    )
    story += _annexes(situation, st)
    return story


def _situations(
    groups: list[Group], st: LivretStyles, label: str, ref: Referential
) -> list[Flowable]:
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
    st = livret_styles()
    snapshot = as_dict(snapshot)
    cert = as_dict(snapshot.get("certification"))
    label = one_line(cert.get("block_label")).lower() or "bloc"
    plural = label if label.endswith(("s", "x")) else f"{label}s"
    ref = read_referential(snapshot)
    groups = group_situations(snapshot)
    story = [
        *cover_pages(snapshot, st, groups, draft),
        *summary_pages(snapshot, st, groups, (label, plural), ref),
        *_situations(groups, st, label, ref),
    ]
    number, version = one_line(snapshot.get("number")), one_line(snapshot.get("version"))
    candidate = as_dict(snapshot.get("candidate"))
    name = full_name(candidate.get("first_name"), candidate.get("last_name"))
    reference = f"n° {number}" if number else "(sans numéro)"
    if version:
        reference += f" — version {version}"
    cert_title = one_line(cert.get("title"))
    return build_pdf(
        story,
        title=short_line(
            f"Livret 2 VAE {reference} — {name}" + (" (aperçu)" if draft else ""), 300
        ),
        subject=short_line(
            "Validation des acquis de l'expérience — livret 2"
            + (f" — {cert_title}" if cert_title else ""),
            300,
        ),
        creator="vae.livret2.pdf",
        header=(f"Livret 2 — dossier {reference}", name),
        canvasmaker=LivretCanvas,
        watermark=WATERMARK if draft else "",
        watermark_font=fonts().bold,
    )
