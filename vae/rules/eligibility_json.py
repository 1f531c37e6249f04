"""JSON form of the eligibility engine, the stable contract of the CLI.

``flask --app vae eligibility check FILE`` reads a request and prints the assessment.

Input (one JSON object; unknown fields are refused, ``null`` means "absent")::

    {"rule": {"required_years": 3, "window_years": 12},      # or "certification": "cqp-spp"
     "reference_date": "2026-11-24",                           # optional: today
     "activities": [{"start": "2014-01-01", "end": "2015-12-31", "status": "salarie",
                     "full_time": true, "relevant": true, "attested": false, "label": "..."}]}

Each activity takes exactly one of ``full_time`` (true), ``part_time_percent`` (1–100),
``hours_per_month`` (> 0, ≤ 208) or ``hours_per_week`` (> 0, ≤ 48) — hours above full time
(151.67 a month, 35 a week) count as full time, with a ``note``; ``relevant`` defaults to
true, ``attested`` to false; ``end`` may be null or absent (current activity); ``window_years``
may be null or absent (whole career).

Errors raise :class:`~vae.rules.eligibility.EligibilityInputError`; ``str(error)`` is one line
``<field>: <message>`` such as ``activities[1].end: before start (2019-01-01 < 2020-01-01)``.
Output: see :func:`assessment_to_dict` (day and year figures rounded to 2 decimals).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from vae.rules.eligibility import (
    WORK_TIME_FIELDS,
    Activity,
    Assessment,
    EligibilityInputError,
    Rule,
    assess,
    check_date,
    validate_activity,
)

INPUT_FIELD = "(input)"
TOP_LEVEL_FIELDS: tuple[str, ...] = ("rule", "certification", "reference_date", "activities")
RULE_FIELDS: tuple[str, ...] = ("required_years", "window_years")
ACTIVITY_FIELDS: tuple[str, ...] = (
    "start",
    "end",
    "status",
    *WORK_TIME_FIELDS,
    "relevant",
    "attested",
    "label",
)
_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")

RuleLookup = Callable[[str], Rule]
"""``rule_for_certification(code)``: the certification's rule; KeyError/LookupError if unknown."""


@dataclass(frozen=True)
class EligibilityRequest:
    """A parsed and validated request."""

    rule: Rule
    reference_date: date
    activities: tuple[Activity, ...]
    certification: str | None = None


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise EligibilityInputError(
        INPUT_FIELD,
        f"not valid JSON ({name} is not allowed)",
        f"JSON invalide ({name} n'est pas autorisé)",
    )


