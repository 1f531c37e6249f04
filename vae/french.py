"""French formatting of dates and numbers, shared by pages, PDFs and pictures (no Flask).

Babel's formatters (locale fr_FR) do the work; « 1er » and the no-break space are ours.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal, localcontext

from babel.dates import format_date
from babel.numbers import format_decimal

from vae import clock

NBSP = "\u00a0"
NNBSP = "\u202f"  # CLDR's French group separator, shown here as a no-break space
LOCALE = "fr_FR"


def long_date(day: date) -> str:
    """``24 novembre 2026``; ``1er janvier 2020``."""
    text = format_date(day, "d MMMM y", locale=LOCALE)
    return "1er" + text[1:] if day.day == 1 else text  # Babel has no ordinal for the first


def number(value: float, decimals: int) -> str:
    """``1 662,0``: a no-break space between thousands and a decimal comma."""
    if not math.isfinite(value):
        return "—"
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    # Decimal(value) is the float's exact value: rounded as Python's own formatting rounds it.
    # The context holds every digit of a large value (the default 28 digits would make
    # Babel's quantize fail on 1e27 with a decimal).
    exact = Decimal(value)
    with localcontext() as context:
        context.prec = max(context.prec, exact.adjusted() + decimals + 2)
        return format_decimal(exact, pattern, locale=LOCALE).replace(NNBSP, NBSP)


def days(value: float) -> str:
    """``1 662`` or ``402,5``: one decimal, shown only when it is not zero."""
    text = number(round(value, 1), 1)
    return text[:-2] if text.endswith(",0") else text


def unit(value: float, singular: str, plural: str) -> str:
    """French agreement: 0, 1 and 1,5 take the singular, from 2 on the plural."""
    return singular if abs(value) < 2 else plural


def day_count(value: float) -> str:
    """« 0 jour », « 1 jour », « 402,5 jours », « 1 662 jours »."""
    return f"{days(value)} {unit(value, 'jour', 'jours')}"


def address_line(*parts: str | None, postcode: str | None = None, city: str | None = None) -> str:
    """« 12 rue de Lyon, 75012 Paris »: the parts given, trimmed, joined by commas; empty
    parts leave no dangling comma."""
    town = " ".join(p.strip() for p in (postcode, city) if p and p.strip())
    return ", ".join(p.strip() for p in (*parts, town) if p and p.strip())


def capitalised(label: str) -> str:
    """``bloc`` → ``Bloc``: the first letter upper-cased, the rest left as it is."""
    return label[:1].upper() + label[1:]


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
