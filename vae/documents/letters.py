"""The pieces of the CPNEFP's letters: letterhead, addresses, reference lines and closing.

The review's decision letters and the jury's convocation are built from these; every piece of
user text is cleaned and escaped before it reaches reportlab's paragraph markup.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

from flask import current_app, has_app_context
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from vae import clock
from vae.certifiers.identity import is_commission, pour
from vae.config import Defaults
from vae.documents.pdf import ACCENT, CONTENT_WIDTH, MUTED, Fonts, Paragraph, fonts
from vae.documents.text import as_dict, clean_text, quoted, safe_markup, short_line
from vae.french import NBSP, long_date

SENDER = (
    "CPNEFP",
    "Commission paritaire nationale de l'emploi et de la formation professionnelle",
    "Validation des acquis de l'expérience (VAE)",
)
ADDRESS_LINES = 4
SENDER_WIDTH = 9 * cm  # the recipient starts 11 cm from the left edge


class Certifier(NamedTuple):
    """Who signs the letters, how to reach them, and the town letters are dated from."""

    name: str
    address: tuple[str, ...]
    email: str
    phone: str
    city: str
    signatory_name: str = ""
    signatory_title: str = ""
    mentions: tuple[str, ...] = ()

    def contact_lines(self) -> list[str]:
        """« Courriel : … », « Téléphone : … » (those configured), plain text."""
        return [
            f"{label} : {value}"
            for label, value in (("Courriel", self.email), ("Téléphone", self.phone))
            if value
        ]


def _lines(value: object) -> tuple[str, ...]:
    return tuple(short_line(line) for line in clean_text(value).split("\n") if short_line(line))


def certifier(identity: dict[str, Any] | None = None) -> Certifier:
    """The certifier a document names: ``identity`` (vae.certifiers.identity, the dossier's
    certifier as the admin filled it in), each field still empty there taken from the
    configuration (``CERTIFIER_*``, ``LETTER_CITY``; the defaults outside an application)."""
    config: Any = current_app.config if has_app_context() else vars(Defaults)
    own = as_dict(identity)

    def value(field: str, setting: str) -> Any:
        return own.get(field) or config.get(setting)

    return Certifier(
        name=short_line(value("name", "CERTIFIER_NAME")) or SENDER[0],
        address=_lines(value("address", "CERTIFIER_ADDRESS")),
        email=short_line(own.get("email") or config.get("CERTIFIER_EMAIL"))
        or short_line(config.get("CPNEFP_EMAIL")),
        phone=short_line(value("phone", "CERTIFIER_PHONE")),
        city=short_line(value("city", "LETTER_CITY")) or "Paris",
        signatory_name=short_line(own.get("signatory_name")),
        signatory_title=short_line(own.get("signatory_title")),
        mentions=_lines(own.get("letter_mentions")),
    )


class LetterStyles(NamedTuple):
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
def make_letter_styles(fonts: Fonts) -> LetterStyles:
    """The paragraph styles of a letter in ``fonts``."""
    body = ParagraphStyle(
        "letter_body",
        fontName=fonts.regular,
        fontSize=10,
        leading=13.5,
        spaceAfter=6,
        splitLongWords=1,
    )
    return LetterStyles(
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


def letter_styles() -> LetterStyles:
    """The paragraph styles of a letter in the platform's fonts."""
    return make_letter_styles(fonts())


def letter_date(value: object) -> str:
    """A date in long form (« 24 mai 2027 »), the raw text when unparsable, ``""`` when absent."""
    if isinstance(value, datetime):
        return long_date(value.date())
    if isinstance(value, date):
        return long_date(value)
    text = short_line(value)
    try:
        return long_date(date.fromisoformat(text[:10]))
    except ValueError:
        return text


def address_lines(who: dict[str, Any]) -> list[str]:
    """The recipient's name, address (at most four lines) and town, plain text."""
    name = " ".join(
        p
        for p in (short_line(who.get("first_name")), short_line(who.get("last_name")).upper())
        if p
    )
    address = [short_line(a) for a in clean_text(who.get("address")).split("\n") if short_line(a)]
    town = " ".join(
        p for p in (short_line(who.get("postcode")), short_line(who.get("city")).upper()) if p
    )
    return [line for line in (name, *address[:ADDRESS_LINES], town) if line]


