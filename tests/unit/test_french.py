"""French formatting (vae.french) through Babel: the same texts as before, and « 1er »."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, localcontext

import pytest
from babel.dates import format_date
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from vae import french


def test_long_dates_are_babels_with_1er_for_the_first() -> None:
    assert french.long_date(date(2026, 11, 24)) == "24 novembre 2026"
    assert french.long_date(date(2020, 1, 1)) == "1er janvier 2020"
    assert french.long_date(date(2027, 8, 1)) == "1er août 2027"
    day = date(2024, 1, 2)
    for _ in range(366):  # every month name, every day number, as CLDR spells them
        expected = format_date(day, "d MMMM y", locale="fr_FR")
        assert french.long_date(day) == expected
        day += timedelta(days=1)
        if day.day == 1:
            day += timedelta(days=1)


def test_date_fr_and_datetime_fr_are_in_paris() -> None:
    assert french.date_fr("2026-12-31T23:30:00+00:00") == "1er janvier 2027"
    assert french.datetime_fr(datetime(2026, 11, 24, 13, 5, tzinfo=UTC)) == (
        "24 novembre 2026 à 14:05"
    )
    assert french.date_fr("pas une date") == "pas une date" and french.date_fr(None) == ""


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1662.0, 1, "1\u00a0662,0"),
        (1234567.891, 2, "1\u00a0234\u00a0567,89"),
        (-1234.5, 0, "-1\u00a0234"),
        (2.675, 2, "2,67"),  # the float is 2.67499…: rounded as Python rounds it
        (Decimal("2.675"), 2, "2,68"),
        (0.5, 0, "0"),
        (12, 0, "12"),
        (float("nan"), 1, "—"),
        (float("inf"), 0, "—"),
    ],
)
def test_numbers_have_no_break_spaces_and_a_decimal_comma(
    value: float, decimals: int, expected: str
) -> None:
    assert french.number(value, decimals) == expected
    assert "\u202f" not in french.number(value, decimals)


def test_days_show_one_decimal_only_when_needed() -> None:
    assert french.days(1662.0) == "1\u00a0662"
    assert french.days(402.46) == "402,5"
    assert french.days(0.04) == "0"


@settings(max_examples=3000, deadline=None)
@given(
    value=st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**9), 10**9).map(float),
    decimals=st.integers(0, 3),
)
def test_numbers_are_babels_fr_fr_formatting(value: float, decimals: int) -> None:
    """Python's formatting gives Babel's text for fr_FR (the function used Babel before: the
    same figures, rounded the same way, half to even on the float's exact value)."""
    if not math.isfinite(value):
        assert french.number(value, decimals) == "—"
        return
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    exact = Decimal(value)
    with localcontext() as context:
        context.prec = max(context.prec, exact.adjusted() + decimals + 2)
        babel = format_decimal(exact, pattern, locale="fr_FR").replace("\u202f", "\u00a0")
    assert french.number(value, decimals) == babel


@given(st.text(alphabet=" «»:;!?%1a(", max_size=300))
def test_typography_is_the_same_for_short_and_long_texts(text: str) -> None:
    """Short texts are typeset through a cache: the same result as the long path (the same
    text behind a prefix that typography leaves alone)."""
    prefix = "x" * french.CACHED_LENGTH
    assert prefix + french.typography(text) == french.typography(prefix + text)
