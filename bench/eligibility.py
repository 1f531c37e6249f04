"""Benchmark: assess 10,000 activities spread over 40 years (rule 3 years within 12).

Prints exactly one line: ``BENCH eligibility_10k_ms <median ms> ms`` (median of 5 runs).
Run: ``.venv/bin/python bench/eligibility.py``.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta

from vae.rules.eligibility import STATUSES, Activity, Rule, assess

REFERENCE = date(2026, 11, 24)
FIRST_DAY = date(1986, 11, 25)  # 40 years before the reference date
ACTIVITIES = 10_000
RUNS = 5


def make_activities(count: int, seed: int = 20261124) -> list[Activity]:
    """A reproducible mix of statuses, work-time forms, open ends and ends after the reference."""
    rng = random.Random(seed)
    span = (REFERENCE - FIRST_DAY).days
    activities = []
    for _ in range(count):
        start = FIRST_DAY + timedelta(days=rng.randrange(span + 1))
        roll = rng.random()
        if roll < 0.1:
            end = None
        elif roll < 0.15:
            end = REFERENCE + timedelta(days=rng.randrange(1, 2000))
        else:
            end = min(REFERENCE, start + timedelta(days=rng.randrange(1, 3 * 365)))
        form = rng.randrange(4)
        work_time: dict[str, object] = [
            {"full_time": True},
            {"part_time_percent": rng.choice([20, 33.33, 50, 62.5, 80, 100])},
            {"hours_per_month": rng.choice([30, 75.835, 100.5, 151.67])},
            {"hours_per_week": rng.choice([4, 7.5, 17.5, 35])},
        ][form]
        activities.append(
            Activity(
                start=start,
                end=end,
                status=rng.choice(STATUSES),
                relevant=rng.random() < 0.6,
                attested=rng.random() < 0.7,
                **work_time,  # type: ignore[arg-type]
            )
        )
    return activities


def main() -> None:
    """Time the assessment and print the median."""
    activities = make_activities(ACTIVITIES)
    rule = Rule(required_years=3, window_years=12)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        assess(activities, rule, REFERENCE)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"BENCH eligibility_10k_ms {statistics.median(timings):.1f} ms")


if __name__ == "__main__":
    main()