def letterhead(letter: dict[str, Any], st: LetterStyles) -> list[Flowable]:
    """Sender with its address and contact (left), recipient (right, at the window of an
    envelope), then « À Paris, le … »."""
    who_signs = certifier(letter.get("certifier"))
    sender = [Paragraph(f"<b>{escape(who_signs.name)}</b>", st.sender)]
    lines = SENDER[1:] if is_commission(who_signs.name) else SENDER[2:]
    sender += [Paragraph(escape(line), st.sender) for line in lines]
    sender += [Spacer(1, 3)] + [
        Paragraph(escape(line), st.sender)
        for line in (*who_signs.address, *who_signs.contact_lines())
    ]
    who = as_dict(letter.get("candidate"))
    recipient: list[Flowable] = [Spacer(1, 1.2 * cm)]
    recipient += [Paragraph(escape(line), st.small) for line in address_lines(who)]
    email = short_line(who.get("email"))
    if email:
        recipient += [
            Spacer(1, 3),
            Paragraph(f'<font color="#555555">{escape(email)}</font>', st.small),
        ]
    table = Table([[sender, recipient]], colWidths=[SENDER_WIDTH, CONTENT_WIDTH - SENDER_WIDTH])
    table.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    decided = letter_date(letter.get("decided_on")) or long_date(clock.today())
    dated = f"À {escape(who_signs.city)}, le {escape(decided)}"
    return [table, Spacer(1, 0.6 * cm), Paragraph(dated, st.right)]


def reference_line(letter: dict[str, Any]) -> str:
    """« n° VAE-2026-00042 (version 2) », plain text (escape it for markup)."""
    number = short_line(letter.get("dossier_number"), 80)
    version = short_line(letter.get("version"), 20)
    text = f"n°{NBSP}{number}" if number else ""
    if version:
        text += f" (version{NBSP}{version})" if text else f"version{NBSP}{version}"
    return text


def certification_line(letter: dict[str, Any]) -> str:
    """« « CQP … » (mention Santé) », markup; ``""`` when the letter names no certification."""
    cert = as_dict(letter.get("certification"))
    title = safe_markup(short_line(cert.get("title"), 400))
    option = safe_markup(short_line(cert.get("option_title"), 200))
    label = safe_markup(short_line(cert.get("option_label"), 40)) or "option"
    text = quoted(f"<b>{title}</b>") if title else ""
    if option:
        text += f" ({label} {option})" if text else f"{label} {option}"
    request_scope = safe_markup(short_line(cert.get("scope"), 400))
    if text and request_scope:
        text += f" — {request_scope}"  # R6412-3: « demande portant sur les blocs … »
    return text


def opening(lines: list[str], subject: str, st: LetterStyles) -> list[Flowable]:
    """The reference lines (markup), the « Objet : » line and the salutation."""
    story: list[Flowable] = [Paragraph(line, st.small) for line in lines]
    story += [
        Spacer(1, 8),
        Paragraph(f"Objet : {subject}", st.subject),
        Paragraph("Madame, Monsieur,", st.body),
    ]
    return story


def bullet(markup: str, st: LetterStyles) -> Paragraph:
    """A bulleted paragraph of a letter."""
    return Paragraph(markup, st.bullet, bulletText="•")


def closing(letter: dict[str, Any], st: LetterStyles) -> list[Flowable]:
    """The closing formula and the signature « Pour <certifier> », kept together: the
    certifier's signatory (name, title) when set, else the officer who decided; then the
    mentions the certifier's letters carry."""
    who_signs = certifier(letter.get("certifier"))
    signer = escape(who_signs.signatory_name) or safe_markup(short_line(letter.get("officer_name")))
    signature = [Paragraph(f"Pour {escape(pour(who_signs.name))},", st.signature)]
    if signer:
        signature += [Spacer(1, 0.8 * cm), Paragraph(f"<b>{signer}</b>", st.signature)]
    if who_signs.signatory_name and who_signs.signatory_title:
        signature += [Paragraph(escape(who_signs.signatory_title), st.signature)]
    formula = Paragraph(
        "Nous restons à votre disposition pour toute question. Nous vous prions d'agréer, "
        "Madame, Monsieur, l'expression de nos salutations distinguées.",
        st.body,
    )
    mentions = [Paragraph(escape(line), st.small) for line in who_signs.mentions]
    return [
        KeepTogether([formula, Spacer(1, 0.3 * cm), *signature]),
        *([Spacer(1, 0.6 * cm), *mentions] if mentions else []),
    ]
