"""Partial validations: expiry dates, capitalisation across juries, reminders."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from vae.rules.expiry import (
    AcquiredBlock,
    BlockState,
    capitalise,
    due_reminders,
    expiry_date,
    is_valid_on,
    threshold_key,
)

SPP = "cqp-spp"


def acquired(
    id: int,
    code: str,
    proclaimed_on: date,
    validity_years: int | None = 5,
    certification: str = SPP,
) -> AcquiredBlock:
    return AcquiredBlock.from_proclamation(
        id=id,
        block_code=code,
        certification_code=certification,
        proclaimed_on=proclaimed_on,
        validity_years=validity_years,
    )


# --- expiry_date / is_valid_on -------------------------------------------------------------


def test_expiry_is_calendar_arithmetic() -> None:
    assert expiry_date(date(2024, 3, 15), 5) == date(2029, 3, 15)
    assert expiry_date(date(2024, 2, 29), 5) == date(2029, 2, 28)
    assert expiry_date(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert expiry_date(date(2023, 12, 31), 1) == date(2024, 12, 31)


def test_no_validity_never_expires() -> None:
    assert expiry_date(date(2024, 2, 29), None) is None
    block = acquired(1, "B1", date(2018, 6, 1), None, "cqp-dam")
    assert block.expires_on is None
    assert is_valid_on(block, date(2999, 1, 1))


@pytest.mark.parametrize("years", [0, -5])
def test_non_positive_validity_refused(years: int) -> None:
    with pytest.raises(ValueError):
        expiry_date(date(2024, 1, 1), years)


def test_bool_validity_refused() -> None:
    with pytest.raises(TypeError):
        expiry_date(date(2024, 1, 1), True)


def test_expires_on_must_follow_proclamation() -> None:
    with pytest.raises(ValueError):
        AcquiredBlock(
            id=1,
            block_code="B1",
            certification_code=SPP,
            proclaimed_on=date(2024, 1, 1),
            expires_on=date(2024, 1, 1),
        )


def test_boundary_expiry_date_is_first_day_not_counting() -> None:
    block = acquired(1, "D1", date(2024, 3, 15))
    assert block.expires_on == date(2029, 3, 15)
    assert is_valid_on(block, date(2024, 3, 15))
    assert is_valid_on(block, date(2029, 3, 14))
    assert not is_valid_on(block, date(2029, 3, 15))
    assert not is_valid_on(block, date(2029, 3, 16))


def test_boundary_on_29_february() -> None:
    block = acquired(1, "D1", date(2024, 2, 29))
    assert is_valid_on(block, date(2029, 2, 27))
    assert not is_valid_on(block, date(2029, 2, 28))


def test_not_valid_before_proclamation() -> None:
    assert not is_valid_on(acquired(1, "D1", date(2024, 3, 15)), date(2024, 3, 14))


@given(
    proclaimed=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    years=st.integers(min_value=1, max_value=20),
    offset=st.integers(min_value=-400, max_value=400),
)
def test_valid_exactly_until_the_day_before_expiry(
    proclaimed: date, years: int, offset: int
) -> None:
    block = acquired(1, "D1", proclaimed, years)
    assert block.expires_on is not None
    day = block.expires_on + timedelta(days=offset)
    assert is_valid_on(block, day) == (proclaimed <= day < block.expires_on)


# --- capitalisation ------------------------------------------------------------------------

REQUIRED = ["D1", "D2", "D3", "D4", "D5"]


def test_blocks_from_two_juries_make_the_certification() -> None:
    jury1 = [acquired(1, "D1", date(2022, 6, 10)), acquired(2, "D2", date(2022, 6, 10))]
    jury2 = [acquired(3, code, date(2025, 1, 20)) for code in ("D3", "D4", "D5")]
    result = capitalise(jury1 + jury2, REQUIRED, date(2025, 1, 20), certification_code=SPP)
    assert result.obtained
    assert result.held == tuple(REQUIRED)
    assert result.missing == () and result.expired == ()
    assert [b.acquisition.id for b in result.blocks if b.acquisition] == [1, 2, 3, 3, 3]


def test_one_expired_block_prevents_the_certification() -> None:
    jury1 = [acquired(1, "D1", date(2020, 1, 10)), acquired(2, "D2", date(2022, 6, 10))]
    jury2 = [acquired(3, code, date(2025, 2, 1)) for code in ("D3", "D4", "D5")]
    result = capitalise(jury1 + jury2, REQUIRED, date(2025, 2, 1), certification_code=SPP)
    assert not result.obtained
    assert result.expired == ("D1",)
    assert result.held == ("D2", "D3", "D4", "D5")
    assert result.blocks[0].state is BlockState.EXPIRED


def test_certification_obtained_only_while_all_are_valid_the_same_day() -> None:
    blocks = [acquired(1, "D1", date(2020, 1, 10))]
    blocks += [acquired(2, code, date(2024, 6, 1)) for code in REQUIRED[1:]]
    assert capitalise(blocks, REQUIRED, date(2025, 1, 9), certification_code=SPP).obtained
    assert not capitalise(blocks, REQUIRED, date(2025, 1, 10), certification_code=SPP).obtained


def test_missing_blocks_and_other_certifications_ignored() -> None:
    blocks = [
        acquired(1, "D1", date(2024, 1, 1)),
        acquired(2, "D2", date(2024, 1, 1), certification="cqp-gap"),
    ]
    result = capitalise(blocks, REQUIRED, date(2024, 6, 1), certification_code=SPP)
    assert result.held == ("D1",)
    assert result.missing == ("D2", "D3", "D4", "D5")
    assert not result.obtained


def test_block_proclaimed_after_the_day_does_not_count_yet() -> None:
    blocks = [acquired(1, "D1", date(2024, 1, 1))]
    result = capitalise(blocks, ["D1"], date(2023, 12, 31), certification_code=SPP)
    assert result.missing == ("D1",)


def test_latest_expiry_wins_when_acquired_twice() -> None:
    old = acquired(1, "D1", date(2019, 5, 1))
    new = acquired(2, "D1", date(2023, 5, 1))
    for order in ([old, new], [new, old]):
        result = capitalise(order, ["D1"], date(2025, 1, 1), certification_code=SPP)
        assert result.blocks[0].acquisition == new
        assert result.obtained


def test_never_expiring_acquisition_wins() -> None:
    forever = acquired(1, "B1", date(2018, 1, 1), None)
    later = acquired(2, "B1", date(2024, 1, 1), 5)
    result = capitalise([forever, later], ["B1"], date(2030, 1, 1), certification_code=SPP)
    assert result.blocks[0].acquisition == forever
    assert result.obtained


def test_option_required_blocks_and_order() -> None:
    blocks = [acquired(i, code, date(2024, 1, 1)) for i, code in enumerate(["BC1", "BC2", "BC3"])]
    blocks.append(acquired(9, "BC6", date(2024, 1, 1)))
    production = capitalise(
        blocks, ["BC1", "BC2", "BC3", "BC4", "BC5", "BC4"], date(2024, 2, 1), certification_code=SPP
    )
    assert [b.block_code for b in production.blocks] == ["BC1", "BC2", "BC3", "BC4", "BC5"]
    assert production.missing == ("BC4", "BC5")


def test_capitalise_requires_blocks() -> None:
    with pytest.raises(ValueError):
        capitalise([], [], date(2024, 1, 1), certification_code=SPP)


# --- reminders -----------------------------------------------------------------------------

# Expires on 2029-03-15: the 6-month window opens on 2028-09-15, the 1-month one on 2029-02-15.
BLOCK = acquired(7, "D1", date(2024, 3, 15))


def keys(reminders: list) -> list[tuple[int | str, str]]:
    return [(r.block.id, r.threshold_key) for r in reminders]


def test_threshold_keys() -> None:
    assert threshold_key(relativedelta(months=6)) == "6m"
    assert threshold_key(relativedelta(months=1)) == "1m"
    assert threshold_key(relativedelta(years=1)) == "12m"
    assert threshold_key(relativedelta(weeks=2)) == "14d"
    assert threshold_key(relativedelta(months=1, days=15)) == "1m15d"
    for bad in (
        relativedelta(),
        relativedelta(months=-1),
        relativedelta(hours=3),
        relativedelta(day=1),
    ):
        with pytest.raises(ValueError):
            threshold_key(bad)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2028, 9, 14), []),
        (date(2028, 9, 15), [(7, "6m")]),
        (date(2029, 1, 1), [(7, "6m")]),
        (date(2029, 2, 14), [(7, "6m")]),
        (date(2029, 2, 15), [(7, "1m")]),
        (date(2029, 3, 14), [(7, "1m")]),
        (date(2029, 3, 15), []),
        (date(2030, 1, 1), []),
    ],
)
def test_reminder_windows(today: date, expected: list[tuple[int, str]]) -> None:
    assert keys(due_reminders([BLOCK], today)) == expected


def test_reminders_idempotent_when_sent_marks_are_recorded() -> None:
    sent: set[tuple[int | str, str]] = set()
    sent_total = []
    for today in (
        date(2028, 9, 15),
        date(2028, 9, 15),
        date(2028, 12, 1),
        date(2029, 2, 15),
        date(2029, 3, 1),
    ):
        due = due_reminders([BLOCK], today, already_sent=sent)
        for reminder in due:
            sent.update(reminder.sent_marks)
        sent_total += keys(due)
    assert sent_total == [(7, "6m"), (7, "1m")]


def test_late_job_sends_only_the_nearer_reminder_and_supersedes_the_other() -> None:
    due = due_reminders([BLOCK], date(2029, 3, 1))
    assert keys(due) == [(7, "1m")]
    assert due[0].superseded == ("6m",)
    assert due[0].sent_marks == ((7, "1m"), (7, "6m"))
    assert due[0].expires_on == date(2029, 3, 15)
    # Even if the caller records only the 1m mark, the 6m one is never sent afterwards.
    assert due_reminders([BLOCK], date(2029, 3, 2), already_sent={(7, "1m")}) == []


def test_six_month_already_sent_is_not_superseded() -> None:
    due = due_reminders([BLOCK], date(2029, 2, 20), already_sent={(7, "6m")})
    assert keys(due) == [(7, "1m")]
    assert due[0].superseded == ()


def test_no_reminder_for_blocks_without_expiry_or_outlasted() -> None:
    forever = acquired(1, "B1", date(2018, 1, 1), None, "cqp-dam")
    renewed = acquired(8, "D1", date(2026, 1, 10))
    other_cert = acquired(9, "D1", date(2026, 1, 10), certification="cqp-gap")
    due = due_reminders([forever, BLOCK, renewed, other_cert], date(2029, 3, 1))
    assert keys(due) == []
    due = due_reminders([forever, BLOCK, other_cert], date(2029, 3, 1))
    assert keys(due) == [(7, "1m")]


def test_reminders_sorted_by_expiry_and_custom_thresholds() -> None:
    later = acquired(2, "D2", date(2024, 4, 1))
    due = due_reminders([later, BLOCK], date(2029, 3, 10))
    assert keys(due) == [(7, "1m"), (2, "1m")]
    two_weeks = due_reminders([BLOCK], date(2029, 3, 1), thresholds=(relativedelta(weeks=2),))
    assert keys(two_weeks) == [(7, "14d")]


def test_duplicate_thresholds_refused() -> None:
    with pytest.raises(ValueError):
        due_reminders([BLOCK], date(2029, 3, 1), thresholds=(relativedelta(months=1),) * 2)


@given(
    days=st.lists(
        st.dates(min_value=date(2028, 1, 1), max_value=date(2029, 6, 1)), min_size=1, max_size=12
    )
)
def test_each_threshold_sent_at_most_once_whatever_the_schedule(days: list[date]) -> None:
    sent: set[tuple[int | str, str]] = set()
    sent_keys: list[str] = []
    for today in sorted(days):
        for reminder in due_reminders([BLOCK], today, already_sent=sent):
            assert reminder.threshold_key not in sent_keys
            sent_keys.append(reminder.threshold_key)
            sent.update(reminder.sent_marks)
    assert len(sent_keys) <= 2
    if any(date(2029, 2, 15) <= day < date(2029, 3, 15) for day in days):
        assert sent_keys[-1] == "1m"
