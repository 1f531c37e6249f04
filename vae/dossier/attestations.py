"""The two attestation models of the paper dossier de recevabilité (seed 001, last pages).

:func:`employer_attestation_pdf` (« Modèle d'attestation d'activités salariées ») and
:func:`volunteer_attestation_pdf` (« Modèle d'attestation d'activités bénévoles »), pre-filled
with what the dossier knows, blank where it does not, ready to sign, as PDF bytes.

Pure functions: no Flask, no database; built from :mod:`vae.documents.pdf`. Every piece of
user text is cleaned and escaped before it reaches reportlab's paragraph markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, KeepTogether, Spacer, TableStyle

from vae.documents.pdf import (
    BLANK,
    CONTENT_WIDTH,
    SHORT_BLANK,
    Paragraph,
    Styles,
    build_pdf,
    filled,
    grid_table,
    pdf_styles,
    write_lines,
)
from vae.documents.text import clean_text, full_name, safe_markup
from vae.french import NBSP
from vae.french import long_date as french_long_date

OPEN_END = "à ce jour"


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


PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")
HOURS_PER_WEEK = re.compile(r"(\d+(?:[.,]\d+)?)\s*h(?:eures?)?\s*(?:par|/)\s*semaine", re.I)


def is_full_time(label: str) -> bool | None:
    """Whether a work-time label says full time (« Temps partiel : 80 % d'un temps plein »: no)."""
    lowered = label.lower()
    percent = PERCENT.search(lowered)
    if percent and float(percent.group(1).replace(",", ".")) >= 100:
        return True
    if "partiel" in lowered or percent or re.search(r"\d\s*h", lowered):
        return False
    if "temps plein" in lowered or "temps complet" in lowered:
        return True
    return None


def _since_until(activity: ActivityInfo) -> str:
    since = filled(french_long_date(activity.start) if activity.start else "", SHORT_BLANK)
    if activity.end:
        return f"depuis le {since} jusqu'au <b>{french_long_date(activity.end)}</b>"
    if activity.start:
        return f"depuis le {since} jusqu'{OPEN_END}"
    return f"depuis le {since} jusqu'au {SHORT_BLANK}"


def _activities_block(activity: ActivityInfo, st: Styles, lines: int) -> list[Flowable]:
    """The candidate's description (to be checked by the signatory) and lines to complete it."""
    story: list[Flowable] = []
    if clean_text(activity.main_activities):
        story.append(Paragraph("<i>Activités déclarées par le candidat :</i>", st.note))
        story.append(Paragraph(safe_markup(activity.main_activities), st.body))
        lines = 3
    return [*story, *write_lines(lines)]


def _prefill_note(candidate: PersonInfo, certification_title: str, st: Styles) -> Paragraph:
    name = full_name(candidate.first_name, candidate.last_name)
    whose = f"de <b>{escape(name)}</b>" if name else "du candidat"
    cert = safe_markup(certification_title) or "visée"
    return Paragraph(
        f"Pièce justificative du dossier de recevabilité VAE {whose} "
        f"pour la certification « {cert} ». Les informations imprimées en gras proviennent "
        "de la déclaration du candidat : vérifiez-les, corrigez-les au besoin et complétez "
        "les zones laissées en blanc avant de signer.",
        st.note,
    )


def _signatory_cell(heading: str, function_label: str, st: Styles) -> list[Flowable]:
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


def _stamp_cell(label: str, st: Styles, height: float = 3.6 * cm) -> list[Flowable]:
    return [Paragraph(f"<b>{label}</b>", st.cell), Spacer(1, height)]


def employer_attestation_pdf(
    candidate: PersonInfo, activity: ActivityInfo, certification_title: str
) -> bytes:
    """Seed 001's « Modèle d'attestation d'activités salariées », pre-filled, ready to sign."""
    st = pdf_styles()
    name = full_name(candidate.first_name, candidate.last_name)
    label = clean_text(activity.work_time_label)
    full_time = is_full_time(label)
    full_time_text = {True: "<b>oui</b>", False: "<b>non</b>"}.get(full_time, "oui / non")
    percent = PERCENT.search(label) if full_time is False else None
    if percent:
        part_time = f"<b>{escape(percent.group(1).replace('.', ','))}</b>{NBSP}%"
    else:
        declared = (
            f" (déclaré par le candidat : {safe_markup(label)})" if full_time is False else ""
        )
        part_time = f"{SHORT_BLANK}{NBSP}%{declared}"
    story: list[Flowable] = [
        Paragraph("Attestation d'activités salariées", st.title),
        Paragraph("(à remplir par l'employeur)", st.subtitle),
        _prefill_note(candidate, certification_title, st),
        Spacer(1, 6),
        Paragraph(f"Je soussigné(e) M. ou Mme {BLANK}", st.body),
        Paragraph(f"Agissant en qualité de {BLANK}", st.body),
        Paragraph(f"Nom de l'entreprise : {filled(activity.employer_name)}", st.body),
        Paragraph(f"Adresse de l'entreprise : {filled(activity.employer_address)}", st.body),
        Paragraph(f"Certifie que Mme ou M. {filled(name)}", st.body),
        Paragraph(f"Est ou a été employé(e) {_since_until(activity)}", st.body),
        Paragraph(f"Intitulé du poste ou de la fonction : {filled(activity.title)}", st.body),
        Paragraph(f"Travail à temps complet : {full_time_text}", st.body),
        Paragraph(
            f"Si temps partiel, indiquez le % par rapport au temps plein : {part_time}", st.body
        ),
        Spacer(1, 4),
        Paragraph("Principales activités réalisées dans le cadre de cet emploi :", st.body),
        *_activities_block(activity, st, lines=9),
        Spacer(1, 10),
    ]
    signature = grid_table(
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
    return build_pdf(
        story,
        title=f"Attestation d'activités salariées — {name}",
        subject=f"Dossier de recevabilité VAE — {clean_text(certification_title)}",
        creator="vae.dossier.attestations",
        header=(f"Dossier de recevabilité VAE — {certification_title}", name),
    )


def volunteer_attestation_pdf(
    candidate: PersonInfo, activity: ActivityInfo, certification_title: str
) -> bytes:
    """Seed 001's « Modèle d'attestation d'activités bénévoles »: two officers sign it."""
    st = pdf_styles()
    name = full_name(candidate.first_name, candidate.last_name)
    label = clean_text(activity.work_time_label)
    hours = HOURS_PER_WEEK.search(label)
    if hours:
        weekly = f"<b>{escape(hours.group(1).replace('.', ','))}</b>"
    else:
        weekly = SHORT_BLANK + (
            f" (déclaré par le candidat : {safe_markup(label)})" if label else ""
        )
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
            f"Nom de l'association ou la structure : {filled(activity.employer_name)}", st.body
        ),
        Paragraph(f"Adresse : {filled(activity.employer_address)}", st.body),
        Paragraph(f"Déclarée le {SHORT_BLANK} à {BLANK}", st.body),
        Paragraph(f"Certifions que Mme ou M. {filled(name)}", st.body),
        Paragraph(f"A exercé une activité bénévole {_since_until(activity)}", st.body),
        Paragraph(f"Nombre d'heures par semaine : {weekly}", st.body),
        Spacer(1, 4),
        Paragraph("Détaillez les activités bénévoles assurées :", st.body),
        Paragraph(f"Nature des activités : {filled(activity.title)}", st.body),
        *_activities_block(activity, st, lines=11),
        Spacer(1, 4),
        Paragraph("Ces activités bénévoles étaient-elles encadrées ? Si oui, par qui ?", st.body),
        *write_lines(3),
        Spacer(1, 10),
    ]
    half = CONTENT_WIDTH / 2
    signatures = grid_table(
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
    return build_pdf(
        story,
        title=f"Attestation d'activités bénévoles — {name}",
        subject=f"Dossier de recevabilité VAE — {clean_text(certification_title)}",
        creator="vae.dossier.attestations",
        header=(f"Dossier de recevabilité VAE — {certification_title}", name),
    )
