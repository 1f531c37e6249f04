"""The livret 2 PDF's cover page and its summary for the jury."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer, TableStyle

from vae.documents.pdf import (
    CONTENT_WIDTH,
    Paragraph,
    grid_table,
    key_values,
)
from vae.documents.text import (
    as_dict,
    as_list,
    clean_text,
    date_text,
    full_name,
    moment_text,
    one_line,
    safe_markup,
    short_line,
    valid_until_text,
)
from vae.french import NBSP, capitalised
from vae.french import number as french_number
from vae.livret2.pdf_parts import (
    ALERT_HEX,
    ALERT_SHADE,
    MUTED_HEX,
    TITLE,
    WARNING_HEX,
    WATERMARK,
    WATERMARK_HEX,
    Group,
    LivretStyles,
    Referential,
    activity_name,
    cell_text,
    competency_of,
    short_code,
    situation_word_count,
    words_text,
)

# --------------------------------------------------------------------------- cover


def cover_pages(
    snapshot: dict[str, Any], st: LivretStyles, groups: list[Group], draft: bool
) -> list[Flowable]:
    base = st.base
    cert = as_dict(snapshot.get("certification"))
    candidate = as_dict(snapshot.get("candidate"))
    name = full_name(candidate.get("first_name"), candidate.get("last_name"))
    story: list[Flowable] = [
        Spacer(1, 2.2 * cm),
        Paragraph("Validation des acquis de l'expérience (VAE)", st.kicker),
        Paragraph(escape(TITLE), st.cover_title),
        Paragraph(safe_markup(cert.get("title")) or "Certification non renseignée", st.cover_cert),
    ]
    option = safe_markup(cert.get("option_title"))
    if option:
        label = capitalised(one_line(cert.get("option_label")) or "option")
        story.append(Paragraph(f"{escape(label)} : {option}", st.kicker))
    request_scope = one_line(cert.get("scope"))
    if request_scope:
        story.append(Paragraph(escape(capitalised(request_scope)), st.kicker))
    number, version = one_line(snapshot.get("number")), one_line(snapshot.get("version"))
    dossier = escape(f"n°{NBSP}{number}") if number else "—"
    if version:
        dossier += f" — version{NBSP}{escape(version)}"
    if draft:
        deposit = f'<font color="{WATERMARK_HEX}"><b>{escape(WATERMARK)}</b></font>'
    elif snapshot.get("submitted_at"):
        deposit = escape(f"Déposé le {moment_text(snapshot.get('submitted_at'))}")
    else:
        deposit = "Date de dépôt non renseignée"
    situations = [item for group in groups for item in group.situations]
    words = sum(situation_word_count(item.situation) for item in situations)
    count = len(situations)
    described = (
        f"{count} situation{'s' if count > 1 else ''} ({words_text(words)})" if count else "Aucune"
    )
    pairs = [
        ("Candidat(e)", escape(name)),
        ("Dossier", dossier),
        ("Dépôt du livret 2", deposit),
        ("À déposer au plus tard le", escape(date_text(snapshot.get("due_on")))),
        ("Situations décrites", described),
        ("Ce que le livret doit contenir", safe_markup(snapshot.get("requirement"))),
    ]
    story += [
        Spacer(1, 1.2 * cm),
        key_values(pairs, base, label_width=5 * cm),
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
    for item in (as_dict(c) for c in as_list(snapshot.get("coverage"))):
        coverage.setdefault(short_code(item.get("block_code")), item)
    rows: list[tuple[str, str, dict[str, Any] | None]] = []
    seen: set[str] = set()
    for block in (as_dict(b) for b in as_list(snapshot.get("target_blocks"))):
        code = short_code(block.get("code"))
        if code in seen:
            continue
        seen.add(code)
        rows.append((code, clean_text(block.get("title")), coverage.get(code)))
    for code, item in coverage.items():
        if code not in seen:
            rows.append((code, clean_text(item.get("block_title")), item))
    return rows


def _code_list(value: object) -> list[str]:
    return [code for code in (short_code(v) for v in as_list(value)) if code]


def _coverage_table(
    snapshot: dict[str, Any], st: LivretStyles, groups: list[Group], label: str, ref: Referential
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
        f"{escape(capitalised(label))} visé",
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
        name = f"<b>{escape(capitalised(label))}{NBSP}{escape(code)}</b>"
        if title:
            name += f"<br/>{cell_text(title)}"
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
        unmet = (
            []
            if item is None
            else [cell_text(u) for u in as_list(item.get("unmet")) if short_line(u)]
        )
        for message in unmet:
            alerts.append(len(rows))
            rows.append([Paragraph(f"Exigence non remplie : {message}", st.alert), "", "", ""])
    table = grid_table(rows, [cm * w for w in (6.4, 2.4, 4.1, 4.1)], header=True)
    commands: list[tuple[Any, ...]] = []
    for row in alerts:
        commands += [
            ("SPAN", (0, row), (-1, row)),
            ("BACKGROUND", (0, row), (-1, row), ALERT_SHADE),
        ]
    table.setStyle(TableStyle(commands))
    return [table]


def _flagged(codes: list[str], block: str, ref: Referential) -> str:
    """« C1, C4 (clé) »: codes, key competencies marked."""
    parts = []
    for code in codes:
        key = (ref.competencies.get((block, code)) or ref.any_block.get(code) or ("", False))[1]
        parts.append(escape(code) + (f"{NBSP}(clé)" if key else ""))
    return ", ".join(parts)


def _uncovered_list(
    snapshot: dict[str, Any], st: LivretStyles, label: str, ref: Referential
) -> list[Flowable]:
    base = st.base
    rows: list[list[Any]] = []
    for code, _title, item in _coverage_rows(snapshot):
        for competency in _code_list(as_dict(item).get("uncovered")):
            _, title, key = competency_of(competency, code, ref)
            text = f"<b>{escape(competency)}</b>" + (f" — {cell_text(title)}" if title else "")
            if key:
                text += " <i>(compétence clé)</i>"
            rows.append(
                [
                    Paragraph(f"{escape(capitalised(label))}{NBSP}{escape(code)}", base.cell),
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
        grid_table(rows, [2.4 * cm, CONTENT_WIDTH - 2.4 * cm]),
    ]


def _acquired(
    snapshot: dict[str, Any], st: LivretStyles, label: str, plural: str
) -> list[Flowable]:
    base = st.base
    blocks = [as_dict(b) for b in as_list(snapshot.get("acquired_blocks"))]
    if not blocks:
        return []
    rows = []
    for block in blocks:
        name = f"<b>{escape(capitalised(label))}{NBSP}{escape(short_code(block.get('code')))}</b>"
        title = cell_text(block.get("title"))
        expires = valid_until_text(block.get("expires_on"))  # stored: first day not counting
        validity = f"Valable jusqu'au {escape(expires)}" if expires else "Sans date d'expiration"
        rows.append(
            [
                Paragraph(name + (f" — {title}" if title else ""), base.cell),
                Paragraph(validity, base.cell),
            ]
        )
    return [
        CondPageBreak(3 * cm),
        Paragraph(f"{escape(capitalised(plural))} acquis – non évalués dans ce livret", base.h2),
        grid_table(rows, [CONTENT_WIDTH - 5 * cm, 5 * cm]),
    ]


def _situation_list(
    groups: list[Group], st: LivretStyles, label: str, ref: Referential
) -> list[Flowable]:
    base = st.base
    story: list[Flowable] = [CondPageBreak(3 * cm), Paragraph("Situations décrites", base.h2)]
    items = [(group, item) for group in groups for item in group.situations]
    if not items:
        return [*story, Paragraph("Aucune situation n'a encore été décrite.", base.body)]
    head = ["N°", "Situation", escape(capitalised(label)), "Employeur, période", "Mots"]
    rows: list[list[Any]] = [[Paragraph(h, base.cell_bold) for h in head]]
    for group, item in items:
        situation = item.situation
        title = f"<b>{cell_text(situation.get('title')) or 'Sans titre'}</b>"
        activity = activity_name(situation, ref)
        if activity:
            title += f'<br/><font color="{MUTED_HEX}">{cell_text(activity)}</font>'
        where = "<br/>".join(
            text
            for text in (cell_text(situation.get("employer")), cell_text(situation.get("period")))
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
    return [*story, grid_table(rows, [cm * w for w in (1.0, 8.6, 1.6, 4.3, 1.5)], header=True)]


def summary_pages(
    snapshot: dict[str, Any],
    st: LivretStyles,
    groups: list[Group],
    labels: tuple[str, str],
    ref: Referential,
) -> list[Flowable]:
    base = st.base
    label, plural = labels
    story: list[Flowable] = [Paragraph("Synthèse pour le jury", base.h1)]
    requirement = safe_markup(snapshot.get("requirement"))
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
