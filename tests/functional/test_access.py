"""Every route declares who may use it; the declaration is checked, then enforced per role.

Adding a route without adding it here fails the suite: decide its access rule first.
"""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import dispose_engines
from vae.access import rule_of
from vae.roles import Role

PUBLIC = ("public",)
ANONYMOUS = ("anonymous",)
AUTHENTICATED = ("authenticated",)


def roles(*allowed: Role) -> tuple:
    return ("roles", frozenset(allowed))


CANDIDATE = roles(Role.CANDIDATE)
# The draft's forms and the livret 2's situations: also the accompagnateurs the candidate invited.
EDITORS = roles(Role.CANDIDATE, Role.ACCOMPAGNATEUR)
READERS = roles(Role.CANDIDATE, Role.ACCOMPAGNATEUR, Role.STAFF, Role.ADMIN)
# Certificates: their holder and staff (an accompagnateur reads the results page, not these).
CERTIFICATE_READERS = roles(Role.CANDIDATE, Role.STAFF, Role.ADMIN)
STAFF = roles(Role.STAFF, Role.ADMIN)
JURY = roles(Role.JURY)
FILE_READERS = roles(Role.CANDIDATE, Role.ACCOMPAGNATEUR, Role.STAFF, Role.ADMIN, Role.JURY)


def api(scope: str) -> tuple:
    """/api/v1: a bearer token with ``scope``; a browser session never counts (401)."""
    return ("api_token", scope)


READ = api("read")

