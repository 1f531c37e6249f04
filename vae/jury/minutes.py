"""The procès-verbal of the jury's proposal, as PDF bytes.

:func:`minutes_pdf`: the two members' proposal, block by block, with the 80 % rule, the
préconisations for the blocks not validated, both signatures and a summary.

Pure function: no Flask, no database; built from :mod:`vae.documents`. Every piece of user
text is cleaned and escaped before it reaches reportlab's paragraph markup.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, KeepTogether, Spacer

from vae.certifiers.identity import pour
from vae.documents.letters import bullet, certifier, letter_styles
from vae.documents.pdf import (
    CONTENT_WIDTH,
    Paragraph,
    build_pdf,
    grid_table,
    key_values,
    pdf_styles,
    section_heading,
)
from vae.documents.text import (
    as_dict,
    as_list,
    clean_text,
    full_name,
    moment_text,
    safe_markup,
    short_line,
)
from vae.french import NBSP, capitalised
from vae.jury.document_parts import DEFAULT_DURATION, KO_HEX, cert_title, count_or_none, slot_text
from vae.referentials.words import UnitWords
from vae.rules.jury import required_count

OK_HEX = "#1b6e3a"


def _threshold(value: object) -> int:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 100
    return int(value) if ok else 80


def _verdict(validated: bool) -> str:
    color, label = (OK_HEX, "Validé") if validated else (KO_HEX, "Non validé")
    return f'<font color="{color}"><b>{label}</b></font>'


def _cells(base: Any, *markups: str) -> list[Any]:
    return [Paragraph(markup, base.cell) for markup in markups]


def _members(members: list[Any], base: Any) -> list[Flowable]:
    rows = [_cells(base, *(f"<b>{h}</b>" for h in ("Membre", "Qualité", "Validation")))]
    signed = 0
    for member in (as_dict(m) for m in members):
        moment = moment_text(member.get("signed_at")) if member.get("signed_at") else ""
        signed += bool(moment)
        name, quality = (
            escape(short_line(member.get("name"))),
            escape(short_line(member.get("kind_label"))),
        )
        signature = (
            f"Validé en ligne le {escape(moment)} par {name or 'ce membre'}, connecté à son "
            "compte personnel"
            if moment
            else f'<font color="{KO_HEX}">Pas encore validé en ligne</font>'
        )
        rows.append(_cells(base, name or "—", quality or "—", signature))
    if len(rows) == 1:
        rows.append(_cells(base, "Aucun membre désigné", "", ""))
    final = signed >= 2 and signed == len(rows) - 1
    status = (
        "Les membres du jury ont validé en ligne la même proposition : elle est définitive."
        if final
        else "Proposition non définitive : elle le sera quand les deux membres du jury auront "
        "validé en ligne le même résultat."
    )
    widths = [CONTENT_WIDTH * share for share in (0.3, 0.36, 0.34)]
    return [grid_table(rows, widths, header=True), Spacer(1, 4), Paragraph(status, base.note)]


def _competency_rows(block: dict[str, Any], base: Any) -> list[list[Any]]:
    key_missing = {short_line(code, 40) for code in as_list(block.get("key_missing"))}
    headers = ("Compétence", "Critères remplis / requis", "Validée")
    rows = [_cells(base, *(f"<b>{h}</b>" for h in headers))]
    for item in (as_dict(c) for c in as_list(block.get("competencies"))):
        code = short_line(item.get("code"), 40)
        text = f"<b>{escape(code)}</b> {escape(short_line(item.get('title'), 600))}".strip()
        if item.get("key") is True or (code and code in key_missing):
            text += " <i>(compétence clé)</i>"
        if clean_text(item.get("comment")):
            text += f'<br/><font color="#555555"><i>{safe_markup(item.get("comment"))}</i></font>'
        met, needed = (
            count_or_none(item.get("criteria_met")),
            count_or_none(item.get("criteria_required")),
        )
        criteria = f"{met} / {needed}" if met is not None and needed is not None else "—"
        validated = item.get("validated") is True
        verdict = "Oui" if validated else f'<font color="{KO_HEX}"><b>Non</b></font>'
        rows.append(_cells(base, text or "—", criteria, verdict))
    return rows


def _block(block: dict[str, Any], label: str, threshold: int, base: Any) -> list[Flowable]:
    code, title = short_line(block.get("code"), 40), short_line(block.get("title"), 300)
    story = section_heading(escape(f"{label} {code} — {title}".strip(" —")), base.h1)
    rows = _competency_rows(block, base)
    if len(rows) > 1:
        widths = [CONTENT_WIDTH * 0.66, CONTENT_WIDTH * 0.2, CONTENT_WIDTH * 0.14]
        story.append(grid_table(rows, widths, header=True))
    total = len(rows) - 1
    needed = count_or_none(block.get("required_count"))
    if needed is None:
        needed = required_count(total, Fraction(threshold, 100))
    count = count_or_none(block.get("validated_count"))
    if count is None:
        count = sum(
            1 for c in as_list(block.get("competencies")) if as_dict(c).get("validated") is True
        )
    validated = block.get("validated") is True
    rule = (
        f"au moins {needed} compétence{'s' if needed > 1 else ''} sur {total} et toutes les "
        f"compétences clés (seuil de {threshold}{NBSP}%, arrondi à l'entier supérieur)"
    )
    result = [
        Spacer(1, 4),
        Paragraph(
            f"Résultat : {_verdict(validated)} — {count} compétence"
            f"{'s' if count > 1 else ''} validée{'s' if count > 1 else ''} sur {total}.",
            base.body,
        ),
        Paragraph(f"Règle : {escape(label.lower())} validé avec {rule}.", base.note),
    ]
    missing = [short_line(c, 40) for c in as_list(block.get("key_missing")) if short_line(c, 40)]
    if missing:
        result.insert(
            2, Paragraph(f"Compétences clés non validées : {escape(', '.join(missing))}", base.body)
        )
    story.append(KeepTogether(result))
    if clean_text(block.get("comment")):
        story += [
            Paragraph("Observations du jury", base.h2),
            Paragraph(safe_markup(block.get("comment")), base.body),
        ]
    if not validated:
        advice = safe_markup(block.get("recommendation")) or "Aucune préconisation n'a été saisie."
        story += [
            Paragraph("Préconisations pour la suite du parcours", base.h2),
            Paragraph(advice, base.body),
        ]
    return story


def minutes_pdf(data: dict) -> bytes:
    """The procès-verbal of the jury's proposal (keys: see the module brief)."""
    data = as_dict(data)
    base, st = pdf_styles(), letter_styles()
    cert, session = as_dict(data.get("certification")), as_dict(data.get("session"))
    who = as_dict(data.get("candidate"))
    name = full_name(who.get("first_name"), who.get("last_name"))
    words = UnitWords.of(short_line(cert.get("block_label"), 30), None)
    label = words.Block
    threshold = _threshold(data.get("threshold_percent"))
    option = short_line(cert.get("option_title"), 200)
    request_scope = short_line(cert.get("scope"), 300)
    number = short_line(data.get("dossier_number"), 80)
    slot = slot_text(session.get("starts_at"), DEFAULT_DURATION)
    blocks = [as_dict(b) for b in as_list(data.get("blocks"))]
    story: list[Flowable] = [
        Paragraph("Procès-verbal du jury VAE", base.title),
        Paragraph("Proposition de validation des acquis de l'expérience", base.subtitle),
        key_values(
            [
                ("Dossier", escape(f"n°{NBSP}{number}") if number else ""),
                ("Candidat", f"<b>{escape(name)}</b>" if name else ""),
                ("Certification", f"<b>{escape(short_line(cert.get('title'), 300))}</b>"),
                *[("Option", escape(option))] * bool(option),
                *[("Demande", escape(capitalised(request_scope)))] * bool(request_scope),
                ("Entretien", escape(f"le {slot[0]}") if slot else ""),
                ("Lieu", safe_markup(session.get("place"))),
            ],
            base,
            label_width=3.6 * CONTENT_WIDTH / 17,
        ),
        *section_heading("Composition du jury et validation", base.h1),
        *_members(as_list(data.get("members")), base),
    ]
    for block in blocks:
        story += _block(block, label, threshold, base)
    story += section_heading("Synthèse de la proposition", base.h1)
    for validated, heading in ((True, "validés"), (False, "non validés")):
        chosen = [b for b in blocks if (b.get("validated") is True) is validated]
        story.append(Paragraph(f"<b>{escape(label)}s {heading} ({len(chosen)})</b>", base.body))
        for block in chosen:
            code, title = short_line(block.get("code"), 40), short_line(block.get("title"), 300)
            text = f"{code} — {title}".strip(" —")
            story.append(bullet(escape(text) or "—", st))
        if not chosen:
            story.append(bullet("Aucun", st))
    story.append(
        Paragraph(
            "Cette proposition est transmise au jury paritaire national de "
            f"{escape(pour(certifier(data.get('certifier')).name))}, qui "
            "proclame les résultats ; il est souverain dans sa décision. Un certificat de "
            f"compétences professionnelles est délivré pour chaque {words.block} validé.",
            base.note,
        )
    )
    reference = f"n° {number}" if number else ""
    return build_pdf(
        story,
        title=f"Procès-verbal du jury VAE — {name} {reference}",
        subject=f"Proposition du jury VAE — {cert_title(cert)}",
        creator="vae.jury.minutes",
        header=(f"Procès-verbal du jury VAE — {reference}".strip(" —"), name),
    )
