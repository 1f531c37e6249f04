"""The CPNEFP's decision letter to the candidate on a dossier de recevabilité, as PDF bytes.

:func:`decision_letter_pdf` writes one of three letters: *recevable* (next step: the livret 2,
then the jury), *non recevable* (the reason, then what the candidate may do: ask for an
explanation, a recours gracieux within two months, a new request respecting the quotas) and
*incomplet* (the missing pieces, how to resubmit, the two-month period starting again).

Pure function: no Flask, no database. Fonts, text cleaning and the « Page N sur M » canvas come
from :mod:`vae.dossier.pdf`; every piece of user text is cleaned and escaped before it reaches
reportlab's paragraph markup.
"""

from __future__ import annotations

import functools
import io
from datetime import date, datetime
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

from vae import clock
from vae.dossier.pdf import (
    ACCENT,
    CONTENT_WIDTH,
    FONT_DIR,
    MARGIN,
    MUTED,
    PDF_AUTHOR,
    _NumberedCanvas,
    _register_fonts,
    clean_text,
)
from vae.french import NBSP, long_date
from vae.rules.quotas import LEGAL_BASIS as QUOTA_LEGAL_BASIS

KINDS = ("incomplete", "recevable", "non_recevable")
SENDER = (
    "CPNEFP",
    "Commission paritaire nationale de l'emploi et de la formation professionnelle",
    "Validation des acquis de l'expérience (VAE)",
)
KIND_SUBJECTS = {
    "recevable": "dossier recevable",
    "non_recevable": "dossier non recevable",
    "incomplete": "dossier incomplet, éléments à compléter",
}
LINE_CAP = 120  # characters kept per line of the address and signature blocks
ADDRESS_LINES = 4
SENDER_WIDTH = 9 * cm  # the recipient starts 11 cm from the left edge


# --------------------------------------------------------------------------- text


def _line(value: object, cap: int = LINE_CAP) -> str:
    """User text on one line, cut with an ellipsis past ``cap`` characters."""
    text = " ".join(clean_text(value).split())
    return text if len(text) <= cap else text[: cap - 1].rstrip() + "…"


