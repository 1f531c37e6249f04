"""A document's story (:mod:`vae.documents.capture`) written as accessible HTML.

The PDF's paragraph styles say what each paragraph is: the title becomes the page's one
``h1``, section styles become ``h2``…``h4`` (never skipping a level), bulleted paragraphs a
list, ruled tables (:func:`vae.documents.pdf.grid_table`) a table with a caption (the section
it sits in), ``th`` and ``scope``; layout tables (letterhead, signatures) are read cell by cell.
Paragraph markup keeps only bold, italics, line breaks, exponents and web links.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from flask import render_template
from markupsafe import Markup, escape
from reportlab.platypus import Flowable, Table
from reportlab.platypus import Paragraph as PdfParagraph

from vae.documents.capture import GridShape, Story
from vae.french import typography

HEADING_LEVELS = {
    "title": 1,
    "cert_title": 1,
    "l2_cover_title": 1,
    "h1": 2,
    "letter_heading": 2,
    "l2_band": 2,
    "h2": 3,
    "l2_situation": 3,
    "l2_rubric": 4,
}
INLINE = {"b": "strong", "strong": "strong", "i": "em", "em": "em", "super": "sup", "sup": "sup"}
INLINE |= {"sub": "sub", "a": "a"}
LINK_SCHEMES = ("https://", "http://", "mailto:")


class _Inline(HTMLParser):
    """reportlab paragraph markup to safe inline HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.out.append("<br>")
            return
        name = INLINE.get(tag)
        if name == "a":
            href = dict(attrs).get("href") or ""
            name = name if href.startswith(LINK_SCHEMES) else None
            if name:
                self.out.append(f'<a href="{escape(href)}">')
        elif name:
            self.out.append(f"<{name}>")
        self.stack.append((tag, name))

    def handle_endtag(self, tag: str) -> None:
        if tag == "br" or all(open_tag != tag for open_tag, _name in self.stack):
            return
        while self.stack:
            open_tag, name = self.stack.pop()
            if name:
                self.out.append(f"</{name}>")
            if open_tag == tag:
                return

    def handle_data(self, data: str) -> None:
        self.out.append(str(escape(data)))

    def result(self) -> str:
        self.close()
        while self.stack:
            self.handle_endtag(self.stack[-1][0])
        return "".join(self.out)


def inline(markup: str) -> str:
    """Paragraph markup as inline HTML (escaped text, a few tags kept)."""
    parser = _Inline()
    parser.feed(markup)
    return parser.result()


def _items(content: Any) -> Iterator[Any]:
    """Paragraphs, ruled tables and text cells of ``content``, in reading order."""
    if isinstance(content, (list, tuple)):
        for part in content:
            yield from _items(part)
    elif isinstance(content, str):
        if content.strip():
            yield content
    elif isinstance(content, PdfParagraph):
        yield content
    elif isinstance(content, Table):
        if isinstance(getattr(content, "vae_grid", None), GridShape):
            yield content
        else:  # a layout table: its cells one after the other
            for row in content._cellvalues:
                yield from _items(list(row))
    elif isinstance(content, Flowable) and hasattr(content, "_content"):
        yield from _items(content._content)  # KeepTogether, KeepInFrame


def _cell(content: Any) -> str:
    parts = [
        inline(item.text) if isinstance(item, PdfParagraph) else str(escape(item))
        for item in _items(content)
        if not isinstance(item, Table)
    ]
    return "<br>".join(part for part in parts if part)


def _plain(markup: str) -> str:
    return " ".join(Markup(inline(markup)).striptags().split())


class _Writer:
    def __init__(self, title: str, titled: bool) -> None:
        self.parts: list[str] = []
        self.level = 0
        self.section = title
        self.list_open = False
        if not titled:
            self.parts.append(f"<h1>{escape(typography(title))}</h1>")
            self.level = 1

    def close_list(self) -> None:
        if self.list_open:
            self.parts.append("</ul>")
            self.list_open = False

    def paragraph(self, item: PdfParagraph) -> None:
        html = inline(item.text)
        if not html.strip():
            return
        style = str(getattr(item.style, "name", "") or "body")
        if item.bulletText or "bullet" in style:
            if not self.list_open:
                self.parts.append('<ul class="document-list">')
                self.list_open = True
            self.parts.append(f"<li>{html}</li>")
            return
        self.close_list()
        wanted = HEADING_LEVELS.get(style)
        if wanted is not None:
            level = 1 if self.level == 0 else max(2, min(wanted, self.level + 1))
            self.level = level
            self.section = _plain(item.text)
            self.parts.append(f"<h{level}>{html}</h{level}>")
        elif style.endswith("quote"):
            self.parts.append(f"<blockquote><p>{html}</p></blockquote>")
        else:
            self.parts.append(f'<p class="document-{escape(style)}">{html}</p>')

    def table(self, table: Table) -> None:
        self.close_list()
        shape: GridShape = table.vae_grid  # type: ignore[attr-defined]
        rows = [list(row) for row in table._cellvalues]
        if not (shape.header or shape.label_column):  # no headers: a list reads better
            items = (" – ".join(c for c in map(_cell, row) if c) for row in rows)
            self.parts.append(
                '<ul class="document-rows">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
            )
            return
        out = ['<div class="table-wrap"><table class="document-table">']
        out.append(f"<caption>{escape(self.section)}</caption>")
        if shape.header and rows:
            cells = "".join(f'<th scope="col">{_cell(c)}</th>' for c in rows[0])
            out.append(f"<thead><tr>{cells}</tr></thead>")
            rows = rows[1:]
        out.append("<tbody>")
        for row in rows:
            cells = "".join(
                f'<th scope="row">{_cell(c)}</th>'
                if index == 0 and shape.label_column
                else f"<td>{_cell(c)}</td>"
                for index, c in enumerate(row)
            )
            out.append(f"<tr>{cells}</tr>")
        out.append("</tbody></table></div>")
        self.parts.append("".join(out))


def story_html(story: Story) -> Markup:
    """The whole document as HTML: one ``h1``, headings in order, lists and tables."""
    items = list(_items(story.flowables))
    titled = any(
        isinstance(item, PdfParagraph)
        and HEADING_LEVELS.get(str(getattr(item.style, "name", ""))) == 1
        for item in items
    )
    writer = _Writer(story.title, titled)
    for item in items:
        if isinstance(item, PdfParagraph):
            writer.paragraph(item)
        elif isinstance(item, Table):
            writer.table(item)
        else:
            writer.close_list()
            writer.parts.append(f"<p>{escape(item)}</p>")
    writer.close_list()
    writer.parts += [f'<p class="document-note">{escape(note)}</p>' for note in story.notes]
    return Markup("\n".join(writer.parts))  # every piece is escaped above


def document_page(story: Story, *, pdf_url: str | None) -> str:
    """The page of a document's accessible HTML version, with the link to its PDF."""
    return render_template(
        "documents/document.html",
        title=" ".join(story.title.split()),
        body=story_html(story),
        pdf_url=pdf_url,
    )
