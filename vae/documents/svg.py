"""Hand-written SVG: elements, text measuring and truncation, the accessible root element.

The timeline (:mod:`vae.dossier.timeline`) and the dashboard charts (:mod:`vae.review.charts`)
are drawn with these few helpers rather than a charting library on purpose: the site's
Content-Security-Policy forbids inline styles and scripts (no ``style`` attribute, no
``<style>`` element: presentation attributes only), each picture must carry a ``<title>``, a
``<desc>`` and a French text alternative for screen readers, and its markup must always be
well-formed whatever the user text (the characters XML 1.0 forbids are dropped, all text is
escaped). Those guarantees are easier to hold in these few lines than to bend a charting
library to.
"""

from __future__ import annotations

import re
from html import escape

from vae.french import typography

FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"
WIDTH = 800  # every picture is drawn in an 800-wide viewBox

# Colours: text ≥ 7:1 on white; graphics ≥ 3:1 on white (WCAG 1.4.3, 1.4.11).
TEXT = "#1f2937"
MUTED_TEXT = "#374151"
BAR = "#1d4ed8"
BAR_EDGE = "#1e3a8a"
GRID = "#d1d5db"

_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SPACES = re.compile(r"[^\S\u00a0\u202f]+")  # any white space but the no-break ones
ID_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def clean_label(text: str) -> str:
    """Drop the characters XML forbids and fold white space (labels are one line)."""
    return _SPACES.sub(" ", _XML_INVALID.sub("", text)).strip(" ")


def truncate(text: str, limit: int) -> str:
    """``text`` cut with an ellipsis past ``limit`` characters."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def text_width(text: str, font_size: float) -> float:
    """A generous estimate of a text's width (system sans-serif fonts)."""
    return len(text) * font_size * 0.56


def check_id_prefix(id_prefix: str) -> None:
    """Raise ValueError unless ``id_prefix`` can start an XML id."""
    if not ID_PATTERN.fullmatch(id_prefix):
        raise ValueError(f"invalid id prefix: {id_prefix!r}")


def svg_attrs(attrs: dict[str, object]) -> str:
    """`` key="value"`` pairs, escaped; None values left out, floats with two decimals at most."""
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = f"{value:.2f}".rstrip("0").rstrip(".")
        parts.append(f' {key}="{escape(str(value), quote=True)}"')
    return "".join(parts)


def el(tag: str, content: str | None = None, /, **attrs: object) -> str:
    """An element; ``font_size=`` is written ``font-size``, ``class_=`` is ``class``. Its text
    gets French typography's no-break spaces, as pages and PDFs do."""
    attributes = svg_attrs({k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()})
    if content is None:
        return f"<{tag}{attributes}/>"
    return f"<{tag}{attributes}>{typography(content)}</{tag}>"


def svg_text(x: float, y: float, text: str, **attrs: object) -> str:
    """A ``<text>`` element holding escaped ``text`` (12 units, dark grey unless told)."""
    attrs.setdefault("fill", TEXT)
    attrs.setdefault("font_size", 12)
    return el("text", escape(text, quote=False), x=float(x), y=float(y), **attrs)


def svg_root(
    body: list[str], *, title: str, description: str, height: int, css_class: str, id_prefix: str
) -> str:
    """The ``<svg>`` element: an image labelled by its ``<title>`` and ``<desc>`` (plain text)."""
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    head = el("title", escape(title, quote=False), id=title_id) + el(
        "desc", escape(description, quote=False), id=desc_id
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg"'
        + svg_attrs(
            {
                "viewBox": f"0 0 {WIDTH} {height}",
                "width": "100%",
                "role": "img",
                "aria-labelledby": f"{title_id} {desc_id}",
                "font-family": FONT,
                "class": css_class,
            }
        )
        + ">"
        + head
        + "".join(body)
        + "</svg>"
    )