def load_json(text: str) -> Any:
    """Parse JSON strictly: no NaN/Infinity, no duplicate keys."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except _DuplicateKeyError as error:
        raise EligibilityInputError(
            INPUT_FIELD,
            f"not valid JSON (duplicate key '{error.key}')",
            f"JSON invalide (clé « {error.key} » en double)",
        ) from None
    except json.JSONDecodeError as error:
        raise EligibilityInputError(
            INPUT_FIELD,
            f"not valid JSON ({error.msg} at line {error.lineno} column {error.colno})",
            f"JSON invalide (ligne {error.lineno}, colonne {error.colno})",
        ) from None


def _wrong_type(
    field: str, expected: str, value: object, expected_fr: str
) -> EligibilityInputError:
    return EligibilityInputError(
        field, f"expected {expected}, got {_json_type(value)}", f"{expected_fr} attendu(e)"
    )


def _check_fields(obj: dict[str, Any], allowed: tuple[str, ...], path: str) -> None:
    for key in obj:
        if key not in allowed:
            field = f"{path}.{key}" if path else key
            raise EligibilityInputError(
                field,
                f"unknown field (allowed: {', '.join(allowed)})",
                f"champ inconnu (champs admis : {', '.join(allowed)})",
            )


def _object(value: object, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _wrong_type(field, "an object", value, "un objet")
    return value


def _date(obj: dict[str, Any], key: str, field: str, *, required: bool) -> date | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise EligibilityInputError(field, "missing", "obligatoire")
        return None
    if not isinstance(value, str):
        raise _wrong_type(field, "a date string (YYYY-MM-DD)", value, "une date (AAAA-MM-JJ)")
    try:
        if not _DATE_PATTERN.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise EligibilityInputError(
            field, f"invalid date '{value}'", f"date invalide « {value} » (format AAAA-MM-JJ)"
        ) from None


def _number(obj: dict[str, Any], key: str, field: str) -> int | float | None:
    value = obj.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise _wrong_type(field, "a number", value, "un nombre")
    return value


def _bool(obj: dict[str, Any], key: str, field: str, default: bool) -> bool:
    value = obj.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _wrong_type(field, "a boolean (true or false)", value, "true ou false")
    return value


def _string(obj: dict[str, Any], key: str, field: str, *, required: bool) -> str | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise EligibilityInputError(field, "missing", "obligatoire")
        return None
    if not isinstance(value, str):
        raise _wrong_type(field, "a string", value, "un texte")
    return value


def _parse_rule(value: object) -> Rule:
    rule = _object(value, "rule")
    _check_fields(rule, RULE_FIELDS, "rule")
    required = _number(rule, "required_years", "rule.required_years")
    if required is None:
        raise EligibilityInputError("rule.required_years", "missing", "obligatoire")
    window = _number(rule, "window_years", "rule.window_years")
    if isinstance(window, float):
        if not window.is_integer():
            raise EligibilityInputError(
                "rule.window_years",
                f"expected an integer, got {window}",
                "nombre entier d'années attendu",
            )
        window = int(window)
    return Rule(required_years=required, window_years=window)


def _lookup_rule(code: str, rule_for_certification: RuleLookup | None) -> Rule:
    if rule_for_certification is None:
        raise EligibilityInputError(
            "certification",
            "no certification lookup available: give 'rule' instead",
            "recherche de certification indisponible : indiquez la règle",
        )
    try:
        rule = rule_for_certification(code)
    except LookupError:
        raise EligibilityInputError(
            "certification",
            f"unknown certification '{code}'",
            f"certification inconnue « {code} »",
        ) from None
    if not isinstance(rule, Rule):
        raise TypeError(f"rule_for_certification({code!r}) returned {type(rule).__name__}")
    return rule


def _parse_activity(value: object, index: int, reference_date: date) -> Activity:
    path = f"activities[{index}]"
    obj = _object(value, path)
    _check_fields(obj, ACTIVITY_FIELDS, path)
    start = _date(obj, "start", f"{path}.start", required=True)
    assert start is not None
    end = _date(obj, "end", f"{path}.end", required=False)
    status = _string(obj, "status", f"{path}.status", required=True)
    assert status is not None
    activity = Activity(
        start=start,
        end=end,
        status=status,
        full_time=_bool(obj, "full_time", f"{path}.full_time", False),
        part_time_percent=_number(obj, "part_time_percent", f"{path}.part_time_percent"),
        hours_per_month=_number(obj, "hours_per_month", f"{path}.hours_per_month"),
        hours_per_week=_number(obj, "hours_per_week", f"{path}.hours_per_week"),
        relevant=_bool(obj, "relevant", f"{path}.relevant", True),
        attested=_bool(obj, "attested", f"{path}.attested", False),
        label=_string(obj, "label", f"{path}.label", required=False) or "",
    )
    validate_activity(activity, reference_date, index)
    return activity


def parse_request(
    data: object, *, rule_for_certification: RuleLookup | None, today: date
) -> EligibilityRequest:
    """Validate a decoded JSON request; errors in input order, located by field path."""
    if not isinstance(data, dict):
        raise EligibilityInputError(
            INPUT_FIELD,
            f"expected a JSON object at the top level, got {_json_type(data)}",
            "un objet JSON est attendu",
        )
    _check_fields(data, TOP_LEVEL_FIELDS, "")
    has_rule = data.get("rule") is not None
    code = _string(data, "certification", "certification", required=False)
    if has_rule and code is not None:
        raise EligibilityInputError(
            "rule",
            "give either 'rule' or 'certification', not both",
            "indiquez la règle ou la certification, pas les deux",
        )
    if not has_rule and code is None:
        raise EligibilityInputError(
            "rule",
            "missing: give 'rule' or 'certification'",
            "obligatoire : indiquez la règle ou la certification",
        )
    if has_rule:
        rule = _parse_rule(data["rule"])
    else:
        rule = _lookup_rule(code or "", rule_for_certification)
    reference_date = _date(data, "reference_date", "reference_date", required=False) or today
    check_date(reference_date, "reference_date")
    raw = data.get("activities")
    if raw is None:
        raise EligibilityInputError("activities", "missing", "obligatoire")
    if not isinstance(raw, list):
        raise _wrong_type("activities", "an array", raw, "une liste")
    activities = tuple(_parse_activity(item, i, reference_date) for i, item in enumerate(raw))
    return EligibilityRequest(
        rule=rule, reference_date=reference_date, activities=activities, certification=code
    )


def _round(value: float, places: str = "0.01") -> float:
    """Round half up on the shortest decimal form (so 0.125 → 0.13, never 0.12)."""
    return float(Decimal(repr(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP))


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def assessment_to_dict(assessment: Assessment, certification: str | None = None) -> dict[str, Any]:
    """The CLI output: activities in input order, day and year figures rounded to 2 decimals."""
    return {
        "eligible": assessment.eligible,
        "reference_date": assessment.reference_date.isoformat(),
        "certification": certification,
        "rule": {
            "required_years": (
                years if isinstance(years := assessment.rule.required_years, int) else float(years)
            ),
            "window_years": assessment.rule.window_years,
        },
        "window_start": _iso(assessment.window_start),
        "required_fte_days": _round(assessment.required_fte_days),
        "relevant_fte_days": _round(assessment.relevant_fte_days),
        "relevant_fte_years": _round(assessment.relevant_fte_years),
        "total_fte_days": _round(assessment.total_fte_days),
        "total_fte_years": _round(assessment.total_fte_years),
        "missing_fte_days": _round(assessment.missing_fte_days),
        "eligible_from": _iso(assessment.eligible_from),
        "activities": [
            {
                "counted": result.counted,
                "reason": result.reason,
                "fraction": _round(result.fraction, "0.0001"),
                "in_window": result.in_window,
                "fte_days_in_window": _round(result.fte_days_in_window),
                "fte_days_total": _round(result.fte_days_total),
                "note": result.note,
            }
            for result in assessment.activities
        ],
        "warnings": list(assessment.warnings),
    }


def check(text: str, *, rule_for_certification: RuleLookup | None, today: date) -> dict[str, Any]:
    """Parse, validate and assess a JSON request; return the output dict.

    Raises :class:`EligibilityInputError` (one-line ``str()``) on any input error.
    """
    request = parse_request(
        load_json(text), rule_for_certification=rule_for_certification, today=today
    )
    assessment = assess(request.activities, request.rule, request.reference_date)
    return assessment_to_dict(assessment, request.certification)


def dumps(result: dict[str, Any]) -> str:
    """Serialise an output dict for the CLI (UTF-8 text, stable key order)."""
    return json.dumps(result, ensure_ascii=False, indent=2)
