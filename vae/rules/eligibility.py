"""Eligibility (recevabilité) engine: relevant full-time-equivalent experience within a window.

The rules (DOMAIN.md, "Eligibility: the exact computation"):

* each *counted* activity contributes, for every calendar day of its period (both ends inclusive;
  an open end runs to the reference date, an end after the reference date is cut there), its
  work-time fraction (full time 1, p % → p/100, h hours a month → h/151.67, h hours a week →
  h/35, capped at 1: up to 208 h a month or 48 h a week are accepted and count as full time,
  with a note; beyond is refused as implausible);
* internships and training (``stage``, ``formation``) never count; volunteering (``benevole``)
  counts only once the association's attestation is provided;
* concurrent activities add up but a day never counts for more than 1;
* the window is ``reference − window_years + 1 day`` → ``reference`` (calendar arithmetic);
* eligible when the relevant FTE days in the window reach ``required_years × 365`` (tolerance
  1e-6 day); with ``required_years == 0``, one day of counted relevant activity in the window.

Accuracy: all arithmetic is **exact**. Work-time values are read through their shortest decimal
form (``75.835`` → 75835/1000, so 75.835 h a month is exactly one half of 151.67) and turned into
``Fraction``; for one assessment every fraction is then expressed as an integer number of units
of ``1/L`` where ``L`` is the least common multiple of their denominators (bounded: decimal inputs
only bring powers of ten besides 100, 35 and 15167). Day sums, caps and window totals are then
integer sums — fast, reproducible, independent of the order or splitting of activities — and are
converted to ``float`` only in the returned :class:`Assessment`. The 1e-6 tolerance of the spec is
kept for the comparison but exact arithmetic never needs it.

Dates must lie within 1900-01-01 … 2199-12-31 (keeps the forecast sweep bounded); windows are at
most 100 years. Warnings come in a deterministic order: per activity in input order, then the
periods where declared work exceeds full time, chronologically.

Performance: totals come from a sweep over the sorted period boundaries (``O(n log n)`` in the
number of activities, independent of the span of dates); the forecast uses a per-day prefix-sum
array over the forecast horizon (``O(days + n)``). Never a loop over days × activities.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from itertools import accumulate, pairwise

from dateutil.relativedelta import relativedelta

STATUSES: tuple[str, ...] = ("salarie", "non_salarie", "benevole", "stage", "formation")
STATUS_LABELS: dict[str, str] = {
    "salarie": "salarié",
    "non_salarie": "non salarié",
    "benevole": "bénévole",
    "stage": "stage",
    "formation": "formation",
}
WORK_TIME_FIELDS: tuple[str, ...] = (
    "full_time",
    "part_time_percent",
    "hours_per_month",
    "hours_per_week",
)
Amount = int | float | Decimal | Fraction
"""A work-time amount; ``Decimal`` (what the forms give) and ``Fraction`` are read exactly."""
FULL_TIME_HOURS_PER_MONTH = Fraction("151.67")
FULL_TIME_HOURS_PER_WEEK = Fraction(35)
MAX_HOURS_PER_MONTH = Fraction(208)  # 48 h a week, the legal maximum: beyond is implausible
MAX_HOURS_PER_WEEK = Fraction(48)
DAYS_PER_YEAR = 365
TOLERANCE_DAYS = Fraction(1, 10**6)
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2199, 12, 31)
MAX_WINDOW_YEARS = 100

REASON_TRAINING = (
    "Les stages et périodes de formation préparant un diplôme ne comptent pas (décret 2002-615)."
)
REASON_UNATTESTED_VOLUNTEERING = (
    "Activité bénévole sans attestation signée par deux responsables de l'association : "
    "elle ne compte pas tant que cette attestation n'est pas fournie."
)
MAX_OVERLAP_WARNINGS = 5


class EligibilityInputError(ValueError):
    """Invalid eligibility input, located by a field path such as ``activities[1].end``.

    ``message`` is the stable English form used by the CLI (``str(error)`` is
    ``"<field>: <message>"`` on one line); ``message_fr`` is the French form for screens.
    """

    def __init__(self, field: str, message: str, message_fr: str | None = None) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.message_fr = message_fr or message

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass(frozen=True)
class Rule:
    """``required_years`` of relevant FTE experience within the last ``window_years``.

    ``window_years=None`` means the whole career; ``required_years=0`` means "at least one day of
    relevant activity" (in the window).
    """

    required_years: float = 0
    window_years: int | None = None

    def __post_init__(self) -> None:
        years = self.required_years
        if isinstance(years, bool) or not isinstance(years, int | float | Fraction):
            raise EligibilityInputError(
                "rule.required_years",
                f"expected a number, got {type(years).__name__}",
                "doit être un nombre",
            )
        if not math.isfinite(years) or years < 0:
            raise EligibilityInputError(
                "rule.required_years",
                f"out of range (must be a number >= 0, got {years})",
                f"hors limites (nombre positif ou nul attendu, reçu {years})",
            )
        window = self.window_years
        if window is None:
            return
        if isinstance(window, bool) or not isinstance(window, int):
            raise EligibilityInputError(
                "rule.window_years",
                f"expected an integer or null, got {type(window).__name__}",
                "doit être un nombre entier d'années ou vide (toute la carrière)",
            )
        if not 1 <= window <= MAX_WINDOW_YEARS:
            raise EligibilityInputError(
                "rule.window_years",
                f"out of range (must be between 1 and {MAX_WINDOW_YEARS}, got {window})",
                f"hors limites (entre 1 et {MAX_WINDOW_YEARS} ans, reçu {window})",
            )

    @classmethod
    def from_referential(cls, required_years: float | None, window_years: int | None) -> Rule:
        """Build the rule of a referential, where ``required_years=None`` means no minimum."""
        return cls(
            required_years=0 if required_years is None else required_years,
            window_years=window_years,
        )


@dataclass(frozen=True)
class Activity:
    """One declared job or volunteer activity; exactly one work-time field must be set.

    ``end=None`` is an open (current) activity. ``attested`` means the supporting document is
    provided (employer attestation or payslips for salaried work, the association's attestation
    signed by two officers for volunteering). Validated by :func:`validate_activity`.
    """

    start: date
    end: date | None
    status: str
    full_time: bool = False
    part_time_percent: Amount | None = None
    hours_per_month: Amount | None = None
    hours_per_week: Amount | None = None
    relevant: bool = True
    attested: bool = False
    label: str = ""


@dataclass(frozen=True)
class ActivityResult:
    """What one activity brings, in input order.

    FTE figures are the activity's own days × fraction, *before* the daily cap (0 when not
    counted); ``days_*`` are calendar days (up to the reference date).
    """

    counted: bool
    reason: str | None
    fraction: float
    fte_days_in_window: float
    fte_days_total: float
    in_window: bool
    days_in_window: int
    days_total: int
    note: str | None = None  # hours above full time: « au-delà de 35 h par semaine, … »


@dataclass(frozen=True)
class Assessment:
    """The outcome of :func:`assess`; FTE figures are capped at 1 per day."""

    eligible: bool
    reference_date: date
    rule: Rule
    window_start: date | None
    required_fte_days: float
    relevant_fte_days: float
    relevant_fte_years: float
    total_fte_days: float
    total_fte_years: float
    missing_fte_days: float
    eligible_from: date | None
    activities: tuple[ActivityResult, ...]
    warnings: tuple[str, ...]


# --------------------------------------------------------------------------- dates and windows


def window_start(reference_date: date, window_years: int | None) -> date | None:
    """First day of the window ending on ``reference_date`` (None for the whole career)."""
    if window_years is None:
        return None
    return reference_date - relativedelta(years=window_years) + timedelta(days=1)


def years_before(day: date, years: int) -> date:
    """``day - relativedelta(years=years)``, fast (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def max_window_days(window_years: int) -> int:
    """Longest possible window of ``window_years`` in days (29 Februaries are ≥ 4 years apart)."""
    return DAYS_PER_YEAR * window_years + (window_years + 3) // 4


def format_date_fr(day: date) -> str:
    """``24/11/2026``."""
    return day.strftime("%d/%m/%Y")


# --------------------------------------------------------------------------- validation


def _exact(value: Amount) -> Fraction:
    """Exact value of a number read through its shortest decimal form (0.1 → 1/10)."""
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def check_date(value: object, field: str) -> date:
    """Check a ``date`` (not a datetime) within [MIN_DATE, MAX_DATE]; return it."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise EligibilityInputError(
            field, f"expected a date, got {type(value).__name__}", "date attendue"
        )
    if not MIN_DATE <= value <= MAX_DATE:
        raise EligibilityInputError(
            field,
            f"out of range (must be between {MIN_DATE} and {MAX_DATE}, got {value})",
            f"date hors limites (entre le {format_date_fr(MIN_DATE)} et le "
            f"{format_date_fr(MAX_DATE)})",
        )
    return value


def _check_bool(value: object, field: str) -> None:
    if not isinstance(value, bool):
        raise EligibilityInputError(
            field, f"expected a boolean, got {type(value).__name__}", "oui ou non attendu"
        )


# Work-time form → (full-time amount, lowest allowed amount or None for "> 0", highest allowed
# amount, French unit). Hours above full time (up to the highest) count as full time.
_AMOUNTS: dict[str, tuple[Fraction, Fraction | None, Fraction, str]] = {
    "part_time_percent": (
        Fraction(100),
        Fraction(1),
        Fraction(100),
        "pourcentage d'un temps plein",
    ),
    "hours_per_month": (FULL_TIME_HOURS_PER_MONTH, None, MAX_HOURS_PER_MONTH, "heures par mois"),
    "hours_per_week": (FULL_TIME_HOURS_PER_WEEK, None, MAX_HOURS_PER_WEEK, "heures par semaine"),
}
_OVER_FULL_TIME_UNITS = {"hours_per_month": "h par mois", "hours_per_week": "h par semaine"}


def over_full_time_note(kind: str, value: Amount | None) -> str | None:
    """« au-delà de 35 h par semaine, l'activité compte comme un temps plein » when ``value``
    hours (of work-time form ``kind``) exceed full time; None otherwise."""
    unit = _OVER_FULL_TIME_UNITS.get(kind)
    if unit is None or value is None or isinstance(value, bool):
        return None
    full = _AMOUNTS[kind][0]
    if not _exact(value) > full:
        return None
    full_text = decimal_text(full).replace(".", ",")
    return f"au-delà de {full_text}\u00a0{unit}, l'activité compte comme un temps plein"


@lru_cache(maxsize=4096)
def _amount_fraction(kind: str, value: Amount) -> Fraction | None:
    """Exact fraction of full time for a work-time amount, or None when out of range.

    Cached: declarations reuse a handful of values and Fraction arithmetic is slow.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return None
    full, low, high, _ = _AMOUNTS[kind]
    exact = _exact(value)
    if exact > high or (exact <= 0 if low is None else exact < low):
        return None
    return min(Fraction(1), exact / full)


def decimal_text(value: Fraction) -> str:
    """A bound for messages: 15167/100 → ``151.67``."""
    return str(Decimal(value.numerator) / Decimal(value.denominator))


def _check_amount(value: object, kind: str, field: str) -> Fraction:
    """Fraction of full time for ``value`` given as ``kind``, or an input error."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | Fraction):
        raise EligibilityInputError(
            field, f"expected a number, got {type(value).__name__}", "nombre attendu"
        )
    # A signalling NaN cannot even be hashed (the cache): non-finite decimals are refused here.
    finite = not isinstance(value, Decimal) or value.is_finite()
    fraction = _amount_fraction(kind, value) if finite else None
    if fraction is None:
        _, low_value, high_value, unit_fr = _AMOUNTS[kind]
        high, low = decimal_text(high_value), None if low_value is None else decimal_text(low_value)
        bounds = f"> 0 and <= {high}" if low is None else f"between {low} and {high}"
        bounds_fr = f"supérieur à 0 et au plus {high}" if low is None else f"entre {low} et {high}"
        raise EligibilityInputError(
            field,
            f"out of range (must be {bounds}, got {value})",
            f"hors limites ({unit_fr} : {bounds_fr}, reçu {value})",
        )
    return fraction


def validate_activity(activity: Activity, reference_date: date, index: int) -> Fraction:
    """Check one activity against the reference date; return its exact work-time fraction.

    Raises :class:`EligibilityInputError` with a field path ``activities[index].<field>``.
    """
    prefix = f"activities[{index}]"
    if not isinstance(activity, Activity):
        raise EligibilityInputError(
            prefix, f"expected an Activity, got {type(activity).__name__}", "activité attendue"
        )
    start = check_date(activity.start, f"{prefix}.start")
    end = None if activity.end is None else check_date(activity.end, f"{prefix}.end")
    if activity.status not in STATUSES:
        raise EligibilityInputError(
            f"{prefix}.status",
            f"unknown status {activity.status!r} (expected one of: {', '.join(STATUSES)})",
            f"statut inconnu « {activity.status} » (attendu : {', '.join(STATUS_LABELS.values())})",
        )
    if end is not None and end < start:
        raise EligibilityInputError(
            f"{prefix}.end",
            f"before start ({end} < {start})",
            f"la date de fin ({format_date_fr(end)}) précède la date de début "
            f"({format_date_fr(start)})",
        )
    if start > reference_date:
        raise EligibilityInputError(
            f"{prefix}.start",
            f"after the reference date ({start} > {reference_date})",
            f"la date de début ({format_date_fr(start)}) est postérieure à la date de référence "
            f"({format_date_fr(reference_date)})",
        )
    for name in ("full_time", "relevant", "attested"):
        _check_bool(getattr(activity, name), f"{prefix}.{name}")
    if not isinstance(activity.label, str):
        raise EligibilityInputError(
            f"{prefix}.label",
            f"expected a string, got {type(activity.label).__name__}",
            "texte attendu",
        )
    given = ["full_time"] if activity.full_time else []
    given += [name for name in WORK_TIME_FIELDS[1:] if getattr(activity, name) is not None]
    if not given:
        raise EligibilityInputError(
            prefix,
            "no work time: give exactly one of " + ", ".join(WORK_TIME_FIELDS),
            "temps de travail manquant : indiquez temps plein, pourcentage d'un temps plein, "
            "heures par mois ou heures par semaine",
        )
    if len(given) > 1:
        raise EligibilityInputError(
            prefix,
            f"several work times given ({', '.join(given)}): give exactly one",
            "plusieurs temps de travail indiqués : un seul est attendu",
        )
    kind = given[0]
    if kind == "full_time":
        return Fraction(1)
    return _check_amount(getattr(activity, kind), kind, f"{prefix}.{kind}")


def work_time_fraction(activity: Activity, reference_date: date, index: int = 0) -> Fraction:
    """The activity's exact fraction of a full-time day (validating it)."""
    return validate_activity(activity, reference_date, index)


def exclusion_reason(activity: Activity) -> str | None:
    """French reason why the activity does not count, or None when it counts."""
    if activity.status in ("stage", "formation"):
        return REASON_TRAINING
    if activity.status == "benevole" and not activity.attested:
        return REASON_UNATTESTED_VOLUNTEERING
    return None


# --------------------------------------------------------------------------- sweeps


Span = tuple[int, int, int]
"""(first day ordinal, last day ordinal, units per day), both ends inclusive."""


def _segments(spans: Iterable[Span]) -> list[Span]:
    """Merge spans into sorted disjoint segments (first, last, summed units), zero sums dropped."""
    deltas: defaultdict[int, int] = defaultdict(int)
    for first, last, units in spans:
        deltas[first] += units
        deltas[last + 1] -= units
    keys = sorted(deltas)
    out: list[Span] = []
    level = 0
    for key, following in pairwise(keys):
        level += deltas[key]
        if level:
            out.append((key, following - 1, level))
    return out


def _capped_total(segments: Sequence[Span], cap: int, low: int | None, high: int) -> int:
    """Σ over days in [low, high] of min(cap, level) (low None: unbounded)."""
    total = 0
    for first, last, level in segments:
        first = first if low is None else max(first, low)
        last = min(last, high)
        if last >= first:
            total += (last - first + 1) * min(cap, level)
    return total


def _over_cap_periods(segments: Sequence[Span], cap: int) -> list[tuple[int, int]]:
    """Maximal periods (first, last) of days whose summed units exceed ``cap``."""
    periods: list[tuple[int, int]] = []
    for first, last, level in segments:
        if level <= cap:
            continue
        if periods and periods[-1][1] + 1 == first:
            periods[-1] = (periods[-1][0], last)
        else:
            periods.append((first, last))
    return periods


# --------------------------------------------------------------------------- forecast


def _forecast(
    spans: Sequence[tuple[int, int | None, int]],
    cap: int,
    threshold: int,
    reference: int,
    window_years: int | None,
    relevant_now: int,
) -> date | None:
    """Earliest day D > reference on which the relevant FTE units reach ``threshold``.

    ``spans`` are the counted relevant activities as declared: (first, last or None when open,
    units). Only called when the candidate is not eligible on the reference date.
    """
    # After `horizon` (the latest declared end, or the reference) only open activities remain:
    # every later day is worth `steady` units.
    horizon = max([reference] + [last for _, last, _ in spans if last is not None])
    steady = min(cap, sum(units for _, last, units in spans if last is None))

    if window_years is None:
        # Whole career: the total only grows, so walk the segments after the reference directly.
        needed = threshold - relevant_now
        future = _segments(
            (max(first, reference + 1), last, units)
            for first, last, units in ((f, horizon if e is None else e, u) for f, e, u in spans)
            if last > reference
        )
        for first, last, level in future:
            rate = min(cap, level)
            if rate * (last - first + 1) >= needed:
                return date.fromordinal(first + -(-needed // rate) - 1)
            needed -= rate * (last - first + 1)
        if steady == 0 or horizon + -(-needed // steady) > date.max.toordinal():
            return None
        return date.fromordinal(horizon + -(-needed // steady))

    # Sliding window. F(D) = P(D) - P(ws(D) - 1) with P the prefix sum of the capped daily
    # units. Eligibility is not monotonic in D (old days drop out), so no binary search: a
    # forward sweep, day by day, over a bounded horizon:
    # * while the window still reaches back to `horizon` or before (ws(D) <= horizon), F(D)
    #   comes from a per-day prefix array over [ws(reference), horizon], extended linearly by
    #   `steady` per day after `horizon`; this phase lasts at most (horizon - reference) days
    #   plus one window;
    # * once ws(D) > horizon the whole window lies after the last declared end: every day is
    #   worth `steady`, so F(D) = steady × len(D), and len(D) <= max_window_days(window_years).
    #   If even that is short of the threshold, it is never reachable: stop. Otherwise the
    #   longest windows (one more 29 February) come back within every 4-year leap cycle, so the
    #   sweep ends within about 4 years (a non-leap century year such as 2100 may delay it by
    #   one window); `date.max` is a hard stop anyway.
    base = years_before(date.fromordinal(reference), window_years).toordinal() + 1
    size = horizon - base + 1
    diff = [0] * (size + 1)
    for first, last, units in spans:
        last = horizon if last is None else last
        if last < base:
            continue
        diff[max(first, base) - base] += units
        diff[last - base + 1] -= units
    prefix = list(accumulate((v if v < cap else cap for v in accumulate(diff[:size])), initial=0))
    at_horizon = prefix[size]

    def cumulative(day: int) -> int:
        """Σ capped units from `base` to `day` inclusive (day >= base - 1)."""
        if day <= horizon:
            return prefix[day - base + 1]
        return at_horizon + steady * (day - horizon)

    longest = max_window_days(window_years)
    last_day = date.max.toordinal()
    day = reference + 1
    while day <= last_day:
        current = date.fromordinal(day)
        first = years_before(current, window_years).toordinal() + 1
        if first > horizon:
            if steady * longest < threshold:
                return None
            if steady * (day - first + 1) >= threshold:
                return current
        elif cumulative(day) - prefix[first - base] >= threshold:
            return current
        day += 1
    return None


# --------------------------------------------------------------------------- assessment


def _activity_name(index: int, activity: Activity) -> str:
    label = activity.label.strip()
    return f"Activité {index + 1} « {label} »" if label else f"Activité {index + 1}"


def _days_fr(count: int) -> str:
    return f"{count} jour" if abs(count) < 2 else f"{count} jours"


def _overlap_warnings(periods: Sequence[tuple[int, int]]) -> list[str]:
    warnings = []
    for first, last in periods[:MAX_OVERLAP_WARNINGS]:
        start, end = date.fromordinal(first), date.fromordinal(last)
        days = last - first + 1
        when = (
            f"Le {format_date_fr(start)}"
            if first == last
            else f"Du {format_date_fr(start)} au {format_date_fr(end)}"
        )
        counted = "compté" if days == 1 else "comptés"
        warnings.append(
            f"{when}, le temps de travail déclaré dépasse un temps plein : "
            f"{_days_fr(days)} {counted} pour 1."
        )
    rest = periods[MAX_OVERLAP_WARNINGS:]
    if rest:
        days = sum(last - first + 1 for first, last in rest)
        start, end = date.fromordinal(rest[0][0]), date.fromordinal(rest[-1][1])
        warnings.append(
            f"Le temps de travail déclaré dépasse aussi un temps plein sur {len(rest)} autre(s) "
            f"période(s) entre le {format_date_fr(start)} et le {format_date_fr(end)} "
            f"({_days_fr(days)} au total) : chaque jour est compté pour 1."
        )
    return warnings


def assess(activities: Sequence[Activity], rule: Rule, reference_date: date) -> Assessment:
    """Assess eligibility on ``reference_date`` (the submission date, or today for a draft).

    Raises :class:`EligibilityInputError` on invalid input (field paths ``activities[i].…``).
    """
    if not isinstance(rule, Rule):
        raise EligibilityInputError("rule", f"expected a Rule, got {type(rule).__name__}")
    check_date(reference_date, "reference_date")
    fractions = [validate_activity(a, reference_date, i) for i, a in enumerate(activities)]

    ref = reference_date.toordinal()
    ws_date = window_start(reference_date, rule.window_years)
    ws = None if ws_date is None else ws_date.toordinal()
    reasons = [exclusion_reason(a) for a in activities]
    counted = [reason is None for reason in reasons]

    # Common unit 1/L so that every counted fraction is an integer number of units.
    scale = math.lcm(*(f.denominator for f, c in zip(fractions, counted, strict=True) if c))
    units = [f.numerator * (scale // f.denominator) for f in fractions]
    firsts = [a.start.toordinal() for a in activities]
    lasts = [min(ref, a.end.toordinal()) if a.end is not None else ref for a in activities]

    relevant_idx = [i for i, a in enumerate(activities) if counted[i] and a.relevant]
    counted_idx = [i for i in range(len(activities)) if counted[i]]
    relevant_segments = _segments((firsts[i], lasts[i], units[i]) for i in relevant_idx)
    counted_segments = _segments((firsts[i], lasts[i], units[i]) for i in counted_idx)
    relevant_units = _capped_total(relevant_segments, scale, ws, ref)
    total_units = _capped_total(counted_segments, scale, None, ref)

    required = _exact(rule.required_years) * DAYS_PER_YEAR
    threshold = math.ceil((required - TOLERANCE_DAYS) * scale)
    if required == 0:
        eligible = any(ws is None or lasts[i] >= ws for i in relevant_idx)
    else:
        eligible = relevant_units >= threshold

    eligible_from = None
    ongoing = [
        i for i in relevant_idx if (end := activities[i].end) is None or end > reference_date
    ]
    if not eligible and required > 0 and ongoing:
        spans = [
            (
                firsts[i],
                None if activities[i].end is None else activities[i].end.toordinal(),
                units[i],
            )
            for i in relevant_idx
        ]
        eligible_from = _forecast(spans, scale, threshold, ref, rule.window_years, relevant_units)
        if eligible_from is not None and eligible_from > MAX_DATE:
            eligible_from = None  # beyond the dates the engine accepts: say "never reachable"

    results = []
    warnings: list[str] = []
    window_label = ""
    if rule.window_years is not None and ws_date is not None:
        years = "1 an" if rule.window_years == 1 else f"{rule.window_years} ans"
        window_label = f"{years} (du {format_date_fr(ws_date)} au {format_date_fr(reference_date)})"
    for i, activity in enumerate(activities):
        days_total = lasts[i] - firsts[i] + 1
        days_in_window = days_total if ws is None else max(0, lasts[i] - max(firsts[i], ws) + 1)
        per_day = units[i] if counted[i] else 0  # int / int below is correctly rounded
        notes = (over_full_time_note(k, getattr(activity, k)) for k in WORK_TIME_FIELDS[1:])
        note = next(filter(None, notes), None)
        results.append(
            ActivityResult(
                counted=counted[i],
                reason=reasons[i],
                fraction=float(fractions[i]),
                fte_days_in_window=per_day * days_in_window / scale,
                fte_days_total=per_day * days_total / scale,
                in_window=days_in_window > 0,
                days_in_window=days_in_window,
                days_total=days_total,
                note=note,
            )
        )
        name = _activity_name(i, activity)
        if note:
            warnings.append(f"{name} : {note}.")
        if activity.status in ("stage", "formation"):
            warnings.append(
                f"{name} : stage ou formation préparant un diplôme, ne compte pas dans "
                "l'expérience (à déclarer dans la rubrique formation)."
            )
        elif activity.status == "benevole" and not activity.attested:
            warnings.append(
                f"{name} : attestation de l'association signée par deux responsables manquante : "
                "l'activité bénévole ne compte pas tant qu'elle n'est pas fournie."
            )
        elif activity.status == "salarie" and not activity.attested:
            warnings.append(
                f"{name} : attestation employeur ou bulletins de salaire manquants "
                "(l'activité est comptée, le justificatif reste à fournir)."
            )
        if counted[i] and activity.relevant and days_in_window == 0:
            warnings.append(
                f"{name} : hors de la fenêtre de {window_label} : ne compte pas pour la durée "
                "requise."
            )
        if activity.end is not None and activity.end > reference_date:
            warnings.append(
                f"{name} : se termine après la date de référence ({format_date_fr(activity.end)}) "
                f": seuls les jours jusqu'au {format_date_fr(reference_date)} sont comptés."
            )
    warnings.extend(_overlap_warnings(_over_cap_periods(counted_segments, scale)))

    relevant = Fraction(relevant_units, scale)
    total = Fraction(total_units, scale)
    missing = Fraction(0) if eligible else max(Fraction(0), required - relevant)
    return Assessment(
        eligible=eligible,
        reference_date=reference_date,
        rule=rule,
        window_start=ws_date,
        required_fte_days=float(required),
        relevant_fte_days=float(relevant),
        relevant_fte_years=float(relevant / DAYS_PER_YEAR),
        total_fte_days=float(total),
        total_fte_years=float(total / DAYS_PER_YEAR),
        missing_fte_days=float(missing),
        eligible_from=eligible_from,
        activities=tuple(results),
        warnings=tuple(warnings),
    )
