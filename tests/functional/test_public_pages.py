"""The public pages every footer links to: accessibility, legal notices, personal data."""

from __future__ import annotations

import re

import pytest

from tests.helpers import text
from vae.roles import Role

NBSP = "\u00a0"


def footer(html: str) -> str:
    match = re.search(r'<footer class="site-footer">(.*?)</footer>', html, re.S)
    assert match, "no footer"
    return match.group(1)


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_links_the_three_public_pages_and_the_favicon(
    client, logged_in, signed_in: bool
) -> None:
    visitor = logged_in(Role.CANDIDATE) if signed_in else client
    html = text(visitor.get("/"))
    links = footer(html)
    for path, label in (
        ("/accessibilite", f"Accessibilité{NBSP}: partiellement conforme"),
        ("/mentions-legales", "Mentions légales"),
        ("/donnees-personnelles", "Données personnelles"),
    ):
        assert f'href="{path}">{label}</a>' in links
        assert visitor.get(path).status_code == 200
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    icon = visitor.get("/static/favicon.svg")
    try:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
        assert b"<svg" in icon.get_data()
    finally:
        icon.close()


def page(client, path: str, title: str, *sections: str) -> str:
    """The page at ``path``: its title matches its h1, it has every section; its HTML."""
    response = client.get(path)
    assert response.status_code == 200
    html = text(response)
    assert f"<title>{title} – " in html and f"<h1>{title}</h1>" in html
    missing = [s for s in sections if f"<h2>{s}</h2>" not in html]
    assert not missing
    return html


def test_accessibility_statement_follows_the_rgaa_form(app, client) -> None:
    app.config["CPNEFP_EMAIL"] = "accessibilite@cpnefp.example"
    html = page(
        client,
        "/accessibilite",
        "Déclaration d'accessibilité",
        "État de conformité",
        "Ce qui a été testé et comment",
        "Contenus non accessibles",
        "Retour d'information et contact",
        "Voies de recours",
    )
    assert "<strong>partiellement conforme</strong>" in html
    for tested in ("axe", "Chromium", "1280, 375 et 320 pixels", "clavier", "sans JavaScript"):
        assert tested in html
    assert "PDF" in html and "ne sont pas balisés" in html
    assert "Chacun a une version accessible en HTML" in html and "elle est prévue" not in html
    assert "mailto:accessibilite@cpnefp.example" in html
    assert "Défenseur des droits" in html


def test_legal_notices_name_publisher_director_and_host_from_configuration(app, client) -> None:
    app.config.update(
        PUBLISHER_NAME="CPNEFP de la Mutualité",
        PUBLISHER_ADDRESS="255 rue de Vaugirard, 75015 Paris",
        PUBLICATION_DIRECTOR="Marie Durand, présidente",
        HOST_NAME="Hébergeur Exemple SAS",
        HOST_ADDRESS="2 rue Kellermann, 59100 Roubaix",
    )
    html = page(
        client, "/mentions-legales", "Mentions légales", "Directeur de la publication", "Hébergeur"
    )
    for value in (
        "CPNEFP de la Mutualité",
        "255 rue de Vaugirard, 75015 Paris",
        "Marie Durand, présidente",
        "Hébergeur Exemple SAS",
        "2 rue Kellermann, 59100 Roubaix",
    ):
        assert value in html


def test_privacy_page_states_controller_purposes_retention_and_rights(app, client) -> None:
    app.config.update(PUBLISHER_NAME="CPNEFP de la Mutualité", CPNEFP_EMAIL="dpo@cpnefp.example")
    app.config["RETENTION_YEARS"] = 7
    html = page(
        client,
        "/donnees-personnelles",
        "Données personnelles",
        "Responsable du traitement",
        "Finalités et bases légales",
        "Durées de conservation",
        "Vos droits et comment les exercer",
    )
    assert "CPNEFP de la Mutualité" in html and "mailto:dpo@cpnefp.example" in html
    assert "conservé 7 ans après sa clôture" in html  # RETENTION_YEARS, not a fixed number
    assert "au bout de 7 jours" in html  # vae.drafts.KEEP_FOR
    assert html.count('href="/mon-compte"') == 2  # export and erasure
    assert "CNIL" in html and "https://www.cnil.fr/fr/plaintes" in html
