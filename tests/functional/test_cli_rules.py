"""The stable command-line interfaces of the rules: eligibility check and jury evaluate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

WORKED_EXAMPLE = {
    "rule": {"required_years": 3, "window_years": 12},
    "reference_date": "2026-11-24",
    "activities": [
        {"start": "2014-01-01", "end": "2015-12-31", "status": "salarie", "full_time": True},
        {"start": "2020-01-01", "end": None, "status": "salarie", "part_time_percent": 50},
    ],
}


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_eligibility_check_from_file(runner, tmp_path: Path) -> None:
    path = tmp_path / "dossier.json"
    path.write_text(json.dumps(WORKED_EXAMPLE))
    result = runner.invoke(args=["eligibility", "check", str(path)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["eligible"] is True and out["relevant_fte_days"] == 1662.00
    assert out["window_start"] == "2014-11-25"
    assert [a["fte_days_in_window"] for a in out["activities"]] == [402.0, 1260.0]


def test_eligibility_check_from_stdin_with_certification_rule(runner) -> None:
    request = {**WORKED_EXAMPLE, "certification": "cqp-spp"}
    del request["rule"]
    result = runner.invoke(args=["eligibility", "check", "-"], input=json.dumps(request))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["required_fte_days"] == 1095.0


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("pas du json", "JSON"),
        (
            {
                **WORKED_EXAMPLE,
                "activities": [
                    {
                        "start": "2020-01-01",
                        "end": "2019-01-01",
                        "status": "salarie",
                        "full_time": True,
                    }
                ],
            },
            "activities[0].end: before start (2019-01-01 < 2020-01-01)",
        ),
        ({**WORKED_EXAMPLE, "certification": "inconnue", "rule": None}, "certification"),
    ],
)
def test_eligibility_check_refuses_bad_input(runner, payload, message) -> None:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    result = runner.invoke(args=["eligibility", "check", "-"], input=text)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_jury_evaluate(runner) -> None:
    grid = {
        "competencies": [
            {"code": "C1", "key": False, "criteria": [True, True, False, True, True]},
            {"code": "C2", "key": True, "validated": False},
        ]
    }
    result = runner.invoke(args=["jury", "evaluate", "-"], input=json.dumps(grid))
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["competencies"][0]["criteria_required"] == 4
    assert out["key_competencies_missing"] == ["C2"] and out["block_validated"] is False


def test_jury_evaluate_refuses_bad_input(runner) -> None:
    result = runner.invoke(args=["jury", "evaluate", "-"], input='{"competencies": []}')
    assert result.exit_code == 2 and result.stderr.strip()
