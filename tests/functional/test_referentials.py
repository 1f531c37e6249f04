"""Referentials: loading, versioning, errors on malformed files, the CLI and the pages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.helpers import text
from vae.extensions import db
from vae.referentials.files import DATA_DIR, ReferentialFileError, read_file
from vae.referentials.models import Certification, ReferentialVersion
from vae.referentials.operations import current_version, load_all

CODES = ["cmc", "cqp-dam", "cqp-gap", "cqp-spp", "gpac"]


def test_the_five_referentials_are_loaded(app_ctx) -> None:
    codes = sorted(db.session.scalars(select(Certification.code)))
    assert codes == CODES


def test_loading_again_is_idempotent(app_ctx) -> None:
    before = db.session.scalar(select(func.count()).select_from(ReferentialVersion))
    outcomes = load_all()
    assert not any(o.created for o in outcomes)
    assert db.session.scalar(select(func.count()).select_from(ReferentialVersion)) == before


def test_a_changed_file_is_a_new_version_and_old_versions_stay(app_ctx, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    original = current_version("cqp-dam")
    path = data / "cqp-dam.yaml"
    path.write_text(path.read_text().replace("validity_years: null", "validity_years: 7"))
    try:
        outcomes = {o.code: o for o in load_all(data)}
        assert outcomes["cqp-dam"].created and outcomes["cqp-dam"].version == original.number + 1
        assert not outcomes["cqp-spp"].created
        newer = current_version("cqp-dam")
        assert newer.referential.validity_years == 7
        old = db.session.get(ReferentialVersion, original.id)
        assert old.referential.validity_years is None  # what older dossiers point at is unchanged
    finally:  # put the database back as the session fixture loaded it
        certification = db.session.scalar(
            select(Certification).where(Certification.code == "cqp-dam")
        )
        certification.current_version_id = original.id
        db.session.execute(
            ReferentialVersion.__table__.delete().where(
                ReferentialVersion.certification_id == certification.id,
                ReferentialVersion.id != original.id,
            )
        )
        db.session.commit()


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (lambda d: d.pop("title"), "title: Field required"),
        (lambda d: d["blocks"][0]["competencies"][0].pop("code"), "blocks.0.competencies.0.code"),
        (lambda d: d["blocks"][0].update(couleur="bleu"), "blocks.0.couleur"),
        (lambda d: d["eligibility"].update(required_years=-1), "eligibility.required_years"),
        (lambda d: d["blocks"].append(d["blocks"][0]), "codes en double"),
        (lambda d: d.update(code="autre"), "ne correspond pas au nom du fichier"),
    ],
)
def test_malformed_files_are_refused_naming_file_and_field(
    tmp_path: Path, mutation, expected
) -> None:
    import yaml

    data = yaml.safe_load((DATA_DIR / "cqp-dam.yaml").read_text())
    mutation(data)
    path = tmp_path / "cqp-dam.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(ReferentialFileError) as caught:
        read_file(path)
    assert str(caught.value).startswith("cqp-dam.yaml: ")
    assert expected in str(caught.value)


def test_unreadable_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cmc.yaml"
    path.write_text("code: [cmc\n")
    with pytest.raises(ReferentialFileError, match=r"cmc\.yaml: illisible"):
        read_file(path)


def test_a_malformed_file_loads_nothing(app_ctx, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "zz-bad.yaml").write_text("code: zz-bad\n")
    before = db.session.scalar(select(func.count()).select_from(ReferentialVersion))
    with pytest.raises(ReferentialFileError, match=r"zz-bad\.yaml"):
        load_all(data)
    assert db.session.scalar(select(func.count()).select_from(ReferentialVersion)) == before


def test_cli_load_and_show(app) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["referentials", "load"])
    assert result.exit_code == 0 and "cqp-dam: v1 (inchangé)" in result.output
    result = runner.invoke(args=["referentials", "show", "cqp-spp"])
    assert result.exit_code == 0
    shown = json.loads(result.output)
    assert shown["eligibility"]["required_years"] == 3
    result = runner.invoke(args=["referentials", "show", "inconnu"])
    assert result.exit_code != 0 and "référentiel inconnu" in result.output


def test_certification_pages(client) -> None:
    html = text(client.get("/certifications/"))
    for title in ("Délégué Assurance Maladie", "Spécialiste prestations"):
        assert title in html
    html = text(client.get("/certifications/cqp-spp"))
    assert "au cours des 12 dernières années" in html and "5 ans" in html
    html = text(client.get("/certifications/cqp-gap"))
    assert "C8.1" in html and "Production" in html and "Sinistre" in html
    html = text(client.get("/certifications/gpac"))
    assert "Lacune" not in html and "à confirmer par le certificateur" not in html
    assert client.get("/certifications/inconnue").status_code == 404


def test_certification_pages_use_a_bounded_number_of_queries(app, client) -> None:
    from sqlalchemy import event

    counts = []

    def count(*_args) -> None:
        counts.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get("/certifications/")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(counts) <= 2
