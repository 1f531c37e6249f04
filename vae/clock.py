"""The current time, in one place: tests move it, the domain reads Europe/Paris dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Paris (the reference date of a draft's eligibility)."""
    return now().astimezone(PARIS).date()


def paris_time(moment: datetime) -> datetime:
    """``moment`` in Europe/Paris (a naive datetime is read as UTC, as the database stores it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(PARIS)


def paris_date(moment: datetime) -> date:
    return paris_time(moment).date()
