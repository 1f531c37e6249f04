"""Pages with one row per activity (review page, evidence step, jury grid) build one form per
action, not one per row; a refused POST still shows each error beside its field, in French."""

from __future__ import annotations

import html as html_lib
import io
import re

import pytest
from werkzeug.datastructures import FileStorage
from wtforms import Field
from wtforms.form import BaseForm

from tests.functional.dossier_flow import (
    HALF_TIME_JOB,
    SWORN,
    activity_ids,
    add_activity,
    complete_dossier,
    upload,
    url,
)
from tests.functional.jury_flow import grid_data, grid_url
from tests.functional.test_jury import declared, ready, scheduled  # noqa: F401  (fixtures)
from tests.helpers import make_pdf, submit, text
from vae.roles import Role


@pytest.fixture
def forms_built(monkeypatch) -> list[str]:
    """The class name of every WTForms form built (the real forms, only counted)."""
    built: list[str] = []
    real = BaseForm.__init__

    def counted(self, *args, **kwargs):
        built.append(type(self).__name__)
        real(self, *args, **kwargs)

    monkeypatch.setattr(BaseForm, "__init__", counted)
    return built


def _dossier(client, extra_activities: int, *, submitted: bool) -> str:
    dossier_id = complete_dossier(client)
    for i in range(extra_activities):
        job = {**HALF_TIME_JOB, "title": f"Poste supplémentaire {i}"}
        assert add_activity(client, dossier_id, job).status_code == 302
    for activity_id in activity_ids(client, dossier_id)[2:]:
        response = upload(
            client, dossier_id, f"a-{activity_id}", "employer_attestation", make_pdf()
        )
        assert response.status_code == 302
    if submitted:
        assert submit(client, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    return dossier_id


def _forms_for(client, path: str, built: list[str]) -> list[str]:
    built.clear()
    assert client.get(path).status_code == 200
    return sorted(built)


def page_form(page: str, marker: str) -> dict[str, str]:
    """The fields a browser posts from the page's form containing ``marker``: hidden inputs
    (CSRF token included) and the values already chosen."""
    form = next(f for f in re.findall(r"<form\b.*?</form>", page, re.S) if marker in f)
    fields = {}
    for tag in re.findall(r"<input\b[^>]*>", form):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]*)"', tag)
        if name and (kind is None or kind.group(1) not in ("radio", "checkbox", "file")):
            fields[name.group(1)] = html_lib.unescape(value.group(1) if value else "")
    return fields


def test_review_page_and_evidence_step_build_as_many_forms_for_2_or_5_activities(
    app, logged_in, fixed_clock, forms_built
) -> None:
    staff = logged_in(Role.STAFF)
    counts = {}
    for extra in (0, 3):
        candidate = logged_in(Role.CANDIDATE)
        draft = _dossier(candidate, extra, submitted=False)
        evidence = _forms_for(candidate, url(draft, "pieces"), forms_built)
        submit(candidate, url(draft, "recapitulatif"), SWORN)
        review = _forms_for(staff, f"/cpnefp/dossiers/{draft}", forms_built)
        counts[extra] = (evidence, review)
    assert counts[0] == counts[3]
    evidence, review = counts[3]
    assert evidence.count("UploadForm") == 1
    assert review.count("FindingForm") == 1 and review.count("ComplementItemForm") == 1


def test_a_refused_finding_and_upload_say_why_beside_the_field(
    app, candidate, logged_in, fixed_clock
) -> None:
    dossier_id = _dossier(candidate, 0, submitted=False)
    first = activity_ids(candidate, dossier_id)[0]
    # The evidence step: the page's own form, without a file.
    page = text(candidate.get(url(dossier_id, "pieces")))
    fields = page_form(page, f'value="a-{first}"')
    assert f"a-{first}-csrf_token" in fields
    fields[f"a-{first}-kind"] = "employer_attestation"
    fields[f"a-{first}-file"] = FileStorage(io.BytesIO(b""), filename="")
    refused = text(candidate.post(url(dossier_id, "pieces"), data=fields))
    assert re.search(
        rf'id="a-{first}-file-error"><span class="visually-hidden">Erreur\u00a0:</span> '
        r"Choisissez un fichier\.",
        refused,
    )
    assert re.search(rf'<input[^>]*aria-invalid="true"[^>]*id="a-{first}-file"', refused)
    assert refused.count("error-message") == 1
    submit(candidate, url(dossier_id, "recapitulatif"), SWORN)
    # The review page: the officer's finding with a comment too long.
    staff = logged_in(Role.STAFF)
    review = f"/cpnefp/dossiers/{dossier_id}"
    page = text(staff.get(review))
    fields = page_form(page, f'name="activity_ref" value="{first}"')
    assert f"f-{first}-csrf_token" in fields
    fields[f"f-{first}-relevant"] = "oui"
    fields[f"f-{first}-comment"] = "x" * 2001
    refused = text(staff.post(f"{review}/constats", data=fields))
    assert re.search(
        rf'id="f-{first}-comment-error"><span class="visually-hidden">Erreur\u00a0:</span> '
        r"2.000 caractères au plus\.",
        refused,
    )
    assert 'value="oui" checked' not in refused or f'id="f-{first}-relevant-1"' in refused
    assert refused.count("error-message") == 1
    # The same form, shorter: recorded (its CSRF token and fields are the page's own).
    fields[f"f-{first}-comment"] = "Poste en rapport."
    assert staff.post(f"{review}/constats", data=fields).status_code == 302
    page = text(staff.get(review))
    assert (
        "Poste en rapport." in page
        and f'id="f-{first}-relevant-1" name="f-{first}-relevant"' in page
    )


def test_the_grid_renders_its_rows_from_plain_data(app, declared, monkeypatch) -> None:  # noqa: F811
    """WTForms renders the CSRF token and the « Signer » form, not one widget per criterion."""
    dossier_id, first, _second = declared
    rendered: list[str] = []
    real = Field.__call__

    def counted(self, *args, **kwargs):
        rendered.append(self.name)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Field, "__call__", counted)
    page = text(first.get(grid_url(dossier_id)))
    assert page.count('type="radio"') > 20
    assert len(rendered) <= 4, rendered


def test_a_refused_grid_says_why_beside_the_field_and_keeps_the_answers(
    app,
    declared,  # noqa: F811
) -> None:
    dossier_id, first, _second = declared
    data = grid_data(app, dossier_id, {"D1", "D2", "D3"})
    radio = next(k for k in data if k.endswith("__validated"))
    comment = radio.removesuffix("validated") + "comment"
    refused = text(submit(first, grid_url(dossier_id), {**data, comment: "Bien\x07"}))
    assert re.search(
        rf'id="{comment}-error"><span class="visually-hidden">Erreur\u00a0:</span> '
        r"Ce champ contient des caractères non autorisés\.",
        refused,
    )
    assert f'<a href="#{comment}">' in refused and refused.count("error-message") == 1
    assert f'checked id="{radio}-0" name="{radio}" type="radio" value="1"' in refused
