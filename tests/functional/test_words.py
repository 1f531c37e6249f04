"""The words users read: no internal note (« seed », source gaps) outside staff pages, and
every history line in French."""

from __future__ import annotations

import json
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
    assert "«\u00a0Étude de votre dossier par le jury\u00a0»" in html
    assert not INTERNAL.search(html)
    assert "Règle par défaut du produit" not in html


def test_start_page_names_the_mention_with_its_article(candidate) -> None:
    html = text(candidate.get("/dossiers/nouveau"))
    assert "Vous choisirez ensuite la mention\u00a0: " in html and "lamention" not in html


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


# A plain space before « : ; ! ? » or inside « », and a decimal point in a figure: what French
# typography and numbers never have.
UNTYPESET = re.compile(r"\w [:;!?](\s|$)|« | »|\d \d{3}\b(?!\u00a0)|\b\d+\.\d+\s?(jours?|ans?|h|%)")


# Status codes a person must never read (« recevable » is French, the others are not).
RAW_CODES = re.compile(
    r"\b(" + "|".join(s.value for s in DossierStatus if s.value != "recevable") + r")\b"
)


def read_page(html: str) -> str:
    """The text a person reads on the page: tags and the values typed in forms left out."""
    import html as entities

    html = re.sub(r"<(script|style|textarea)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return entities.unescape(re.sub(r"<[^>]+>", "\n", html))


def test_journey_pages_emails_and_pdfs_are_typeset_in_french(
    app, candidate, make_user, logged_in
) -> None:
    from tests.helpers import outbox_messages, pdf_text

    dossier_id = recevable(app, candidate, make_user, "cqp-spp", "sante")
    officer = logged_in(Role.STAFF)
    pages = {
        **{
            step: candidate.get(url(dossier_id, step))
            for step in ("identite", "experience", "formation", "cv", "pieces", "recapitulatif")
        },
        "dossiers": candidate.get("/dossiers/"),
        "livret2": candidate.get(f"/dossiers/{dossier_id}/livret2/"),
        "file": officer.get("/cpnefp/dossiers"),
        "review": officer.get(f"/cpnefp/dossiers/{dossier_id}"),
        "dashboard": officer.get("/cpnefp/tableau-de-bord"),
    }
    found = {}
    for name, response in pages.items():
        assert response.status_code == 200, name
        read = read_page(text(response))
        seen = [read[max(0, m.start() - 30) : m.end() + 10] for m in UNTYPESET.finditer(read)]
        seen += RAW_CODES.findall(read)
        if seen or INTERNAL.search(read):
            found[name] = seen
    for message in outbox_messages(app):
        body = message.get_body(("plain",)).get_content()
        for where in (str(message["Subject"]), body):
            if UNTYPESET.search(where):
                found[message["Subject"]] = UNTYPESET.findall(where)
    response = candidate.get(url(dossier_id, "versions/1.pdf"))
    assert response.status_code == 200
    pdf = response.data
    response.close()
    # pypdf reads a no-break space back as a space: only figures and words are checked there.
    figures = re.compile(r"\b\d+\.\d+\s?(jours?|ans?|h|%)")
    if figures.search(pdf_text(pdf)) or INTERNAL.search(pdf_text(pdf)):
        found["dossier.pdf"] = figures.findall(pdf_text(pdf))
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
