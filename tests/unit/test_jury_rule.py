"""The jury's 80 % rule and its JSON layer (pure, no Flask)."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vae.rules.jury import (
    DEFAULT_THRESHOLD,
    CompetencyInput,
    JuryInputError,
    as_fraction,
    evaluate_block,
    evaluate_competency,
    evaluate_json,
    required_count,
)


def crit(met: int, total: int) -> tuple[bool, ...]:
    return (True,) * met + (False,) * (total - met)


def comp(code: str, met: int, total: int, *, key: bool = False) -> CompetencyInput:
    return CompetencyInput(code=code, key=key, criteria=crit(met, total))


def direct(code: str, validated: bool, *, key: bool = False) -> CompetencyInput:
    return CompetencyInput(code=code, key=key, validated=validated)


# --- required_count ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, 1), (2, 2), (3, 3), (4, 4), (5, 4), (6, 5), (7, 6), (10, 8), (15, 12), (0, 0)],
)
def test_required_count_rounds_80_percent_up(n: int, expected: int) -> None:
    assert required_count(n) == expected


def test_float_threshold_is_exact_five_gives_four() -> None:
    assert required_count(5, 0.8) == 4
    assert required_count(5, Decimal("0.8")) == 4
    assert required_count(5, Fraction(4, 5)) == 4
    assert as_fraction(0.8) == DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("n", "threshold", "expected"), [(25, 0.28, 7), (25, 0.56, 14), (100, 0.07, 7), (75, 0.68, 51)]
)
def test_float_products_that_overshoot_are_not_rounded_up(
    n: int, threshold: float, expected: int
) -> None:
    # In binary floats these products exceed the integer (0.28 * 25 == 7.000000000000001):
    # a naive math.ceil(threshold * n) would require one more.
    assert threshold * n > expected
    assert required_count(n, threshold) == expected


@pytest.mark.parametrize(("n", "threshold", "expected"), [(5, 1.0, 5), (6, 1, 6), (10, 0.1, 1)])
def test_required_count_other_thresholds(n: int, threshold: float, expected: int) -> None:
    assert required_count(n, threshold) == expected


def test_small_threshold_needs_at_least_one() -> None:
    assert required_count(3, 0.01) == 1
    assert required_count(1, Fraction(1, 1000)) == 1


@pytest.mark.parametrize("threshold", [0, 0.0, -0.5, 1.01, 2, float("nan"), float("inf")])
def test_threshold_outside_range_refused(threshold: float) -> None:
    with pytest.raises(ValueError):
        required_count(5, threshold)


def test_threshold_bool_refused() -> None:
    with pytest.raises(TypeError):
        as_fraction(True)


def test_required_count_negative_refused() -> None:
    with pytest.raises(ValueError):
        required_count(-1)


@given(n=st.integers(min_value=1, max_value=500), threshold=st.fractions(0, 1).filter(bool))
def test_required_count_is_smallest_k_reaching_threshold(n: int, threshold: Fraction) -> None:
    k = required_count(n, threshold)
    assert 0 < k <= n
    assert Fraction(k, n) >= threshold
    assert Fraction(k - 1, n) < threshold


@given(n=st.integers(min_value=1, max_value=500), percent=st.integers(min_value=1, max_value=100))
def test_required_count_float_thresholds_match_exact_decimals(n: int, percent: int) -> None:
    assert required_count(n, percent / 100) == required_count(n, Fraction(percent, 100))


# --- competencies --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "boundary"),
    [(5, 4), (10, 8), (15, 12), (6, 5), (4, 4), (3, 3)],
)
def test_competency_exact_boundary(total: int, boundary: int) -> None:
    met = evaluate_competency(comp("C1", boundary, total))
    assert met.validated
    assert (met.criteria_met, met.criteria_required) == (boundary, boundary)
    short = evaluate_competency(comp("C1", boundary - 1, total))
    assert not short.validated
    assert short.criteria_required == boundary


def test_competency_without_criteria_takes_the_verdict() -> None:
    result = evaluate_competency(direct("C2", True, key=True))
    assert result.validated and result.key
    assert result.criteria_met is None and result.criteria_required is None


def test_threshold_one_needs_every_criterion() -> None:
    assert not evaluate_competency(comp("C1", 9, 10), 1.0).validated
    assert evaluate_competency(comp("C1", 10, 10), 1.0).validated


@pytest.mark.parametrize(
    "kwargs",
    [
        {"code": "C1"},
        {"code": "C1", "criteria": (True,), "validated": True},
        {"code": "C1", "criteria": ()},
        {"code": "C1", "criteria": (1, 0)},
        {"code": "", "validated": True},
        {"code": "C1", "validated": 1},
    ],
)
def test_competency_input_invalid(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        CompetencyInput(**kwargs)  # type: ignore[arg-type]


# --- blocks --------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "needed"), [(6, 5), (5, 4), (4, 4), (3, 3)])
def test_block_boundary(n: int, needed: int) -> None:
    just = [direct(f"C{i}", i < needed) for i in range(n)]
    result = evaluate_block(just)
    assert result.required_count == needed
    assert result.validated_count == needed
    assert result.block_validated
    short = [direct(f"C{i}", i < needed - 1) for i in range(n)]
    assert not evaluate_block(short).block_validated


def test_key_competency_missing_blocks_the_block_even_when_all_others_pass() -> None:
    competencies = [direct(f"C{i}", True) for i in range(1, 10)]
    competencies.append(comp("C10", 3, 5, key=True))
    result = evaluate_block(competencies)
    assert result.validated_count == 9
    assert result.validated_count >= result.required_count == 8
    assert result.key_competencies_missing == ("C10",)
    assert not result.block_validated


def test_validated_key_competency_is_not_missing() -> None:
    result = evaluate_block([comp("C1", 4, 5, key=True), direct("C2", True, key=True)])
    assert result.key_competencies_missing == ()
    assert result.block_validated


def test_block_with_mixed_forms() -> None:
    result = evaluate_block(
        [comp("C1", 4, 5), comp("C2", 7, 10), direct("C3", True), direct("C4", True)]
    )
    assert [r.validated for r in result.competencies] == [True, False, True, True]
    assert (result.validated_count, result.required_count) == (3, 4)
    assert not result.block_validated


def test_block_threshold_applies_to_criteria_and_competencies() -> None:
    competencies = [comp("C1", 1, 2), comp("C2", 1, 2), comp("C3", 0, 2)]
    result = evaluate_block(competencies, 0.5)
    assert [r.criteria_required for r in result.competencies] == [1, 1, 1]
    assert (result.validated_count, result.required_count) == (2, 2)
    assert result.block_validated


def test_block_empty_or_duplicate_refused() -> None:
    with pytest.raises(ValueError):
        evaluate_block([])
    with pytest.raises(ValueError, match="C1"):
        evaluate_block([direct("C1", True), direct("C1", False)])


competency_strategy = st.builds(
    lambda key, criteria: CompetencyInput(code="?", key=key, criteria=tuple(criteria)),
    st.booleans(),
    st.lists(st.booleans(), min_size=1, max_size=16),
)


@given(
    competencies=st.lists(competency_strategy, min_size=1, max_size=8),
    threshold=st.sampled_from([Fraction(4, 5), Fraction(1), Fraction(1, 2), Fraction(1, 3)]),
    data=st.data(),
)
def test_meeting_one_more_criterion_never_unvalidates(
    competencies: list[CompetencyInput], threshold: Fraction, data: st.DataObject
) -> None:
    block = [
        CompetencyInput(code=f"C{i}", key=c.key, criteria=c.criteria)
        for i, c in enumerate(competencies)
    ]
    unmet = [(i, j) for i, c in enumerate(block) for j, v in enumerate(c.criteria or ()) if not v]
    if not unmet:
        return
    i, j = data.draw(st.sampled_from(unmet))
    criteria = list(block[i].criteria or ())
    criteria[j] = True
    improved = [
        *block[:i],
        CompetencyInput(code=f"C{i}", key=block[i].key, criteria=tuple(criteria)),
        *block[i + 1 :],
    ]
    before, after = evaluate_block(block, threshold), evaluate_block(improved, threshold)
    for old, new in zip(before.competencies, after.competencies, strict=True):
        assert new.validated or not old.validated
    assert after.validated_count >= before.validated_count
    assert set(after.key_competencies_missing) <= set(before.key_competencies_missing)
    assert after.block_validated or not before.block_validated


# --- JSON layer ----------------------------------------------------------------------------


def test_json_example_from_the_contract() -> None:
    text = json.dumps(
        {
            "threshold": 0.8,
            "competencies": [
                {"code": "C1", "key": False, "criteria": [True, True, False, True, True]},
                {"code": "C2", "key": True, "validated": True},
            ],
        }
    )
    assert evaluate_json(text) == {
        "competencies": [
            {"code": "C1", "validated": True, "criteria_met": 4, "criteria_required": 4},
            {"code": "C2", "validated": True},
        ],
        "validated_count": 2,
        "required_count": 2,
        "key_competencies_missing": [],
        "block_validated": True,
    }


def test_json_defaults_threshold_and_key() -> None:
    out = evaluate_json(
        '{"competencies": [{"code": "C1", "criteria": [true, true, true, true, false, false]},'
        ' {"code": "C2", "validated": true}]}'
    )
    assert out["competencies"][0] == {
        "code": "C1",
        "validated": False,
        "criteria_met": 4,
        "criteria_required": 5,
    }
    assert out["required_count"] == 2 and out["validated_count"] == 1
    assert out["key_competencies_missing"] == []
    assert out["block_validated"] is False
    json.dumps(out)  # serialisable as is


def test_json_key_competency_missing_listed() -> None:
    out = evaluate_json(
        '{"threshold": 1, "competencies": [{"code": "K", "key": true, "validated": false},'
        ' {"code": "C", "validated": true}]}'
    )
    assert out["key_competencies_missing"] == ["K"]
    assert out["block_validated"] is False


C_OK = '{"code": "C1", "validated": true}'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not valid JSON"),
        ("", "not valid JSON"),
        ("[1, 2]", "top level: expected a JSON object"),
        ('"x"', "top level: expected a JSON object"),
        ("{}", "competencies: missing"),
        ('{"competencies": {}}', "competencies: expected a list"),
        ('{"competencies": []}', "competencies: empty list"),
        ('{"competencies": [1]}', "competencies[0]: expected an object"),
        (
            '{"competencies": ['
            + C_OK
            + ', {"code": "C2", "criteria": [true], "validated": true}]}',
            "competencies[1]: both 'criteria' and 'validated' given",
        ),
        (
            '{"competencies": [{"code": "C1"}]}',
            "competencies[0]: neither 'criteria' nor 'validated' given",
        ),
        (
            '{"competencies": [{"code": "C1", "criteria": []}]}',
            "competencies[0].criteria: empty list",
        ),
        (
            '{"competencies": [{"code": "C1", "criteria": true}]}',
            "competencies[0].criteria: expected a list",
        ),
        (
            '{"competencies": [{"code": "C1", "criteria": [true, 1]}]}',
            "competencies[0].criteria[1]: expected true or false",
        ),
        (
            '{"competencies": [{"code": "C1", "criteria": [true, null]}]}',
            "competencies[0].criteria[1]: expected true or false, got null",
        ),
        ('{"competencies": [{"code": "C1", "validated": "yes"}]}', "competencies[0].validated:"),
        ('{"competencies": [{"code": "C1", "key": 1, "validated": true}]}', "competencies[0].key:"),
        (
            '{"competencies": [' + C_OK + ", " + C_OK + "]}",
            "competencies[1].code: duplicate code 'C1' (already at competencies[0])",
        ),
        ('{"competencies": [{"validated": true}]}', "competencies[0].code: missing"),
        (
            '{"competencies": [{"code": "", "validated": true}]}',
            "competencies[0].code: expected a non-empty",
        ),
        (
            '{"competencies": [{"code": "  ", "validated": true}]}',
            "competencies[0].code: expected a non-empty",
        ),
        (
            '{"competencies": [{"code": 3, "validated": true}]}',
            "competencies[0].code: expected a non-empty",
        ),
        (
            '{"threshold": 0, "competencies": [' + C_OK + "]}",
            "threshold: expected a number in (0, 1]",
        ),
        (
            '{"threshold": 1.5, "competencies": [' + C_OK + "]}",
            "threshold: expected a number in (0, 1]",
        ),
        (
            '{"threshold": -0.2, "competencies": [' + C_OK + "]}",
            "threshold: expected a number in (0, 1]",
        ),
        ('{"threshold": "0.8", "competencies": [' + C_OK + "]}", "threshold: expected a number"),
        (
            '{"threshold": true, "competencies": [' + C_OK + "]}",
            "threshold: expected a number in (0, 1], got a boolean",
        ),
        ('{"threshold": null, "competencies": [' + C_OK + "]}", "threshold: expected a number"),
        ('{"threshold": NaN, "competencies": [' + C_OK + "]}", "threshold: expected a number"),
        ('{"threshold": 1e999, "competencies": [' + C_OK + "]}", "threshold: expected a number"),
        ('{"competencies": [' + C_OK + '], "seuil": 0.8}', "top level: unknown field 'seuil'"),
        (
            '{"competencies": [{"code": "C1", "validated": true, "clé": true}]}',
            "competencies[0]: unknown field 'clé'",
        ),
        ('{"competencies": [' + C_OK + '], "competencies": []}', "duplicate field 'competencies'"),
    ],
)
def test_json_errors_name_the_field_on_one_line(text: str, message: str) -> None:
    with pytest.raises(JuryInputError) as caught:
        evaluate_json(text)
    assert isinstance(caught.value, ValueError)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_json_deep_nesting_is_an_input_error() -> None:
    with pytest.raises(JuryInputError, match="not valid JSON"):
        evaluate_json("[" * 100_000 + "]" * 100_000)
