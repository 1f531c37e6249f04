"""French formatting of dates and numbers, shared by pages, PDFs and pictures (no Flask)."""

from __future__ import annotations

import math
from datetime import date, datetime

from vae import clock

NBSP = "\u00a0"
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def long_date(day: date) -> str:
    """``24 novembre 2026``; ``1er janvier 2020``."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def number(value: float, decimals: int) -> str:
    """``1 662,0``: a no-break space between thousands and a decimal comma."""
    if not math.isfinite(value):
        return "—"
    return f"{value:,.{decimals}f}".replace(",", NBSP).replace(".", ",")


def days(value: float) -> str:
    """``1 662`` or ``402,5``: one decimal, shown only when it is not zero."""
    text = number(round(value, 1), 1)
    return text[:-2] if text.endswith(",0") else text


def date_fr(value: date | datetime | str | None) -> str:
    """« 24 novembre 2026 », « 1er janvier 2020 » (datetimes in Europe/Paris; ISO strings too)."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = clock.paris_date(value)
    return long_date(value)


def datetime_fr(value: datetime | str | None) -> str:
    """« 24 novembre 2026 à 14:05 », in Europe/Paris (ISO strings of snapshots too)."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    local = value.astimezone(clock.PARIS)
    return f"{long_date(local.date())} à {local:%H:%M}"
