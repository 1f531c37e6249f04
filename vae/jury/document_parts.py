"""What the jury's documents share: the interview slot in words, durations, counts, titles."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from vae.documents.text import moment_text, parse_datetime, short_line
from vae.french import time_fr

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
DEFAULT_DURATION = 45  # minutes (seed 000: « un entretien en présentiel de 45 mn »)
KO_HEX = "#a61b1b"


def slot_text(value: object, duration: int) -> tuple[str, str] | None:
    """(« mardi 12 janvier 2027 à 14 h 30 », « 15 h 15 ») in Paris time; None when unparsable."""
    start = parse_datetime(value)
    if start is None:
        return None
    end = (start.astimezone(UTC) + timedelta(minutes=duration)).astimezone(start.tzinfo)
    day = f"{WEEKDAYS[start.weekday()]} {moment_text(start)}"
    return day, time_fr(end, spaced=True)


def duration_minutes(value: object) -> int:
    if isinstance(value, bool):
        return DEFAULT_DURATION
    try:
        minutes = int(str(value).strip()) if isinstance(value, str | int | float) else 0
    except ValueError:
        minutes = 0
    return minutes if 0 < minutes <= 24 * 60 else DEFAULT_DURATION


def cert_title(cert: dict[str, Any]) -> str:
    title = short_line(cert.get("title"), 250)
    option = short_line(cert.get("option_title"), 120)
    return f"{title} ({option})" if title and option else title or option


def count_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
