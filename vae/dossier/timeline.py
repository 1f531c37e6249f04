"""A server-rendered SVG frise of the candidate's activities across the eligibility window.

Pure function, no Flask: :func:`render_timeline` returns the SVG markup and a French text
alternative (one sentence per line) for the page to show next to it.

What the picture says, without relying on colour alone:

* one row per activity, in the given order: a text line (label truncated to 40 characters,
  work time, state in words) above a bar from start to end (both days inclusive). The bar's
  outline is the height of a full-time job and its fill is as high as the work-time fraction,
  so part time is visible. Counted and relevant: solid blue; counted but not relevant: solid
  grey; not counted: amber hatching with a dashed outline. The part of a counted bar that lies
  outside the window is faded. An open end runs to the reference date and ends in an arrow;
* the window is a shaded band from its first day to the reference date, labelled
  « Fenêtre de N ans » (no band for the whole career);
* a gauge at the bottom: relevant FTE days against the required days, with a threshold mark.

The site's Content-Security-Policy forbids inline styles, so there is no ``style`` attribute
and no ``<style>`` element: presentation attributes only. All user text is escaped, and the
characters XML 1.0 forbids are dropped, so the markup is always well-formed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from itertools import pairwise

from dateutil.relativedelta import relativedelta

from vae.french import long_date as format_date_long_fr

__all__ = ["Timeline", "TimelineActivity", "format_date_long_fr", "render_timeline"]

NBSP = "\u00a0"
LABEL_MAX = 40

# Geometry (user units of the 800-wide viewBox).
WIDTH = 800
X0, X1 = 24, 770  # the time axis; the right margin leaves room for the open-end arrow
ROW_HEIGHT = 42
BAR_HEIGHT = 16
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"

# Colours: text ≥ 7:1 on white and on the band; graphics ≥ 3:1 on white (WCAG 1.4.3, 1.4.11).
TEXT = "#1f2937"
MUTED_TEXT = "#374151"
COUNTED = "#1d4ed8"
COUNTED_EDGE = "#1e3a8a"
NOT_RELEVANT = "#6b7280"
NOT_RELEVANT_EDGE = "#374151"
NOT_COUNTED = "#b45309"
BAND = "#e0f2fe"
BAND_EDGE = "#0369a1"
BAND_TEXT = "#075985"
GRID = "#d1d5db"
REFERENCE = "#111827"
GAUGE_OK = "#15803d"
GAUGE_SHORT = "#b45309"
OUTSIDE_OPACITY = "0.35"

_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SPACES = re.compile(r"[^\S\u00a0\u202f]+")  # any white space but the no-break ones
_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class TimelineActivity:
    label: str
    start: date
    end: date | None  # None: still going on, drawn to the reference date
    fraction: float  # share of a full-time job, (0, 1]
    counted: bool  # False for training, internships, unattested volunteering
    relevant: bool  # related to the certification sought
    reason: str | None = None  # why it does not count (French sentence)


@dataclass(frozen=True)
class Timeline:
    svg: str
    description: list[str]  # text alternative, one French sentence per line


# --------------------------------------------------------------------------- French text


def _number_fr(value: int) -> str:
    """``1662`` → ``1 662`` (no-break space between thousands)."""
    return f"{value:,}".replace(",", NBSP)


def _days_fr(value: int) -> str:
    return f"{_number_fr(value)} jour" + ("s" if value > 1 else "")


def _percent_fr(fraction: float) -> str:
    """``0.5`` → ``50 %``; ``1/3`` → ``33,3 %``."""
    text = f"{fraction * 100:.1f}".replace(".", ",").removesuffix(",0")
    return f"{text}{NBSP}%"


def _work_time_fr(fraction: float) -> str:
    return "à temps plein" if fraction >= 0.9995 else f"{_percent_fr(fraction)} d'un temps plein"


def _clean(text: str) -> str:
    """Drop the characters XML forbids and fold white space (labels are one line)."""
    return _SPACES.sub(" ", _XML_INVALID.sub("", text)).strip(" ")


def _truncate(text: str, limit: int = LABEL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _reason_fr(reason: str | None) -> str:
    text = _clean(reason or "").rstrip(" .")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class _Row:
    activity: TimelineActivity
    label: str
    start: date
    last: date  # last day drawn (inclusive)
    open_end: bool
    fraction: float
    counted_from: date | None  # part inside the window (None: no overlap)
    counted_to: date | None


def _rows(
    activities: Sequence[TimelineActivity], reference: date, window_start: date | None
) -> list[_Row]:
    rows = []
    for activity in activities:
        open_end = activity.end is None
        last = reference if activity.end is None else activity.end
        last = max(last, activity.start)  # an end before the start is drawn as one day
        fraction = float(activity.fraction)
        fraction = min(1.0, fraction) if math.isfinite(fraction) and fraction > 0 else 0.0
        lo = max(activity.start, window_start) if window_start else activity.start
        hi = min(last, reference)
        rows.append(
            _Row(
                activity=activity,
                label=_clean(activity.label) or "Activité sans intitulé",
                start=activity.start,
                last=last,
                open_end=open_end,
                fraction=fraction,
                counted_from=lo if lo <= hi else None,
                counted_to=hi if lo <= hi else None,
            )
        )
    return rows


def _state(row: _Row) -> tuple[str, str]:
    """(short state for the picture, sentence end for the description)."""
    activity = row.activity
    if not activity.counted:
        reason = _reason_fr(activity.reason)
        return "ne compte pas", "ne compte pas" + (f" : {reason}" if reason else "")
    if not activity.relevant:
        return (
            "non pertinente",
            "compte dans l'expérience tous secteurs mais pas pour l'éligibilité "
            "(activité non pertinente pour cette certification)",
        )
    if row.counted_from is None or row.counted_to is None:
        return "hors fenêtre", "en dehors de la fenêtre"
    if row.counted_from == row.start and (row.counted_to == row.last or row.open_end):
        return "compte", "compte pour l'éligibilité"
    return (
        "compte en partie",
        "compte pour l'éligibilité pour sa partie comprise dans la fenêtre, "
        f"du {format_date_long_fr(row.counted_from)} au {format_date_long_fr(row.counted_to)}",
    )


def _period_fr(row: _Row) -> str:
    if row.open_end:
        return f"du {format_date_long_fr(row.start)} à aujourd'hui"
    if row.start == row.last:
        return f"le {format_date_long_fr(row.start)}"
    return f"du {format_date_long_fr(row.start)} au {format_date_long_fr(row.last)}"


def _window_years(window_start: date, reference: date) -> int | None:
    span = relativedelta(reference + timedelta(days=1), window_start)
    if span.months or span.days or span.years <= 0:
        return None
    return span.years


def _year_step(span_years: int) -> int:
    """Every year up to 12 years, then every 2, 5, 10, 20, 50… years (at most 12 labels)."""
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if span_years <= 12 * step * magnitude:
                return step * magnitude
        magnitude *= 10


# --------------------------------------------------------------------------- SVG helpers


def _attrs(attrs: dict[str, object]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = f"{value:.2f}".rstrip("0").rstrip(".")
        parts.append(f' {key}="{escape(str(value), quote=True)}"')
    return "".join(parts)


def _el(tag: str, content: str | None = None, /, **attrs: object) -> str:
    attributes = _attrs({k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()})
    if content is None:
        return f"<{tag}{attributes}/>"
    return f"<{tag}{attributes}>{content}</{tag}>"


def _text(x: float, y: float, text: str, **attrs: object) -> str:
    attrs.setdefault("fill", TEXT)
    attrs.setdefault("font_size", 12)
    return _el("text", escape(text, quote=False), x=float(x), y=float(y), **attrs)


def _text_width(text: str, font_size: float) -> float:
    """A generous estimate of a text's width (system sans-serif fonts)."""
    return len(text) * font_size * 0.56


