"""Eligibility engine: invariants (hypothesis) and a day-by-day brute-force oracle."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from vae.rules.eligibility import Activity, Assessment, Rule, assess, work_time_fraction

FIRST = date(2019, 1, 1)
REFERENCES = (date(2024, 2, 29), date(2025, 2, 28), date(2026, 11, 24), date(2026, 3, 1))

work_times = st.one_of(
    st.just({"full_time": True}),
    st.builds(lambda p: {"part_time_percent": p}, st.sampled_from([1, 20, 33.33, 50, 60, 75, 100])),
    st.builds(lambda h: {"hours_per_month": h}, st.sampled_from([10, 75.835, 100.5, 151.67])),
    st.builds(lambda h: {"hours_per_week": h}, st.sampled_from([3.5, 7, 17.5, 20, 35])),
)


@st.composite
def activity_for(draw: st.DrawFn, reference: date) -> Activity:
    """An activity valid on ``reference``: starts on or before it, may end after it."""
    start = draw(st.dates(min_value=FIRST, max_value=reference))
    end = draw(st.one_of(st.none(), st.integers(0, 900).map(lambda n: start + timedelta(days=n))))
    return Activity(
        start=start,
        end=end,
        status=draw(st.sampled_from(["salarie", "salarie", "non_salarie", "benevole", "stage"])),
        relevant=draw(st.booleans()),
        attested=draw(st.booleans()),
        **draw(work_times),
    )


rules = st.builds(
    Rule,
    required_years=st.sampled_from([0, 0.25, 0.5, 1, 1.5, 2, 3]),
    window_years=st.sampled_from([None, 1, 2, 3]),
)


@st.composite
def cases(draw: st.DrawFn, max_size: int = 6) -> tuple[list[Activity], Rule, date]:
    reference = draw(st.sampled_from(REFERENCES))
    activities = draw(st.lists(activity_for(reference), max_size=max_size))
    return activities, draw(rules), reference


def key(result: Assessment) -> tuple[object, ...]:
    return (
        result.relevant_fte_days,
        result.total_fte_days,
        result.eligible,
        result.eligible_from,
        result.missing_fte_days,
    )


# --------------------------------------------------------------------------- invariants


@settings(max_examples=150, deadline=None)
@given(cases(), st.data())
def test_adding_an_activity_never_lowers_the_totals(
    case: tuple[list[Activity], Rule, date], data: st.DataObject
) -> None:
    activities, rule, reference = case
    extra = data.draw(activity_for(reference))
    before = assess(activities, rule, reference)
    after = assess([*activities, extra], rule, reference)
    assert after.relevant_fte_days >= before.relevant_fte_days
    assert after.total_fte_days >= before.total_fte_days
    assert after.eligible or not before.eligible


@settings(max_examples=150, deadline=None)
@given(cases())
def test_relevant_never_exceeds_the_window_nor_the_total(
    case: tuple[list[Activity], Rule, date],
) -> None:
    activities, rule, reference = case
    result = assess(activities, rule, reference)
    if result.window_start is not None:
        assert result.relevant_fte_days <= (reference - result.window_start).days + 1
    assert result.relevant_fte_days <= result.total_fte_days
    assert result.total_fte_days <= sum(r.fte_days_total for r in result.activities) + 1e-9
    assert result.missing_fte_days >= 0
    if result.eligible:
        assert result.missing_fte_days == 0
        assert result.eligible_from is None
    if result.eligible_from is not None:
        assert result.eligible_from > reference


@settings(max_examples=150, deadline=None)
@given(cases(), st.data())
def test_splitting_an_activity_changes_nothing(
    case: tuple[list[Activity], Rule, date], data: st.DataObject
) -> None:
    activities, rule, reference = case
    splittable = [
        i for i, a in enumerate(activities) if a.start < min(a.end or reference, reference)
    ]
    if not splittable:
        return
    i = data.draw(st.sampled_from(splittable))
    activity = activities[i]
    last = min(activity.end or reference, reference)
    cut = data.draw(st.dates(min_value=activity.start, max_value=last - timedelta(days=1)))
    first_part = replace(activity, end=cut)
    second_part = replace(activity, start=cut + timedelta(days=1))
    split = [*activities[:i], first_part, second_part, *activities[i + 1 :]]
    assert key(assess(split, rule, reference)) == key(assess(activities, rule, reference))


@settings(max_examples=150, deadline=None)
@given(cases(), st.randoms(use_true_random=False))
def test_shuffling_changes_nothing(
    case: tuple[list[Activity], Rule, date], rnd: random.Random
) -> None:
    activities, rule, reference = case
    shuffled = list(activities)
    rnd.shuffle(shuffled)
    assert key(assess(shuffled, rule, reference)) == key(assess(activities, rule, reference))


# --------------------------------------------------------------------------- oracle


def counts(activity: Activity) -> bool:
    return activity.status in ("salarie", "non_salarie") or (
        activity.status == "benevole" and activity.attested
    )


def daily(activities: list[Activity], day: date, reference: date, *, extend: bool) -> Fraction:
    """min(1, Σ fractions) on ``day``; ``extend``: activities go on as declared after reference."""
    total = Fraction(0)
    for activity in activities:
        end = activity.end if extend else min(activity.end or reference, reference)
        if activity.start <= day and (end is None or day <= end):
            total += work_time_fraction(activity, reference)
    return min(Fraction(1), total)


def brute_relevant(activities: list[Activity], rule: Rule, reference: date) -> Fraction:
    relevant = [a for a in activities if counts(a) and a.relevant]
    first = FIRST
    if rule.window_years is not None:
        first = reference - relativedelta(years=rule.window_years) + timedelta(days=1)
    total = Fraction(0)
    day = first
    while day <= reference:
        total += daily(relevant, day, reference, extend=False)
        day += timedelta(days=1)
    return total


def brute_total(activities: list[Activity], reference: date) -> Fraction:
    counted = [a for a in activities if counts(a)]
    total = Fraction(0)
    day = FIRST
    while day <= reference:
        total += daily(counted, day, reference, extend=False)
        day += timedelta(days=1)
    return total


@settings(max_examples=60, deadline=None)
@given(cases(max_size=5))
def test_totals_match_a_day_by_day_oracle(case: tuple[list[Activity], Rule, date]) -> None:
    activities, rule, reference = case
    result = assess(activities, rule, reference)
    relevant = brute_relevant(activities, rule, reference)
    assert result.relevant_fte_days == float(relevant)
    assert result.total_fte_days == float(brute_total(activities, reference))
    required = Fraction(str(rule.required_years)) * 365
    if required > 0:
        assert result.eligible == (relevant >= required)
    # Per activity: own days × fraction, before the cap.
    for activity, outcome in zip(activities, result.activities, strict=True):
        last = min(activity.end or reference, reference)
        own = (last - activity.start).days + 1
        fraction = work_time_fraction(activity, reference) if counts(activity) else 0
        assert outcome.counted == counts(activity)
        assert outcome.fte_days_total == float(fraction * own)


@st.composite
def forecast_cases(draw: st.DrawFn) -> tuple[list[Activity], Rule, date]:
    """Cases with at least one ongoing counted relevant activity, often not yet eligible."""
    reference = draw(st.sampled_from(REFERENCES))
    start = draw(st.dates(min_value=reference - timedelta(days=800), max_value=reference))
    end = draw(
        st.one_of(st.none(), st.integers(1, 700).map(lambda n: reference + timedelta(days=n)))
    )
    ongoing = Activity(start=start, end=end, status="salarie", **draw(work_times))
    others = draw(st.lists(activity_for(reference), max_size=3))
    activities = draw(st.permutations([ongoing, *others]))
    rule = Rule(
        required_years=draw(st.sampled_from([0.25, 0.5, 1, 1.5, 2, 3])),
        window_years=draw(st.sampled_from([None, 1, 2, 3])),
    )
    return activities, rule, reference


@settings(max_examples=80, deadline=None)
@given(st.one_of(cases(max_size=4), forecast_cases()))
def test_forecast_matches_a_day_by_day_oracle(case: tuple[list[Activity], Rule, date]) -> None:
    """eligible_from is the first later day on which the oracle finds the candidate eligible."""
    activities, rule, reference = case
    result = assess(activities, rule, reference)
    relevant = [a for a in activities if counts(a) and a.relevant]
    required = Fraction(str(rule.required_years)) * 365
    ongoing = any(a.end is None or a.end > reference for a in relevant)
    if result.eligible or required == 0 or not ongoing:
        assert result.eligible_from is None
        return
    # Search bound: last declared end, then one window, then a full leap cycle (4 years).
    last_end = max([reference] + [a.end for a in relevant if a.end is not None])
    years = rule.window_years or 0
    stop = last_end + relativedelta(years=years + 5)
    if result.eligible_from is not None and result.eligible_from <= stop:
        stop = result.eligible_from
    elif result.eligible_from is not None:  # far away (no window, low rate): check the day itself
        assert assess(activities, rule, result.eligible_from).eligible
        assert not assess(activities, rule, result.eligible_from - timedelta(days=1)).eligible
    # Daily values as declared, prefix-summed once.
    first = FIRST
    values = []
    day = first
    while day <= stop:
        values.append(daily(relevant, day, reference, extend=True))
        day += timedelta(days=1)
    prefix = [Fraction(0)]
    for value in values:
        prefix.append(prefix[-1] + value)

    def window_sum(on: date) -> Fraction:
        low = first if rule.window_years is None else on - relativedelta(years=years) + timedelta(1)
        return prefix[(on - first).days + 1] - prefix[(low - first).days]

    found = None
    day = reference + timedelta(days=1)
    while day <= stop:
        if window_sum(day) >= required:
            found = day
            break
        day += timedelta(days=1)
    if result.eligible_from is not None and result.eligible_from > stop:
        assert found is None
    else:
        assert found == result.eligible_from
