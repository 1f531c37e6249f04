"""The five data files, read straight from disk: their structure is pinned here."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from vae.referentials.files import available_codes, read


def test_five_referentials() -> None:
    assert available_codes() == ["cmc", "cqp-dam", "cqp-gap", "cqp-spp", "gpac"]


def test_cqp_dam() -> None:
    r = read("cqp-dam")
    assert [len(b.competencies) for b in r.blocks] == [6, 5, 4]
    codes = [c.code for b in r.blocks for c in b.competencies]
    assert codes == [f"C{i}" for i in range(1, 16)]
    assert all(len(b.activities) == 1 for b in r.blocks)
    assert r.validity_years is None
    assert r.livret2.situations_per == "activity" and r.livret2.interview_minutes == 45
    assert r.options == []


def test_cqp_spp() -> None:
    r = read("cqp-spp")
    assert len(r.blocks) == 5 and r.block_label == "domaine"
    assert sorted(o.code for o in r.options) == ["prevoyance", "sante"]
    assert (r.eligibility.required_years, r.eligibility.window_years) == (3, 12)
    assert r.validity_years == 5


def test_cqp_gap() -> None:
    r = read("cqp-gap")
    assert [b.code for b in r.blocks] == [f"BC{i}" for i in range(1, 8)]
    assert [c.code for b in r.blocks for c in b.competencies] == [f"C{i}" for i in range(1, 14)]
    subs = [s.code for b in r.blocks for c in b.competencies for s in c.sub_competencies]
    assert len(subs) == 30 and subs[0] == "C8.1" and subs[-1] == "C13.4"
    assert all(re.fullmatch(r"C(8|9|1[0-3])\.\d", s) for s in subs)
    options = {o.code: o.blocks for o in r.options}
    assert options == {
        "production": ["BC1", "BC2", "BC3", "BC4", "BC5"],
        "sinistre": ["BC1", "BC2", "BC3", "BC6", "BC7"],
    }
    assert [b.code for b in r.required_blocks("sinistre")] == ["BC1", "BC2", "BC3", "BC6", "BC7"]


def test_gpac_keeps_the_missing_block_3_title_visible() -> None:
    r = read("gpac")
    titled = [b for b in r.blocks if b.title]
    assert len(titled) >= 4
    untitled = [b for b in r.blocks if b.title is None]
    assert len(untitled) == 1 and untitled[0].gap
    assert r.blocks.index(untitled[0]) == 2  # bloc 3


def test_cmc() -> None:
    r = read("cmc")
    assert len(r.blocks) == 5
    assert all(b.title and b.competencies for b in r.blocks)


@pytest.mark.parametrize("code", ["cmc", "cqp-dam", "cqp-gap", "cqp-spp", "gpac"])
def test_every_competency_has_a_full_text(code: str) -> None:
    r = read(code)
    for block in r.blocks:
        for competency in block.competencies:
            assert len(competency.title) > 15, competency.code


def test_cli_show_needs_no_database(tmp_path) -> None:
    env = {
        "VAE_INSTANCE_PATH": str(tmp_path),
        "VAE_SECRET_KEY": "x",
        "PATH": "/usr/bin:/bin",
        "VAE_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "vae", "referentials", "show", "cqp-dam"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["code"] == "cqp-dam" and shown["validity_years"] is None
    assert shown["certifier"] == {"code": "ucanss", "name": "Ucanss"}
    block = shown["blocks"][0]
    assert {"code", "title", "activities", "competencies"} <= block.keys()
    assert {"code", "title", "key", "criteria", "sub_competencies"} <= block["competencies"][
        0
    ].keys()
    assert shown["eligibility"] == {
        "required_years": None,
        "window_years": None,
        "source": shown["eligibility"]["source"],
    }


def test_a_version_stored_before_certifiers_were_data_still_reads() -> None:
    from vae.referentials.schema import Referential

    data = read("cqp-dam").model_dump(mode="json")
    old = Referential.model_validate({**data, "certifier": "Ucanss"})  # a bare name, before #16
    assert old.certifier is None and old.code == "cqp-dam"
