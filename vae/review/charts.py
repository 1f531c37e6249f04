"""Server-rendered SVG charts for the CPNEFP staff dashboard: horizontal bars and columns.

Pure functions, no Flask: :func:`bar_chart` and :func:`column_chart` return a :class:`Chart`,
the SVG markup and a French text alternative (one sentence per item, usable as an HTML list),
in the manner of :mod:`vae.dossier.timeline`, drawn with the same helpers and colours
(:mod:`vae.documents.svg`).

What the picture says, without relying on colour alone:

* a title, then « Total : N dossiers » under it;
* bar chart: one row per item, the label on the left (truncated to 36 characters, the full
  label in a ``<title>`` child), a bar from a zero line, and the value written at its end;
* column chart: one column per item in the given order (e.g. months, see
  :func:`month_label`), the value written above each column, round y-axis ticks with
  gridlines, and the labels under the columns. A label that does not fit under its column is
  split at its last space (« janv. » over « 2026 », the second line written only when it
  changes from the previous column), or else slanted;
* no data: « Aucune donnée. ».

The site's Content-Security-Policy forbids inline styles, so there is no ``style`` attribute
and no ``<style>`` element: presentation attributes only. All user text is escaped, and the
characters XML 1.0 forbids are dropped, so the markup is always well-formed. Values must be
finite and not negative (counts, durations); anything else is a caller's bug (``ValueError``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from vae import french
from vae.documents.svg import (
    BAR,
    BAR_EDGE,
    GRID,
    MUTED_TEXT,
    TEXT,
    WIDTH,
    el,
    svg_text,
    text_width,
    truncate,
)
from vae.review.chart_parts import (
    AXIS,
    BAR_HEIGHT,
    BODY_TOP,
    COLUMN_MAX_WIDTH,
    FONT_SIZE,
    LABEL_MAX,
    LINE_HEIGHT,
    MARGIN,
    PLOT_HEIGHT,
    ROW_HEIGHT,
    SUBTITLE_Y,
    Chart,
    amount,
    chart_description,
    chart_header,
    chart_svg,
    item_title,
    label_text,
    month_label,
    prepare,
)

__all__ = ["Chart", "bar_chart", "column_chart", "month_label"]


# --------------------------------------------------------------------------- bar chart


def bar_chart(
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    unit: str = "dossiers",
    id_prefix: str = "chart",
) -> Chart:
    """Horizontal bars, one per item in the given order: label, bar, value at the end.

    ``id_prefix`` keeps element ids unique when a page shows several charts.
    """
    title, rows, unit = prepare(title, items, unit, id_prefix)
    description = chart_description(rows, unit)
    body = chart_header(title, rows, unit)
    if not rows:
        return Chart(
            chart_svg("bar", title, description, body, SUBTITLE_Y + 24, id_prefix), description
        )

    shown = [truncate(label, LABEL_MAX) for label, _ in rows]
    values = [amount(value) for _, value in rows]
    label_width = max(text_width(text, FONT_SIZE) for text in shown)
    value_width = max(text_width(text, FONT_SIZE) for text in values)
    bar_x = MARGIN + label_width + 12
    bar_room = WIDTH - MARGIN - value_width - 8 - bar_x
    top_value = max(value for _, value in rows)

    top = BODY_TOP
    for index, ((label, value), text, value_text) in enumerate(
        zip(rows, shown, values, strict=True)
    ):
        row_top = top + index * ROW_HEIGHT
        bar_top = row_top + (ROW_HEIGHT - BAR_HEIGHT) / 2
        baseline = bar_top + BAR_HEIGHT / 2 + FONT_SIZE * 0.35
        # A ratio, not value × (room / top): a subnormal top value would overflow to inf.
        length = bar_room * (value / top_value) if top_value > 0 else 0.0
        parts = [
            item_title(label, value, unit),
            label_text(label, text, bar_x - 10, baseline, text_anchor="end"),
            el(
                "rect",
                class_="chart-bar",
                x=float(bar_x),
                y=float(bar_top),
                width=float(length),
                height=float(BAR_HEIGHT),
                fill=BAR,
                stroke=BAR_EDGE if length > 0 else None,
                stroke_width=1 if length > 0 else None,
            ),
            el(
                "text",
                escape(value_text, quote=False),
                class_="chart-value",
                x=float(bar_x + length + 6),
                y=float(baseline),
                fill=TEXT,
                font_size=FONT_SIZE,
                font_weight="bold",
            ),
        ]
        body.append(el("g", "".join(parts), class_="chart-item"))
    bottom = top + len(rows) * ROW_HEIGHT
    # The zero line: a bar of 0 has no length, but its row still starts from it.
    body.append(
        el(
            "line",
            class_="chart-axis",
            x1=float(bar_x),
            y1=float(top),
            x2=float(bar_x),
            y2=float(bottom),
            stroke=AXIS,
            stroke_width=1,
        )
    )
    svg = chart_svg("bar", title, description, body, bottom + MARGIN / 2, id_prefix)
    return Chart(svg=svg, description=description)


# --------------------------------------------------------------------------- column chart


def _ticks(top_value: float, integral: bool) -> tuple[list[float], int]:
    """Round ticks from 0 to at least ``top_value`` (about 5 steps of 1, 2 or 5 × 10ⁿ).

    The scale reaches at least 0.1 (values are written with one decimal at most), or 1 when
    every value is a whole number.
    """
    span = max(top_value, 1.0 if integral else 0.1)
    raw = span / 5
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    if integral:
        step = max(step, 1.0)
    count = max(1, math.ceil(span / step - 1e-9))
    decimals = 0 if step >= 1 else -math.floor(math.log10(step) + 1e-9)
    return [round(i * step, decimals) + 0.0 for i in range(count + 1)], decimals


def _split(label: str) -> tuple[str, str]:
    head, _, tail = label.rpartition(" ")
    return (head, tail) if head else (label, "")


def _wrap(text: str, width: float, font_size: float) -> list[str] | None:
    """``text`` on one or two lines of at most ``width`` (greedy), or None if it cannot be."""
    words = text.split(" ")
    first: list[str] = []
    while words and text_width(" ".join([*first, words[0]]), font_size) <= width:
        first.append(words.pop(0))
    if not first:
        return None
    rest = " ".join(words)
    if text_width(rest, font_size) > width:
        return None
    return [" ".join(first), rest] if rest else [" ".join(first)]


def _category_lines(shown: list[str], width: float) -> list[list[str]] | None:
    """Each label on one or two lines under its column, or None: they must be slanted.

    Labels that all end in a number (« janv. 2026 ») are split before it, and the number is
    written only where it changes (« janv. », « févr. »… with « 2026 » under the first).
    """
    if all(text_width(text, 12) <= width for text in shown):
        return [[text] for text in shown]
    halves = [_split(text) for text in shown]
    if all(tail.isdigit() for _, tail in halves) and all(
        text_width(half, 12) <= width for pair in halves for half in pair
    ):
        lines, previous = [], None
        for head, tail in halves:
            lines.append([head, tail] if tail != previous else [head])
            previous = tail
        return lines
    wrapped = [_wrap(text, width, 12) for text in shown]
    if all(lines is not None for lines in wrapped):
        return [lines for lines in wrapped if lines is not None]
    return None


def column_chart(
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    unit: str = "dossiers",
    id_prefix: str = "chart",
) -> Chart:
    """Vertical columns in the given order (e.g. dossiers received per month), values on top.

    ``id_prefix`` keeps element ids unique when a page shows several charts.
    """
    title, columns, unit = prepare(title, items, unit, id_prefix)
    description = chart_description(columns, unit)
    body = chart_header(title, columns, unit)
    if not columns:
        return Chart(
            chart_svg("column", title, description, body, SUBTITLE_Y + 24, id_prefix), description
        )

    top_value = max(value for _, value in columns)
    integral = all(value.is_integer() for _, value in columns)
    ticks, decimals = _ticks(top_value, integral)
    drawn_ticks = ticks if top_value > 0 else ticks[:1]  # all zero: the baseline alone
    tick_texts = [french.number(tick, decimals) if tick else "0" for tick in drawn_ticks]
    plot_left = MARGIN + max(text_width(text, 12) for text in tick_texts) + 10
    plot_right = WIDTH - MARGIN
    slot = (plot_right - plot_left) / len(columns)
    column_width = min(slot * 0.68, COLUMN_MAX_WIDTH)

    # Category labels: one line, else two, else slanted.
    shown = [truncate(label, LABEL_MAX) for label, _ in columns]
    category_lines = _category_lines(shown, slot - 4)
    if category_lines is None:
        reaches = [text_width(text, 12) * math.sqrt(0.5) for text in shown]
        label_room = max(reaches) + 24
        # Slanted labels run down to the left: move the plot right until the first ones fit.
        for _ in range(8):
            overflow = max(
                MARGIN / 2 - (plot_left + (i + 0.5) * slot + 4 - reach)
                for i, reach in enumerate(reaches)
            )
            if overflow <= 0:
                break
            plot_left += overflow
            slot = (plot_right - plot_left) / len(columns)
        column_width = min(slot * 0.68, COLUMN_MAX_WIDTH)
    else:
        label_room = 10 + LINE_HEIGHT * max(len(lines) for lines in category_lines)

    # Value labels: level if they fit over their column, smaller, or else upright.
    values = [amount(value) for _, value in columns]
    value_size = FONT_SIZE
    widest_value = max(text_width(text, value_size) for text in values)
    if widest_value > slot - 2:
        value_size = 11.0
        widest_value = max(text_width(text, value_size) for text in values)
    values_upright = widest_value > slot - 2
    value_room = widest_value + 10 if values_upright else value_size + 8

    plot_top = BODY_TOP + value_room
    plot_bottom = plot_top + PLOT_HEIGHT
    scale = PLOT_HEIGHT / ticks[-1]

    # ---- gridlines and y-axis ticks
    for tick, text in zip(drawn_ticks, tick_texts, strict=True):
        y = plot_bottom - tick * scale
        body.append(
            el(
                "line",
                class_="chart-grid",
                x1=float(plot_left),
                y1=float(y),
                x2=float(plot_right),
                y2=float(y),
                stroke=AXIS if tick == 0 else GRID,
                stroke_width=1,
            )
        )
        body.append(
            svg_text(plot_left - 8, y + 4, text, text_anchor="end", fill=MUTED_TEXT, font_size=12)
        )

    if top_value == 0:
        body.append(
            svg_text(
                (plot_left + plot_right) / 2,
                plot_top + PLOT_HEIGHT / 2,
                "Toutes les valeurs sont nulles.",
                text_anchor="middle",
                fill=MUTED_TEXT,
                font_size=13,
            )
        )

    # ---- one column per item
    for index, ((label, value), text, value_text) in enumerate(
        zip(columns, shown, values, strict=True)
    ):
        centre = plot_left + (index + 0.5) * slot
        height = value * scale
        column_top = plot_bottom - height
        parts = [
            item_title(label, value, unit),
            el(
                "rect",
                class_="chart-column",
                x=float(centre - column_width / 2),
                y=float(column_top),
                width=float(column_width),
                height=float(height),
                fill=BAR,
                stroke=BAR_EDGE if height > 0 else None,
                stroke_width=1 if height > 0 else None,
            ),
        ]
        if values_upright:
            value_attrs: dict[str, object] = {
                "x": float(centre + value_size * 0.35),
                "y": float(column_top - 5),
                "transform": f"rotate(-90 {centre + value_size * 0.35:.2f} {column_top - 5:.2f})",
            }
        else:
            value_attrs = {
                "x": float(centre),
                "y": float(column_top - 6),
                "text_anchor": "middle",
            }
        parts.append(
            el(
                "text",
                escape(value_text, quote=False),
                class_="chart-value",
                fill=TEXT,
                font_size=value_size,
                font_weight="bold",
                **value_attrs,
            )
        )
        label_y = plot_bottom + 18
        if category_lines is not None:
            first, *others = category_lines[index]
            content = escape(first, quote=False) + "".join(
                el("tspan", escape(line, quote=False), x=float(centre), dy=float(LINE_HEIGHT))
                for line in others
            )
            if text != label:
                content = el("title", escape(label, quote=False)) + content
            parts.append(
                el(
                    "text",
                    content,
                    class_="chart-label",
                    x=float(centre),
                    y=float(label_y),
                    text_anchor="middle",
                    fill=TEXT,
                    font_size=12,
                )
            )
        else:
            x, y = centre + 4, plot_bottom + 14
            parts.append(
                label_text(
                    label,
                    text,
                    x,
                    y,
                    text_anchor="end",
                    font_size=12,
                    transform=f"rotate(-45 {x:.2f} {y:.2f})",
                )
            )
        body.append(el("g", "".join(parts), class_="chart-item"))

    svg = chart_svg("column", title, description, body, plot_bottom + label_room, id_prefix)
    return Chart(svg=svg, description=description)