# --------------------------------------------------------------------------- rendering


def render_timeline(
    activities: Sequence[TimelineActivity],
    *,
    reference_date: date,
    window_start: date | None,
    required_fte_days: float,
    relevant_fte_days: float,
    title: str = "Frise de vos activités",
    id_prefix: str = "timeline",
) -> Timeline:
    """Draw the frise; ``id_prefix`` keeps element ids unique when a page shows several."""
    if not _ID.fullmatch(id_prefix):
        raise ValueError(f"invalid id prefix: {id_prefix!r}")
    reference = reference_date
    after_reference = reference + timedelta(days=1)
    rows = _rows(activities, reference, window_start)

    # ---- text alternative
    description: list[str] = []
    years = _window_years(window_start, reference) if window_start else None
    if window_start is None:
        description.append(
            "Toute la carrière est prise en compte, sans limite de durée, jusqu'au "
            f"{format_date_long_fr(reference)}."
        )
        window_label = None
    else:
        window_label = f"Fenêtre de {years} ans" if years else "Fenêtre"
        description.append(
            f"{window_label} : du {format_date_long_fr(window_start)} "
            f"au {format_date_long_fr(reference)}."
        )
    if not rows:
        description.append("Aucune activité déclarée pour l'instant.")
    states = [_state(row) for row in rows]
    for row, (_, sentence) in zip(rows, states, strict=True):
        description.append(
            f"« {row.label} » : {_period_fr(row)}, {_work_time_fr(row.fraction)}, {sentence}."
        )
    gauge_line, reached = _total_fr(required_fte_days, relevant_fte_days, window_start)
    description.append(gauge_line)

    # ---- time scale: whole years, from the earliest date to the latest
    firsts = [row.start for row in rows] + [reference]
    lasts = [row.last for row in rows] + [reference]
    if window_start is not None:
        firsts.append(window_start)
    first_year = min(firsts).year
    last_year = max(lasts).year + 1  # the axis ends on 1 January of this year
    domain_start = date(first_year, 1, 1)
    domain_days = (date(last_year, 1, 1) - domain_start).days

    def x(day: date) -> float:
        return X0 + (day - domain_start).days / domain_days * (X1 - X0)

    span_years = last_year - first_year
    step = _year_step(span_years)

    p = id_prefix
    out: list[str] = []
    defs = _el(
        "pattern",
        _el("rect", width=6, height=6, fill="#ffffff")
        + _el("line", x1=0, y1=0, x2=0, y2=6, stroke=NOT_COUNTED, stroke_width=2.5),
        id=f"{p}-hatch",
        patternUnits="userSpaceOnUse",
        width=6,
        height=6,
        patternTransform="rotate(45)",
    )
    out.append(_el("defs", defs))

    # ---- title and legend
    y = 24.0
    out.append(_text(X0, y, _clean(title), font_size=17, font_weight="bold"))
    y += 22
    out.extend(_legend(y, p, window_label is not None))
    y += 18 * _legend_lines(window_label is not None) + 8

    # ---- window band, axis, grid
    axis_label_y = y + 30
    axis_y = axis_label_y + 6
    rows_top = axis_y + 10
    rows_bottom = rows_top + max(len(rows), 1) * ROW_HEIGHT
    x_ref = x(after_reference)
    if window_start is not None:
        band_x = x(window_start)
        out.append(
            _el(
                "rect",
                class_="tl-window",
                x=band_x,
                y=y,
                width=max(x_ref - band_x, 1.0),
                height=rows_bottom - y,
                fill=BAND,
            )
        )
        out.append(
            _el(
                "line",
                x1=band_x,
                y1=y,
                x2=band_x,
                y2=rows_bottom,
                stroke=BAND_EDGE,
                stroke_width=1.5,
                stroke_dasharray="4 3",
            )
        )
        label = window_label or "Fenêtre"
        fits_right = band_x + 6 + _text_width(label, 12.5) <= X1
        out.append(
            _text(
                band_x + 6 if fits_right else x_ref - 6,
                y + 16,
                label,
                fill=BAND_TEXT,
                font_size=12.5,
                font_weight="bold",
                text_anchor=None if fits_right else "end",
            )
        )
    for year in range(first_year, last_year + 1):
        tick_x = x(date(year, 1, 1))
        labelled = year % step == 0
        if labelled or (X1 - X0) / max(span_years, 1) >= 4:  # unlabelled years: small ticks
            out.append(
                _el(
                    "line",
                    x1=tick_x,
                    y1=axis_y,
                    x2=tick_x,
                    y2=rows_bottom if labelled else axis_y + 4,
                    stroke=GRID,
                    stroke_width=1,
                )
            )
        if labelled:
            out.append(_text(tick_x, axis_label_y, str(year), text_anchor="middle"))
    out.append(_el("line", x1=X0, y1=axis_y, x2=X1, y2=axis_y, stroke=MUTED_TEXT, stroke_width=1))

    # ---- one row per activity
    if not rows:
        out.append(
            _text(X0, rows_top + 24, "Aucune activité déclarée pour l'instant.", fill=MUTED_TEXT)
        )
    for index, (row, (state, sentence)) in enumerate(zip(rows, states, strict=True)):
        top = rows_top + index * ROW_HEIGHT
        out.append(_activity(row, state, sentence, top, x, x(after_reference), window_start, p))
        if index < len(rows) - 1:
            line_y = top + ROW_HEIGHT - 1
            out.append(_el("line", x1=X0, y1=line_y, x2=X1, y2=line_y, stroke="#e5e7eb"))

    # ---- reference date
    out.append(
        _el(
            "line",
            class_="tl-reference",
            x1=x_ref,
            y1=y,
            x2=x_ref,
            y2=rows_bottom + 4,
            stroke=REFERENCE,
            stroke_width=1.5,
        )
    )
    ref_label = f"Date de référence : {format_date_long_fr(reference)}"
    right = x_ref + 4 + _text_width(ref_label, 12) <= WIDTH - 4
    out.append(
        _text(
            x_ref + 4 if right else x_ref - 4,
            rows_bottom + 18,
            ref_label,
            fill=MUTED_TEXT,
            text_anchor=None if right else "end",
        )
    )

    # ---- gauge
    gauge_top = rows_bottom + 40
    out.extend(_gauge(gauge_top, required_fte_days, relevant_fte_days, reached, window_start))
    height = gauge_top + 72

    title_id, desc_id = f"{p}-title", f"{p}-desc"
    head = _el("title", escape(_clean(title), quote=False), id=title_id) + _el(
        "desc", escape(" ".join(_clean(line) for line in description), quote=False), id=desc_id
    )
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg"'
        + _attrs(
            {
                "viewBox": f"0 0 {WIDTH} {height:.0f}",
                "width": "100%",
                "role": "img",
                "aria-labelledby": f"{title_id} {desc_id}",
                "font-family": FONT,
                "class": "tl",
            }
        )
        + ">"
        + head
        + "".join(out)
        + "</svg>"
    )
    return Timeline(svg=svg, description=description)


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
        width = 20 + _text_width(text, 12) + 18
        if x + width > WIDTH - 8 and x > X0:
            x, line = float(X0), line + 1
        items.append((key, text, x, line))
        x += width
    return items


