"""The certificates the CPNEFP issues after proclaiming the jury's results, as PDF bytes.

* :func:`block_certificate_pdf`: a « Certificat de compétences professionnelles » (CCP) for one
  acquired block, with its competencies, proclamation date and validity (seed 000: a CCP per
  validated block, acquired without time limit for ``cqp-dam``; five years for ``cqp-spp``).
* :func:`certification_pdf`: the whole certification (CQP or title), once every required block
  is acquired, with the blocks that make it up.

Both are one A4 landscape page: a double border, the issuer, a centred title, the holder's name
large, and at the bottom the verification code and the address where anyone can check it. The
content shrinks to fit the page whatever the length of the texts.

Pure functions: no Flask, no database. Fonts, text cleaning, dates and tables come from
:mod:`vae.documents`; every piece of user text is cleaned and escaped before it reaches
reportlab's paragraph markup; missing keys render as « — » or are left out.
"""

from __future__ import annotations

import functools
import io
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepInFrame,
    PageTemplate,
    Spacer,
    Table,
)

from vae.certifiers.identity import is_commission, pour
from vae.documents.capture import record
from vae.documents.pdf import (
    ACCENT,
    MUTED,
    Paragraph,
    document_info,
    fit_text,
    fonts,
    grid_table,
    pdf_styles,
)
from vae.documents.text import (
    as_dict,
    as_list,
    date_text,
    full_name,
    short_line,
    valid_until_text,
)
from vae.french import NBSP, typography
from vae.referentials.words import UnitWords

PAGE = landscape(A4)
BORDER = 0.9 * cm  # from the paper's edge to the outer rule
INSET = 2.1 * cm  # from the paper's edge to the text, left, right and top
FOOTER = 2.4 * cm  # room kept at the bottom for the verification code
QR_SIZE = 2.2 * cm  # the verification link's QR code, bottom right inside the border
QR_GAP = 0.25 * cm
GOLD = colors.HexColor("#b08d3c")
ISSUER_NAMES = {
    "CPNEFP": "Commission paritaire nationale de l'emploi et de la formation professionnelle"
}
CCP_TITLE = "Certificat de compétences professionnelles"
PADDINGS = ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")


class _Styles(NamedTuple):
    issuer: ParagraphStyle
    issuer_name: ParagraphStyle
    title: ParagraphStyle
    kicker: ParagraphStyle
    text: ParagraphStyle
    holder: ParagraphStyle
    subject: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    sign: ParagraphStyle


@functools.cache
def _certificate_styles() -> _Styles:
    base = pdf_styles()
    bold = base.fonts.bold

    def centred(name: str, size: float, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(
            f"cert_{name}",
            parent=base.body,
            fontSize=size,
            leading=size * 1.25,
            alignment=TA_CENTER,
            spaceAfter=kw.pop("spaceAfter", 4),
            **kw,
        )

    return _Styles(
        issuer=centred("issuer", 14, fontName=bold, textColor=ACCENT, spaceAfter=0),
        issuer_name=centred("issuer_name", 9, textColor=MUTED, spaceAfter=14),
        title=centred("title", 26, fontName=bold, textColor=ACCENT, spaceAfter=2),
        kicker=centred("kicker", 11, textColor=MUTED, spaceAfter=14),
        text=centred("text", 11.5),
        holder=centred("holder", 25, fontName=bold, spaceBefore=4, spaceAfter=10),
        subject=centred("subject", 15, fontName=bold, textColor=ACCENT, spaceAfter=4),
        cell=ParagraphStyle("cert_cell", parent=base.cell, fontSize=8.5, leading=10.5),
        cell_bold=ParagraphStyle("cert_cell_bold", parent=base.cell_bold),
        sign=ParagraphStyle("cert_sign", parent=base.body, fontSize=10, leading=13),
    )


# --------------------------------------------------------------------------- page furniture


def _page(canvas: Canvas, doc: Any, *, code: str, url: str, font: str, bold: str) -> None:
    """The double border, the corner marks and the verification footer."""
    width, height = PAGE
    canvas.saveState()
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(3)
    canvas.rect(BORDER, BORDER, width - 2 * BORDER, height - 2 * BORDER)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(0.8)
    inner = BORDER + 0.25 * cm
    canvas.rect(inner, inner, width - 2 * inner, height - 2 * inner)
    canvas.setFillColor(GOLD)
    for x in (inner, width - inner):
        for y in (inner, height - inner):
            canvas.circle(x, y, 3, stroke=0, fill=1)
    available = width - 2 * INSET
    if url:
        _qr_code(canvas, url, x=width - inner - QR_GAP - QR_SIZE, y=inner + QR_GAP)
        available -= 2 * QR_SIZE  # the centred footer never runs under the code
    canvas.setFillColor(ACCENT)
    canvas.setFont(bold, 10)
    label, check = footer_lines(code, url)
    canvas.drawCentredString(width / 2, BORDER + 1.05 * cm, fit_text(label, bold, 10, available))
    if url:
        canvas.setFillColor(MUTED)
        canvas.setFont(font, 8)
        text = fit_text(check, font, 8, available)
        canvas.drawCentredString(width / 2, BORDER + 0.6 * cm, text)
    canvas.restoreState()


def footer_lines(code: str, url: str) -> tuple[str, str]:
    """The verification code and link printed at the foot of a certificate."""
    check = typography(f"Vérifiez l'authenticité de ce document : {url}") if url else ""
    return typography(f"Code de vérification : {code or '—'}"), check


def _qr_code(canvas: Canvas, url: str, *, x: float, y: float) -> None:
    """The verification link as a QR code (vector, from reportlab), ``QR_SIZE`` wide at x, y."""
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        QR_SIZE,
        QR_SIZE,
        transform=[QR_SIZE / (right - left), 0, 0, QR_SIZE / (top - bottom), 0, 0],
    )
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)
    canvas.linkURL(url, (x, y, x + QR_SIZE, y + QR_SIZE), relative=0)


