"""The candidate's steps with the keyboard alone: Tab to move, type, Space to tick, Enter to
send. Focus is always visible, and lands on the error summary after a failed submit."""

from __future__ import annotations

import re

from tests.e2e.test_staff_journey import sign_in

PASSWORD = "une phrase de passe au clavier"


def focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
        return {id: e.id, tag: e.tagName, name: e.getAttribute('name'),
                text: (e.textContent || '').trim().slice(0, 60),
                outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2}; }"""
    )


def tab_to(page, predicate, limit: int = 80) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        current = focused(page)
        if predicate(current):
            assert current["outline"], f"focus not visible on {current}"
            return current
    raise AssertionError("element never reached with Tab")


def test_candidate_steps_with_the_keyboard_alone(page, live_server) -> None:
    from vae.auth.operations import create_account
    from vae.roles import Role

    with live_server.test_request_context():
        create_account("clavier@exemple.fr", "Louise", "Clavier", Role.CANDIDATE, PASSWORD)
    sign_in(page, "clavier@exemple.fr", PASSWORD)
    page.goto("/dossiers/nouveau")

    # Choose a certification with the arrow keys, create the dossier with Enter.
    tab_to(page, lambda f: f["name"] == "certification")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/certification$"))
    tab_to(page, lambda f: f["name"] == "option")
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Identity: a failed submit puts the focus on the error summary.
    assert "Étape 2 sur 7" in page.content()
    tab_to(page, lambda f: f["id"] == "phone")
    page.keyboard.type("pas un numéro")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert focused(page)["id"] == "error-summary"
    # The summary's first link takes the keyboard to the first faulty field.
    page.keyboard.press("Tab")
    link = focused(page)
    assert link["tag"] == "A" and link["text"].startswith("Adresse\u00a0: ")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "address"
    page.keyboard.type("3 rue des Touches")
    for field, value in (("postcode", "35000"), ("city", "Rennes"), ("phone", "02 99 00 00 00")):
        tab_to(page, lambda f, field=field: f["id"] == field)
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Votre identité est enregistrée." in page.content()

    # An activity, typed from start to end.
    page.goto(page.url.rsplit("/", 1)[0] + "/experience/nouvelle")
    values = {
        "title": "Conseillère",
        "employer_name": "Mutuelle Bretonne",
        "start_date": "01012019",
        "main_activities": "Accueil et conseil.",
    }
    for field, value in values.items():
        tab_to(page, lambda f, field=field: f["id"] == field)
        page.keyboard.type(value)
    tab_to(page, lambda f: f["id"] == "status-0")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["id"] == "ongoing")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["id"] == "work_time-0")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["id"] == "relevant-0")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["text"] == "Enregistrer l'activité")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "L'activité est enregistrée." in page.content()
    assert "Conseillère" in page.content()
