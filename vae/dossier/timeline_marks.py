"""The marks of the timeline: legend, one activity's bar, the gauge; geometry and colours."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta
from html import escape
from itertools import pairwise

from vae.documents.svg import (
    BAR,
    BAR_EDGE,
    MUTED_TEXT,
    TEXT,
    WIDTH,
    el,
    svg_text,
    text_width,
    truncate,
)
from vae.dossier.timeline_rows import Row, days_fr, number_fr, percent_fr, period_fr, work_time_fr

LABEL_MAX = 40

# Geometry (user units of the 800-wide viewBox).
X0, X1 = 24, 770  # the time axis; the right margin leaves room for the open-end arrow
ROW_HEIGHT = 42
BAR_HEIGHT = 16

# Colours: text ≥ 7:1 on white and on the band; graphics ≥ 3:1 on white (WCAG 1.4.3, 1.4.11).
COUNTED = BAR
COUNTED_EDGE = BAR_EDGE
NOT_RELEVANT = "#6b7280"
NOT_RELEVANT_EDGE = "#374151"
NOT_COUNTED = "#b45309"
BAND = "#e0f2fe"
BAND_EDGE = "#0369a1"
BAND_TEXT = "#075985"
REFERENCE = "#111827"
GAUGE_OK = "#15803d"
GAUGE_SHORT = "#b45309"
OUTSIDE_OPACITY = "0.35"


_LEGEND = (
    ("counted", "Compte pour l'éligibilité"),
    ("outside", "Hors fenêtre"),
    ("not-relevant", "Non pertinente"),
    ("not-counted", "Ne compte pas"),
    ("window", "Fenêtre"),
    ("height", "Hauteur de la barre : part d'un temps plein"),
)


def _legend_items(with_window: bool) -> list[tuple[str, str, float, int]]:
    """(key, text, x, line) for each legend entry, wrapped to the width."""
    items = []
    x, line = float(X0), 0
    for key, text in _LEGEND:
        if key in ("window", "outside") and not with_window:
            continue
        width = 20 + text_width(text, 12) + 18
        if x + width > WIDTH - 8 and x > X0:
            x, line = float(X0), line + 1
        items.append((key, text, x, line))
        x += width
    return items


def legend_lines(with_window: bool) -> int:
    return max(line for *_, line in _legend_items(with_window)) + 1


def legend(y: float, p: str, with_window: bool) -> list[str]:
    out = []
    for key, text, x, line in _legend_items(with_window):
        top = y + line * 18
        swatch: dict[str, object] = {"x": x, "y": top, "width": 16, "height": 11}
        if key == "counted":
            out.append(el("rect", **swatch, fill=COUNTED, stroke=COUNTED_EDGE))
        elif key == "outside":
            out.append(
                el("rect", **swatch, fill=COUNTED, opacity=OUTSIDE_OPACITY, stroke=COUNTED_EDGE)
            )
        elif key == "not-relevant":
            out.append(el("rect", **swatch, fill=NOT_RELEVANT, stroke=NOT_RELEVANT_EDGE))
        elif key == "not-counted":
            out.append(
                el(
                    "rect",
                    **swatch,
                    fill=f"url(#{p}-hatch)",
                    stroke=NOT_COUNTED,
                    stroke_dasharray="3 2",
                )
            )
        elif key == "window":
            out.append(el("rect", **swatch, fill=BAND, stroke=BAND_EDGE, stroke_dasharray="3 2"))
        else:  # part time: a full-height outline with a half-height fill
            out.append(el("rect", **swatch, fill="#ffffff", stroke=COUNTED_EDGE))
            out.append(el("rect", x=x, y=top + 5.5, width=16, height=5.5, fill=COUNTED))
        out.append(svg_text(x + 21, top + 10, text, font_size=12))
    return out


def activity_marks(
    row: Row,
    state: str,
    sentence: str,
    top: float,
    x: Callable[[date], float],
    x_ref: float,
    window_start: date | None,
    p: str,
) -> str:
    activity = row.activity
    bar_top = top + 20
    x_start = x(row.start)
    x_end = x_ref if row.open_end else x(row.last + timedelta(days=1))
    width = max(x_end - x_start, 1.5)
    if not activity.counted:
        fill, edge, dash = f"url(#{p}-hatch)", NOT_COUNTED, "4 3"
    elif activity.relevant:
        fill, edge, dash = COUNTED, COUNTED_EDGE, None
    else:
        fill, edge, dash = NOT_RELEVANT, NOT_RELEVANT_EDGE, None
    fill_height = max(BAR_HEIGHT * row.fraction, 3.0)
    fill_top = bar_top + BAR_HEIGHT - fill_height

    parts = [
        el(
            "title",
            escape(f"{row.label} — {period_fr(row)}, {work_time_fr(row.fraction)}, {sentence}."),
        )
    ]
    work = "temps plein" if row.fraction >= 0.9995 else percent_fr(row.fraction)
    parts.append(
        el(
            "text",
            escape(truncate(row.label, LABEL_MAX))
            + escape(f" · {work} · ")
            + el("tspan", escape(state), font_weight="bold"),
            x=float(X0),
            y=top + 14,
            fill=TEXT,
            font_size=12.5,
        )
    )
    # The outline is a full-time job's height; the fill is as high as the work time.
    parts.append(
        el(
            "rect",
            class_="tl-bar",
            x=x_start,
            y=bar_top,
            width=width,
            height=float(BAR_HEIGHT),
            fill="#ffffff",
            stroke=edge,
            stroke_width=1,
            stroke_dasharray=dash,
        )
    )
    # Fill segments: a counted bar is faded where it lies outside the window (before its first
    # day, or after the reference date).
    x_stop = x_start + width
    cuts = {x_start, x_stop}
    window_from = x(window_start) if window_start is not None else -math.inf
    if activity.counted:
        cuts.update(c for c in (window_from, x_ref) if x_start < c < x_stop)
    edges = sorted(cuts)
    segments = []
    for seg_from, seg_to in pairwise(edges):
        inside = window_from <= (seg_from + seg_to) / 2 < x_ref
        segments.append(
            (seg_from, seg_to, None if inside or not activity.counted else OUTSIDE_OPACITY)
        )
    for seg_from, seg_to, opacity in segments:
        if seg_to - seg_from <= 0:
            continue
        parts.append(
            el(
                "rect",
                class_="tl-fill",
                x=seg_from,
                y=fill_top,
                width=seg_to - seg_from,
                height=fill_height,
                fill=fill,
                opacity=opacity,
            )
        )
    if row.open_end:
        mid = bar_top + BAR_HEIGHT / 2
        parts.append(
            el(
                "polygon",
                class_="tl-open",
                points=f"{x_end:.2f},{bar_top - 3:.2f} {x_end + 9:.2f},{mid:.2f} "
                f"{x_end:.2f},{bar_top + BAR_HEIGHT + 3:.2f}",
                fill=edge,
            )
        )
    return el("g", "".join(parts), class_="tl-activity")


def gauge(
    top: float, required: float, relevant: float, reached: bool, window_start: date | None
) -> list[str]:
    have = math.floor(max(relevant, 0.0) + 1e-6)
    if required > 0:
        need = math.ceil(required - 1e-6)
        caption = f"{days_fr(have)} sur {number_fr(need)} requis"
        status = "condition remplie" if reached else "condition non remplie"
    else:
        need = 0
        caption = days_fr(have)
        status = (
            "aucune durée minimale, condition remplie"
            if reached
            else "aucune durée minimale, mais il faut une activité pertinente"
        )
    where = "dans la fenêtre" if window_start is not None else "sur toute la carrière"
    out = [
        svg_text(
            X0,
            top,
            f"Expérience pertinente {where}, en équivalent temps plein",
            font_size=12.5,
            fill=MUTED_TEXT,
        ),
        el(
            "text",
            el("tspan", escape(caption), font_weight="bold") + escape(f" — {status}"),
            x=float(X0),
            y=top + 19,
            font_size=14,
            fill=TEXT,
        ),
    ]
    track_top = top + 28
    scale = max(need * 1.2, have, 1)
    track_width = X1 - X0

    def gx(value: float) -> float:
        return X0 + min(value, scale) / scale * track_width

    out.append(
        el(
            "rect",
            class_="tl-gauge",
            x=float(X0),
            y=track_top,
            width=float(track_width),
            height=16.0,
            fill="#f3f4f6",
            stroke=NOT_RELEVANT,
            stroke_width=1,
        )
    )
    if have > 0:
        out.append(
            el(
                "rect",
                class_="tl-gauge-value",
                x=float(X0),
                y=track_top,
                width=max(gx(have) - X0, 1.0),
                height=16.0,
                fill=GAUGE_OK if reached else GAUGE_SHORT,
            )
        )
    if need > 0:
        tx = gx(need)
        out.append(
            el(
                "line",
                class_="tl-threshold",
                x1=tx,
                y1=track_top - 5,
                x2=tx,
                y2=track_top + 21,
                stroke=REFERENCE,
                stroke_width=2.5,
            )
        )
        label = f"seuil : {number_fr(need)} jours"
        anchor = "middle"
        if tx + text_width(label, 12) / 2 > WIDTH - 4:
            anchor = "end"
        out.append(svg_text(tx, track_top + 34, label, text_anchor=anchor, fill=MUTED_TEXT))
    return out