def _markup(value: object) -> str:
    """Paragraph markup for user text: cleaned, escaped, newlines as line breaks."""
    return escape(clean_text(value)).replace("\n", "<br/>")


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _items(value: object) -> list[str]:
    """The non-empty cleaned strings of a list (a lone string counts as one item)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return []
    return [text for text in (clean_text(v) for v in value) if text]


def _date(value: object) -> str:
    """A date in long form (« 24 mai 2027 »), the raw text when unparsable, ``""`` when absent."""
    if isinstance(value, datetime):
        return long_date(value.date())
    if isinstance(value, date):
        return long_date(value)
    text = _line(value)
    try:
        return long_date(date.fromisoformat(text[:10]))
    except ValueError:
        return text


def _year(value: object) -> int | None:
    if isinstance(value, date):
        return value.year
    try:
        return date.fromisoformat(_line(value)[:10]).year
    except ValueError:
        return None


def _quoted(markup: str) -> str:
    return f"«{NBSP}{markup}{NBSP}»"


# --------------------------------------------------------------------------- styles


class _Styles(NamedTuple):
    body: ParagraphStyle
    small: ParagraphStyle
    sender: ParagraphStyle
    subject: ParagraphStyle
    heading: ParagraphStyle
    bullet: ParagraphStyle
    quote: ParagraphStyle
    right: ParagraphStyle
    signature: ParagraphStyle


@functools.cache
def _styles() -> _Styles:
    fonts = _register_fonts(str(FONT_DIR))
    body = ParagraphStyle(
        "letter_body",
        fontName=fonts.regular,
        fontSize=10,
        leading=13.5,
        spaceAfter=6,
        splitLongWords=1,
    )
    return _Styles(
        body=body,
        small=ParagraphStyle("letter_small", parent=body, fontSize=9, leading=12, spaceAfter=0),
        sender=ParagraphStyle(
            "letter_sender", parent=body, fontSize=9, leading=12, spaceAfter=0, textColor=ACCENT
        ),
        subject=ParagraphStyle(
            "letter_subject", parent=body, fontName=fonts.bold, spaceBefore=4, spaceAfter=12
        ),
        heading=ParagraphStyle(
            "letter_heading",
            parent=body,
            fontName=fonts.bold,
            textColor=ACCENT,
            spaceBefore=6,
            spaceAfter=4,
            keepWithNext=1,
        ),
        bullet=ParagraphStyle(
            "letter_bullet",
            parent=body,
            leftIndent=16,
            bulletIndent=4,
            bulletFontName=fonts.regular,
            spaceAfter=4,
        ),
        quote=ParagraphStyle("letter_quote", parent=body, leftIndent=14, textColor=MUTED),
        right=ParagraphStyle("letter_right", parent=body, alignment=TA_RIGHT, spaceAfter=12),
        signature=ParagraphStyle(
            "letter_signature", parent=body, leftIndent=CONTENT_WIDTH / 2, spaceAfter=2
        ),
    )


# --------------------------------------------------------------------------- blocks


def _head(letter: dict[str, Any], st: _Styles) -> list[Flowable]:
    """Sender (left), recipient (right, at the window of an envelope), then the date."""
    sender = [Paragraph(f"<b>{escape(SENDER[0])}</b>", st.sender)]
    sender += [Paragraph(escape(line), st.sender) for line in SENDER[1:]]
    who = _dict(letter.get("candidate"))
    name = " ".join(
        p for p in (_line(who.get("first_name")), _line(who.get("last_name")).upper()) if p
    )
    address = [_line(a) for a in clean_text(who.get("address")).split("\n") if _line(a)]
    town = " ".join(p for p in (_line(who.get("postcode")), _line(who.get("city")).upper()) if p)
    lines = [name, *address[:ADDRESS_LINES], town]
    recipient: list[Flowable] = [Spacer(1, 1.2 * cm)]
    recipient += [Paragraph(escape(line), st.small) for line in lines if line]
    if _line(who.get("email")):
        recipient += [
            Spacer(1, 3),
            Paragraph(f'<font color="#555555">{escape(_line(who.get("email")))}</font>', st.small),
        ]
    table = Table([[sender, recipient]], colWidths=[SENDER_WIDTH, CONTENT_WIDTH - SENDER_WIDTH])
    table.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    decided = _date(letter.get("decided_on")) or long_date(clock.today())
    return [table, Spacer(1, 0.6 * cm), Paragraph(f"Le {escape(decided)}", st.right)]


def _reference(letter: dict[str, Any]) -> str:
    """« n° VAE-2026-00042 (version 2) », plain text (escape it for markup)."""
    number = _line(letter.get("dossier_number"), 80)
    version = _line(letter.get("version"), 20)
    text = f"n°{NBSP}{number}" if number else ""
    if version:
        text += f" (version{NBSP}{version})" if text else f"version{NBSP}{version}"
    return text


def _certification(letter: dict[str, Any]) -> str:
    """« « CQP … » (mention Santé) », markup; ``""`` when the letter names no certification."""
    cert = _dict(letter.get("certification"))
    title = _markup(_line(cert.get("title"), 400))
    option = _markup(_line(cert.get("option_title"), 200))
    label = _markup(_line(cert.get("option_label"), 40)) or "option"
    text = _quoted(f"<b>{title}</b>") if title else ""
    if option:
        text += f" ({label} {option})" if text else f"{label} {option}"
    return text


def _references(letter: dict[str, Any], kind: str, st: _Styles) -> list[Flowable]:
    reference = escape(_reference(letter))
    what = "votre dossier de recevabilité VAE" + (f" {reference}" if reference else "")
    story: list[Flowable] = []
    certification = _certification(letter)
    if certification:
        story.append(Paragraph(f"Certification visée : {certification}", st.small))
    submitted = _date(letter.get("submitted_on"))
    if submitted:
        story.append(Paragraph(f"Dossier déposé le {escape(submitted)}", st.small))
    officer = _markup(_line(letter.get("officer_name")))
    if officer:
        story.append(Paragraph(f"Dossier suivi par : {officer}", st.small))
    story.append(Spacer(1, 8))
    story.append(Paragraph(f"Objet : {what} — {KIND_SUBJECTS[kind]}", st.subject))
    story.append(Paragraph("Madame, Monsieur,", st.body))
    return story


def _examined(letter: dict[str, Any], verb: str = "examiné") -> str:
    """The opening sentence: what was examined, for which certification."""
    submitted = _date(letter.get("submitted_on"))
    certification = _certification(letter)
    text = f"Nous avons {verb} votre dossier de recevabilité (livret 1)"
    if submitted:
        text += f" déposé le {escape(submitted)}"
    text += ", dans le cadre de votre demande de validation des acquis de l'expérience (VAE)"
    if certification:
        text += f" pour la certification {certification}"
    return text + "."


def _comment(letter: dict[str, Any], title: str, st: _Styles) -> list[Flowable]:
    comment = _markup(letter.get("comment"))
    if not comment:
        return []
    return [Paragraph(title, st.heading), Paragraph(comment, st.quote)]


def _hint(letter: dict[str, Any], st: _Styles) -> list[Flowable]:
    hint = _markup(letter.get("resubmit_hint"))
    return [Paragraph(hint, st.body)] if hint else []


def _bullet(markup: str, st: _Styles) -> Paragraph:
    return Paragraph(markup, st.bullet, bulletText="•")


# --------------------------------------------------------------------------- bodies


def _recevable(letter: dict[str, Any], st: _Styles) -> list[Flowable]:
    due = _date(letter.get("livret2_due"))
    deadline = (
        f"au plus tard le <b>{escape(due).replace(' ', NBSP)}</b>"
        if due
        else "dans le délai indiqué dans votre espace candidat"
    )
    return [
        Paragraph(_examined(letter), st.body),
        Paragraph(
            "Nous avons le plaisir de vous informer que votre dossier est déclaré "
            "<b>recevable</b>.",
            st.body,
        ),
        Paragraph(
            "Cette décision porte uniquement sur la recevabilité de votre demande : elle "
            "reconnaît que votre expérience vous permet de vous engager dans la VAE pour cette "
            "certification. Elle ne vous attribue pas la certification : celle-ci ne pourra "
            "être obtenue, en tout ou partie, qu'après l'examen de votre dossier par un jury.",
            st.body,
        ),
        *_comment(letter, "Observations de la CPNEFP", st),
        Paragraph("Les prochaines étapes", st.heading),
        _bullet(
            "<b>Rédiger votre livret 2.</b> Vous y décrivez des situations de travail "
            "significatives que vous avez vécues, pour montrer les compétences attendues par la "
            "certification. Vous le rédigez en ligne, dans votre espace candidat, et vous "
            f"devez le déposer {deadline}.",
            st,
        ),
        _bullet(
            "<b>Rencontrer le jury.</b> Une fois votre livret 2 déposé, nous vous convoquerons "
            "devant un jury. Le jury étudiera votre livret 2 et s'entretiendra avec vous, puis "
            "proposera une décision sur la validation de la certification.",
            st,
        ),
        Paragraph(
            "Si vous pensez ne pas pouvoir déposer votre livret 2 dans ce délai, prenez "
            "contact avec nous avant son échéance.",
            st.body,
        ),
    ]


def _non_recevable(letter: dict[str, Any], st: _Styles) -> list[Flowable]:
    reason = _markup(_line(letter.get("reason_label"), 400))
    story: list[Flowable] = [
        Paragraph(_examined(letter), st.body),
        Paragraph(
            "Nous sommes au regret de vous informer que votre dossier est déclaré "
            "<b>non recevable</b>.",
            st.body,
        ),
    ]
    if reason:
        story.append(Paragraph(f"Motif de la décision : <b>{reason}</b>", st.body))
    story += _comment(letter, "Précisions de la CPNEFP", st)
    year = _year(letter.get("submitted_on"))
    when = (
        f"à partir du 1er janvier {year + 1}"
        if year is not None and year < date.max.year
        else "à partir de l'année civile qui suit le dépôt de cette demande"
    )
    story += [
        Paragraph("Ce que vous pouvez faire", st.heading),
        _bullet(
            "<b>Demander des explications.</b> Si vous souhaitez mieux comprendre cette "
            "décision, vous pouvez demander des explications à la CPNEFP, en rappelant le "
            "numéro de votre dossier.",
            st,
        ),
        _bullet(
            "<b>Contester la décision.</b> Vous pouvez former un recours gracieux auprès de la "
            "CPNEFP dans un délai de deux mois à compter de la réception de ce courrier. "
            "Expliquez par écrit pourquoi vous demandez un nouvel examen de votre dossier et "
            "joignez les documents utiles.",
            st,
        ),
        _bullet(
            "<b>Déposer une nouvelle demande plus tard.</b> Vous pouvez compléter votre "
            "expérience, puis déposer une nouvelle demande. Une seule demande de recevabilité "
            "est possible par année civile pour une même certification, et trois au plus pour "
            f"des certifications différentes ({escape(QUOTA_LEGAL_BASIS)}) : une nouvelle "
            f"demande pour cette certification pourra être déposée {when}.",
            st,
        ),
        *_hint(letter, st),
    ]
    return story


def _incomplete(letter: dict[str, Any], st: _Styles) -> list[Flowable]:
    story: list[Flowable] = [
        Paragraph(_examined(letter, "vérifié"), st.body),
        Paragraph(
            "Votre dossier est <b>incomplet</b> : il ne peut pas être examiné en l'état, car "
            "des éléments manquent ou ne sont pas valables.",
            st.body,
        ),
        Paragraph("Éléments à compléter ou à corriger", st.heading),
    ]
    missing = _items(letter.get("missing"))
    story += [_bullet(_markup(item), st) for item in missing]
    if not missing:
        story.append(
            Paragraph("Les éléments à compléter sont indiqués dans votre espace candidat.", st.body)
        )
    story += _comment(letter, "Précisions de la CPNEFP", st)
    story += [
        Paragraph("Comment faire ?", st.heading),
        Paragraph(
            "Connectez-vous à votre espace candidat, complétez ou corrigez votre dossier en "
            "ligne, puis déposez-le à nouveau. Les informations déjà saisies sont conservées : "
            "vous n'avez pas à tout recommencer. Ce nouveau dépôt ne compte pas comme une "
            "nouvelle demande.",
            st.body,
        ),
        *_hint(letter, st),
        Paragraph("Délai d'examen", st.heading),
        Paragraph(
            "La CPNEFP dispose de deux mois pour se prononcer sur la recevabilité d'un dossier "
            "complet (article L6412-2 du Code du travail). Ce délai de deux mois commencera à "
            "nouveau à partir de la réception de votre dossier complet. Sans réponse de notre "
            "part dans ce délai, votre dossier sera considéré comme recevable.",
            st.body,
        ),
    ]
    return story


BODIES = {"recevable": _recevable, "non_recevable": _non_recevable, "incomplete": _incomplete}


def _closing(letter: dict[str, Any], st: _Styles) -> list[Flowable]:
    officer = _markup(_line(letter.get("officer_name")))
    signature = [Paragraph("Pour la CPNEFP,", st.signature)]
    if officer:
        signature += [Spacer(1, 0.8 * cm), Paragraph(f"<b>{officer}</b>", st.signature)]
    closing = Paragraph(
        "Nous restons à votre disposition pour toute question. Nous vous prions d'agréer, "
        "Madame, Monsieur, l'expression de nos salutations distinguées.",
        st.body,
    )
    return [KeepTogether([closing, Spacer(1, 0.3 * cm), *signature])]


# --------------------------------------------------------------------------- the letter


def decision_letter_pdf(letter: dict) -> bytes:
    """The CPNEFP's letter telling the candidate its decision on their dossier de recevabilité.

    ``letter["kind"]`` is ``recevable``, ``non_recevable`` or ``incomplete`` (a ValueError
    otherwise: a letter must not announce a decision that was not taken); every other key may
    be missing. See the module docstring for what each letter says.
    """
    letter = _dict(letter)
    kind = str(letter.get("kind") or "")
    if kind not in BODIES:
        raise ValueError(f"unknown decision kind: {kind!r}")
    st = _styles()
    story = [
        *_head(letter, st),
        *_references(letter, kind, st),
        *BODIES[kind](letter, st),
        *_closing(letter, st),
    ]
    reference = _reference(letter).replace(NBSP, " ")
    title = f"Décision sur le dossier de recevabilité VAE {reference} — {KIND_SUBJECTS[kind]}"
    cert = _line(_dict(letter.get("certification")).get("title"), 250)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=" ".join(title.split())[:300],
        author=PDF_AUTHOR,
        subject=f"Validation des acquis de l'expérience — {cert}" if cert else "VAE",
        creator="vae.review.letters (reportlab)",
        lang="fr-FR",
        displayDocTitle=1,
    )
    fonts = _register_fonts(str(FONT_DIR))
    doc.build(story, canvasmaker=functools.partial(_NumberedCanvas, font=fonts.regular))
    return buffer.getvalue()
