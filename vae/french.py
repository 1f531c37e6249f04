"""French formatting of dates and numbers, shared by pages, PDFs and pictures (no Flask).

Babel's formatters (locale fr_FR) do the work; « 1er » and the no-break space are ours.
"""

from __future__ import annotations

import functools
import math
import re
from datetime import date, datetime

from babel.dates import format_date

from vae import clock
from vae.rules.expiry import last_valid_day

NBSP = "\u00a0"
NNBSP = "\u202f"  # CLDR's French group separator, shown here as a no-break space
LOCALE = "fr_FR"


# French typography: a no-break space before « : ; ! ? » (after a word, a figure or a closing
# sign), inside « », and between a figure and « % ». Only plain spaces are replaced: text already
# written with &nbsp; or U+00A0 stays as it is.
_BEFORE_PUNCTUATION = re.compile(r"(?:(?<=[^\s(\[{«])|^) ([:;!?])(?=[\s\"'<)\]»]|$)")
_AFTER_OPENING = re.compile(r"« ")
_BEFORE_CLOSING = re.compile(r" »")
_PERCENT = re.compile(r"(?<=\d) %")


def typography(text: str) -> str:
    """``text`` with French typography's no-break spaces; the one function pages (template text
    and values), emails and PDFs go through."""
    if " " not in text:
        return text
    if len(text) <= CACHED_LENGTH:  # labels, names, dates: the same few thousand on every page
        return _typeset_short(text)
    return _typeset(text)


CACHED_LENGTH = 200


def _typeset(text: str) -> str:
    text = _BEFORE_PUNCTUATION.sub(NBSP + r"\1", text)
    text = _AFTER_OPENING.sub("«" + NBSP, text)
    text = _BEFORE_CLOSING.sub(NBSP + "»", text)
    return _PERCENT.sub(NBSP + "%", text)


_typeset_short = functools.lru_cache(maxsize=8192)(_typeset)


@functools.lru_cache(maxsize=4096)
def long_date(day: date) -> str:
    """``24 novembre 2026``; ``1er janvier 2020`` (Babel's formatting, once per day and process:
    a queue page prints 50 dates)."""
    text = format_date(day, "d MMMM y", locale=LOCALE)
    return "1er" + text[1:] if day.day == 1 else text  # Babel has no ordinal for the first


def number(value: float, decimals: int) -> str:
    """``1 662,0``: a no-break space between thousands and a decimal comma.

    Python's own formatting of the float, correctly rounded half to even on its exact value:
    the same text as Babel's ``format_decimal`` for fr_FR (tests/unit/test_french_numbers.py
    compares them), about thirty times faster (a page prints dozens of figures)."""
    if not math.isfinite(value):
        return "—"
    return f"{value:,.{max(decimals, 0)}f}".translate(_FRENCH_SEPARATORS)


_FRENCH_SEPARATORS = str.maketrans({",": NBSP, ".": ","})


def number_fr(value: object, decimals: int = 0) -> str:
    """A figure from anywhere (float, Decimal, the text of a snapshot) in French: the one number
    filter of templates, « 2 759,03 », « 1 095 »; « — » when it is no number."""
    try:
        return number(float(value), decimals)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "—"


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


def days_left(left: int) -> str:
    """A legal clock's days left: « 12 jours restants », « 1 jour restant », « dernier jour »,
    « échéance dépassée »."""
    if left < 0:
        return "échéance dépassée"
    if left == 0:
        return "dernier jour"
    return f"{left} jour restant" if left == 1 else f"{number(left, 0)} jours restants"


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
    return f"{date_fr(value)} à {time_fr(value)}"


def time_fr(value: datetime, *, spaced: bool = False) -> str:
    """The hour in Europe/Paris, whatever zone ``value`` is in (naive: UTC): « 09:00 », or with
    ``spaced`` « 9 h 00 » (letters and PDFs). Every time shown to a user goes through here."""
    local = clock.paris_time(value)
    if spaced:
        return f"{local.hour}{NBSP}h{NBSP}{local.minute:02d}"
    return f"{local:%H:%M}"


def valid_until_fr(expires_on: date | None) -> str:
    """« 27 février 2029 »: the last day a block counts, from its stored expiry (the first day
    it no longer counts, see vae.rules.expiry); ``""`` when it never expires."""
    return date_fr(last_valid_day(expires_on))
