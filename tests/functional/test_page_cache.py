"""#15: the candidate's pages parse a referential once per process, keep the eligibility
figures per dossier version and day, build row links once per list, and the livret 2 overview
loads each thing once. Every cache is shown to give way at once to a change."""

from __future__ import annotations

import re
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import event, select
from werkzeug.routing import MapAdapter

import vae.clock
from tests.functional.dossier_flow import (
    FULL_TIME_JOB,
    HALF_TIME_JOB,
    activity_ids,
    add_activity,
    start_dossier,
    upload,
    url,
)
from tests.functional.test_livret2 import l2, recevable
from tests.helpers import make_pdf, submit, text
from vae import french
from vae.dossier import page_cache
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.referentials.files import DATA_DIR
from vae.referentials.models import Certification, ReferentialVersion
from vae.referentials.operations import current_version, load_all


def statements_of(app: Any, request: Any) -> list[str]:
    """The SQL statements one request sends."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = request()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return statements


NOT_COUNTED = "Ne compte pas\u00a0: "  # an activity's line (the timeline's legend says it too)


def lock_version(app: Any, dossier_id: str) -> int:
    with app.app_context():
        return db.session.get(Dossier, uuid.UUID(dossier_id)).lock_version


# --- 1. referentials parsed once per process --------------------------------------------------


def test_a_referential_version_is_parsed_once_per_process_and_frozen(app) -> None:
    with app.app_context():
        first = current_version("cqp-spp").referential
    with app.app_context():  # another session, another row object: the same parsed version
        again = db.session.get(ReferentialVersion, current_version("cqp-spp").id)
        assert again.referential is first
    with pytest.raises(ValidationError):  # shared between requests, so no one may change it
        first.title = "Autre chose"


def test_a_newly_loaded_version_is_seen_by_the_next_request(app, client, tmp_path: Path) -> None:
    assert "Bloc renommé pour le test" not in text(client.get("/certifications/cqp-spp"))
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "cqp-spp.yaml"
    source = path.read_text()
    block = re.search(r"^\s+title: (.+)$", source[source.index("blocks:") :], re.M)
    assert block
    path.write_text(source.replace(block.group(1), "Bloc renommé pour le test", 1))
    with app.app_context():
        original = current_version("cqp-spp")
        original_id = original.id
        assert load_all(data)
    try:
        assert "Bloc renommé pour le test" in text(client.get("/certifications/cqp-spp"))
    finally:  # put the database back as the session fixture loaded it
        with app.app_context():
            certification = db.session.scalar(
                select(Certification).where(Certification.code == "cqp-spp")
            )
            certification.current_version_id = original_id
            db.session.execute(
                ReferentialVersion.__table__.delete().where(
                    ReferentialVersion.certification_id == certification.id,
                    ReferentialVersion.id != original_id,
                )
            )
            db.session.commit()


def test_pages_do_not_read_the_referential_json_once_it_is_parsed(app, candidate) -> None:
    dossier_id = start_dossier(candidate)
    candidate.get(url(dossier_id, "experience"))  # parsed (if not yet) here
    statements = statements_of(app, lambda: candidate.get(url(dossier_id, "experience")))
    assert not [s for s in statements if "referential_versions.data" in s], statements


# --- 2. eligibility figures per dossier version and day ---------------------------------------


def test_figures_are_computed_once_per_version_and_an_edited_activity_is_seen_at_once(
    app, candidate, monkeypatch
) -> None:
    computed: list[Any] = []
    assess = page_cache.assess_dossier
    monkeypatch.setattr(page_cache, "assess_dossier", lambda d: computed.append(1) or assess(d))
    dossier_id = start_dossier(candidate)
    assert add_activity(candidate, dossier_id, FULL_TIME_JOB).status_code == 302
    two_years = french.day_count(730)
    for _ in range(3):
        assert two_years in text(candidate.get(url(dossier_id, "experience")))
    assert len(computed) == 1

    before = lock_version(app, dossier_id)
    [activity_id] = activity_ids(candidate, dossier_id)
    one_year = {**FULL_TIME_JOB, "end_date": "2014-12-31"}
    assert submit(candidate, url(dossier_id, f"experience/{activity_id}"), one_year).status_code
    assert lock_version(app, dossier_id) > before  # editing an activity moves the version on
    html = text(candidate.get(url(dossier_id, "experience")))
    assert french.day_count(365) in html and two_years not in html
    assert len(computed) == 2


def test_a_new_proof_and_a_new_day_are_seen_at_once(app, candidate, monkeypatch) -> None:
    dossier_id = start_dossier(candidate)
    volunteer = {
        **HALF_TIME_JOB,
        "status": "benevole",
        "work_time": "hours_per_week",
        "work_time_value": "7",
    }
    add_activity(candidate, dossier_id, volunteer)
    assert NOT_COUNTED in text(candidate.get(url(dossier_id, "experience")))
    [activity_id] = activity_ids(candidate, dossier_id)
    before = lock_version(app, dossier_id)
    response = upload(
        candidate, dossier_id, f"a-{activity_id}", "volunteer_attestation", make_pdf()
    )
    assert response.status_code == 302
    assert lock_version(app, dossier_id) > before
    html = text(candidate.get(url(dossier_id, "experience")))
    assert NOT_COUNTED not in html
    assert "au 24 novembre 2026" in html  # today, for a draft

    later = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
    monkeypatch.setattr(vae.clock, "now", lambda: later)
    assert "au 1er mars 2027" in text(candidate.get(url(dossier_id, "experience")))


# --- 3. one query per relation, row links built once ------------------------------------------


def test_experience_page_costs_the_same_whatever_the_number_of_activities(
    app, candidate, monkeypatch
) -> None:
    builds: list[str] = []
    build = MapAdapter.build
    monkeypatch.setattr(
        MapAdapter,
        "build",
        lambda self, endpoint, *a, **k: builds.append(endpoint) or build(self, endpoint, *a, **k),
    )
    dossier_id = start_dossier(candidate)
    page = url(dossier_id, "experience")
    measured = []
    for count in (1, 6):
        while len(activity_ids(candidate, dossier_id)) < count:
            add_activity(candidate, dossier_id, FULL_TIME_JOB)
        candidate.get(page)
        builds.clear()
        statements = statements_of(app, lambda: candidate.get(page))
        measured.append((len(statements), len(builds)))
    assert measured[0] == measured[1], measured
    # user, dossier (+ version, certification), 3 lists, the step's comments (#16)
    assert measured[1][0] <= 7, measured
    html = candidate.get(page).get_data(as_text=True)
    for activity_id in activity_ids(candidate, dossier_id):
        for path in ("", "/attestation.pdf", "/deplacer", "/supprimer"):
            assert f'"/dossiers/{dossier_id}/experience/{activity_id}{path}"' in html


# --- 4. the livret 2 overview -----------------------------------------------------------------


def test_livret2_overview_loads_the_dossier_and_its_relations_once(
    app, candidate, make_user
) -> None:
    dossier_id = recevable(app, candidate, make_user)
    candidate.get(l2(dossier_id))
    statements = statements_of(app, lambda: candidate.get(l2(dossier_id)))
    assert len(statements) <= 11, statements
    tables = [re.search(r"\bFROM (\w+)", s).group(1) for s in statements]
    assert len(tables) == len(set(tables)), tables  # no table read twice
