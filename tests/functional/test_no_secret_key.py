"""Without a secret key: the commands that sign nothing run, a server says so in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.functional.test_cli_rules import WORKED_EXAMPLE

FLASK = str(Path(sys.executable).with_name("flask"))
JURY_GRID = {"competencies": [{"code": "C1", "key": True, "validated": True}]}


def run(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run ``args`` in a fresh instance folder, with no secret key anywhere."""
    env = {k: v for k, v in os.environ.items() if k != "VAE_SECRET_KEY"}
    env["VAE_INSTANCE_PATH"] = str(tmp_path)
    return subprocess.run(
        args, input=stdin, env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    ("args", "stdin", "expected"),
    [
        (("referentials", "show", "cqp-spp"), "", '"code": "cqp-spp"'),
        (("eligibility", "check", "-"), json.dumps(WORKED_EXAMPLE), '"eligible": true'),
        (("jury", "evaluate", "-"), json.dumps(JURY_GRID), '"block_validated": true'),
    ],
)
def test_rule_commands_run_without_a_secret_key(
    tmp_path: Path, args: tuple[str, ...], stdin: str, expected: str
) -> None:
    result = run(tmp_path, FLASK, "--app", "vae", *args, stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        (FLASK, "--app", "vae", "run", "--port", "0"),
        (sys.executable, "-c", "import vae; vae.create_app()"),  # as gunicorn loads it
    ],
)
def test_a_server_without_a_secret_key_says_so_in_one_french_line(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    result = run(tmp_path, *args)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "Aucune clé secrète\u00a0: définissez VAE_SECRET_KEY ou SECRET_KEY dans "
        "instance/config.py (`make run` en crée une)."
    ]
    assert "Traceback" not in result.stderr + result.stdout
