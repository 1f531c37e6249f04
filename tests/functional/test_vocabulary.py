"""One vocabulary per certification: cqp-spp names its units « domaines » and its options
« mentions » on every page and PDF of the journey; cqp-dam keeps « bloc »."""

from __future__ import annotations

import html as entities
import re

from tests.functional.dossier_flow import complete_dossier, url
from tests.functional.jury_flow import (
    compose,
    jury_client,
    member,
    signed,
    to_livret2_submitted,
)
from tests.helpers import pdf_text, submit, text
from vae.jury.models import MemberKind
from vae.roles import Role

# « Bloc D1 », « blocs », « option Santé », « l'option »… — words cqp-spp does not use.
FOREIGN = re.compile(r"\bblocs?\b|\boptions?\b", re.IGNORECASE)
STEPS = ("certification", "identite", "experience", "formation", "cv", "pieces", "recapitulatif")


def _read(page: str) -> str:
    """The text a person reads: tags, scripts and form values left out; whitespace folded."""
    page = re.sub(r"<(script|style|textarea|select)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", entities.unescape(re.sub(r"<[^>]+>", " ", page)))


def _foreign(name: str, read: str) -> list[str]:
    return [
        f"{name}: …{read[max(0, m.start() - 40) : m.end() + 20]}…" for m in FOREIGN.finditer(read)
    ]


def test_cqp_spp_says_domaine_and_mention_everywhere(
    app, candidate, make_user, logged_in, session_id
) -> None:
    found: list[str] = []
    dossier_id = to_livret2_submitted(app, candidate, make_user)
    steps = {step: _read(text(candidate.get(url(dossier_id, step)))) for step in STEPS}
    assert "domaine" in steps["certification"] and "mention" in steps["recapitulatif"]
    for step, read in steps.items():
        found += _foreign(step, read)
    staff = logged_in(Role.STAFF)
    pages = {
        "livret2": candidate.get(f"/dossiers/{dossier_id}/livret2/"),
        "review": staff.get(f"/cpnefp/dossiers/{dossier_id}"),
        "queue": staff.get("/cpnefp/dossiers"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        found += _foreign(name, _read(text(response)))
    for name, path in (
        ("dossier.pdf", url(dossier_id, "versions/1.pdf")),
        ("livret2.pdf", f"/dossiers/{dossier_id}/livret2/versions/1.pdf"),
    ):
        response = candidate.get(path)
        assert response.status_code == 200, name
        content = pdf_text(response.data)
        response.close()
        assert "omaine" in content or "OMAINE" in content, name
        found += _foreign(name, re.sub(r"\s+", " ", content))

    # The jury: grid, then the results the candidate reads.
    certifier, certifier_user = member(app, make_user, MemberKind.CERTIFIER)
    professional, professional_user = member(app, make_user, MemberKind.PROFESSIONAL)
    assert compose(staff, dossier_id, session_id, certifier, professional).status_code == 302
    signed(app, (dossier_id, certifier_user, professional_user, staff), {"D1", "D2", "D3"})
    grid = _read(text(jury_client(app, certifier_user).get(f"/jury/dossiers/{dossier_id}/grille")))
    assert "Domaine validé" in grid and "Domaine non validé" in grid
    found += _foreign("grid", grid)
    page = f"/cpnefp/dossiers/{dossier_id}/proclamation"
    found += _foreign("proclamation", _read(text(staff.get(page))))
    results = {f"D{i}__result": "1" if i <= 3 else "0" for i in range(1, 6)}
    assert submit(staff, page, {"proclaimed_on": "2026-11-20", **results}).status_code == 302
    read = _read(text(candidate.get(f"/dossiers/{dossier_id}/resultats")))
    assert "mention" in read and "domaine" in read
    found += _foreign("results", read)
    assert not found, "\n".join(found)


def test_cqp_dam_keeps_bloc(candidate) -> None:
    draft = complete_dossier(candidate, "cqp-dam", None)
    read = _read(text(candidate.get(url(draft, "certification"))))
    assert re.search(r"\bBloc\b", read) and "domaine" not in read.lower()
