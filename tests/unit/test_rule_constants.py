"""Issue 12: each rule constant is written once, in vae.rules, and the rules take ``Decimal``
(what the forms and the database give) without going through ``float``."""

from __future__ import annotations

import inspect
from datetime import date
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest

from vae.rules import eligibility
from vae.rules.eligibility import Activity, EligibilityInputError, Rule, assess
from vae.rules.identity import IDENTITY_FIELDS, missing_identity
from vae.rules.jury import DEFAULT_THRESHOLD

RULE = Rule.from_referential(3, 12)
ON = date(2026, 11, 24)


def _one_year(**work_time: object) -> Activity:
    return Activity(start=date(2025, 11, 25), end=ON, status="salarie", **work_time)


def test_a_decimal_work_time_is_read_exactly() -> None:
    """75.835 h a month is exactly half of 151.67: no float on the way in."""
    result = assess([_one_year(hours_per_month=Decimal("75.835"))], RULE, ON)
    assert result.activities[0].fraction == 0.5
    assert result.activities[0].fte_days_total == 365 / 2
    week = assess([_one_year(hours_per_week=Decimal("17.5"))], RULE, ON)
    assert week.activities[0].fraction == 0.5


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity")])
def test_a_non_finite_decimal_is_an_input_error(value: Decimal) -> None:
    with pytest.raises(EligibilityInputError, match="hours_per_month"):
        assess([_one_year(hours_per_month=value)], RULE, ON)


def test_the_dossier_hands_its_decimal_to_the_engine() -> None:
    from vae.dossier.assessment import rule_activity
    from vae.dossier.enums import ActivityStatus, WorkTime

    # The columns rule_activity reads, as a loaded row holds them (Numeric gives a Decimal).
    activity = SimpleNamespace(
        title="Gestionnaire",
        start_date=date(2025, 11, 25),
        end_date=ON,
        status=ActivityStatus.SALARIE,
        work_time=WorkTime.HOURS_PER_MONTH,
        work_time_value=Decimal("75.84"),
        relevant=True,
    )
    value = rule_activity(activity, attested=True).hours_per_month
    assert isinstance(value, Decimal) and value == Decimal("75.84")


def test_the_form_bounds_are_the_engine_constants() -> None:
    from forms import dossier

    # The form refuses beyond the engine's plausible maximum; full time is the engine's alone.
    assert dossier.MAX_HOURS_PER_MONTH is eligibility.MAX_HOURS_PER_MONTH
    assert dossier.MAX_HOURS_PER_WEEK is eligibility.MAX_HOURS_PER_WEEK
    assert Fraction("151.67") == eligibility.FULL_TIME_HOURS_PER_MONTH
    assert (eligibility.MAX_HOURS_PER_MONTH, eligibility.MAX_HOURS_PER_WEEK) == (208, 48)


def test_the_jury_threshold_default_is_the_rule_constant() -> None:
    from vae.jury import grid
    from vae.referentials.schema import Referential

    for function in (grid.results, grid.missing_answers):
        assert inspect.signature(function).parameters["threshold"].default is DEFAULT_THRESHOLD
    default = Referential.model_fields["validation_threshold"].default
    assert Fraction(str(default)) == DEFAULT_THRESHOLD


def test_identity_complete_is_one_list_for_the_step_and_the_review() -> None:
    full = {name: "x" for name in IDENTITY_FIELDS}
    assert missing_identity(full) == []
    assert missing_identity({**full, "postcode": "", "city": None}) == ["code postal", "ville"]
    assert list(IDENTITY_FIELDS) == [
        *("last_name", "first_name", "address", "postcode", "city", "phone", "email")
    ]
