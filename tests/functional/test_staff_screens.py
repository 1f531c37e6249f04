"""Screens that fit the work (#14): the compact review page and the compact jury grid."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from forms.jury import field_key, grid_answers, grid_form
from tests.functional.dossier_flow import SWORN, complete_dossier, url
from tests.functional.jury_flow import (
    compose,
    declare,
    grid_data,
    grid_url,
    jury_client,
    member,
    to_livret2_submitted,
)
from tests.helpers import submit, text
from vae.extensions import db
from vae.jury.grid import definition, states
from vae.jury.models import MemberKind
from vae.referentials.models import Certification
from vae.roles import Role


def _strip_tags(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def _blocks(html: str, opening: str, closing: str) -> list[str]:
    """The inner HTML of each element opened by the regex ``opening`` (not nested)."""
    return re.findall(opening + r"(.*?)" + closing, html, flags=re.DOTALL)


@pytest.fixture
def review_page(candidate, logged_in, fixed_clock) -> str:
    dossier_id = complete_dossier(candidate)
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    officer = logged_in(Role.STAFF)
    return text(officer.get(f"/cpnefp/dossiers/{dossier_id}"))


def test_review_page_has_one_row_per_activity_with_declared_and_retained_values(
    review_page,
) -> None:
    html = review_page
    tables = _blocks(html, r'<table class="review-activities">', r"</table>")
    assert len(tables) == 1, "one table for all the activities"
    rows = _blocks(tables[0], r'<tr class="review-row" id="activite-[0-9a-f-]{36}">', r"</tr>")
    assert len(rows) == 2
    first = _strip_tags(rows[0])
    assert "Gestionnaire prestations" in first
    assert "oui / oui" in first  # relevant: declared / retained
    assert re.search(r"\d[\d\u202f\u00a0 ]*,\d\d / \d[\d\u202f\u00a0 ]*,\d\d", first), first
    assert 'class="table-scroll" tabindex="0" role="region"' in html.split("review-activities")[0]


def test_review_finding_forms_open_on_demand(review_page) -> None:
    rows = _blocks(review_page, r'<tr class="review-row"[^>]*>', r"</tr>")
    for row in rows:
        details = _blocks(row, r'<details class="finding">', r"</details>")
        assert len(details) == 1, "the finding form is inside a closed <details>"
        assert "<summary>Constat" in details[0]
        assert 'action="/cpnefp/dossiers/' in details[0] and "/constats" in details[0]
    # No finding form outside its <details>.
    outside = re.sub(r"<details.*?</details>", "", review_page, flags=re.DOTALL)
    assert "/constats" not in outside


def test_review_decision_form_has_one_fieldset_per_decision_kind(review_page) -> None:
    html = review_page
    assert "data-decision-form" in html
    parts = dict(
        re.findall(
            r'<fieldset class="decision-kind" data-decision-kind="(\w+)">(.*?)</fieldset>\s*'
            r'(?=<fieldset class="decision-kind"|<div class="field)',
            html,
            flags=re.DOTALL,
        )
    )
    assert set(parts) == {"recevable", "incomplete", "non_recevable"}
    assert 'name="decision-livret2_due"' in parts["recevable"]
    assert 'name="decision-reason"' not in parts["recevable"]
    assert 'name="decision-reason"' in parts["non_recevable"]
    assert "decision-items" in parts["incomplete"]
    # The default livret 2 deadline is proposed, filled in and said.
    assert re.search(r'name="decision-livret2_due"[^>]*value="\d{4}-\d\d-\d\d"', html) or re.search(
        r'value="\d{4}-\d\d-\d\d"[^>]*name="decision-livret2_due"', html
    )
    assert "Proposée\u00a0:" in html


def test_same_named_files_say_which_activity_they_belong_to(review_page) -> None:
    links = [
        _strip_tags(inner)
        for inner in re.findall(r'<a href="[^"]*/pieces/[^"]*">(.*?)</a>', review_page, re.DOTALL)
    ]
    viewed = [link for link in links if link.startswith("attestation.pdf")]
    assert len(viewed) == 2, links
    assert len(set(viewed)) == 2, "two links named attestation.pdf must differ"
    assert any("Gestionnaire prestations – Mutuelle du Midi" in link for link in viewed)
    assert any("Conseillère prestations" in link for link in viewed)
    downloads = [link for link in links if link.startswith("télécharger")]
    assert len(set(downloads)) == len(downloads) == 2


@pytest.fixture
def grid_client(app, candidate, make_user, logged_in, session_id):
    dossier_id = to_livret2_submitted(app, candidate, make_user)
    staff = logged_in(Role.STAFF)
    certifier, certifier_user = member(app, make_user, MemberKind.CERTIFIER)
    professional, _ = member(app, make_user, MemberKind.PROFESSIONAL)
    assert compose(staff, dossier_id, session_id, certifier, professional).status_code == 302
    client = jury_client(app, certifier_user)
    declare(client, dossier_id)
    return client, dossier_id


def test_jury_grid_one_line_per_competency_with_checkboxes(grid_client) -> None:
    client, dossier_id = grid_client
    html = text(client.get(grid_url(dossier_id)))
    competencies = _blocks(html, r'<fieldset class="grid-competency">', r"</details>\s*</fieldset>")
    assert competencies, "one fieldset per competency"
    for inner in competencies:
        assert inner.lstrip().startswith("<legend>")
        assert 'type="radio"' not in inner or "Résultat de la compétence" in inner
        assert '<details class="grid-comment">' in inner, "comment box on demand"
        assert "<summary>Commentaire" in inner
    assert ">Atteint<" not in html and ">Non atteint<" not in html
    # The block title is written once (its heading), not again in each competency.
    heading = re.search(r'<h2 id="grid-[^"]+">([^<]+)</h2>', html).group(1)
    assert html.count(heading) == 1


def test_jury_grid_says_a_evaluer_until_something_is_judged(grid_client, app) -> None:
    client, dossier_id = grid_client
    html = text(client.get(grid_url(dossier_id)))
    states = re.findall(r'<p class="grid-state">.*?<strong>([^<]+)</strong>', html)
    assert states and set(states) == {"à évaluer"}
    assert "non validée" not in " ".join(states)
    assert re.search(r"<strong>(Bloc|Domaine) à évaluer</strong>", html)
    # Once judged, the 80 % rule speaks: D1 validated, the others judged « non validée ».
    assert (
        submit(client, grid_url(dossier_id), grid_data(app, dossier_id, {"D1"})).status_code == 302
    )
    html = text(client.get(grid_url(dossier_id)))
    states = re.findall(r'<p class="grid-state">.*?<strong>([^<]+)</strong>', html)
    assert "à évaluer" not in states
    assert {"validée", "non validée"} <= set(states)
    assert re.search(r"<strong>(Bloc|Domaine) validé</strong>", html)
    assert re.search(r"<strong>(Bloc|Domaine) non validé</strong>", html)


def test_jury_grid_shows_the_candidates_situations_by_block(grid_client, app) -> None:
    client, dossier_id = grid_client
    html = text(client.get(grid_url(dossier_id)))
    boxes = dict(
        re.findall(r'<div class="grid-situations" id="situations-([^"]+)">(.*?)</div>', html, re.S)
    )
    assert boxes, "each block has its situations box"
    with_situations = [b for b in boxes.values() if "<li>" in b]
    assert with_situations, "the livret 2 situations are shown beside their block"
    assert all("livret 2 (PDF)" in b for b in with_situations)
    assert "Situation D1" in boxes["D1"] and "Situation D1" not in boxes.get("D2", "")


def test_jury_grid_criteria_are_checkboxes_and_untouched_stays_unjudged(app) -> None:
    """cqp-gap lists criteria: one checkbox each, « aucun critère atteint » judges none met."""
    with app.test_request_context(method="POST"):
        certification = db.session.scalar(
            select(Certification).where(Certification.code == "cqp-gap")
        )
        referential = certification.current_version.referential
        blocks = definition(referential, [b.code for b in referential.blocks])
        with_criteria = [c for b in blocks for c in b.competencies if c.criteria]
        assert len(with_criteria) >= 2
        judged, untouched = with_criteria[:2]
        assert 'type="checkbox"' in str(grid_form(blocks, {})[field_key(judged.code, "0")]())
        formdata = MultiDict({field_key(judged.code, "none"): "y"})
        answers = grid_answers(grid_form(blocks, {}, formdata=formdata), blocks)
        assert answers["competencies"][judged.code]["criteria"] == [False] * len(judged.criteria)
        assert set(answers["competencies"][untouched.code]["criteria"]) == {None}
        shown = states(blocks, answers).competencies
        assert shown[judged.code] == "non validée"
        assert shown[untouched.code] == "à évaluer"
        # Ticked criteria are met; the saved grid shows them ticked again.
        formdata = MultiDict({field_key(judged.code, "0"): "y"})
        answers = grid_answers(grid_form(blocks, {}, formdata=formdata), blocks)
        assert answers["competencies"][judged.code]["criteria"][0] is True
        again = grid_form(blocks, answers)
        assert again[field_key(judged.code, "0")].data is True
        assert again[field_key(judged.code, "none")].data is False
        # Ticking « aucun critère atteint » and a criterion is contradictory: said beside it.
        both = MultiDict({field_key(judged.code, "0"): "y", field_key(judged.code, "none"): "y"})
        form = grid_form(blocks, {}, formdata=both)
        assert not form.validate()
        assert form[field_key(judged.code, "none")].errors == [
            "Décochez « Aucun critère atteint » ou les critères atteints."
        ]
