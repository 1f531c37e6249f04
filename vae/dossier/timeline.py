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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from vae.documents.svg import (
    GRID,
    MUTED_TEXT,
    TEXT,
    WIDTH,
    check_id_prefix,
    clean_label,
    el,
    svg_root,
    svg_text,
    text_width,
)
from vae.dossier.timeline_marks import (
    BAND,
    BAND_EDGE,
    BAND_TEXT,
    COUNTED,
    GAUGE_OK,
    GAUGE_SHORT,
    NOT_COUNTED,
    NOT_RELEVANT,
    OUTSIDE_OPACITY,
    REFERENCE,
    ROW_HEIGHT,
    X0,
    X1,
    activity_marks,
    gauge,
    legend,
    legend_lines,
)
from vae.dossier.timeline_rows import (
    TimelineActivity,
    period_fr,
    row_state,
    timeline_rows,
    total_fr,
    window_years,
    work_time_fr,
    year_step,
)
from vae.french import long_date as format_date_long_fr

__all__ = ["Timeline", "TimelineActivity", "format_date_long_fr", "render_timeline", "year_step"]
# The picture's colours, for its tests and callers.
__all__ += ["BAND", "BAND_TEXT", "COUNTED", "GAUGE_OK", "GAUGE_SHORT", "MUTED_TEXT"]
__all__ += ["NOT_COUNTED", "NOT_RELEVANT", "OUTSIDE_OPACITY", "TEXT"]


@dataclass(frozen=True)
class Timeline:
    svg: str
    description: list[str]  # text alternative, one French sentence per line


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
    check_id_prefix(id_prefix)
    reference = reference_date
    after_reference = reference + timedelta(days=1)
    rows = timeline_rows(activities, reference, window_start)

    # ---- text alternative
    description: list[str] = []
    years = window_years(window_start, reference) if window_start else None
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
    states = [row_state(row) for row in rows]
    for row, (_, sentence) in zip(rows, states, strict=True):
        description.append(
            f"« {row.label} » : {period_fr(row)}, {work_time_fr(row.fraction)}, {sentence}."
        )
    gauge_line, reached = total_fr(required_fte_days, relevant_fte_days, window_start)
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
    step = year_step(span_years)

    p = id_prefix
    out: list[str] = []
    defs = el(
        "pattern",
        el("rect", width=6, height=6, fill="#ffffff")
        + el("line", x1=0, y1=0, x2=0, y2=6, stroke=NOT_COUNTED, stroke_width=2.5),
        id=f"{p}-hatch",
        patternUnits="userSpaceOnUse",
        width=6,
        height=6,
        patternTransform="rotate(45)",
    )
    out.append(el("defs", defs))

    # ---- title and legend
    y = 24.0
    out.append(svg_text(X0, y, clean_label(title), font_size=17, font_weight="bold"))
    y += 22
    out.extend(legend(y, p, window_label is not None))
    y += 18 * legend_lines(window_label is not None) + 8

    # ---- window band, axis, grid
    axis_label_y = y + 30
    axis_y = axis_label_y + 6
    rows_top = axis_y + 10
    rows_bottom = rows_top + max(len(rows), 1) * ROW_HEIGHT
    x_ref = x(after_reference)
    if window_start is not None:
        band_x = x(window_start)
        out.append(
            el(
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
            el(
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
        fits_right = band_x + 6 + text_width(label, 12.5) <= X1
        out.append(
            svg_text(
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
                el(
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
            out.append(svg_text(tick_x, axis_label_y, str(year), text_anchor="middle"))
    out.append(el("line", x1=X0, y1=axis_y, x2=X1, y2=axis_y, stroke=MUTED_TEXT, stroke_width=1))

    # ---- one row per activity
    if not rows:
        out.append(
            svg_text(X0, rows_top + 24, "Aucune activité déclarée pour l'instant.", fill=MUTED_TEXT)
        )
    for index, (row, (state, sentence)) in enumerate(zip(rows, states, strict=True)):
        top = rows_top + index * ROW_HEIGHT
        out.append(
            activity_marks(row, state, sentence, top, x, x(after_reference), window_start, p)
        )
        if index < len(rows) - 1:
            line_y = top + ROW_HEIGHT - 1
            out.append(el("line", x1=X0, y1=line_y, x2=X1, y2=line_y, stroke="#e5e7eb"))

    # ---- reference date
    out.append(
        el(
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
    right = x_ref + 4 + text_width(ref_label, 12) <= WIDTH - 4
    out.append(
        svg_text(
            x_ref + 4 if right else x_ref - 4,
            rows_bottom + 18,
            ref_label,
            fill=MUTED_TEXT,
            text_anchor=None if right else "end",
        )
    )

    # ---- gauge
    gauge_top = rows_bottom + 40
    out.extend(gauge(gauge_top, required_fte_days, relevant_fte_days, reached, window_start))
    height = gauge_top + 72

    svg = svg_root(
        out,
        title=clean_label(title),
        description=" ".join(clean_label(line) for line in description),
        height=round(height),
        css_class="tl",
        id_prefix=p,
    )
    return Timeline(svg=svg, description=description)
