"""Work time above full time (issue 13): up to 48 h a week or 208 h a month count as full time,
with a note; beyond is refused as implausible; a percentage stays at most 100."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vae.rules.eligibility import (
    Activity,
    EligibilityInputError,
    Rule,
    assess,
    over_full_time_note,
    work_time_fraction,
)
from vae.rules.eligibility_json import check

REF = date(2026, 11, 24)
HOURS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("300"), places=2)


def job(**work_time: object) -> Activity:
    return Activity(
        start=date(2025, 1, 1),
        end=date(2025, 1, 31),
        status="salarie",
        attested=True,
        **work_time,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("kind", "full", "highest"),
    [("hours_per_week", Fraction(35), 48), ("hours_per_month", Fraction("151.67"), 208)],
)
@given(hours=HOURS)
def test_hours_are_capped_at_full_time_up_to_the_plausible_maximum(
    kind: str, full: Fraction, highest: int, hours: Decimal
) -> None:
    activity = job(**{kind: hours})
    if hours > highest:
        with pytest.raises(EligibilityInputError, match="out of range"):
            work_time_fraction(activity, REF)
        return
    fraction = work_time_fraction(activity, REF)
    assert fraction == min(Fraction(1), Fraction(hours) / full)
    assert 0 < fraction <= 1
    assert (over_full_time_note(kind, hours) is not None) == (hours > full)


@given(st.integers(min_value=101, max_value=1000))
def test_a_percentage_stays_at_most_100(percent: int) -> None:
    with pytest.raises(EligibilityInputError, match="between 1 and 100"):
        work_time_fraction(job(part_time_percent=percent), REF)


def test_39_hours_count_as_full_time_with_a_note() -> None:
    result = assess([job(hours_per_week=39, label="Gestionnaire")], Rule(1, None), REF)
    assert result.activities[0].fte_days_total == 31  # January 2025, capped at one a day
    note = "au-delà de 35\u00a0h par semaine, l'activité compte comme un temps plein"
    assert result.activities[0].note == note
    assert any(note in warning for warning in result.warnings)
    assert assess([job(hours_per_week=35)], Rule(1, None), REF).activities[0].note is None


def test_the_json_contract_accepts_169_hours_a_month_and_gives_the_note() -> None:
    request = {
        "rule": {"required_years": 1, "window_years": None},
        "reference_date": "2026-11-24",
        "activities": [
            {
                "start": "2025-01-01",
                "end": "2025-01-31",
                "status": "salarie",
                "hours_per_month": 169,
            }
        ],
    }
    out = check(json.dumps(request), rule_for_certification=None, today=REF)
    activity = out["activities"][0]
    assert activity["fraction"] == 1 and activity["fte_days_total"] == 31
    assert activity["note"] == (
        "au-delà de 151,67\u00a0h par mois, l'activité compte comme un temps plein"
    )