# endpoint -> (declared rule, a sample URL for GET checks or None for POST-only routes)
EXPECTED = {
    "main.home": (PUBLIC, "/"),
    "main.accessibility": (PUBLIC, "/accessibilite"),
    "main.glossary": (PUBLIC, "/lexique"),
    "main.legal_notices": (PUBLIC, "/mentions-legales"),
    "main.privacy_notice": (PUBLIC, "/donnees-personnelles"),
    "main.health": (PUBLIC, "/sante"),
    "certifications.index": (PUBLIC, "/certifications/"),
    "certifications.show": (PUBLIC, "/certifications/cqp-dam"),
    "auth.signup": (ANONYMOUS, "/inscription"),
    "auth.login": (ANONYMOUS, "/connexion"),
    "auth.logout": (AUTHENTICATED, None),
    "auth.confirm_email": (PUBLIC, "/confirmation/jeton"),
    "auth.reset_request": (PUBLIC, "/mot-de-passe-oublie"),
    "auth.reset_password": (PUBLIC, "/mot-de-passe/jeton"),
    "admin.users": (roles(Role.ADMIN), "/admin/comptes"),
    "admin.user_new": (roles(Role.ADMIN), "/admin/comptes/nouveau"),
    "admin.user": (roles(Role.ADMIN), "/admin/comptes/{self_id}"),
    "admin.user_toggle": (roles(Role.ADMIN), None),
    "admin.user_certifiers": (roles(Role.ADMIN), None),
    "certifiers.index": (roles(Role.ADMIN), "/admin/certificateurs/"),
    "certifiers.edit": (roles(Role.ADMIN), "/admin/certificateurs/ucanss"),
    "dossier.dashboard": (CANDIDATE, "/dossiers/"),
    "dossier.start": (CANDIDATE, "/dossiers/nouveau"),
    "dossier.show": (READERS, "/dossiers/{uuid}/"),
    "dossier.step": (EDITORS, "/dossiers/{uuid}/identite"),  # every form step (one view)
    "dossier.step_experience": (EDITORS, "/dossiers/{uuid}/experience"),
    "dossier.activity_form": (EDITORS, "/dossiers/{uuid}/experience/nouvelle"),
    "dossier.activity_delete": (EDITORS, None),
    "dossier.activity_move": (EDITORS, None),
    "dossier.attestation_model": (EDITORS, "/dossiers/{uuid}/experience/{uuid}/attestation.pdf"),
    "dossier.training_form": (EDITORS, "/dossiers/{uuid}/formation/nouvelle"),
    "dossier.training_delete": (EDITORS, None),
    "dossier.step_attachments": (EDITORS, "/dossiers/{uuid}/pieces"),
    "dossier.attachment": (FILE_READERS, "/dossiers/{uuid}/pieces/{uuid}"),
    "dossier.attachment_delete": (EDITORS, None),
    "dossier.step_summary": (READERS, "/dossiers/{uuid}/recapitulatif"),
    "dossier.submission_pdf": (FILE_READERS, "/dossiers/{uuid}/versions/1.pdf"),
    "dossier.decision_letter": (READERS, "/dossiers/{uuid}/decisions/{uuid}.pdf"),
    "dossier.submission_html": (FILE_READERS, "/dossiers/{uuid}/versions/1.html"),
    "dossier.decision_letter_html": (READERS, "/dossiers/{uuid}/decisions/{uuid}.html"),
    "dossier.history": (READERS, "/dossiers/{uuid}/historique"),
    "dossier.answer": (CANDIDATE, None),
    "review.index": (STAFF, "/cpnefp/dossiers"),
    "review.export_csv": (STAFF, "/cpnefp/dossiers/export.csv"),
    "review.export_xlsx": (STAFF, "/cpnefp/dossiers/export.xlsx"),
    "review.show": (STAFF, "/cpnefp/dossiers/{uuid}"),
    "review.assign": (STAFF, None),
    "review.finding": (STAFF, None),
    "review.decide": (STAFF, None),
    "review.withdraw_implicit": (roles(Role.ADMIN), None),
    "review.dashboard": (STAFF, "/cpnefp/tableau-de-bord"),
    "livret2.overview": (READERS, "/dossiers/{uuid}/livret2/"),
    "livret2.start": (CANDIDATE, None),
    "dossier.withdraw": (CANDIDATE, "/dossiers/{uuid}/retirer"),
    "dossier.resume": (CANDIDATE, None),
    "dossier.close": (STAFF, None),
    "livret2.targets": (EDITORS, None),
    "livret2.situation_form": (EDITORS, "/dossiers/{uuid}/livret2/situations/nouvelle"),
    "livret2.situation_delete": (EDITORS, None),
    "livret2.annex_add": (EDITORS, None),
    "livret2.annex_delete": (EDITORS, None),
    "livret2.preview": (READERS, "/dossiers/{uuid}/livret2/apercu.pdf"),
    "livret2.submit": (CANDIDATE, None),
    "livret2.version_pdf": (FILE_READERS, "/dossiers/{uuid}/livret2/versions/1.pdf"),
    "livret2.version_html": (FILE_READERS, "/dossiers/{uuid}/livret2/versions/1.html"),
    "livret2.return_livret": (STAFF, None),
    "livret2.extend": (STAFF, None),
    "jury.members": (STAFF, "/cpnefp/jury/membres"),
    "jury.member_directory": (roles(Role.ADMIN), None),  # attach a member to a directory
    "jury.sessions": (STAFF, "/cpnefp/jury/sessions"),
    "jury.compose": (STAFF, "/cpnefp/dossiers/{uuid}/jury"),
    "jury.proclaim": (STAFF, "/cpnefp/dossiers/{uuid}/proclamation"),
    "jury.my_dossiers": (JURY, "/jury/"),
    "jury.dossier": (JURY, "/jury/dossiers/{uuid}"),
    "jury.grid": (JURY, "/jury/dossiers/{uuid}/grille"),
    "jury.sign": (JURY, None),
    "jury.minutes": (
        roles(Role.JURY, Role.STAFF, Role.ADMIN),
        "/jury/dossiers/{uuid}/proces-verbal.pdf",
    ),
    "jury.results": (READERS, "/dossiers/{uuid}/resultats"),
    "jury.block_certificate": (CERTIFICATE_READERS, "/certificats/bloc/{uuid}.pdf"),
    "jury.certification_certificate": (
        CERTIFICATE_READERS,
        "/certificats/certification/{uuid}.pdf",
    ),
    "jury.minutes_html": (
        roles(Role.JURY, Role.STAFF, Role.ADMIN),
        "/jury/dossiers/{uuid}/proces-verbal.html",
    ),
    "jury.block_certificate_html": (CERTIFICATE_READERS, "/certificats/bloc/{uuid}.html"),
    "jury.certification_certificate_html": (
        CERTIFICATE_READERS,
        "/certificats/certification/{uuid}.html",
    ),
    "jury.convocation_html": (READERS, "/dossiers/{uuid}/convocation"),
    "jury.verify": (PUBLIC, "/verifier"),
    "privacy.account": (EDITORS, "/mon-compte"),  # candidates and accompagnateurs: their own
    "privacy.export": (EDITORS, "/mon-compte/donnees.zip"),
    "privacy.delete": (EDITORS, None),
    "privacy.anonymise": (STAFF, None),
    "accompaniment.index": (CANDIDATE, "/dossiers/{uuid}/accompagnateurs"),
    "accompaniment.revoke": (CANDIDATE, "/dossiers/{uuid}/accompagnateurs/{uuid}/retirer"),
    "accompaniment.invitation": (PUBLIC, "/invitation/jeton"),
    "comments.post": (AUTHENTICATED, None),
    "api_tokens.index": (roles(Role.ADMIN), "/admin/certificateurs/ucanss/jetons-api/"),
    "api_tokens.revoke": (roles(Role.ADMIN), None),
    "webhooks.index": (roles(Role.ADMIN), "/admin/certificateurs/ucanss/webhooks/"),
    "webhooks.disable": (roles(Role.ADMIN), None),
    "api.record_decision": (api("decide"), None),
    "api.record_proclamation": (api("proclaim"), None),
    "api.openapi": (PUBLIC, "/api/v1/openapi.json"),
    "api.docs": (PUBLIC, "/api/v1/docs"),
    "api.dossiers": (READ, "/api/v1/dossiers"),
    "api.dossier": (READ, "/api/v1/dossiers/{uuid}"),
    "api.attachment": (READ, "/api/v1/dossiers/{uuid}/attachments/{uuid}"),
    "api.decisions": (READ, "/api/v1/dossiers/{uuid}/decisions"),
    "api.livret2": (READ, "/api/v1/dossiers/{uuid}/livret2"),
    "api.livret2_pdf": (READ, "/api/v1/dossiers/{uuid}/livret2/versions/1.pdf"),
    "api.results": (READ, "/api/v1/dossiers/{uuid}/results"),
    "api.certificates": (READ, "/api/v1/dossiers/{uuid}/certificates"),
    "api.jury_sessions": (READ, "/api/v1/jury-sessions"),
    "api.acquired_blocks": (READ, "/api/v1/candidates/{uuid}/acquired-blocks"),
}