def _render(story: list[Flowable], data: dict[str, Any], *, title: str, subject: str) -> bytes:
    code = short_line(data.get("verification_code"), 60)
    url = short_line(data.get("verify_url"), 300)
    if record(story, title=short_line(title, 300), notes=footer_lines(code, url)):
        return b""  # the accessible HTML version reads the story (vae.documents.capture)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=INSET,
        rightMargin=INSET,
        topMargin=INSET - 0.5 * cm,
        bottomMargin=FOOTER,
        **document_info(
            title=short_line(title, 300),
            subject=short_line(subject, 300),
            creator="vae.jury.certificates",
        ),
    )
    frame = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        doc.height,
        id="certificate",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    on_page = functools.partial(_page, code=code, url=url, font=fonts().regular, bold=fonts().bold)
    doc.addPageTemplates([PageTemplate(id="certificate", frames=[frame], onPage=on_page)])
    fitted = KeepInFrame(doc.width - 2, doc.height - 2, story, mode="shrink", hAlign="CENTER")
    centred = Table([[fitted]], colWidths=[doc.width - 1], rowHeights=[doc.height - 1])
    centred.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            *((side, (0, 0), (-1, -1), 0) for side in PADDINGS),
        ]
    )
    doc.build([centred])
    return buffer.getvalue()


# --------------------------------------------------------------------------- shared pieces


def _issuer(data: dict[str, Any], st: _Styles) -> tuple[str, list[Flowable]]:
    issuer = short_line(data.get("issuer"), 120) or "CPNEFP"
    name = ISSUER_NAMES["CPNEFP"] if is_commission(issuer) else ""
    lines = [Paragraph(escape(issuer), st.issuer)]
    lines.append(
        Paragraph(escape(f"{name} — jury paritaire national" if name else ""), st.issuer_name)
    )
    return issuer, lines


def _rncp(cert: dict[str, Any]) -> str:
    rncp = short_line(cert.get("rncp"), 40)
    if rncp and not rncp.upper().startswith("RNCP"):
        rncp = f"RNCP{NBSP}{rncp}"
    return rncp


def _certification_name(cert: dict[str, Any]) -> str:
    """Markup: « « CQP Délégué de l'Assurance Maladie » (RNCP 12345) »."""
    title = escape(short_line(cert.get("title"), 300))
    rncp = escape(_rncp(cert))
    text = f"«{NBSP}<b>{title}</b>{NBSP}»" if title else "visée"
    return f"{text} ({rncp})" if rncp else text


def _holder(data: dict[str, Any]) -> str:
    who = as_dict(data.get("holder"))
    return full_name(who.get("first_name"), who.get("last_name"))


def _signature(issuer: str, dated: str, st: _Styles, width: float) -> Table:
    left = [Paragraph(dated, st.sign)]
    right = [Paragraph(f"Pour {escape(pour(issuer))},<br/>le jury paritaire national", st.sign)]
    table = Table([[left, right]], colWidths=[width / 2, width / 2], hAlign="CENTER")
    table.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    return table


def _width() -> float:
    return PAGE[0] - 2 * INSET


# --------------------------------------------------------------------------- the documents


