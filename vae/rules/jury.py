"""The jury's 80 % rule: when a competency, then a block, is validated.

A competency is validated when at least ``required_count(n_criteria)`` of its criteria are met;
a block is validated when at least ``required_count(n_competencies)`` of its competencies are
validated **and** every key competency is validated. The share is rounded up with exact
arithmetic (``Fraction``), never with floats: 0.28 × 25 is 7, not 7.000000000000001.

The JSON layer (``evaluate_json``) backs the stable CLI ``flask --app vae jury evaluate FILE``.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

DEFAULT_THRESHOLD = Fraction(4, 5)

Threshold = Fraction | Decimal | float | int
"""A share in (0, 1]; floats are read through their shortest decimal form (0.8 → 4/5)."""


def as_fraction(threshold: Threshold) -> Fraction:
    """Return ``threshold`` as an exact fraction, checking it lies in (0, 1]."""
    if isinstance(threshold, bool) or not isinstance(threshold, Fraction | Decimal | float | int):
        raise TypeError(f"threshold must be a number, not {type(threshold).__name__}")
    if isinstance(threshold, float | Decimal) and not math.isfinite(threshold):
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    # str() of a float is its shortest round-tripping decimal: 0.8 → "0.8" → 4/5.
    value = Fraction(str(threshold)) if isinstance(threshold, float) else Fraction(threshold)
    if not 0 < value <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    return value


def required_count(n: int, threshold: Threshold = DEFAULT_THRESHOLD) -> int:
    """The smallest ``k`` with ``k / n >= threshold``: ``n``'s share rounded up (6 → 5 at 80 %)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    share = as_fraction(threshold)
    return -(-share.numerator * n // share.denominator)  # exact ceil(share × n)


@dataclass(frozen=True, kw_only=True)
class CompetencyInput:
    """One competency as evaluated: either its criteria (met / not met) or a direct verdict.

    ``validated`` is for competencies whose referential lists no criteria.
    """

    code: str
    key: bool = False
    criteria: tuple[bool, ...] | None = None
    validated: bool | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not self.code.strip():
            raise ValueError("competency code must be a non-empty string")
        if (self.criteria is None) == (self.validated is None):
            raise ValueError(f"{self.code}: give exactly one of 'criteria' and 'validated'")
        if self.criteria is not None:
            if not self.criteria:
                raise ValueError(f"{self.code}: 'criteria' must not be empty")
            if not all(isinstance(c, bool) for c in self.criteria):
                raise ValueError(f"{self.code}: every criterion must be a bool")
            object.__setattr__(self, "criteria", tuple(self.criteria))
        if self.validated is not None and not isinstance(self.validated, bool):
            raise ValueError(f"{self.code}: 'validated' must be a bool")


@dataclass(frozen=True, kw_only=True)
class CompetencyResult:
    """The verdict on one competency; criteria counts are None when judged directly."""

    code: str
    key: bool
    validated: bool
    criteria_met: int | None
    criteria_required: int | None


@dataclass(frozen=True, kw_only=True)
class BlockResult:
    """The verdict on one block, with what made it so."""

    competencies: tuple[CompetencyResult, ...]
    validated_count: int
    required_count: int
    key_competencies_missing: tuple[str, ...]
    block_validated: bool


def evaluate_competency(
    competency: CompetencyInput, threshold: Threshold = DEFAULT_THRESHOLD
) -> CompetencyResult:
    """Apply the threshold to one competency's criteria (or take its direct verdict)."""
    if competency.criteria is None:
        return CompetencyResult(
            code=competency.code,
            key=competency.key,
            validated=bool(competency.validated),
            criteria_met=None,
            criteria_required=None,
        )
    met = sum(competency.criteria)
    needed = required_count(len(competency.criteria), threshold)
    return CompetencyResult(
        code=competency.code,
        key=competency.key,
        validated=met >= needed,
        criteria_met=met,
        criteria_required=needed,
    )


def evaluate_block(
    competencies: Sequence[CompetencyInput], threshold: Threshold = DEFAULT_THRESHOLD
) -> BlockResult:
    """Evaluate a block from its (flattened) competencies; codes must be unique."""
    share = as_fraction(threshold)
    if not competencies:
        raise ValueError("a block needs at least one competency to be evaluated")
    duplicates = sorted(code for code, n in Counter(c.code for c in competencies).items() if n > 1)
    if duplicates:
        raise ValueError(f"duplicate competency codes: {', '.join(duplicates)}")
    results = tuple(evaluate_competency(c, share) for c in competencies)
    validated_count = sum(r.validated for r in results)
    needed = required_count(len(results), share)
    missing = tuple(r.code for r in results if r.key and not r.validated)
    return BlockResult(
        competencies=results,
        validated_count=validated_count,
        required_count=needed,
        key_competencies_missing=missing,
        block_validated=validated_count >= needed and not missing,
    )


# --- JSON layer (stable CLI contract) ------------------------------------------------------


class JuryInputError(ValueError):
    """Invalid jury evaluation input; ``str()`` is one line naming the offending field."""


_TOP_FIELDS = frozenset({"threshold", "competencies"})
_COMPETENCY_FIELDS = frozenset({"code", "key", "criteria", "validated"})


def evaluate_json(text: str) -> dict[str, Any]:
    """Evaluate a block described as JSON text and return the JSON-ready verdict.

    Input: ``{"threshold": 0.8, "competencies": [{"code": "C1", "key": false,
    "criteria": [true, false]}, {"code": "C2", "key": true, "validated": true}]}``
    (``threshold`` defaults to 0.8, ``key`` to false). Raises ``JuryInputError``.
    """
    data = _parse(text)
    if not isinstance(data, dict):
        raise JuryInputError(f"top level: expected a JSON object, got {_kind(data)}")
    _refuse_unknown(data, _TOP_FIELDS, "top level")
    threshold = _threshold(data)
    competencies = _competencies(data)
    result = evaluate_block(competencies, threshold)
    return {
        "competencies": [_competency_json(r) for r in result.competencies],
        "validated_count": result.validated_count,
        "required_count": result.required_count,
        "key_competencies_missing": list(result.key_competencies_missing),
        "block_validated": result.block_validated,
    }


def _competency_json(result: CompetencyResult) -> dict[str, Any]:
    out: dict[str, Any] = {"code": result.code, "validated": result.validated}
    if result.criteria_met is not None:
        out["criteria_met"] = result.criteria_met
        out["criteria_required"] = result.criteria_required
    return out


def _parse(text: str) -> Any:
    def no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj: dict[str, Any] = {}
        for name, value in pairs:
            if name in obj:
                raise JuryInputError(f"duplicate field {name!r} in a JSON object")
            obj[name] = value
        return obj

    try:
        return json.loads(text, object_pairs_hook=no_duplicate_keys)
    except JuryInputError:
        raise
    except json.JSONDecodeError as exc:
        raise JuryInputError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except (ValueError, TypeError, RecursionError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise JuryInputError(f"not valid JSON: {reason}") from None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _refuse_unknown(obj: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = [name for name in obj if name not in allowed]
    if unknown:
        names = ", ".join(repr(n) for n in unknown)
        label = "field" if len(unknown) == 1 else "fields"
        raise JuryInputError(f"{where}: unknown {label} {names}")


def _threshold(data: dict[str, Any]) -> Fraction:
    if "threshold" not in data:
        return DEFAULT_THRESHOLD
    raw = data["threshold"]
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise JuryInputError(f"threshold: expected a number in (0, 1], got {_kind(raw)}")
    try:
        return as_fraction(raw)
    except ValueError:
        raise JuryInputError(f"threshold: expected a number in (0, 1], got {raw!r}") from None


def _competencies(data: dict[str, Any]) -> list[CompetencyInput]:
    if "competencies" not in data:
        raise JuryInputError("competencies: missing")
    raw = data["competencies"]
    if not isinstance(raw, list):
        raise JuryInputError(f"competencies: expected a list, got {_kind(raw)}")
    if not raw:
        raise JuryInputError("competencies: empty list")
    seen: dict[str, int] = {}
    out: list[CompetencyInput] = []
    for index, item in enumerate(raw):
        where = f"competencies[{index}]"
        competency = _competency(item, where)
        if competency.code in seen:
            raise JuryInputError(
                f"{where}.code: duplicate code {competency.code!r}"
                f" (already at competencies[{seen[competency.code]}])"
            )
        seen[competency.code] = index
        out.append(competency)
    return out


def _competency(item: Any, where: str) -> CompetencyInput:
    if not isinstance(item, dict):
        raise JuryInputError(f"{where}: expected an object, got {_kind(item)}")
    _refuse_unknown(item, _COMPETENCY_FIELDS, where)
    if "code" not in item:
        raise JuryInputError(f"{where}.code: missing")
    code = item["code"]
    if not isinstance(code, str) or not code.strip():
        got = "an empty string" if isinstance(code, str) else _kind(code)
        raise JuryInputError(f"{where}.code: expected a non-empty string, got {got}")
    key = item.get("key", False)
    if not isinstance(key, bool):
        raise JuryInputError(f"{where}.key: expected true or false, got {_kind(key)}")
    has_criteria, has_validated = "criteria" in item, "validated" in item
    if has_criteria and has_validated:
        raise JuryInputError(f"{where}: both 'criteria' and 'validated' given")
    if not has_criteria and not has_validated:
        raise JuryInputError(f"{where}: neither 'criteria' nor 'validated' given")
    if has_validated:
        validated = item["validated"]
        if not isinstance(validated, bool):
            raise JuryInputError(
                f"{where}.validated: expected true or false, got {_kind(validated)}"
            )
        return CompetencyInput(code=code, key=key, validated=validated)
    criteria = item["criteria"]
    if not isinstance(criteria, list):
        raise JuryInputError(
            f"{where}.criteria: expected a list of true/false, got {_kind(criteria)}"
        )
    if not criteria:
        raise JuryInputError(f"{where}.criteria: empty list")
    for position, criterion in enumerate(criteria):
        if not isinstance(criterion, bool):
            raise JuryInputError(
                f"{where}.criteria[{position}]: expected true or false, got {_kind(criterion)}"
            )
    return CompetencyInput(code=code, key=key, criteria=tuple(criteria))
