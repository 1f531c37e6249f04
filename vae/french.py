"""French formatting of dates and numbers, shared by pages, PDFs and pictures (no Flask)."""

from __future__ import annotations

import math
from datetime import date

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