def test_every_route_declares_its_access_rule(app) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    missing = sorted(endpoints - EXPECTED.keys())
    assert not missing, f"routes absent from the access matrix: {missing}"
    stale = sorted(EXPECTED.keys() - endpoints)
    assert not stale, f"matrix rows for routes that no longer exist: {stale}"
    for endpoint in endpoints:
        declared = rule_of(app.view_functions[endpoint])
        assert declared == EXPECTED[endpoint][0], endpoint


def test_a_route_without_rule_is_refused(app) -> None:
    from vae import create_app

    keys = ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "PUBLIC_URL")
    other = create_app({k: app.config[k] for k in keys})

    @other.route("/oubli")
    def forgotten() -> str:
        return "ouvert"

    status = other.test_client().get("/oubli").status_code
    dispose_engines()
    assert status == 403


@pytest.mark.parametrize("role", [None, *Role])
def test_roles_get_what_the_matrix_says(app, logged_in, role) -> None:
    client = logged_in(role) if role else app.test_client()
    self_id = client.user.id if role else uuid.uuid4()
    for endpoint, (rule, url) in EXPECTED.items():
        if url is None:
            continue
        # {uuid}: an object nobody owns; a role allowed on the route still gets 404 for it.
        response = client.get(url.replace("{uuid}", str(uuid.uuid4())).format(self_id=self_id))
        unknown_object = "{uuid}" in url
        kind = rule[0]
        if kind == "public":
            assert response.status_code in (200, 302), (endpoint, role)
        elif kind == "api_token":  # a session cookie is no token
            assert response.status_code == 401, (endpoint, role)
            assert response.mimetype == "application/problem+json", (endpoint, role)
        elif kind == "anonymous":
            assert response.status_code == (302 if role else 200), (endpoint, role)
        elif role is None:
            assert response.status_code == 302, (endpoint, role)
            assert "/connexion" in response.headers["Location"]
        elif kind == "roles" and role not in rule[1]:
            assert response.status_code == 403, (endpoint, role)
        else:
            assert response.status_code == (404 if unknown_object else 200), (endpoint, role)


@pytest.mark.parametrize("role", [None, Role.CANDIDATE, Role.STAFF, Role.JURY])
def test_post_only_admin_routes_refuse_others(app, logged_in, make_user, role) -> None:
    target = make_user(Role.STAFF, email="cible@exemple.fr")
    client = logged_in(role) if role else app.test_client()
    client.get("/")
    response = client.post(f"/admin/comptes/{target.id}/activation")
    assert response.status_code in ((302,) if role is None else (403,))
    for url in (f"/admin/comptes/{target.id}/certificateurs", "/admin/certificateurs/ucanss"):
        response = client.post(url, data={"name": "Autre"})
        assert response.status_code in ((302,) if role is None else (403,)), url
