"""The « Lexique » page and the <abbr> that explain CPNEFP, ETP and VAE where they first appear."""

from __future__ import annotations

import re

from tests.functional.dossier_flow import FULL_TIME_JOB, add_activity, start_dossier, url
from tests.helpers import text
from vae.glossary import ABBREVIATIONS
from vae.roles import Role


def first_is_explained(html: str, word: str) -> bool:
    """Whether the first time ``word`` is read in the page body it sits in an <abbr title>."""
    body = html[html.index("<body") :]
    for match in re.finditer(r"(<abbr title=\"[^\"]+\">)?([^<]*)", body):
        if re.search(rf"\b{word}\b", match.group(2)):
            return bool(match.group(1)) and match.group(2) == word
    return False


def test_glossary_page_explains_the_words(client) -> None:
    response = client.get("/lexique")
    assert response.status_code == 200
    html = text(response)
    assert "<h1>Lexique</h1>" in html
    for word in ("CPNEFP", "ETP", "équivalent temps plein", "Recevabilité", "Livret 2"):
        assert word in html, word
    for word in ("Préconisations", "Décision implicite", "Bloc, domaine", "CQP", "CCP"):
        assert word in html, word


def test_every_page_footer_links_to_the_glossary(client, logged_in) -> None:
    pages = [(client, "/"), (client, "/certifications/"), (client, "/connexion")]
    pages += [
        (logged_in(Role.STAFF), "/cpnefp/dossiers"),
        (logged_in(Role.CANDIDATE), "/dossiers/"),
    ]
    for reader, page in pages:
        html = text(reader.get(page))
        footer = html[html.index("<footer") :]
        assert 'href="/lexique"' in footer, page


def test_first_cpnefp_etp_vae_are_explained(candidate, logged_in) -> None:
    dossier_id = start_dossier(candidate)
    assert add_activity(candidate, dossier_id, FULL_TIME_JOB).status_code == 302
    dashboard = text(candidate.get("/dossiers/"))
    assert first_is_explained(dashboard, "VAE")
    assert first_is_explained(dashboard, "CPNEFP")
    experience = text(candidate.get(url(dossier_id, "experience")))
    assert first_is_explained(experience, "ETP"), "the eligibility panel"
    queue = text(logged_in(Role.STAFF).get("/cpnefp/dossiers"))
    assert first_is_explained(queue, "VAE") and first_is_explained(queue, "CPNEFP")
    assert f'title="{ABBREVIATIONS["CPNEFP"]}"' in queue
