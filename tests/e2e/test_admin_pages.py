"""Admin and public pages pass axe-core too (the journeys cover candidate, staff and jury)."""

from __future__ import annotations

from tests.e2e.conftest import shot
from tests.e2e.test_staff_journey import sign_in

PASSWORD = "phrase de passe administrateur"


def test_admin_and_public_pages_are_accessible(page, live_server) -> None:
    from vae.auth.operations import create_account
    from vae.roles import Role

    with live_server.test_request_context():
        create_account("admin.a11y@exemple.fr", "Alice", "Admin", Role.ADMIN, PASSWORD)
    for path, name in (
        ("/certifications/", "60-certifications"),
        ("/certifications/gpac", "61-certification-gpac"),
        ("/verifier?code=AAAA-BBBB-CCCC", "62-verifier"),
        ("/accessibilite", "63-accessibilite"),
        ("/mot-de-passe-oublie", "64-mot-de-passe-oublie"),
    ):
        page.goto(path)
        shot(page, name)
    sign_in(page, "admin.a11y@exemple.fr", PASSWORD)
    for path, name in (
        ("/admin/comptes", "65-admin-comptes"),
        ("/admin/comptes/nouveau", "66-admin-nouveau"),
        ("/cpnefp/jury/membres", "67-jury-membres"),
        ("/cpnefp/jury/sessions", "68-jury-sessions"),
        ("/cpnefp/tableau-de-bord", "69-tableau-de-bord"),
        ("/admin/certificateurs/", "71-admin-certificateurs"),
        ("/admin/certificateurs/cpnefp-mutualite", "72-admin-certificateur"),
    ):
        page.goto(path)
        shot(page, name)
    page.goto("/admin/comptes")
    page.get_by_role("link", name="Admin Alice").click()
    shot(page, "70-admin-compte")
