"""JSON contract of ``flask --app vae eligibility check FILE``: parsing, errors, output."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from vae.rules.eligibility import EligibilityInputError, Rule
from vae.rules.eligibility_json import check, dumps, parse_request

TODAY = date(2026, 11, 24)
RULES = {"cqp-spp": Rule(required_years=3, window_years=12)}

EXAMPLE: dict[str, Any] = {
    "rule": {"required_years": 3, "window_years": 12},
    "reference_date": "2026-11-24",
    "activities": [
        {
            "start": "2014-01-01",
            "end": "2015-12-31",
            "status": "salarie",
            "full_time": True,
            "relevant": True,
        },
        {
            "start": "2020-01-01",
            "end": None,
            "status": "salarie",
            "part_time_percent": 50,
            "relevant": True,
        },
    ],
}


def lookup(code: str) -> Rule:
    return RULES[code]


def run(payload: Any) -> dict[str, Any]:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return check(text, rule_for_certification=lookup, today=TODAY)


def error(payload: Any) -> str:
    with pytest.raises(EligibilityInputError) as caught:
        run(payload)
    message = str(caught.value)
    assert "\n" not in message
    assert message == f"{caught.value.field}: {caught.value.message}"
    return message


def with_activity(**changes: Any) -> dict[str, Any]:
    """The example with its second activity changed (None removes a key)."""
    payload = json.loads(json.dumps(EXAMPLE))
    activity = payload["activities"][1]
    for key, value in changes.items():
        if value is None:
            activity.pop(key, None)
        else:
            activity[key] = value
    return payload


# --------------------------------------------------------------------------- output


def test_worked_example_output() -> None:
    result = run(EXAMPLE)
    assert result["eligible"] is True
    assert result["reference_date"] == "2026-11-24"
    assert result["window_start"] == "2014-11-25"
    assert result["required_fte_days"] == 1095.0
    assert result["relevant_fte_days"] == 1662.0
    assert result["relevant_fte_years"] == 4.55
    assert result["total_fte_days"] == 1990.0
    assert result["missing_fte_days"] == 0.0
    assert result["eligible_from"] is None
    assert [a["fte_days_in_window"] for a in result["activities"]] == [402.0, 1260.0]
    assert [a["fte_days_total"] for a in result["activities"]] == [730.0, 1260.0]
    assert [a["counted"] for a in result["activities"]] == [True, True]
    assert [a["reason"] for a in result["activities"]] == [None, None]
    assert len(result["warnings"]) == 2  # no attestation flagged on either job
    assert json.loads(dumps(result)) == result


def test_output_keys_are_stable() -> None:
    result = run(EXAMPLE)
    assert set(result) >= {
        "eligible",
        "reference_date",
        "window_start",
        "required_fte_days",
        "relevant_fte_days",
        "relevant_fte_years",
        "total_fte_days",
        "missing_fte_days",
        "eligible_from",
        "activities",
        "warnings",
    }
    assert set(result["activities"][0]) >= {
        "counted",
        "reason",
        "fte_days_in_window",
        "fte_days_total",
    }


def test_figures_are_rounded_to_two_decimals() -> None:
    payload = with_activity(part_time_percent=None, hours_per_month=100)
    result = run(payload)
    fte = result["activities"][1]["fte_days_in_window"]
    assert fte == round(2520 * 100 / 151.67, 2)
    for key in ("relevant_fte_days", "relevant_fte_years", "total_fte_days", "missing_fte_days"):
        assert result[key] == round(result[key], 2)


def test_certification_takes_the_rule_from_the_referential() -> None:
    payload = {k: v for k, v in EXAMPLE.items() if k != "rule"} | {"certification": "cqp-spp"}
    result = run(payload)
    assert result["certification"] == "cqp-spp"
    assert result["rule"] == {"required_years": 3, "window_years": 12}
    assert result["relevant_fte_days"] == 1662.0


def test_reference_date_defaults_to_today() -> None:
    payload = {k: v for k, v in EXAMPLE.items() if k != "reference_date"}
    result = check(json.dumps(payload), rule_for_certification=None, today=date(2026, 11, 25))
    assert result["reference_date"] == "2026-11-25"
    assert result["relevant_fte_days"] == 1662.0 - 1 + 0.5


def test_defaults_relevant_true_attested_false_end_absent() -> None:
    payload = {
        "rule": {"required_years": 1, "window_years": None},
        "reference_date": "2026-11-24",
        "activities": [
            {"start": "2026-01-01", "status": "benevole", "hours_per_week": 35},
            {"start": "2026-01-01", "status": "salarie", "hours_per_week": 35},
        ],
    }
    result = run(payload)
    assert result["window_start"] is None
    assert result["activities"][0]["counted"] is False
    assert "deux responsables" in result["activities"][0]["reason"]
    assert result["activities"][1]["counted"] is True
    assert result["relevant_fte_days"] == 328.0
    assert result["eligible"] is False
    assert result["eligible_from"] == "2026-12-31"


def test_window_years_absent_means_whole_career() -> None:
    payload = with_activity()
    payload["rule"] = {"required_years": 3}
    assert run(payload)["window_start"] is None


def test_parse_request_returns_typed_values() -> None:
    request = parse_request(EXAMPLE, rule_for_certification=None, today=TODAY)
    assert request.rule == Rule(3, 12)
    assert request.reference_date == TODAY
    assert request.activities[1].part_time_percent == 50
    assert request.activities[1].end is None
    assert request.certification is None


# --------------------------------------------------------------------------- errors


def test_not_json() -> None:
    message = error("{not json")
    assert message.startswith("(input): not valid JSON")


def test_nan_and_duplicate_keys_are_refused() -> None:
    assert error('{"rule": NaN}') == "(input): not valid JSON (NaN is not allowed)"
    assert error('{"activities": [], "activities": []}') == (
        "(input): not valid JSON (duplicate key 'activities')"
    )


@pytest.mark.parametrize(("payload", "kind"), [([], "array"), ("3", "number"), ("null", "null")])
def test_top_level_must_be_an_object(payload: Any, kind: str) -> None:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    assert error(text) == f"(input): expected a JSON object at the top level, got {kind}"


def test_unknown_fields_are_refused() -> None:
    assert error(EXAMPLE | {"colour": "blue"}).startswith("colour: unknown field (allowed: rule,")
    payload = with_activity(employer="ACME")
    assert error(payload).startswith("activities[1].employer: unknown field (allowed: start,")
    payload = EXAMPLE | {"rule": {"required_years": 3, "window": 12}}
    assert error(payload).startswith("rule.window: unknown field")


def test_neither_or_both_rule_and_certification() -> None:
    neither = {k: v for k, v in EXAMPLE.items() if k != "rule"}
    assert error(neither) == "rule: missing: give 'rule' or 'certification'"
    both = EXAMPLE | {"certification": "cqp-spp"}
    assert error(both) == "rule: give either 'rule' or 'certification', not both"


def test_unknown_certification() -> None:
    payload = {k: v for k, v in EXAMPLE.items() if k != "rule"} | {"certification": "xyz"}
    assert error(payload) == "certification: unknown certification 'xyz'"
    with pytest.raises(EligibilityInputError) as caught:
        check(json.dumps(payload), rule_for_certification=None, today=TODAY)
    assert caught.value.field == "certification"


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"window_years": 12}, "rule.required_years: missing"),
        ({"required_years": "3", "window_years": 12}, "rule.required_years: expected a number, "
                                                       "got string"),
        ({"required_years": -1, "window_years": 12}, "rule.required_years: out of range"),
        ({"required_years": 3, "window_years": 0}, "rule.window_years: out of range"),
        ({"required_years": 3, "window_years": 1.5}, "rule.window_years: expected an integer"),
        ({"required_years": 3, "window_years": "12"}, "rule.window_years: expected a number"),
        ("3/12", "rule: expected an object, got string"),
    ],
)  # fmt: skip
def test_rule_errors(rule: Any, expected: str) -> None:
    assert error(EXAMPLE | {"rule": rule}).startswith(expected)


def test_integral_float_window_is_accepted() -> None:
    assert run(EXAMPLE | {"rule": {"required_years": 3, "window_years": 12.0}})["eligible"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"status": "cdi"}, "activities[1].status: unknown status 'cdi' (expected one of: "),
        ({"status": None}, "activities[1].status: missing"),
        ({"status": 3}, "activities[1].status: expected a string, got number"),
        ({"start": "2020-13-01"}, "activities[1].start: invalid date '2020-13-01'"),
        ({"start": "2020-02-30"}, "activities[1].start: invalid date '2020-02-30'"),
        ({"start": "20200101"}, "activities[1].start: invalid date '20200101'"),
        ({"start": "01/01/2020"}, "activities[1].start: invalid date '01/01/2020'"),
        ({"start": None}, "activities[1].start: missing"),
        ({"start": 2020}, "activities[1].start: expected a date string (YYYY-MM-DD), got number"),
        ({"end": "2019-01-01"}, "activities[1].end: before start (2019-01-01 < 2020-01-01)"),
        ({"end": "2020-02-31"}, "activities[1].end: invalid date '2020-02-31'"),
        ({"start": "2027-01-01"}, "activities[1].start: after the reference date "
                                  "(2027-01-01 > 2026-11-24)"),
        ({"part_time_percent": None}, "activities[1]: no work time: give exactly one of "
                                      "full_time, part_time_percent, hours_per_month, "
                                      "hours_per_week"),
        ({"full_time": False, "part_time_percent": None}, "activities[1]: no work time"),
        ({"full_time": True}, "activities[1]: several work times given (full_time, "
                              "part_time_percent): give exactly one"),
        ({"hours_per_week": 10}, "activities[1]: several work times given"),
        ({"part_time_percent": 150}, "activities[1].part_time_percent: out of range (must be "
                                     "between 1 and 100, got 150)"),
        ({"part_time_percent": 0}, "activities[1].part_time_percent: out of range"),
        ({"part_time_percent": None, "hours_per_month": 209},
         "activities[1].hours_per_month: out of range (must be > 0 and <= 208, got 209)"),
        ({"part_time_percent": None, "hours_per_week": 48.5},
         "activities[1].hours_per_week: out of range (must be > 0 and <= 48, got 48.5)"),
        ({"part_time_percent": "50"}, "activities[1].part_time_percent: expected a number, "
                                      "got string"),
        ({"part_time_percent": True}, "activities[1].part_time_percent: expected a number, "
                                      "got boolean"),
        ({"full_time": "true", "part_time_percent": None}, "activities[1].full_time: expected a "
                                                           "boolean (true or false), got string"),
        ({"relevant": "yes"}, "activities[1].relevant: expected a boolean (true or false), "
                              "got string"),
        ({"attested": 1}, "activities[1].attested: expected a boolean (true or false), "
                          "got number"),
        ({"label": 12}, "activities[1].label: expected a string, got number"),
    ],
)  # fmt: skip
def test_activity_errors(changes: dict[str, Any], expected: str) -> None:
    assert error(with_activity(**changes)).startswith(expected)


def test_activity_errors_come_in_input_order() -> None:
    payload = with_activity(end="2019-01-01")
    payload["activities"][0]["status"] = "cdi"
    assert error(payload).startswith("activities[0].status: unknown status")


def test_activities_must_be_a_list_of_objects() -> None:
    assert error({k: v for k, v in EXAMPLE.items() if k != "activities"}) == ("activities: missing")
    assert error(EXAMPLE | {"activities": {}}) == "activities: expected an array, got object"
    assert error(EXAMPLE | {"activities": ["x"]}) == (
        "activities[0]: expected an object, got string"
    )


def test_reference_date_errors() -> None:
    assert error(EXAMPLE | {"reference_date": "24/11/2026"}) == (
        "reference_date: invalid date '24/11/2026'"
    )
    assert error(EXAMPLE | {"reference_date": "1850-01-01"}).startswith(
        "reference_date: out of range"
    )


def test_french_message_is_available_for_screens() -> None:
    with pytest.raises(EligibilityInputError) as caught:
        run(with_activity(end="2019-01-01"))
    assert caught.value.message_fr == (
        "la date de fin (01/01/2019) précède la date de début (01/01/2020)"
    )


def test_empty_activities_is_valid() -> None:
    result = run(EXAMPLE | {"activities": []})
    assert result["eligible"] is False
    assert result["missing_fte_days"] == 1095.0
    assert result["activities"] == []
