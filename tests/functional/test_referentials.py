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
        (lambda d: d["certifier"].pop("name"), "certifier.name"),
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


def test_each_certification_points_at_the_certifier_its_referential_names(app_ctx) -> None:
    from vae.certifiers.models import Certifier

    pairs = dict(
        db.session.execute(
            select(Certification.code, Certifier.code).join(
                Certifier, Certifier.id == Certification.certifier_id
            )
        ).all()
    )
    assert pairs == {
        "cqp-dam": "ucanss",
        "cqp-spp": "cpnefp-mutualite",
        "gpac": "cpnefp-mutualite",
        "cmc": "cpnefp-mutualite",
        "cqp-gap": "cpnefp-courtage",
    }
    ucanss = db.session.scalar(select(Certifier).where(Certifier.code == "ucanss"))
    assert ucanss.name == "Ucanss" and ucanss.address == "" and ucanss.signatory_name == ""


def test_a_new_certifier_in_a_file_is_created_with_a_new_version(app_ctx, tmp_path: Path) -> None:
    from vae.certifiers.models import Certifier

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    original = current_version("cqp-gap")
    path = data / "cqp-gap.yaml"
    path.write_text(path.read_text().replace("code: cpnefp-courtage", "code: branche-courtage", 1))
    try:
        outcomes = {o.code: o for o in load_all(data)}
        assert outcomes["cqp-gap"].created
        created = db.session.scalar(select(Certifier).where(Certifier.code == "branche-courtage"))
        assert created is not None and created.name.startswith("CPNEFP de la branche")
        certification = db.session.scalar(
            select(Certification).where(Certification.code == "cqp-gap")
        )
        assert certification.certifier_id == created.id
        assert current_version("cqp-gap").referential.certifier.code == "branche-courtage"
        old = db.session.get(ReferentialVersion, original.id)
        assert old.referential.certifier.code == "cpnefp-courtage"
    finally:  # put the database back as the session fixture loaded it
        certification = db.session.scalar(
            select(Certification).where(Certification.code == "cqp-gap")
        )
        certification.current_version_id = original.id
        certification.certifier_id = db.session.scalar(
            select(Certifier.id).where(Certifier.code == "cpnefp-courtage")
        )
        db.session.execute(
            ReferentialVersion.__table__.delete().where(
                ReferentialVersion.certification_id == certification.id,
                ReferentialVersion.id != original.id,
            )
        )
        db.session.execute(Certifier.__table__.delete().where(Certifier.code == "branche-courtage"))
        db.session.commit()


def test_a_file_without_certifier_is_refused(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load((DATA_DIR / "cmc.yaml").read_text())
    data.pop("certifier")
    path = tmp_path / "cmc.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(ReferentialFileError, match=r"cmc\.yaml: certifier: indiquez"):
        read_file(path)


def test_cli_load_and_show(app) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["referentials", "load"])
    assert result.exit_code == 0 and "cqp-dam: v1 (inchangé)" in result.output
    result = runner.invoke(args=["referentials", "show", "cqp-spp"])
    assert result.exit_code == 0
    shown = json.loads(result.output)
    assert shown["eligibility"]["required_years"] == 3
    assert shown["certifier"] == {"code": "cpnefp-mutualite", "name": "CPNEFP Mutualité"}
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
