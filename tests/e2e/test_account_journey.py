"""A visitor creates an account, confirms it from the email, signs in and out, in Chromium."""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

from tests.e2e.conftest import shot

PASSWORD = "une phrase de passe solide"


def latest_link(app, fragment: str) -> str:
    outbox = Path(app.config["MAIL_OUTBOX"])
    newest = max(outbox.glob("*.eml"), key=lambda p: p.name)
    message = email.message_from_bytes(newest.read_bytes(), policy=email.policy.default)
    body = message.get_body(("plain",)).get_content()
    return re.search(r"https?://\S*" + re.escape(fragment) + r"\S*", body).group(0)


def test_sign_up_confirm_sign_in_sign_out(page, live_server) -> None:
    page.goto("/")
    shot(page, "00-accueil")
    page.get_by_role("link", name="Créer mon compte candidat").click()
    page.get_by_label("Prénom").fill("Nadia")
    page.get_by_label(re.compile(r"^Nom\b")).fill("Haddad")
    page.get_by_label("Adresse électronique").fill("nadia.haddad@exemple.fr")
    page.get_by_label(re.compile(r"^Mot de passe\b")).fill("court")
    page.get_by_label("Confirmez le mot de passe").fill("court")
    page.get_by_role("button", name="Créer mon compte").click()
    # Server-side validation: summary at the top, message next to the field, input kept.
    summary = page.locator("#error-summary")
    assert "Le formulaire contient" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.get_by_label("Prénom").input_value() == "Nadia"
    shot(page, "01-inscription-erreurs")

    page.get_by_label(re.compile(r"^Mot de passe\b")).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    assert "Vérifiez votre messagerie" in page.content()

    page.goto(latest_link(live_server, "/confirmation/"))
    assert "adresse électronique est confirmée" in page.content()
    page.get_by_label("Adresse électronique").fill("nadia.haddad@exemple.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Bonjour Nadia"
    shot(page, "02-espace-candidat")

    page.get_by_role("button", name="Se déconnecter").click()
    assert "Vous êtes déconnecté." in page.content()


def test_keyboard_only_login(page, live_server) -> None:
    page.goto("/connexion")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    for _ in range(10):
        if page.evaluate("document.activeElement.id") == "email":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type("personne@exemple.fr")
    page.keyboard.press("Tab")
    page.keyboard.type("mauvais mot de passe")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Adresse électronique ou mot de passe incorrect." in page.content()


def test_certification_page_renders(page) -> None:
    page.goto("/certifications/cqp-gap")
    assert page.get_by_role("heading", level=1).inner_text().startswith("CQP")
    shot(page, "03-certification-cqp-gap")
