"""The dossier PDF's sections on experience: the jobs and volunteer activities, and the
duration computed for eligibility (sections 4 and 5 of the paper form)."""

from __future__ import annotations

from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Spacer

from vae.documents.pdf import (
    Paragraph,
    Styles,
    grid_table,
    key_values,
    section_heading,
)
from vae.documents.text import (
    as_dict,
    as_list,
    clean_text,
    date_text,
    one_line,
    parse_date,
    safe_markup,
    text_or_dash,
    to_number,
    yes_no,
)
from vae.french import NBSP
from vae.french import long_date as french_long_date
from vae.french import number as french_number

OPEN_END = "à ce jour"
STATUS_LABELS = {"salarie": "Salarié", "non_salarie": "Non salarié", "benevole": "Bénévole"}


def _days(value: float) -> str:
    unit = "jour" if abs(value) < 2 else "jours"
    return f"{french_number(value, 1)}{NBSP}{unit}"


def _years(value: float, decimals: int = 2) -> str:
    unit = "an" if abs(value) < 2 else "ans"
    return f"{french_number(value, decimals)}{NBSP}{unit}"


def _period(start: date | None, end: date | None) -> str:
    """``du 1er janvier 2020 au 31 décembre 2023``; ``du 1er janvier 2020 à ce jour``."""
    since = french_long_date(start) if start else "(date de début non renseignée)"
    until = f"au {french_long_date(end)}" if end else OPEN_END
    return f"du {since} {until}"


# --------------------------------------------------------------------------- the dossier


def _fte(value: object) -> str:
    number = to_number(value)
    return f"{_days(number)} ({_years(number / 365)})" if number is not None else "—"


def _snapshot_period(item: dict[str, Any]) -> str:
    start, end = parse_date(item.get("start")), parse_date(item.get("end"))
    if start is None and item.get("start"):
        return escape(f"du {one_line(item.get('start'))} au {one_line(item.get('end'))}")
    if end is None and item.get("end"):
        return escape(f"{_period(start, None)} (fin : {one_line(item.get('end'))})")
    return _period(start, end)


def _status_label(item: dict[str, Any]) -> str:
    label = item.get("status_label")
    if clean_text(label):
        return safe_markup(label)
    return safe_markup(STATUS_LABELS.get(str(item.get("status")), item.get("status")))


def activity_heading(index: int, item: dict[str, Any]) -> str:
    kind = "Activité bénévole" if item.get("status") == "benevole" else "Emploi"
    title = safe_markup(item.get("title"))
    return f"{kind} n°{NBSP}{index}" + (f" — {title}" if title else "")