def block_certificate_pdf(data: dict) -> bytes:
    """The CCP for one acquired block (keys: see the module brief; all may be missing)."""
    data = as_dict(data)
    st = _certificate_styles()
    cert, block = as_dict(data.get("certification")), as_dict(data.get("block"))
    issuer, story = _issuer(data, st)
    holder = _holder(data)
    code, title = short_line(block.get("code"), 40), short_line(block.get("title"), 300)
    proclaimed = date_text(data.get("proclaimed_on"))
    expires = valid_until_text(data.get("expires_on"))  # stored: the first day it no longer counts
    words = UnitWords.of(cert.get("block_label"), None)
    validity = (
        f"{words.Block} acquis jusqu'au <b>{escape(expires)}</b>"
        if expires
        else f"{words.Block} acquis <b>sans limitation de durée</b>"
    )
    story += [
        Paragraph(CCP_TITLE, st.title),
        Paragraph("délivré par la validation des acquis de l'expérience (VAE)", st.kicker),
        Paragraph("Le jury paritaire national certifie que", st.text),
        Paragraph(escape(holder) or "—", st.holder),
        Paragraph(f"a acquis {words.the_full_block}", st.text),
        Paragraph(escape(f"{code} — {title}".strip(" —")) or "—", st.subject),
        Paragraph(f"de la certification {_certification_name(cert)}", st.text),
        Spacer(1, 8),
    ]
    rows = [
        [
            Paragraph(f"<b>{escape(short_line(c.get('code'), 40))}</b>", st.cell),
            Paragraph(escape(short_line(c.get("title"), 500)), st.cell),
        ]
        for c in (as_dict(item) for item in as_list(block.get("competencies")))
    ]
    if rows:
        width = _width() * 0.8
        table = grid_table(rows, [1.6 * cm, width - 1.6 * cm], label_column=True)
        table.hAlign = "CENTER"
        story += [table, Spacer(1, 10)]
    dated = f"Proclamé le <b>{escape(proclaimed)}</b>" if proclaimed else "Date de proclamation : —"
    story += [Spacer(1, 12), _signature(issuer, f"{dated}<br/>{validity}", st, _width() * 0.8)]
    return _render(
        story,
        data,
        title=f"{CCP_TITLE} — {code} — {holder}",
        subject=f"{short_line(cert.get('title'), 200)} — {title}",
    )


def certification_pdf(data: dict) -> bytes:
    """The whole certification, all required blocks acquired (keys: see the module brief)."""
    data = as_dict(data)
    st = _certificate_styles()
    cert = as_dict(data.get("certification"))
    issuer, story = _issuer(data, st)
    holder = _holder(data)
    title = short_line(cert.get("title"), 300)
    heading, obtained = (
        ("Certificat de qualification professionnelle", "obtenu")
        if title.upper().startswith(("CQP", "CERTIFICAT DE QUALIFICATION"))
        else ("Certification professionnelle", "obtenue")
    )
    option = short_line(cert.get("option_title"), 200)
    awarded = date_text(data.get("awarded_on"))
    story += [
        Paragraph(heading, st.title),
        Paragraph(f"{obtained} par la validation des acquis de l'expérience (VAE)", st.kicker),
        Paragraph("Le jury paritaire national certifie que", st.text),
        Paragraph(escape(holder) or "—", st.holder),
        Paragraph("a obtenu la certification", st.text),
        Paragraph(escape(title) or "—", st.subject),
    ]
    words = UnitWords.of(cert.get("block_label"), cert.get("option_label"))
    details = [escape(f"{words.option} {option}") if option else "", escape(_rncp(cert))]
    if any(details):
        story.append(Paragraph(" — ".join(d for d in details if d), st.text))
    rows: list[list[Any]] = [
        [Paragraph(f"<b>{h}</b>", st.cell) for h in (words.Block, "Intitulé", "Acquis le")]
    ]
    for block in (as_dict(b) for b in as_list(data.get("blocks"))):
        rows.append(
            [
                Paragraph(f"<b>{escape(short_line(block.get('code'), 40))}</b>", st.cell),
                Paragraph(escape(short_line(block.get("title"), 300)), st.cell),
                Paragraph(escape(date_text(block.get("proclaimed_on"))) or "—", st.cell),
            ]
        )
    if len(rows) > 1:
        width = _width() * 0.8
        table = grid_table(rows, [1.6 * cm, width - 5.6 * cm, 4 * cm], header=True)
        table.hAlign = "CENTER"
        story += [
            Spacer(1, 4),
            Paragraph(f"par l'acquisition des {words.full_blocks} :", st.text),
            table,
            Spacer(1, 10),
        ]
    dated = f"Délivré le <b>{escape(awarded)}</b>" if awarded else "Date de délivrance : —"
    story += [Spacer(1, 12), _signature(issuer, dated, st, _width() * 0.8)]
    return _render(
        story,
        data,
        title=f"{heading} — {title} — {holder}",
        subject=f"{title} — code de vérification {short_line(data.get('verification_code'), 60)}",
    )
