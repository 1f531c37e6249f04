"""The candidate's screens as people use them (issue #14): a submitted dossier reads as
read-only, one source for the steps' states, the livret 2 situation form that lists the chosen
block's competencies with a word count, and one unique <title> per page matching its h1."""

from __future__ import annotations

import html
import re

import pytest

from tests.functional.dossier_flow import (
    FULL_TIME_JOB,
    SWORN,
    activity_ids,
    add_activity,
    complete_dossier,
    start_dossier,
    url,
)
from tests.functional.test_livret2 import l2, recevable, situation
from tests.helpers import submit, text

STEP_PATHS = ("certification", "identite", "experience", "formation", "cv", "pieces")
ALL_STEP_PATHS = (*STEP_PATHS, "recapitulatif")
EDIT_WORDS = re.compile(r">\s*(Modifier|Supprimer|Ajouter)\b")


def main_of(response) -> str:
    """The page's <main>, decoded: the header's logout form is not the page's business."""
    assert response.status_code == 200, response.status_code
    match = re.search(r"<main\b.*?</main>", text(response), re.S)
    assert match
    return match.group(0)


def plain(fragment: str) -> str:
    """Markup to the words a person reads (tags dropped, spaces folded)."""
    words = html.unescape(re.sub(r"<[^>]+>", " ", fragment)).replace("\u00a0", " ")
    return " ".join(words.split())


def title_and_h1(response) -> tuple[str, str]:
    page = response.get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    h1 = re.search(r"<h1\b[^>]*>(.*?)</h1>", page, re.S)
    assert title and h1, page[:2000]
    return plain(title.group(1)), plain(h1.group(1))


# --- a submitted dossier reads as read-only -------------------------------------------------


def test_draft_steps_offer_their_forms_and_buttons(candidate) -> None:
    dossier_id = complete_dossier(candidate)
    for path in ("certification", "identite", "formation", "cv", "pieces"):
        assert '<form method="post"' in main_of(candidate.get(url(dossier_id, path))), path
    experience = main_of(candidate.get(url(dossier_id, "experience")))
    for word in ("Modifier", "Supprimer", "Ajouter"):
        assert f">{word}" in experience, word
    assert "lecture seule" not in experience


def test_submitted_dossier_steps_are_read_only_with_a_notice(candidate) -> None:
    dossier_id = complete_dossier(candidate)
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    for path in ALL_STEP_PATHS:
        page = main_of(candidate.get(url(dossier_id, path)))
        assert "Votre dossier est déposé\u00a0: il se consulte en lecture seule" in page, path
        assert '<form method="post"' not in page, path
        assert not EDIT_WORDS.search(page), (path, EDIT_WORDS.findall(page))
    identity = plain(main_of(candidate.get(url(dossier_id, "identite"))))
    assert "Nom Martin" in identity and "Prénom Camille" in identity
    training = plain(main_of(candidate.get(url(dossier_id, "formation"))))
    assert "BTS Assurance" in training
    assert "Gestionnaire prestations" in main_of(candidate.get(url(dossier_id, "experience")))
    assert "attestation" in main_of(candidate.get(url(dossier_id, "pieces")))


# --- one source for the steps' states -----------------------------------------------------------


def stepper_states(page: str) -> list[str]:
    return re.findall(r'<span class="step-state">(.*?)</span>', page)


def test_attachments_step_is_not_done_before_any_activity(candidate) -> None:
    dossier_id = start_dossier(candidate)
    page = text(candidate.get(url(dossier_id, "pieces")))
    states = stepper_states(page)
    assert len(states) == 7
    assert states[5] == "à compléter"
    assert re.search(r"Déclarez d.abord vos activités à l.étape « Expérience »", plain(page))


def test_dashboard_and_stepper_agree_on_steps_and_states(candidate) -> None:
    dossier_id = start_dossier(candidate)
    submit(candidate, url(dossier_id, "certification"), {"option": "sante"})
    assert add_activity(candidate, dossier_id, FULL_TIME_JOB).status_code == 302
    assert activity_ids(candidate, dossier_id)
    stepper = text(candidate.get(url(dossier_id, "experience")))
    total = int(re.search(r"Étape \d+ sur (\d+)", stepper).group(1))
    done = stepper_states(stepper).count("terminée")
    assert (total, done) == (7, 2)  # certification and experience; the summary is « à déposer »
    assert stepper_states(stepper)[-1] == "à déposer"
    dashboard = plain(main_of(candidate.get("/dossiers/")))
    assert f"{done} étapes terminées sur {total}" in dashboard


# --- the livret 2 situation form -----------------------------------------------------------------


@pytest.fixture
def dam(app, candidate, make_user) -> str:
    return recevable(app, candidate, make_user)


def test_situation_lists_the_chosen_blocks_competencies_first(candidate, dam) -> None:
    page = main_of(candidate.get(l2(dam) + "situations/nouvelle"))
    shown, _sep, rest = page.partition("data-competencies-more")
    # The first block is chosen by default: its competencies only, the others behind a <details>.
    assert 'value="C1"' in shown and 'value="C7"' not in shown
    assert 'value="C7"' in rest and "Afficher toutes les compétences" in rest
    response = submit(
        candidate, l2(dam) + "situations/nouvelle", situation("B2/A2", "Prévention", ["C7"])
    )
    assert response.status_code == 302
    edited = main_of(candidate.get(response.headers["Location"]))
    shown, _sep, rest = edited.partition("data-competencies-more")
    assert 'value="C7" checked' in shown and 'value="C1"' not in shown
    assert 'value="C1"' in rest


def test_situation_states_the_word_minimum_and_counts(candidate, dam) -> None:
    page = plain(main_of(candidate.get(l2(dam) + "situations/nouvelle")))
    assert "Au moins 80 mots au total" in page and "0 mots pour l'instant" in page
    response = submit(
        candidate,
        l2(dam) + "situations/nouvelle",
        situation("B1/A1", "Courte", ["C1"], words="Trop court."),
    )
    edited = plain(main_of(candidate.get(response.headers["Location"])))
    assert "2 mots pour l'instant" not in edited  # every rubric counts, not only the context
    assert re.search(r"(\d+) mots pour l'instant", edited).group(1) == "23"


# --- titles ---------------------------------------------------------------------------------------


def candidate_pages(app, candidate, make_user) -> list[str]:
    draft = complete_dossier(candidate, "cqp-spp", "sante")
    activity = activity_ids(candidate, draft)[0]
    livret_dossier = recevable(app, candidate, make_user)
    response = submit(
        candidate,
        l2(livret_dossier) + "situations/nouvelle",
        situation("B1/A1", "Entretien avec un médecin", ["C1"]),
    )
    return [
        "/dossiers/",
        "/dossiers/nouveau",
        *(url(draft, path) for path in ALL_STEP_PATHS),
        url(draft, "experience/nouvelle"),
        url(draft, f"experience/{activity}"),
        url(draft, "formation/nouvelle"),
        url(draft, "historique"),
        l2(livret_dossier),
        l2(livret_dossier) + "situations/nouvelle",
        response.headers["Location"],
        "/mon-compte",
    ]


def test_every_candidate_page_has_a_unique_title_matching_its_h1(app, candidate, make_user) -> None:
    titles = []
    for path in candidate_pages(app, candidate, make_user):
        response = candidate.get(path)
        assert response.status_code == 200, path
        title, h1 = title_and_h1(response)
        assert title.startswith(h1), (path, title, h1)
        assert title.endswith(" – Plateforme VAE"), title
        titles.append(title)
    assert len(set(titles)) == len(titles), titles