def _legend_lines(with_window: bool) -> int:
    return max(line for *_, line in _legend_items(with_window)) + 1


def _legend(y: float, p: str, with_window: bool) -> list[str]:
    out = []
    for key, text, x, line in _legend_items(with_window):
        top = y + line * 18
        swatch: dict[str, object] = {"x": x, "y": top, "width": 16, "height": 11}
        if key == "counted":
            out.append(_el("rect", **swatch, fill=COUNTED, stroke=COUNTED_EDGE))
        elif key == "outside":
            out.append(
                _el("rect", **swatch, fill=COUNTED, opacity=OUTSIDE_OPACITY, stroke=COUNTED_EDGE)
            )
        elif key == "not-relevant":
            out.append(_el("rect", **swatch, fill=NOT_RELEVANT, stroke=NOT_RELEVANT_EDGE))
        elif key == "not-counted":
            out.append(
                _el(
                    "rect",
                    **swatch,
                    fill=f"url(#{p}-hatch)",
                    stroke=NOT_COUNTED,
                    stroke_dasharray="3 2",
                )
            )
        elif key == "window":
            out.append(_el("rect", **swatch, fill=BAND, stroke=BAND_EDGE, stroke_dasharray="3 2"))
        else:  # part time: a full-height outline with a half-height fill
            out.append(_el("rect", **swatch, fill="#ffffff", stroke=COUNTED_EDGE))
            out.append(_el("rect", x=x, y=top + 5.5, width=16, height=5.5, fill=COUNTED))
        out.append(_text(x + 21, top + 10, text, font_size=12))
    return out


