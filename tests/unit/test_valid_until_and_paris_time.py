"""« valable jusqu'au D » is the last day a block counts; every time shown is Paris time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from vae.french import NBSP, datetime_fr, time_fr, valid_until_fr
from vae.rules.expiry import AcquiredBlock, expiry_date, is_valid_on, last_valid_day


def block(proclaimed: date, years: int) -> AcquiredBlock:
    return AcquiredBlock.from_proclamation(
        id=1,
        block_code="D1",
        certification_code="cqp-spp",
        proclaimed_on=proclaimed,
        validity_years=years,
    )


def test_the_examples_of_domain_md() -> None:
    assert last_valid_day(expiry_date(date(2024, 3, 15), 5)) == date(2029, 3, 14)
    assert last_valid_day(expiry_date(date(2024, 2, 29), 5)) == date(2029, 2, 27)
    assert valid_until_fr(expiry_date(date(2024, 2, 29), 5)) == "27 février 2029"
    assert last_valid_day(None) is None and valid_until_fr(None) == ""


@given(
    st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31)),
    st.integers(min_value=1, max_value=30),
)
def test_the_block_counts_on_its_last_valid_day_and_not_the_day_after(
    proclaimed: date, years: int
) -> None:
    acquired = block(proclaimed, years)
    last = last_valid_day(acquired.expires_on)
    assert last is not None and proclaimed <= last
    assert is_valid_on(acquired, last)
    assert not is_valid_on(acquired, last + timedelta(days=1))


def test_times_are_shown_in_paris_time_in_winter_and_summer() -> None:
    winter = datetime(2027, 1, 12, 8, 0, tzinfo=UTC)  # UTC+1
    summer = datetime(2027, 6, 15, 7, 0, tzinfo=UTC)  # UTC+2
    assert time_fr(winter) == "09:00" and time_fr(summer) == "09:00"
    assert time_fr(summer, spaced=True) == f"9{NBSP}h{NBSP}00"
    assert datetime_fr(winter) == "12 janvier 2027 à 09:00"
    assert datetime_fr(summer) == "15 juin 2027 à 09:00"
    assert time_fr(datetime(2027, 6, 15, 7, 0)) == "09:00"  # naive: read as UTC
    # Late evening in UTC is the next day in Paris: the date follows.
    assert datetime_fr(datetime(2027, 6, 15, 22, 30, tzinfo=UTC)) == "16 juin 2027 à 00:30"
