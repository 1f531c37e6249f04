"""The timeline's model: what each activity's row says, in French words (no drawing).

Used by :mod:`vae.dossier.timeline`, which draws it, and :mod:`vae.dossier.timeline_marks`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from vae.documents.svg import clean_label
from vae.french import NBSP
from vae.french import long_date as format_date_long_fr


@dataclass(frozen=True)
class TimelineActivity:
    label: str
    start: date
    end: date | None  # None: still going on, drawn to the reference date
    fraction: float  # share of a full-time job, (0, 1]
    counted: bool  # False for training, internships, unattested volunteering
    relevant: bool  # related to the certification sought
    reason: str | None = None  # why it does not count (French sentence)


# --------------------------------------------------------------------------- French text


def number_fr(value: int) -> str:
    """``1662`` → ``1 662`` (no-break space between thousands)."""
    return f"{value:,}".replace(",", NBSP)


def days_fr(value: int) -> str:
    return f"{number_fr(value)} jour" + ("s" if value > 1 else "")


def percent_fr(fraction: float) -> str:
    """``0.5`` → ``50 %``; ``1/3`` → ``33,3 %``."""
    text = f"{fraction * 100:.1f}".replace(".", ",").removesuffix(",0")
    return f"{text}{NBSP}%"


def work_time_fr(fraction: float) -> str:
    return "à temps plein" if fraction >= 0.9995 else f"{percent_fr(fraction)} d'un temps plein"


def reason_fr(reason: str | None) -> str:
    text = clean_label(reason or "").rstrip(" .")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Row:
    activity: TimelineActivity
    label: str
    start: date
    last: date  # last day drawn (inclusive)
    open_end: bool
    fraction: float
    counted_from: date | None  # part inside the window (None: no overlap)
    counted_to: date | None


def timeline_rows(
    activities: Sequence[TimelineActivity], reference: date, window_start: date | None
) -> list[Row]:
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
            Row(
                activity=activity,
                label=clean_label(activity.label) or "Activité sans intitulé",
                start=activity.start,
                last=last,
                open_end=open_end,
                fraction=fraction,
                counted_from=lo if lo <= hi else None,
                counted_to=hi if lo <= hi else None,
            )
        )
    return rows


def row_state(row: Row) -> tuple[str, str]:
    """(short state for the picture, sentence end for the description)."""
    activity = row.activity
    if not activity.counted:
        reason = reason_fr(activity.reason)
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


def period_fr(row: Row) -> str:
    if row.open_end:
        return f"du {format_date_long_fr(row.start)} à aujourd'hui"
    if row.start == row.last:
        return f"le {format_date_long_fr(row.start)}"
    return f"du {format_date_long_fr(row.start)} au {format_date_long_fr(row.last)}"


def window_years(window_start: date, reference: date) -> int | None:
    span = relativedelta(reference + timedelta(days=1), window_start)
    if span.months or span.days or span.years <= 0:
        return None
    return span.years


def year_step(span_years: int) -> int:
    """Every year up to 12 years, then every 2, 5, 10, 20, 50… years (at most 12 labels)."""
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if span_years <= 12 * step * magnitude:
                return step * magnitude
        magnitude *= 10


def total_fr(required: float, relevant: float, window_start: date | None) -> tuple[str, bool]:
    where = "dans la fenêtre" if window_start is not None else "sur toute la carrière"
    have = math.floor(max(relevant, 0.0) + 1e-6)
    if required <= 0:
        reached = relevant > 0
        tail = "condition remplie" if reached else "il faut au moins une activité pertinente"
        return (
            f"Expérience pertinente {where} : {days_fr(have)} en équivalent temps plein ; "
            f"aucune durée minimale n'est requise : {tail}.",
            reached,
        )
    need = math.ceil(required - 1e-6)
    reached = relevant + 1e-6 >= required
    missing = max(0, math.ceil(required - relevant - 1e-6))
    tail = "condition remplie" if reached else f"il manque {days_fr(missing)}"
    return (
        f"Expérience pertinente {where} : {days_fr(have)} en équivalent temps plein "
        f"sur {number_fr(need)} requis : {tail}.",
        reached,
    )
