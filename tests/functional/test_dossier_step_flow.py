"""Issue 12, the dossier part: one generic view serves the form steps, built from the Step
objects; forms own their input; the rule constants live once in vae.rules; the submitted
snapshot has a declared type."""

from __future__ import annotations

import ast
import typing
import uuid
from pathlib import Path

from tests.functional.dossier_flow import IDENTITY, complete_dossier, start_dossier, url
from tests.helpers import submit, text
from vae.dossier import steps
from vae.dossier.models import Dossier
from vae.dossier.snapshot import DossierSnapshot
from vae.dossier.submissions import Submission
from vae.extensions import db
from vae.rules.identity import IDENTITY_FIELDS

ROOT = Path(__file__).resolve().parents[2]


def test_one_view_serves_every_form_step_at_its_own_address(app) -> None:
    adapter = app.url_map.bind("localhost")
    dossier_id = uuid.uuid4()
    for key in ("certification", "identite", "formation", "cv"):
        endpoint, values = adapter.match(f"/dossiers/{dossier_id}/{key}", method="POST")
        assert (endpoint, values["key"]) == ("dossier.step", key)
    assert set(steps.FORM_STEPS) == {"certification", "identite", "formation", "cv"}
    for step in steps.FORM_STEPS.values():
        assert step.form is not None and step.template.startswith("dossier/step_")
        assert callable(step.save)


def test_the_stepper_links_come_from_the_step_objects(app, candidate) -> None:
    dossier_id = start_dossier(candidate)
    html = text(candidate.get(url(dossier_id, "identite")))
    with app.test_request_context():
        links = [step.url(uuid.UUID(dossier_id)) for step in steps.STEPS]
    assert links == [
        url(dossier_id, key)
        for key in ("certification", "identite", "experience", "formation", "cv", "pieces")
    ] + [url(dossier_id, "recapitulatif")]
    for link in links:
        assert f'href="{link}"' in html


def test_a_form_step_saves_then_goes_to_the_next_step(app, candidate) -> None:
    dossier_id = start_dossier(candidate)
    response = submit(candidate, url(dossier_id, "identite"), IDENTITY)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(dossier_id, "experience"))
    response = submit(candidate, url(dossier_id, "cv"), {"cv": "Dix ans en mutuelle."})
    assert response.headers["Location"].endswith(url(dossier_id, "pieces"))
    with app.app_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        assert dossier.city == IDENTITY["city"] and dossier.cv == "Dix ans en mutuelle."


def test_a_form_step_keeps_its_french_errors_beside_the_field(candidate) -> None:
    dossier_id = start_dossier(candidate)
    response = submit(candidate, url(dossier_id, "identite"), {**IDENTITY, "postcode": "!"})
    assert response.status_code == 200
    assert "Code postal invalide\u00a0: par exemple 75011." in text(response)


def test_no_view_reads_the_posted_form_by_hand() -> None:
    """Forms own their input: no ``request.form.get`` nor ``request.form[...]`` under vae/."""
    found = []
    for path in sorted((ROOT / "vae").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            target = None
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr == "get":
                    target = node.func.value
            elif isinstance(node, ast.Subscript):
                target = node.value
            if (
                isinstance(target, ast.Attribute)
                and target.attr == "form"
                and isinstance(target.value, ast.Name)
                and target.value.id == "request"
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found


def test_the_french_fields_live_in_forms_common() -> None:
    from forms import common, dossier, jury, livret2, review

    for name in ("FrenchDateField", "FrenchDecimalField", "MultiCheckboxField"):
        assert getattr(common, name).__module__ == "forms.common"
    for module in (dossier, jury, livret2, review):
        for value in vars(module).values():
            if isinstance(value, type) and value.__name__.startswith("French"):
                assert value.__module__ == "forms.common", (module.__name__, value)


def test_the_submitted_snapshot_has_the_declared_shape(app, candidate) -> None:
    dossier_id = complete_dossier(candidate)
    training = {"title": "Gestion des contrats", "year": "2019"}
    assert submit(candidate, url(dossier_id, "formation/nouvelle"), training).status_code == 302
    response = candidate.get(url(dossier_id, "recapitulatif"))
    keys = {
        "exact": "y",
        "personal": "y",
        "single_request": "y",
        "three_requests": "y",
    }
    assert submit(candidate, url(dossier_id, "recapitulatif"), keys).status_code == 302
    assert response.status_code == 200
    with app.app_context():
        snapshot = db.session.query(Submission).one().snapshot
    hints = typing.get_type_hints(DossierSnapshot)
    assert set(snapshot) == set(hints)
    for part in ("certification", "identity", "eligibility", "education"):
        assert set(snapshot[part]) == set(typing.get_type_hints(hints[part])), part
    for part in ("activities", "trainings", "sworn_statement"):
        (item,) = typing.get_args(hints[part])
        assert snapshot[part], part
        assert all(set(entry) == set(typing.get_type_hints(item)) for entry in snapshot[part])
    assert list(snapshot["identity"]) == list(IDENTITY_FIELDS)
