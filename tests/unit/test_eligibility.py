"""Eligibility engine: every rule of DOMAIN.md "Eligibility: the exact computation", pinned."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest
from dateutil.relativedelta import relativedelta

from vae.rules.eligibility import (
    REASON_TRAINING,
    REASON_UNATTESTED_VOLUNTEERING,
    Activity,
    EligibilityInputError,
    Rule,
    assess,
    max_window_days,
    window_start,
    work_time_fraction,
    years_before,
)

REF = date(2026, 11, 24)
SPP = Rule(required_years=3, window_years=12)


def act(start: date, end: date | None, status: str = "salarie", **kwargs: object) -> Activity:
    """An activity, full time and attested unless told otherwise."""
    if not {"part_time_percent", "hours_per_month", "hours_per_week", "full_time"} & set(kwargs):
        kwargs["full_time"] = True
    kwargs.setdefault("attested", True)
    return Activity(start=start, end=end, status=status, **kwargs)  # type: ignore[arg-type]


def days(first: date, last: date) -> int:
    """Calendar days from first to last, both inclusive."""
    return (last - first).days + 1


# --------------------------------------------------------------------------- the worked example


def test_worked_example_from_domain() -> None:
    activities = [
        act(date(2014, 1, 1), date(2015, 12, 31), attested=False),
        act(date(2020, 1, 1), None, part_time_percent=50, attested=False),
    ]
    result = assess(activities, SPP, REF)
    assert result.window_start == date(2014, 11, 25)
    assert result.activities[0].fte_days_in_window == 402
    assert result.activities[0].days_in_window == 402
    assert result.activities[0].fte_days_total == 730
    assert result.activities[1].days_in_window == 2520
    assert result.activities[1].fte_days_in_window == 1260
    assert result.relevant_fte_days == 1662
    assert round(result.relevant_fte_years, 2) == 4.55
    assert result.required_fte_days == 1095
    assert result.eligible is True
    assert result.missing_fte_days == 0
    assert result.eligible_from is None
    assert result.total_fte_days == 730 + 1260


# --------------------------------------------------------------------------- windows and dates


@pytest.mark.parametrize(
    ("reference", "years", "expected"),
    [
        (date(2026, 11, 24), 12, date(2014, 11, 25)),
        (date(2024, 2, 29), 1, date(2023, 3, 1)),
        (date(2024, 2, 29), 4, date(2020, 3, 1)),
        (date(2025, 2, 28), 1, date(2024, 2, 29)),
        (date(2025, 3, 1), 1, date(2024, 3, 2)),
        (date(2026, 1, 1), 3, date(2023, 1, 2)),
    ],
)
def test_window_start_uses_calendar_arithmetic(reference: date, years: int, expected: date) -> None:
    assert window_start(reference, years) == expected
    assert window_start(reference, None) is None


def test_fast_years_before_matches_relativedelta() -> None:
    day = date(2019, 1, 1)
    while day <= date(2029, 12, 31):
        for years in (1, 2, 3, 4, 12, 40):
            assert years_before(day, years) == day - relativedelta(years=years)
        day += timedelta(days=1)


@pytest.mark.parametrize("years", [1, 2, 3, 4, 5, 7, 12])
def test_max_window_days_is_the_longest_window_and_is_reached(years: int) -> None:
    lengths = set()
    day = date(2000, 1, 1)
    while day <= date(2110, 12, 31):  # spans the non-leap year 2100
        lengths.add((day - years_before(day, years)).days)
        day += timedelta(days=1)
    assert max(lengths) == max_window_days(years)
    # ... and within any 4 years without a non-leap century year, too.
    reached = set()
    day = date(2030, 1, 1)
    while day < date(2034, 1, 1):
        reached.add((day - years_before(day, years)).days)
        day += timedelta(days=1)
    assert max(reached) == max_window_days(years)


def test_leap_reference_date_window_has_366_days() -> None:
    reference = date(2024, 2, 29)
    rule = Rule(required_years=1, window_years=1)
    result = assess([act(date(2022, 1, 1), None)], rule, reference)
    assert result.window_start == date(2023, 3, 1)
    assert result.relevant_fte_days == 366
    assert result.eligible is True


def test_activity_over_29_february_counts_the_leap_day() -> None:
    result = assess([act(date(2024, 2, 28), date(2024, 3, 1))], Rule(0, 1), date(2024, 6, 1))
    assert result.relevant_fte_days == 3
    assert result.activities[0].days_total == 3


def test_non_leap_reference_after_leap_year() -> None:
    # 2025-02-28 - 1 year = 2024-02-28; the window starts on the leap day itself.
    result = assess([act(date(2024, 2, 29), date(2024, 2, 29))], Rule(0, 1), date(2025, 2, 28))
    assert result.window_start == date(2024, 2, 29)
    assert result.relevant_fte_days == 1
    assert result.eligible is True
    later = assess([act(date(2024, 2, 29), date(2024, 2, 29))], Rule(0, 1), date(2025, 3, 1))
    assert later.relevant_fte_days == 0
    assert later.eligible is False


def test_window_cuts_an_activity() -> None:
    result = assess([act(date(2010, 1, 1), date(2016, 12, 31))], SPP, REF)
    in_window = days(date(2014, 11, 25), date(2016, 12, 31))
    assert result.activities[0].days_in_window == in_window
    assert result.activities[0].fte_days_in_window == in_window
    assert result.activities[0].fte_days_total == days(date(2010, 1, 1), date(2016, 12, 31))
    assert result.relevant_fte_days == in_window
    assert result.total_fte_days == days(date(2010, 1, 1), date(2016, 12, 31))
    assert result.activities[0].in_window is True


def test_activity_entirely_outside_window_does_not_count_and_is_flagged() -> None:
    result = assess([act(date(2005, 1, 1), date(2013, 12, 31), label="Agent")], SPP, REF)
    assert result.activities[0].counted is True
    assert result.activities[0].in_window is False
    assert result.activities[0].fte_days_in_window == 0
    assert result.relevant_fte_days == 0
    assert result.total_fte_days == days(date(2005, 1, 1), date(2013, 12, 31))
    assert result.eligible is False
    assert any(
        w.startswith("Activité 1 « Agent » : hors de la fenêtre de 12 ans (du 25/11/2014")
        and "ne compte pas" in w
        for w in result.warnings
    )


def test_window_none_counts_the_whole_career() -> None:
    activities = [act(date(1990, 1, 1), date(1992, 12, 31)), act(date(2025, 1, 1), None)]
    result = assess(activities, Rule(required_years=3, window_years=None), REF)
    expected = days(date(1990, 1, 1), date(1992, 12, 31)) + days(date(2025, 1, 1), REF)
    assert result.window_start is None
    assert result.relevant_fte_days == expected
    assert result.total_fte_days == expected
    assert all(r.in_window for r in result.activities)
    assert result.eligible is True


def test_end_after_reference_is_cut_at_reference() -> None:
    result = assess([act(date(2026, 1, 1), date(2027, 6, 30))], SPP, REF)
    assert result.activities[0].days_total == days(date(2026, 1, 1), REF)
    assert result.relevant_fte_days == days(date(2026, 1, 1), REF)
    assert any("se termine après la date de référence (30/06/2027)" in w for w in result.warnings)


def test_one_day_activity_on_the_reference_date() -> None:
    result = assess([act(REF, REF)], Rule(0, 12), REF)
    assert result.relevant_fte_days == 1
    assert result.eligible is True


# --------------------------------------------------------------------------- work time


@pytest.mark.parametrize(
    ("work_time", "fraction"),
    [
        ({"full_time": True}, Fraction(1)),
        ({"part_time_percent": 100}, Fraction(1)),
        ({"part_time_percent": 50}, Fraction(1, 2)),
        ({"part_time_percent": 33.33}, Fraction(3333, 10000)),
        ({"part_time_percent": 1}, Fraction(1, 100)),
        ({"hours_per_month": 151.67}, Fraction(1)),
        ({"hours_per_month": 75.835}, Fraction(1, 2)),
        ({"hours_per_week": 35}, Fraction(1)),
        ({"hours_per_week": 17.5}, Fraction(1, 2)),
        ({"hours_per_week": 7}, Fraction(1, 5)),
        ({"hours_per_week": 39}, Fraction(1)),  # above full time: counts as full time
        ({"hours_per_week": 48}, Fraction(1)),
        ({"hours_per_month": 169}, Fraction(1)),
        ({"hours_per_month": 208}, Fraction(1)),
    ],
)
def test_the_four_work_time_forms(work_time: dict[str, object], fraction: Fraction) -> None:
    activity = act(date(2026, 1, 1), date(2026, 1, 10), **work_time)
    assert work_time_fraction(activity, REF) == fraction
    result = assess([activity], SPP, REF)
    assert result.activities[0].fraction == float(fraction)
    assert result.activities[0].fte_days_in_window == float(fraction * 10)
    assert result.relevant_fte_days == float(fraction * 10)


def test_hours_per_month_half_time_is_exactly_half_over_a_long_period() -> None:
    # Exact arithmetic: 75.835 / 151.67 is 1/2, no drift over thousands of days.
    result = assess([act(date(2014, 11, 25), REF, hours_per_month=75.835)], SPP, REF)
    assert result.relevant_fte_days == days(date(2014, 11, 25), REF) / 2


# --------------------------------------------------------------------------- overlaps


def test_two_sixty_percent_jobs_on_the_same_days_are_capped_at_one() -> None:
    activities = [
        act(date(2020, 1, 1), date(2020, 12, 31), part_time_percent=60),
        act(date(2020, 1, 1), date(2020, 12, 31), part_time_percent=60),
    ]
    result = assess(activities, SPP, REF)
    assert result.relevant_fte_days == 366
    assert result.total_fte_days == 366
    assert result.activities[0].fte_days_in_window == pytest.approx(219.6)
    assert result.activities[1].fte_days_in_window == pytest.approx(219.6)
    assert (
        "Du 01/01/2020 au 31/12/2020, le temps de travail déclaré dépasse un temps plein : "
        "366 jours comptés pour 1." in result.warnings
    )


def test_partial_overlap_caps_only_the_shared_days() -> None:
    activities = [
        act(date(2020, 1, 1), date(2020, 6, 30), part_time_percent=60),
        act(date(2020, 6, 1), date(2020, 12, 31), part_time_percent=60),
    ]
    result = assess(activities, SPP, REF)
    # 182 + 214 days at 0.6, minus 0.2 on each of the 30 shared days of June.
    assert result.relevant_fte_days == pytest.approx(0.6 * (182 + 214) - 0.2 * 30)
    overlap = [w for w in result.warnings if "dépasse un temps plein" in w]
    assert overlap == [
        "Du 01/06/2020 au 30/06/2020, le temps de travail déclaré dépasse un temps plein : "
        "30 jours comptés pour 1."
    ]


def test_two_half_time_jobs_make_exactly_full_time_without_warning() -> None:
    activities = [
        act(date(2020, 1, 1), date(2020, 12, 31), part_time_percent=50),
        act(date(2020, 1, 1), date(2020, 12, 31), hours_per_month=75.835),
    ]
    result = assess(activities, SPP, REF)
    assert result.relevant_fte_days == 366
    assert not any("dépasse un temps plein" in w for w in result.warnings)


def test_single_overlapping_day_warning_wording() -> None:
    activities = [act(date(2020, 1, 1), date(2020, 1, 1)), act(date(2020, 1, 1), date(2020, 1, 1))]
    result = assess(activities, SPP, REF)
    assert (
        "Le 01/01/2020, le temps de travail déclaré dépasse un temps plein : "
        "1 jour compté pour 1." in result.warnings
    )


def test_overlap_warnings_are_summarised_beyond_five_periods() -> None:
    activities = []
    for month in range(1, 8):
        first = date(2020, month, 1)
        activities += [act(first, first + timedelta(days=1)), act(first, first + timedelta(days=1))]
    result = assess(activities, SPP, REF)
    overlap = [w for w in result.warnings if "dépasse" in w]
    assert len(overlap) == 6
    assert overlap[0].startswith("Du 01/01/2020 au 02/01/2020")
    assert overlap[-1] == (
        "Le temps de travail déclaré dépasse aussi un temps plein sur 2 autre(s) période(s) "
        "entre le 01/06/2020 et le 02/07/2020 (4 jours au total) : chaque jour est compté pour 1."
    )


def test_overlap_with_a_not_relevant_job_caps_the_total_not_the_relevant() -> None:
    activities = [
        act(date(2020, 1, 1), date(2020, 12, 31)),
        act(date(2020, 1, 1), date(2020, 12, 31), part_time_percent=50, relevant=False),
    ]
    result = assess(activities, SPP, REF)
    assert result.relevant_fte_days == 366
    assert result.total_fte_days == 366
    assert any("dépasse un temps plein" in w for w in result.warnings)


# --------------------------------------------------------------------------- what counts


def test_unattested_volunteering_does_not_count() -> None:
    activity = act(date(2020, 1, 1), date(2020, 12, 31), "benevole", hours_per_week=7,
                   attested=False, label="Trésorier")  # fmt: skip
    result = assess([activity], SPP, REF)
    outcome = result.activities[0]
    assert outcome.counted is False
    assert outcome.reason == REASON_UNATTESTED_VOLUNTEERING
    assert "deux responsables" in outcome.reason
    assert outcome.fte_days_in_window == 0
    assert outcome.fte_days_total == 0
    assert outcome.fraction == 0.2
    assert result.relevant_fte_days == 0
    assert result.total_fte_days == 0
    assert any(
        w.startswith("Activité 1 « Trésorier » : attestation de l'association signée par deux")
        for w in result.warnings
    )


def test_attested_volunteering_counts() -> None:
    activity = act(date(2020, 1, 1), date(2020, 12, 31), "benevole", hours_per_week=7)
    result = assess([activity], SPP, REF)
    assert result.activities[0].counted is True
    assert result.activities[0].reason is None
    assert result.relevant_fte_days == pytest.approx(366 * 0.2)
    assert not any("association" in w for w in result.warnings)


@pytest.mark.parametrize("status", ["stage", "formation"])
def test_internships_and_training_never_count(status: str) -> None:
    result = assess([act(date(2015, 1, 1), None, status)], SPP, REF)
    outcome = result.activities[0]
    assert outcome.counted is False
    assert outcome.reason == REASON_TRAINING
    assert "2002-615" in outcome.reason
    assert outcome.fte_days_total == 0
    assert result.relevant_fte_days == 0
    assert result.total_fte_days == 0
    assert result.eligible is False
    assert result.eligible_from is None  # training does not forecast
    assert any("stage ou formation" in w for w in result.warnings)


def test_not_relevant_counted_activity_adds_to_the_total_only() -> None:
    activities = [
        act(date(2020, 1, 1), date(2020, 12, 31)),
        act(date(2021, 1, 1), date(2021, 12, 31), relevant=False),
    ]
    result = assess(activities, SPP, REF)
    assert result.activities[1].counted is True
    assert result.activities[1].fte_days_in_window == 365
    assert result.relevant_fte_days == 366
    assert result.total_fte_days == 366 + 365


def test_total_is_whole_career_even_with_a_window() -> None:
    result = assess([act(date(1995, 1, 1), date(1995, 12, 31), relevant=False)], SPP, REF)
    assert result.total_fte_days == 365
    assert result.relevant_fte_days == 0


def test_salaried_without_attestation_counts_but_is_flagged() -> None:
    result = assess([act(date(2020, 1, 1), None, attested=False)], SPP, REF)
    assert result.activities[0].counted is True
    assert result.eligible is True
    assert result.warnings == (
        "Activité 1 : attestation employeur ou bulletins de salaire manquants "
        "(l'activité est comptée, le justificatif reste à fournir).",
    )
    attested = assess([act(date(2020, 1, 1), None)], SPP, REF)
    assert attested.warnings == ()


def test_non_salaried_activity_counts() -> None:
    result = assess([act(date(2020, 1, 1), None, "non_salarie", attested=False)], SPP, REF)
    assert result.activities[0].counted is True
    assert result.warnings == ()


# --------------------------------------------------------------------------- required_years 0


def test_zero_required_years_needs_one_relevant_day_in_the_window() -> None:
    rule = Rule(required_years=0, window_years=12)
    inside = assess([act(date(2026, 11, 24), None, part_time_percent=1)], rule, REF)
    assert inside.eligible is True
    assert inside.missing_fte_days == 0
    outside = assess([act(date(2000, 1, 1), date(2014, 11, 24))], rule, REF)
    assert outside.eligible is False
    assert outside.missing_fte_days == 0
    assert outside.eligible_from is None
    edge = assess([act(date(2000, 1, 1), date(2014, 11, 25))], rule, REF)
    assert edge.eligible is True


def test_zero_required_years_without_window_needs_any_relevant_activity() -> None:
    rule = Rule.from_referential(None, None)
    assert rule == Rule(0, None)
    assert assess([act(date(1990, 1, 1), date(1990, 1, 1))], rule, REF).eligible is True
    assert assess([], rule, REF).eligible is False
    not_relevant = assess([act(date(1990, 1, 1), None, relevant=False)], rule, REF)
    assert not_relevant.eligible is False
    training = assess([act(date(1990, 1, 1), None, "stage")], rule, REF)
    assert training.eligible is False


def test_no_activities() -> None:
    result = assess([], SPP, REF)
    assert result.eligible is False
    assert result.relevant_fte_days == 0
    assert result.missing_fte_days == 1095
    assert result.eligible_from is None
    assert result.activities == ()
    assert result.warnings == ()


def test_missing_days_and_threshold_exactly_reached() -> None:
    # 1095 days exactly at full time: eligible (>=), nothing missing.
    start = REF - timedelta(days=1094)
    exact = assess([act(start, None)], SPP, REF)
    assert exact.relevant_fte_days == 1095
    assert exact.eligible is True
    short = assess([act(start + timedelta(days=1), None)], SPP, REF)
    assert short.eligible is False
    assert short.missing_fte_days == 1
    assert short.eligible_from == REF + timedelta(days=1)


def test_fractional_required_years() -> None:
    rule = Rule(required_years=0.5, window_years=1)
    assert assess([act(REF - timedelta(days=182), None)], rule, REF).eligible is True  # 183
    result = assess([act(REF - timedelta(days=181), REF)], rule, REF)
    assert result.required_fte_days == 182.5
    assert result.relevant_fte_days == 182
    assert result.eligible is False
    assert result.missing_fte_days == 0.5


# --------------------------------------------------------------------------- forecast


def assert_first_eligible_day(activities: list[Activity], rule: Rule, first: date) -> None:
    """The forecast is consistent with assessing on that day and on the day before."""
    assert assess(activities, rule, first).eligible is True
    assert assess(activities, rule, first - timedelta(days=1)).eligible is False


def test_forecast_with_an_open_part_time_job() -> None:
    activities = [act(date(2025, 1, 1), None, part_time_percent=50)]
    rule = Rule(required_years=1, window_years=12)
    result = assess(activities, rule, date(2026, 1, 1))
    assert result.eligible is False
    assert result.eligible_from == date(2025, 1, 1) + timedelta(days=729)  # 730 days at 0.5
    assert_first_eligible_day(activities, rule, result.eligible_from)


def test_forecast_accounts_for_old_days_dropping_out_of_the_window() -> None:
    activities = [
        act(date(2014, 1, 1), date(2015, 12, 31)),
        act(date(2020, 1, 1), None, part_time_percent=50),
    ]
    rule = Rule(required_years=6, window_years=12)
    result = assess(activities, rule, REF)
    assert result.eligible is False
    assert result.missing_fte_days == 2190 - 1662
    naive = REF + timedelta(days=2 * (2190 - 1662))  # as if no day dropped out
    assert result.eligible_from is not None
    assert result.eligible_from > naive
    # The full-time years leave the window before 2028; then 0.5 × 4380 days from 2020-01-01.
    assert result.eligible_from == date(2031, 12, 28)
    assert_first_eligible_day(activities, rule, result.eligible_from)


def test_forecast_is_the_earliest_day_even_when_eligibility_is_lost_later() -> None:
    # Eligible for a while (job B running, job A still in the 1-year window), then never again:
    # a binary search over the future would miss it.
    activities = [
        act(date(2025, 3, 1), date(2025, 5, 31)),  # A: 92 days
        act(date(2026, 1, 1), date(2026, 2, 28)),  # B: declared end after the reference
    ]
    rule = Rule(required_years=0.3, window_years=1)  # 109.5 days
    reference = date(2026, 1, 10)
    result = assess(activities, rule, reference)
    assert result.relevant_fte_days == 92 + 10
    assert result.eligible_from == date(2026, 1, 18)  # 92 + 18 = 110
    assert_first_eligible_day(activities, rule, date(2026, 1, 18))
    assert assess(activities, rule, date(2026, 6, 1)).eligible is False


def test_forecast_unreachable_with_open_part_time() -> None:
    # 0.5 × 4383 days at most in 12 years < 7 × 365.
    result = assess([act(date(2020, 1, 1), None, part_time_percent=50)], Rule(7, 12), REF)
    assert result.eligible is False
    assert result.eligible_from is None


def test_forecast_with_an_activity_ending_after_reference() -> None:
    activities = [act(date(2025, 1, 1), date(2027, 12, 31))]
    reference = date(2026, 1, 1)
    result = assess(activities, Rule(required_years=2, window_years=12), reference)
    assert result.eligible_from == date(2026, 12, 31)
    assert_first_eligible_day(activities, Rule(2, 12), date(2026, 12, 31))
    never = assess(activities, Rule(required_years=4, window_years=12), reference)
    assert never.eligible_from is None


def test_forecast_once_the_declared_end_passes_uses_the_open_activities_only() -> None:
    activities = [
        act(date(2026, 1, 1), date(2027, 6, 30)),
        act(date(2026, 1, 1), None, part_time_percent=20),
    ]
    rule = Rule(required_years=3, window_years=12)
    result = assess(activities, rule, REF)
    assert result.eligible_from is not None
    assert result.eligible_from > date(2027, 6, 30)
    assert_first_eligible_day(activities, rule, result.eligible_from)


def test_no_forecast_without_an_ongoing_relevant_activity() -> None:
    ended = assess([act(date(2020, 1, 1), date(2021, 1, 1))], SPP, REF)
    assert ended.eligible is False
    assert ended.eligible_from is None
    volunteering = act(date(2020, 1, 1), None, "benevole", hours_per_week=35, attested=False)
    assert assess([volunteering], SPP, REF).eligible_from is None
    not_relevant = act(date(2025, 1, 1), None, relevant=False)
    assert assess([not_relevant], SPP, REF).eligible_from is None


def test_no_forecast_when_already_eligible() -> None:
    assert assess([act(date(2020, 1, 1), None)], SPP, REF).eligible_from is None


def test_forecast_without_window_grows_directly() -> None:
    activities = [act(date(2020, 1, 1), None, part_time_percent=50)]
    rule = Rule(required_years=10, window_years=None)
    result = assess(activities, rule, REF)
    assert result.relevant_fte_days == 1260
    assert result.eligible_from == REF + timedelta(days=2 * (3650 - 1260))
    assert_first_eligible_day(activities, rule, result.eligible_from)


def test_forecast_without_window_through_a_declared_end() -> None:
    activities = [
        act(date(2026, 1, 1), date(2027, 12, 31)),
        act(date(2026, 1, 1), None, hours_per_week=7),
    ]
    rule = Rule(required_years=5, window_years=None)
    result = assess(activities, rule, REF)
    assert result.eligible_from is not None
    assert_first_eligible_day(activities, rule, result.eligible_from)
    closed = assess(activities[:1], rule, REF)
    assert closed.eligible_from is None


def test_forecast_with_a_window_of_one_year_over_leap_days() -> None:
    activities = [act(date(2023, 6, 1), None, part_time_percent=99)]
    rule = Rule(required_years=1, window_years=1)
    result = assess(activities, rule, date(2024, 1, 15))
    # 0.99 × 366 = 362.34 < 365 in a leap window, and 0.99 × 365 < 365: never.
    assert result.eligible_from is None
    full = [act(date(2023, 6, 1), None)]
    full_result = assess(full, rule, date(2024, 1, 15))
    assert full_result.eligible_from == date(2024, 5, 30)
    assert_first_eligible_day(full, rule, date(2024, 5, 30))


def test_forecast_needing_the_longest_windows_waits_for_a_leap_day() -> None:
    # 365.5 days needed in a 1-year window: only windows containing 29 February (366 days) work.
    activities = [act(date(2025, 1, 1), None)]
    rule = Rule(required_years=Fraction(731, 730), window_years=1)
    result = assess(activities, rule, date(2025, 6, 1))
    assert result.eligible_from == date(2028, 2, 29)
    assert_first_eligible_day(activities, rule, date(2028, 2, 29))


# --------------------------------------------------------------------------- validation


def error_of(activity: Activity, reference: date = REF) -> EligibilityInputError:
    with pytest.raises(EligibilityInputError) as caught:
        assess([act(date(2020, 1, 1), None), activity], SPP, reference)
    return caught.value


def test_end_before_start_is_refused() -> None:
    error = error_of(act(date(2020, 1, 1), date(2019, 1, 1)))
    assert error.field == "activities[1].end"
    assert str(error) == "activities[1].end: before start (2019-01-01 < 2020-01-01)"
    assert "précède" in error.message_fr
    assert isinstance(error, ValueError)


def test_start_after_reference_is_refused() -> None:
    error = error_of(act(date(2027, 1, 1), None))
    assert str(error) == "activities[1].start: after the reference date (2027-01-01 > 2026-11-24)"


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"full_time": False}, "activities[1]", "no work time"),
        ({"full_time": True, "part_time_percent": 50}, "activities[1]", "several work times"),
        ({"part_time_percent": 50, "hours_per_week": 10}, "activities[1]", "several work times"),
        ({"part_time_percent": 0}, "activities[1].part_time_percent", "out of range"),
        ({"part_time_percent": 0.5}, "activities[1].part_time_percent", "out of range"),
        ({"part_time_percent": 101}, "activities[1].part_time_percent", "out of range"),
        ({"part_time_percent": float("nan")}, "activities[1].part_time_percent", "out of range"),
        ({"hours_per_month": 0}, "activities[1].hours_per_month", "out of range"),
        ({"hours_per_month": 208.01}, "activities[1].hours_per_month", "out of range"),
        ({"hours_per_week": 48.01}, "activities[1].hours_per_week", "out of range"),
        ({"hours_per_week": -1}, "activities[1].hours_per_week", "out of range"),
        ({"hours_per_week": float("inf")}, "activities[1].hours_per_week", "out of range"),
        ({"hours_per_week": True}, "activities[1].hours_per_week", "expected a number"),
        ({"hours_per_week": "10"}, "activities[1].hours_per_week", "expected a number"),
        ({"full_time": "yes"}, "activities[1].full_time", "expected a boolean"),
        ({"full_time": True, "relevant": 1}, "activities[1].relevant", "expected a boolean"),
    ],
)
def test_work_time_validation(kwargs: dict[str, object], field: str, message: str) -> None:
    activity = Activity(start=date(2021, 1, 1), end=None, status="salarie", **kwargs)  # type: ignore[arg-type]
    error = error_of(activity)
    assert error.field == field
    assert message in error.message
    assert "\n" not in str(error)


def test_unknown_status_is_refused() -> None:
    error = error_of(act(date(2021, 1, 1), None, "interim"))
    assert error.field == "activities[1].status"
    assert "unknown status 'interim'" in error.message


@pytest.mark.parametrize(
    ("start", "field", "message"),
    [
        (datetime(2021, 1, 1, 12), "activities[1].start", "expected a date"),
        ("2021-01-01", "activities[1].start", "expected a date"),
        (date(1899, 12, 31), "activities[1].start", "out of range"),
    ],
)
def test_dates_are_checked(start: object, field: str, message: str) -> None:
    error = error_of(Activity(start=start, end=None, status="salarie", full_time=True))  # type: ignore[arg-type]
    assert error.field == field
    assert message in error.message


def test_end_out_of_supported_range_is_refused() -> None:
    error = error_of(act(date(2021, 1, 1), date(2200, 1, 1)))
    assert error.field == "activities[1].end"
    assert "out of range" in error.message


def test_reference_date_is_checked() -> None:
    with pytest.raises(EligibilityInputError) as caught:
        assess([], SPP, datetime(2026, 1, 1))  # type: ignore[arg-type]
    assert caught.value.field == "reference_date"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"required_years": -1, "window_years": 12}, "rule.required_years"),
        ({"required_years": float("nan"), "window_years": 12}, "rule.required_years"),
        ({"required_years": "3", "window_years": 12}, "rule.required_years"),
        ({"required_years": True, "window_years": 12}, "rule.required_years"),
        ({"required_years": 3, "window_years": 0}, "rule.window_years"),
        ({"required_years": 3, "window_years": 101}, "rule.window_years"),
        ({"required_years": 3, "window_years": 12.0}, "rule.window_years"),
        ({"required_years": 3, "window_years": True}, "rule.window_years"),
    ],
)
def test_rule_validation(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(EligibilityInputError) as caught:
        Rule(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_results_are_deterministic_and_in_input_order() -> None:
    activities = [
        act(date(2020, 1, 1), None, attested=False),
        act(date(2019, 1, 1), date(2019, 6, 30), "stage"),
        act(date(2010, 1, 1), date(2011, 1, 1), "benevole", hours_per_week=10, attested=False),
    ]
    first = assess(activities, SPP, REF)
    assert first == assess(activities, SPP, REF)
    assert [r.counted for r in first.activities] == [True, False, False]
    assert [w.split(" :")[0] for w in first.warnings] == ["Activité 1", "Activité 2", "Activité 3"]


def test_forecast_beyond_the_supported_dates_is_none() -> None:
    """1 % of a full time, two years required: reachable only in the 23rd century."""
    activity = Activity(start=date(2021, 12, 21), end=None, status="salarie", part_time_percent=1)
    result = assess([activity], Rule(required_years=2, window_years=None), date(2024, 2, 29))
    assert not result.eligible and result.eligible_from is None