def _activity(
    row: _Row,
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
        _el(
            "title",
            escape(f"{row.label} — {_period_fr(row)}, {_work_time_fr(row.fraction)}, {sentence}."),
        )
    ]
    work = "temps plein" if row.fraction >= 0.9995 else _percent_fr(row.fraction)
    parts.append(
        _el(
            "text",
            escape(_truncate(row.label))
            + escape(f" · {work} · ")
            + _el("tspan", escape(state), font_weight="bold"),
            x=float(X0),
            y=top + 14,
            fill=TEXT,
            font_size=12.5,
        )
    )
    # The outline is a full-time job's height; the fill is as high as the work time.
    parts.append(
        _el(
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
            _el(
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
            _el(
                "polygon",
                class_="tl-open",
                points=f"{x_end:.2f},{bar_top - 3:.2f} {x_end + 9:.2f},{mid:.2f} "
                f"{x_end:.2f},{bar_top + BAR_HEIGHT + 3:.2f}",
                fill=edge,
            )
        )
    return _el("g", "".join(parts), class_="tl-activity")


def _total_fr(required: float, relevant: float, window_start: date | None) -> tuple[str, bool]:
    where = "dans la fenêtre" if window_start is not None else "sur toute la carrière"
    have = math.floor(max(relevant, 0.0) + 1e-6)
    if required <= 0:
        reached = relevant > 0
        tail = "condition remplie" if reached else "il faut au moins une activité pertinente"
        return (
            f"Expérience pertinente {where} : {_days_fr(have)} en équivalent temps plein ; "
            f"aucune durée minimale n'est requise : {tail}.",
            reached,
        )
    need = math.ceil(required - 1e-6)
    reached = relevant + 1e-6 >= required
    missing = max(0, math.ceil(required - relevant - 1e-6))
    tail = "condition remplie" if reached else f"il manque {_days_fr(missing)}"
    return (
        f"Expérience pertinente {where} : {_days_fr(have)} en équivalent temps plein "
        f"sur {_number_fr(need)} requis : {tail}.",
        reached,
    )


def _gauge(
    top: float, required: float, relevant: float, reached: bool, window_start: date | None
) -> list[str]:
    have = math.floor(max(relevant, 0.0) + 1e-6)
    if required > 0:
        need = math.ceil(required - 1e-6)
        caption = f"{_days_fr(have)} sur {_number_fr(need)} requis"
        status = "condition remplie" if reached else "condition non remplie"
    else:
        need = 0
        caption = _days_fr(have)
        status = (
            "aucune durée minimale, condition remplie"
            if reached
            else "aucune durée minimale, mais il faut une activité pertinente"
        )
    where = "dans la fenêtre" if window_start is not None else "sur toute la carrière"
    out = [
        _text(
            X0,
            top,
            f"Expérience pertinente {where}, en équivalent temps plein",
            font_size=12.5,
            fill=MUTED_TEXT,
        ),
        _el(
            "text",
            _el("tspan", escape(caption), font_weight="bold") + escape(f" — {status}"),
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
        _el(
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
            _el(
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
            _el(
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
        label = f"seuil : {_number_fr(need)} jours"
        anchor = "middle"
        if tx + _text_width(label, 12) / 2 > WIDTH - 4:
            anchor = "end"
        out.append(_text(tx, track_top + 34, label, text_anchor=anchor, fill=MUTED_TEXT))
    return out
