"""What the dashboard charts share: their geometry, French text, header and root element."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from vae import french
from vae.documents.svg import (
    MUTED_TEXT,
    TEXT,
    check_id_prefix,
    clean_label,
    el,
    svg_root,
    svg_text,
)

LABEL_MAX = 36
NO_DATA = "Aucune donnée."
UNLABELLED = "Sans libellé"

# Geometry (user units of the 800-wide viewBox).
MARGIN = 24
TITLE_Y = 28
SUBTITLE_Y = 50
BODY_TOP = 72
FONT_SIZE = 12.5

# Bar chart rows.
ROW_HEIGHT = 30
BAR_HEIGHT = 18

# Column chart plot.
PLOT_HEIGHT = 220
COLUMN_MAX_WIDTH = 56
LINE_HEIGHT = 16

# Colours (vae.documents.svg): text ≥ 7:1 on white, bars ≥ 3:1 on white (WCAG 1.4.3, 1.4.11).
AXIS = MUTED_TEXT

MONTHS_SHORT = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)

# Plural units left as they are for one item (a unit of several words is always left as is).
_INVARIABLE = frozenset({"cas", "cours", "fois", "mois", "pas", "temps"})


@dataclass(frozen=True)
class Chart:
    svg: str
    description: list[str]  # text alternative, one French sentence per item


def month_label(year: int, month: int) -> str:
    """``month_label(2026, 1)`` → ``janv. 2026`` (the usual French abbreviations)."""
    if not 1 <= month <= 12:
        raise ValueError(f"invalid month: {month!r}")
    return f"{MONTHS_SHORT[month - 1]} {year}"


# --------------------------------------------------------------------------- French text


def amount(value: float) -> str:
    """``1234`` → ``1 234`` (no-break space); ``2.5`` → ``2,5``: one decimal, if not zero."""
    rounded = round(value, 1) + 0.0  # + 0.0: no « -0 »
    return french.number(rounded, 0 if rounded.is_integer() else 1)


def with_unit(value: float, unit: str) -> str:
    """``1 234 dossiers``, ``1 dossier``, ``0 dossier`` (singular below 2, as in French)."""
    if not unit:
        return amount(value)
    if value < 2 and " " not in unit and unit.endswith("s") and unit.lower() not in _INVARIABLE:
        unit = unit[:-1]
    return f"{amount(value)} {unit}"


def chart_description(items: list[tuple[str, float]], unit: str) -> list[str]:
    if not items:
        return [NO_DATA]
    total = math.fsum(value for _, value in items)
    return [f"Total : {with_unit(total, unit)}."] + [
        f"{label} : {with_unit(value, unit)}." for label, value in items
    ]


# --------------------------------------------------------------------------- shared drawing


def prepare(
    title: str, items: Sequence[tuple[str, float]], unit: str, id_prefix: str
) -> tuple[str, list[tuple[str, float]], str]:
    check_id_prefix(id_prefix)
    clean_items = []
    for label, value in items:
        number = float(value)
        if not math.isfinite(number) or number < 0:
            raise ValueError(f"chart values must be finite and not negative: {label!r}={value!r}")
        clean_items.append((clean_label(str(label)) or UNLABELLED, number + 0.0))
    return clean_label(title) or "Graphique", clean_items, clean_label(unit)


def chart_header(title: str, items: list[tuple[str, float]], unit: str) -> list[str]:
    out = [svg_text(MARGIN, TITLE_Y, title, font_size=17, font_weight="bold")]
    if items:
        total = math.fsum(value for _, value in items)
        out.append(
            svg_text(
                MARGIN,
                SUBTITLE_Y,
                f"Total : {with_unit(total, unit)}",
                fill=MUTED_TEXT,
                font_size=13,
            )
        )
    else:
        out.append(svg_text(MARGIN, SUBTITLE_Y + 4, NO_DATA, fill=MUTED_TEXT, font_size=13))
    return out


def chart_svg(
    kind: str, title: str, description: list[str], body: list[str], height: float, p: str
) -> str:
    return svg_root(
        body,
        title=title,
        description=" ".join(description),
        height=math.ceil(height),
        css_class=f"chart chart-{kind}",
        id_prefix=p,
    )


def label_text(label: str, shown: str, x: float, y: float, **attrs: object) -> str:
    """A label; a truncated one keeps the full text in a ``<title>`` child (a tooltip)."""
    content = escape(shown, quote=False)
    if shown != label:
        content = el("title", escape(label, quote=False)) + content
    attrs.setdefault("fill", TEXT)
    attrs.setdefault("font_size", FONT_SIZE)
    return el("text", content, class_="chart-label", x=float(x), y=float(y), **attrs)


def item_title(label: str, value: float, unit: str) -> str:
    return el("title", escape(f"{label} : {with_unit(value, unit)}.", quote=False))
