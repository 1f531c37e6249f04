"""The words users read: no internal note (« seed », source gaps) outside staff pages, and
every history line in French."""

from __future__ import annotations

import re

import pytest

from tests.functional.dossier_flow import SWORN, complete_dossier, url
from tests.functional.test_livret2 import recevable
from tests.helpers import submit, text
from vae.audit_labels import ACTION_LABELS
from vae.dossier.enums import DossierStatus
from vae.roles import Role

CERTIFICATIONS = ("cqp-dam", "cqp-spp", "gpac", "cqp-gap", "cmc")
INTERNAL = re.compile(r"seed|lacune", re.IGNORECASE)
STAFF_NOTE = "à confirmer par le certificateur"


def _visible(html: str) -> str:
    """The page's text as read: tags removed (an internal word in an attribute counts too)."""
    return re.sub(r"\s+", " ", html)


@pytest.mark.parametrize("code", CERTIFICATIONS)
def test_public_and_candidate_certification_pages_show_rules_not_gaps(
    client, logged_in, code
) -> None:
    candidate = logged_in(Role.CANDIDATE)
    for reader in (client, candidate):
        for page in ("/certifications/", f"/certifications/{code}", "/dossiers/nouveau"):
            response = reader.get(page)
            if response.status_code in (302, 401, 403):
                continue  # a page this reader may not open shows them nothing
            assert response.status_code == 200, page
            html = _visible(text(response))
            assert not INTERNAL.search(html), (page, INTERNAL.search(html))
            assert STAFF_NOTE not in html, page


def test_staff_and_admins_see_the_notes_to_confirm(logged_in) -> None:
    for role in (Role.STAFF, Role.ADMIN):
        reader = logged_in(role)
        for code in CERTIFICATIONS:
            html = text(reader.get(f"/certifications/{code}"))
            assert "Points à confirmer par le certificateur" in html, (role, code)
            assert "seed" not in html.lower(), (role, code)
    html = text(logged_in(Role.STAFF).get("/certifications/gpac"))
    assert "À confirmer par le certificateur (note réservée à la CPNEFP)" in html


def test_livret2_notice_states_the_rule_for_the_candidate(app, candidate, make_user) -> None:
    dossier_id = recevable(app, candidate, make_user, "cqp-spp", "sante")
    html = text(candidate.get(f"/dossiers/{dossier_id}/livret2/"))
    assert "Décrivez au moins une situation de travail pour chaque domaine" in html
    assert "« Étude de votre dossier par le jury »" in html
    assert not INTERNAL.search(html)
    assert "Règle par défaut du produit" not in html


def test_start_page_names_the_mention_with_its_article(candidate) -> None:
    html = text(candidate.get("/dossiers/nouveau"))
    assert "Vous choisirez ensuite la mention : " in html and "lamention" not in html


def test_staff_history_of_a_submitted_dossier_is_in_french(app, candidate, logged_in) -> None:
    dossier_id = complete_dossier(candidate, "cqp-spp", "sante")
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    officer = logged_in(Role.STAFF)
    html = text(officer.get(f"/cpnefp/dossiers/{dossier_id}"))
    history = html[html.index("Historique des actions") :]
    cells = re.findall(r"<td>([^<]*)</td>", history)
    assert cells, "the history table has rows"
    codes = set(ACTION_LABELS) | {s.value for s in DossierStatus} | {"sante", "prevoyance"}
    raw = sorted(c for c in cells if c.strip() in codes)
    assert not raw, f"raw codes in the staff history: {raw}"
    for label in (
        "Création",
        "Choix de la certification",
        "Identité enregistrée",
        "Dépôt du dossier",
    ):
        assert f"<td>{label}</td>" in history, label
    assert "<td>Brouillon</td>" in history and "<td>Santé</td>" in history


def test_admin_account_history_is_in_french(logged_in) -> None:
    admin = logged_in(Role.ADMIN)
    html = text(admin.get(f"/admin/comptes/{admin.user.id}"))
    history = html[html.index("Historique des actions") :]
    cells = re.findall(r"<td>([^<]*)</td>", history)
    assert "Connexion" in cells
    assert not set(ACTION_LABELS) & set(cells)
