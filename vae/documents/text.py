"""User and snapshot text made safe to lay out in a document (no Flask, no reportlab).

Snapshots are JSON: every reader here accepts a missing or mistyped value and returns an empty
or neutral result rather than raise.
"""

from __future__ import annotations

import math
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from vae.french import NBSP, time_fr, valid_until_fr
from vae.french import long_date as french_long_date
from vae.french import number as french_number

LINE_CAP = 120  # characters kept per line of the address and signature blocks


def clean_text(value: object) -> str:
    """User text made safe to lay out: control characters dropped except newlines, stripped."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return "".join(
        char
        for char in text
        if char == "\n" or unicodedata.category(char) not in ("Cc", "Cs", "Cn")
    ).strip()


def safe_markup(value: object) -> str:
    """Paragraph markup for user text: cleaned, escaped, newlines as line breaks."""
    return escape(clean_text(value)).replace("\n", "<br/>")


def one_line(value: object) -> str:
    """User text on one line (runs of white space folded)."""
    return " ".join(clean_text(value).split())


def short_line(value: object, cap: int = LINE_CAP) -> str:
    """User text on one line, cut with an ellipsis past ``cap`` characters."""
    text = one_line(value)
    return text if len(text) <= cap else text[: cap - 1].rstrip() + "…"


def text_or_dash(value: object) -> str:
    """Markup for user text, « — » when it is empty."""
    return safe_markup(value) or "—"


def yes_no(value: object, yes: str = "Oui", no: str = "Non") -> str:
    """« Oui » or « Non » for a boolean, « — » for anything else."""
    if isinstance(value, bool):
        return yes if value else no
    return "—"


def quoted(markup: str) -> str:
    """« markup », with the no-break spaces of French typography."""
    return f"«{NBSP}{markup}{NBSP}»"


def as_dict(value: object) -> dict[str, Any]:
    """``value`` if it is a dict, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[Any]:
    """``value`` if it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def text_items(value: object) -> list[str]:
    """The non-empty cleaned strings of a list (a lone string counts as one item)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return []
    return [text for text in (clean_text(v) for v in value) if text]


def full_name(first: object, last: object) -> str:
    """« Élise DUPONT »."""
    return " ".join(part for part in (one_line(first), one_line(last).upper()) if part)


def to_number(value: object) -> float | None:
    """A finite number read from a snapshot value, None when it is none."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def file_size(value: object) -> str:
    """« 512 octets », « 1,5 Ko », « 2,0 Mo »; « — » when unknown."""
    size = to_number(value)
    if size is None:
        return "—"
    if size < 1024:
        return f"{int(size)}{NBSP}octets"
    if size < 1024 * 1024:
        return f"{french_number(size / 1024, 1)}{NBSP}Ko"
    return f"{french_number(size / (1024 * 1024), 1)}{NBSP}Mo"


def parse_date(value: object) -> date | None:
    """A date from a date, a datetime or an ISO string; None otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def parse_datetime(value: object) -> datetime | None:
    """An aware datetime in Paris time (naive is read as UTC); None when unparsable."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(ZoneInfo("Europe/Paris"))
    except ZoneInfoNotFoundError:
        return moment


def date_text(value: object) -> str:
    """A snapshot date in long form, the raw text when unparsable, ``""`` when absent."""
    parsed = parse_date(value)
    return french_long_date(parsed) if parsed else one_line(value)


def valid_until_text(expires_on: object) -> str:
    """A block's last valid day in long form from its stored expiry (the first day it no longer
    counts), the raw text when unparsable, ``""`` when absent (never expires)."""
    parsed = parse_date(expires_on)
    return valid_until_fr(parsed) if parsed else one_line(expires_on)


def moment_text(value: object) -> str:
    """« 24 mai 2027 à 14 h 05 » in Paris time, the raw text when unparsable."""
    moment = parse_datetime(value)
    if moment is None:
        return one_line(value)
    return f"{french_long_date(moment.date())} à {time_fr(moment, spaced=True)}"
