"""The whole submitted dossier de recevabilité (livret 1) as PDF bytes.

:func:`dossier_pdf` lays the dossier out like the paper form of seed 001, from the
JSON-serialisable snapshot frozen at submission. The two attestation models live in
:mod:`vae.dossier.attestations`.

Pure function: no Flask, no database; built from :mod:`vae.documents.pdf`. Every piece of user
text is cleaned (control characters dropped) and escaped before it reaches reportlab's
paragraph markup.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, TableStyle

from vae.documents.pdf import (
    CONTENT_WIDTH,
    Paragraph,
    Styles,
    build_pdf,
    filled,
    grid_table,
    key_values,
    pdf_styles,
    section_heading,
)
from vae.documents.text import (
    as_dict,
    as_list,
    clean_text,
    file_size,
    full_name,
    moment_text,
    one_line,
    safe_markup,
    text_or_dash,
    to_number,
)
from vae.dossier.pdf_experience import activity_heading, eligibility_section, experience_section
from vae.french import NBSP, capitalised
from vae.french import number as french_number


def _identity_section(snapshot: dict[str, Any], st: Styles) -> list[Flowable]:
    who = as_dict(snapshot.get("identity"))
    town = " ".join(p for p in (one_line(who.get("postcode")), one_line(who.get("city"))) if p)
    address = "\n".join(p for p in (clean_text(who.get("address")), town) if p)
    return [
        *section_heading("1. Identité du candidat", st.h1),
        key_values(
            [
                ("Nom", safe_markup(one_line(who.get("last_name")).upper())),
                ("Prénom", safe_markup(who.get("first_name"))),
                ("Adresse", safe_markup(address)),
                ("Téléphone", safe_markup(who.get("phone"))),
                ("Courriel", safe_markup(who.get("email"))),
            ],
            st,
        ),
    ]


def _certification_section(snapshot: dict[str, Any], st: Styles) -> list[Flowable]:
    cert = as_dict(snapshot.get("certification"))
    option = as_dict(cert.get("option"))
    pairs = [("Certification visée", f"<b>{text_or_dash(cert.get('title'))}</b>")]
    if clean_text(cert.get("code")):
        pairs.append(("Code", safe_markup(cert.get("code"))))
    if option:
        option_label = one_line(option.get("label")) or "option"
        pairs.append(
            (escape(option_label[:1].upper() + option_label[1:]), safe_markup(option.get("title")))
        )
    else:
        pairs.append(("Option ou mention", "Sans objet"))
    scope_text = one_line(cert.get("scope"))
    pairs.append(
        ("Demande", escape(capitalised(scope_text)) if scope_text else "Toute la certification")
    )
    if cert.get("referential_version") is not None:
        pairs.append(("Version du référentiel", safe_markup(cert.get("referential_version"))))
    return [*section_heading("2. Certification visée", st.h1), key_values(pairs, st)]


def _sworn_section(snapshot: dict[str, Any], st: Styles) -> list[Flowable]:
    who = as_dict(snapshot.get("identity"))
    name = full_name(who.get("first_name"), who.get("last_name"))
    story: list[Flowable] = [
        *section_heading("3. Déclaration sur l'honneur", st.h1),
        Paragraph(f"Je soussigné(e), {filled(name)},", st.body),
    ]
    rows = []
    for entry in as_list(snapshot.get("sworn_statement")):
        item = as_dict(entry)
        accepted = clean_text(item.get("accepted_at"))
        box = st.fonts.checked if accepted else st.fonts.unchecked
        when = f"Accepté le {escape(moment_text(accepted))}" if accepted else "Non accepté"
        rows.append(
            [
                Paragraph(box, st.cell),
                Paragraph(text_or_dash(item.get("wording")), st.cell),
                Paragraph(when, st.cell),
            ]
        )
    if rows:
        story.append(grid_table(rows, [0.8 * cm, CONTENT_WIDTH - 5.3 * cm, 4.5 * cm]))
    else:
        story.append(Paragraph("Aucun engagement enregistré.", st.body))
    return story


def _hours(value: float | None) -> str:
    return "—" if value is None else french_number(value, 0 if value.is_integer() else 1)


def _cv_section(snapshot: dict[str, Any], st: Styles) -> list[Flowable]:
    return [
        *section_heading("6. Parcours professionnel (CV synthétique)", st.h1),
        Paragraph(safe_markup(snapshot.get("cv")) or "Non renseigné.", st.body),
    ]


def _training_section(snapshot: dict[str, Any], st: Styles) -> list[Flowable]:
    education = as_dict(snapshot.get("education"))
    story: list[Flowable] = [
        *section_heading("7. Votre parcours de formation", st.h1),
        *section_heading("Formation initiale", st.h2),
        key_values(
            [
                ("Diplôme(s) préparé(s)", safe_markup(education.get("diplomas_prepared"))),
                ("Diplôme(s) obtenu(s)", safe_markup(education.get("diplomas_obtained"))),
            ],
            st,
        ),
        *section_heading("Formation professionnelle continue", st.h2),
    ]
    trainings = [as_dict(t) for t in as_list(snapshot.get("trainings"))]
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
        hours = to_number(item.get("hours"))
        count = len(as_list(item.get("attachments")))
        rows.append(
            [
                Paragraph(text_or_dash(item.get("title")), st.cell),
                Paragraph(text_or_dash(item.get("year")), st.cell),
                Paragraph(_hours(hours), st.cell),
                Paragraph(text_or_dash(item.get("organisation")), st.cell),
                Paragraph(text_or_dash(item.get("content")), st.cell),
                Paragraph(
                    f"Oui ({count} pièce{'s' if count > 1 else ''})" if count else "Non", st.cell
                ),
            ]
        )
    widths = [cm * w for w in (3.4, 1.5, 1.8, 3.0, 5.1, 2.2)]
    return [*story, grid_table(rows, widths, header=True)]


def _attachments_section(snapshot: dict[str, Any], st: Styles) -> list[Flowable]:
    owners: list[tuple[str, list[Any]]] = []
    for index, item in enumerate((as_dict(a) for a in as_list(snapshot.get("activities"))), 1):
        owners.append((activity_heading(index, item), as_list(item.get("attachments"))))
    for index, item in enumerate((as_dict(t) for t in as_list(snapshot.get("trainings"))), 1):
        title = safe_markup(item.get("title"))
        owners.append(
            (
                f"Formation n°{NBSP}{index}" + (f" — {title}" if title else ""),
                as_list(item.get("attachments")),
            )
        )
    story: list[Flowable] = [*section_heading("8. Pièces jointes", st.h1)]
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
            item = as_dict(entry)
            digest = one_line(item.get("sha256"))
            short = escape(digest[:16]) + ("…" if len(digest) > 16 else "") if digest else "—"
            cells = (
                owner,
                text_or_dash(item.get("kind_label") or item.get("kind")),
                text_or_dash(item.get("filename")),
                file_size(item.get("size")),
                short,
            )
            rows.append([Paragraph(cell, st.cell) for cell in cells])
    if len(rows) == 1:
        return [*story, Paragraph("Aucune pièce jointe.", st.body)]
    table = grid_table(rows, [cm * w for w in (4.2, 3.0, 4.0, 2.0, 3.8)], header=True)
    table.setStyle(TableStyle([("SPAN", (1, row), (-1, row)) for row in empty_rows]))
    return [*story, table]


def dossier_pdf(snapshot: dict) -> bytes:
    """The submitted dossier de recevabilité, laid out like the paper form of seed 001."""
    st = pdf_styles()
    snapshot = as_dict(snapshot)
    number = one_line(snapshot.get("number"))
    version = one_line(snapshot.get("version"))
    cert = as_dict(snapshot.get("certification"))
    option = as_dict(cert.get("option"))
    who = as_dict(snapshot.get("identity"))
    name = full_name(who.get("first_name"), who.get("last_name"))
    submitted = snapshot.get("submitted_at")
    reference = f"Dossier n°{NBSP}{number or '(sans numéro)'}" + (
        f" — version {version}" if version else ""
    )
    submitted_text = (
        f"déposé le {moment_text(submitted)}" if submitted else "non déposé (brouillon)"
    )
    subtitle = safe_markup(cert.get("title")) or "Certification non renseignée"
    if option:
        option_label = one_line(option.get("label")) or "option"
        option_title = safe_markup(option.get("title"))
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
        experience_section,
        eligibility_section,
        _cv_section,
        _training_section,
        _attachments_section,
    ):
        story += section(snapshot, st)
    return build_pdf(
        story,
        title=f"Dossier de recevabilité VAE {number} (version {version or '?'}) — {name}",
        subject=f"Validation des acquis de l'expérience — {clean_text(cert.get('title'))}",
        creator="vae.dossier.pdf",
        header=(f"Dossier de recevabilité VAE n° {number} — version {version}", name),
    )