def experience_section(snapshot: dict[str, Any], st: Styles) -> list[Flowable]:
    activities = [as_dict(a) for a in as_list(snapshot.get("activities"))]
    story: list[Flowable] = [
        *section_heading("4. Récapitulatif des emplois (ou activités bénévoles exercées)", st.h1)
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
            m
            for m in (safe_markup(item.get("employer_name")), safe_markup(item.get("sector")))
            if m
        )
        rows.append(
            [
                Paragraph(str(index), st.cell),
                Paragraph(f"<b>{text_or_dash(item.get('title'))}</b><br/>{who}", st.cell),
                Paragraph(_status_label(item) or "—", st.cell),
                Paragraph(_snapshot_period(item), st.cell),
                Paragraph(text_or_dash(item.get("work_time_label")), st.cell),
                Paragraph(_fte(item.get("fte_days_total")), st.cell),
                Paragraph(yes_no(item.get("relevant")), st.cell),
            ]
        )
    widths = [cm * w for w in (0.8, 4.6, 1.8, 3.1, 2.4, 2.3, 2.0)]
    story.append(grid_table(rows, widths, header=True))
    for index, item in enumerate(activities, 1):
        counted = item.get("counted")
        reason = safe_markup(item.get("reason"))
        counted_text = yes_no(counted) + (f" — {reason}" if reason else "")
        in_window = _fte(item.get("fte_days_in_window"))
        name, address = (
            safe_markup(item.get("employer_name")),
            safe_markup(item.get("employer_address")),
        )
        employer = "<br/>".join(m for m in (name and f"<b>{name}</b>", address) if m)
        story += [
            *section_heading(activity_heading(index, item), st.h2),
            key_values(
                [
                    (
                        "Intitulé du poste, de la fonction ou de l'activité",
                        safe_markup(item.get("title")),
                    ),
                    ("Employeur ou structure (nom et adresse)", employer),
                    ("Domaine d'activité de l'entreprise", safe_markup(item.get("sector"))),
                    ("Statut (salarié, non salarié ou bénévole)", _status_label(item)),
                    ("Période d'activité", _snapshot_period(item)),
                    ("Temps de travail", safe_markup(item.get("work_time_label"))),
                    (
                        "Durée de l'activité en équivalent temps plein",
                        _fte(item.get("fte_days_total")),
                    ),
                    ("dont sur la période de référence", in_window),
                    ("En rapport avec la certification", yes_no(item.get("relevant"))),
                    ("Prise en compte dans le calcul", counted_text),
                ],
                st,
                label_width=6.2 * cm,
            ),
            Spacer(1, 4),
            Paragraph("<b>Principales activités exercées :</b>", st.body),
            Paragraph(text_or_dash(item.get("main_activities")), st.body),
        ]
    return story


def _rule_text(rule: dict[str, Any]) -> str:
    required = to_number(rule.get("required_years"))
    window = to_number(rule.get("window_years"))
    if not required:
        duration = "au moins une activité en rapport avec la certification, sans durée minimale"
    else:
        decimals = 0 if float(required).is_integer() else 1
        duration = f"{_years(required, decimals)} d'expérience en rapport avec la certification"
    if window:
        return f"{duration}, au cours des {french_number(window, 0)} dernières années"
    return f"{duration}, sur l'ensemble du parcours"


def eligibility_section(snapshot: dict[str, Any], st: Styles) -> list[Flowable]:
    data = as_dict(snapshot.get("eligibility"))
    story: list[Flowable] = [*section_heading("5. Durée de l'expérience et recevabilité", st.h1)]
    if not data:
        return [*story, Paragraph("Calcul de durée non disponible.", st.body)]
    relevant, total = (
        to_number(data.get("relevant_fte_days")),
        to_number(data.get("total_fte_days")),
    )
    years = to_number(data.get("relevant_fte_years"))
    if years is None and relevant is not None:
        years = relevant / 365
    relevant_text = f"{_days(relevant)} ({_years(years)})" if relevant is not None else "—"
    window_start, reference = data.get("window_start"), data.get("reference_date")
    if window_start:
        window = f"du {escape(date_text(window_start))} au {escape(date_text(reference))}"
    else:
        window = f"jusqu'au {escape(date_text(reference))}" if reference else "—"
    verdict = yes_no(
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
        ("Condition de durée", escape(_rule_text(as_dict(data.get("rule"))))),
        ("Période de référence", window),
        ("Condition de durée remplie", verdict),
    ]
    missing = to_number(data.get("missing_fte_days"))
    if missing:
        pairs.append(("Durée manquante", _fte(missing)))
    if data.get("eligible_from"):
        pairs.append(
            (
                "Condition remplie à partir du (si l'activité se poursuit)",
                escape(date_text(data.get("eligible_from"))),
            )
        )
    warnings = [safe_markup(w) for w in as_list(data.get("warnings")) if clean_text(w)]
    if warnings:
        pairs.append(("Points d'attention", "<br/>".join(f"• {w}" for w in warnings)))
    story.append(key_values(pairs, st, label_width=6.2 * cm))
    story.append(Spacer(1, 4))
    story.append(
        Paragraph(
            "Calcul indicatif : la recevabilité du dossier est décidée par la CPNEFP après "
            "examen des pièces justificatives.",
            st.note,
        )
    )
    return story
