"""Requests aimed at some blocks only (R6412-3): the choice, the quota exemption, and a livret 2,
grid, minutes, results and letters that cover only the requested blocks."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from sqlalchemy import select

from tests.functional.dossier_flow import SWORN, complete_dossier, start_dossier, url
from tests.functional.jury_flow import (
    compose,
    declare,
    grid_data,
    grid_url,
    jury_client,
    member,
    sign,
    write_situations,
)
from tests.helpers import pdf_text, submit, text
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.jury.models import AcquiredBlock, Jury, MemberKind
from vae.roles import Role


def _start_blocks_only(client, certification: str) -> str:
    response = submit(
        client, "/dossiers/nouveau", {"certification": certification, "scope": "blocks"}
    )
    assert response.status_code == 302, text(response)[:2000]
    match = re.search(r"/dossiers/([0-9a-f-]{36})/", response.headers["Location"])
    assert match
    return match.group(1)


def _dossier(dossier_id: str) -> Dossier:
    return db.session.get(Dossier, uuid.UUID(dossier_id))


def test_choosing_some_blocks_with_errors_beside_the_field(app, candidate) -> None:
    dossier_id = _start_blocks_only(candidate, "cqp-gap")
    page = text(candidate.get(url(dossier_id, "certification")))
    assert "Certains blocs seulement" in page and 'type="checkbox"' in page
    response = submit(
        candidate, url(dossier_id, "certification"), {"option": "sinistre", "scope": "blocks"}
    )
    html = text(response)
    assert response.status_code == 200
    assert re.search(r'id="blocks-error">.*Cochez au moins un bloc\.', html)
    response = submit(
        candidate,
        url(dossier_id, "certification"),
        {"option": "sinistre", "scope": "blocks", "blocks": ["BC1", "BC5"]},
    )
    assert "BC5\u00a0: ne cochez que des blocs de l’option choisie." in text(response)
    response = submit(
        candidate,
        url(dossier_id, "certification"),
        {"option": "sinistre", "scope": "blocks", "blocks": ["BC6", "BC1"]},
    )
    assert response.status_code == 302
    with app.app_context():
        assert _dossier(dossier_id).requested_blocks == ["BC1", "BC6"]
    # Editable while a draft: back to the whole certification.
    response = submit(
        candidate, url(dossier_id, "certification"), {"option": "sinistre", "scope": "whole"}
    )
    assert response.status_code == 302
    with app.app_context():
        assert _dossier(dossier_id).requested_blocks is None


def test_a_block_only_dossier_without_blocks_cannot_be_submitted(app, candidate) -> None:
    dossier_id = _start_blocks_only(candidate, "cqp-spp")
    html = text(candidate.get(url(dossier_id, "recapitulatif")))
    assert "Cochez au moins un domaine demandé." in html


def test_held_blocks_are_offered_unchecked_with_their_validity(app, candidate) -> None:
    dossier_id = _start_blocks_only(candidate, "cqp-spp")
    from vae.dossier import operations

    with app.test_request_context():
        operations.set_option(_dossier(dossier_id), "sante")  # blocks not ticked yet
        _hold(_dossier(dossier_id), ["D2"])
    html = text(candidate.get(url(dossier_id, "certification")))
    assert "Domaines demandés" in html and "Certains domaines seulement" in html
    assert "acquis, valable jusqu'au 14 mars 2029" in html
    checked = set(re.findall(r'value="(D\d)" checked', html))
    assert checked == {"D1", "D3", "D4", "D5"}


def _whole_then_refused(app, candidate, make_user) -> None:
    """A whole cqp-dam request submitted this year, then declared non recevable."""
    from vae.review import operations as review
    from vae.review.models import DecisionKind

    first = complete_dossier(candidate, "cqp-dam", None)
    assert submit(candidate, url(first, "recapitulatif"), SWORN).status_code == 302
    officer = make_user(Role.STAFF, email=f"agent-{uuid.uuid4().hex[:6]}@exemple.fr")
    with app.test_request_context():
        review.decide(
            _dossier(first),
            DecisionKind.NON_RECEVABLE,
            officer=officer,
            lock_version=None,
            reason_code="experience_relevance",
            comment="Expérience sans rapport avec la certification.",
        )


def test_a_second_request_the_same_year_is_allowed_only_block_only(
    app, candidate, make_user
) -> None:
    _whole_then_refused(app, candidate, make_user)
    response = submit(candidate, "/dossiers/nouveau", {"certification": "cqp-dam"})
    assert response.status_code == 200
    assert "une seule demande par certification" in text(response)
    assert "Une demande portant sur certains blocs seulement reste possible." in text(
        candidate.get("/dossiers/nouveau")
    )
    dossier_id = _start_blocks_only(candidate, "cqp-dam")
    dossier_id2 = complete_dossier_again(candidate, dossier_id, ["B2"])
    summary = text(candidate.get(url(dossier_id2, "recapitulatif")))
    assert "Demande portant sur le bloc B2" in summary
    assert "n'est pas soumise aux limites du nombre de demandes par an" in summary
    assert "une seule demande par certification" not in summary
    assert submit(candidate, url(dossier_id2, "recapitulatif"), SWORN).status_code == 302
    with app.app_context():
        assert _dossier(dossier_id2).submission_count == 1


def complete_dossier_again(
    client, dossier_id: str, blocks: list[str] | None, option: str | None = None
) -> str:
    """Fill the steps of a draft as the worked example does; ``blocks`` None: the whole."""
    from tests.functional.dossier_flow import (
        FULL_TIME_JOB,
        HALF_TIME_JOB,
        IDENTITY,
        activity_ids,
        add_activity,
        upload,
    )
    from tests.helpers import make_pdf

    choice = {"scope": "whole"} if blocks is None else {"scope": "blocks", "blocks": blocks}
    if option:
        choice["option"] = option
    response = submit(client, url(dossier_id, "certification"), choice)
    assert response.status_code == 302, text(response)[:3000]
    submit(client, url(dossier_id, "identite"), IDENTITY)
    add_activity(client, dossier_id, FULL_TIME_JOB)
    add_activity(client, dossier_id, HALF_TIME_JOB)
    submit(client, url(dossier_id, "formation"), {"diplomas_prepared": "", "diplomas_obtained": ""})
    submit(client, url(dossier_id, "cv"), {"cv": "Dix ans dans les mutuelles."})
    for activity_id in activity_ids(client, dossier_id):
        upload(client, dossier_id, f"a-{activity_id}", "employer_attestation", make_pdf())
    return dossier_id


def test_a_whole_request_still_counts_after_a_block_only_one(app, candidate) -> None:
    """An earlier block-only request is not counted either (R6412-3)."""
    dossier_id = complete_dossier_again(candidate, _start_blocks_only(candidate, "cqp-dam"), ["B1"])
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    with app.app_context():
        dossier = _dossier(dossier_id)
        dossier.move_to(DossierStatus.NON_RECEVABLE, "test_setup")  # no longer open
        db.session.commit()
    whole = complete_dossier_again(candidate, start_dossier(candidate, "cqp-dam"), None)
    assert submit(candidate, url(whole, "recapitulatif"), SWORN).status_code == 302


def _hold(dossier: Dossier, codes: list[str]) -> None:
    """Blocks an earlier jury proclaimed (setup: the jury's own rows)."""
    for code in codes:
        db.session.add(
            AcquiredBlock(
                candidate_id=dossier.candidate_id,
                certification_id=dossier.certification_id,
                dossier_id=dossier.id,
                block_code=code,
                proclaimed_on=date(2024, 3, 15),
                expires_on=date(2029, 3, 15),
                verification_code=f"TEST-{code}{code}-{uuid.uuid4().hex[:4].upper()}",
            )
        )
    db.session.commit()


def test_forged_choices_get_a_french_message(app, candidate) -> None:
    response = submit(candidate, "/dossiers/nouveau", {"certification": "cqp-dam", "scope": "zzz"})
    assert "Choisissez toute la certification ou certains blocs seulement." in text(response)
    dossier_id = _start_blocks_only(candidate, "cqp-dam")
    response = submit(
        candidate, url(dossier_id, "certification"), {"scope": "blocks", "blocks": ["ZZ"]}
    )
    assert response.status_code == 200
    assert "ZZ\u00a0: ne cochez que des blocs" in text(response)


@pytest.mark.parametrize("held", [[], ["D2", "D4", "D5"]])
def test_livret2_grid_minutes_results_and_letters_cover_only_the_requested_blocks(
    app, candidate, make_user, logged_in, session_id, held
) -> None:
    """With the other required blocks already held, the CQP is then obtained."""
    from vae.jury.operations import definition
    from vae.livret2 import operations as l2
    from vae.livret2.models import Livret2
    from vae.review import operations as review
    from vae.review.models import Decision, DecisionKind

    dossier_id = start_dossier(candidate)
    dossier_id = complete_dossier_again(candidate, dossier_id, None, "sante")  # then narrowed:
    with app.app_context():
        _hold(_dossier(dossier_id), held)
    response = submit(
        candidate,
        url(dossier_id, "certification"),
        {"option": "sante", "scope": "blocks", "blocks": ["D3", "D1"]},
    )
    assert response.status_code == 302
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    dossier_pdf = pdf_text(candidate.get(url(dossier_id, "versions/1.pdf"), buffered=True).data)
    assert "Demande portant sur les domaines D1, D3" in dossier_pdf
    officer = make_user(Role.STAFF, email=f"agent-{uuid.uuid4().hex[:6]}@exemple.fr")
    with app.test_request_context():
        dossier = _dossier(dossier_id)
        assert dossier.submissions[-1].snapshot["certification"]["requested_blocks"] == [
            "D1",
            "D3",
        ]
        review.decide(
            dossier,
            DecisionKind.RECEVABLE,
            officer=officer,
            lock_version=None,
            livret2_due=date(2027, 5, 24),
        )
        livret = db.session.scalar(select(Livret2).where(Livret2.dossier_id == dossier.id))
        if livret is None:
            livret = l2.open_livret(dossier, officer)
        assert livret.target_blocks == ["D1", "D3"]
        refused = l2.check_situation(dossier, livret, {"block_code": "D2", "competencies": []})
        assert refused == ["Choisissez un domaine parmi ceux que vous visez."]
        coverage = l2.coverage(dossier, livret)
        write_situations(dossier, livret, ["D1", "D3"])
        decision_id = db.session.scalar(
            select(Decision.id).where(Decision.dossier_id == dossier.id)
        )
    assert "D2" not in repr(coverage)
    letter = pdf_text(
        candidate.get(url(dossier_id, f"decisions/{decision_id}.pdf"), buffered=True).data
    )
    assert "demande portant sur les domaines D1, D3" in " ".join(letter.split())
    overview = text(candidate.get(f"/dossiers/{dossier_id}/livret2/"))
    assert "D1 –" in overview and "D3 –" in overview and "D2 –" not in overview
    preview = pdf_text(candidate.get(f"/dossiers/{dossier_id}/livret2/apercu.pdf").data)
    assert "Demande portant sur les domaines D1, D3" in " ".join(preview.split())
    with app.test_request_context():
        dossier = _dossier(dossier_id)
        livret = db.session.scalar(select(Livret2).where(Livret2.dossier_id == dossier.id))
        l2.submit(dossier, livret, officer)
    staff = logged_in(Role.STAFF)
    review_page = re.sub(r"\s+", " ", text(staff.get(f"/cpnefp/dossiers/{dossier_id}")))
    assert "Demande portant sur les domaines D1, D3 (demande limitée" in review_page
    certifier, certifier_user = member(app, make_user, MemberKind.CERTIFIER)
    professional, professional_user = member(app, make_user, MemberKind.PROFESSIONAL)
    assert compose(staff, dossier_id, session_id, certifier, professional).status_code == 302
    with app.app_context():
        jury = db.session.scalar(select(Jury).where(Jury.dossier_id == uuid.UUID(dossier_id)))
        assert [b.code for b in definition(jury)] == ["D1", "D3"]
    clients = [jury_client(app, certifier_user), jury_client(app, professional_user)]
    for client in clients:
        declare(client, dossier_id)
    grid_page = text(clients[0].get(grid_url(dossier_id)))
    assert "D1" in grid_page and "D3" in grid_page and "D2 " not in grid_page
    submit(clients[0], grid_url(dossier_id), grid_data(app, dossier_id, {"D1", "D3"}))
    for client in clients:
        assert sign(client, dossier_id).status_code == 302
    minutes = pdf_text(clients[0].get(f"/jury/dossiers/{dossier_id}/proces-verbal.pdf").data)
    flat = " ".join(minutes.split())
    assert "Demande portant sur les domaines D1, D3" in flat
    assert "D2" not in flat and "D4" not in flat
    proclaimed = submit(
        staff,
        f"/cpnefp/dossiers/{dossier_id}/proclamation",
        {"proclaimed_on": "2026-11-20", "D1__result": "1", "D3__result": "1"},
    )
    assert proclaimed.status_code == 302, text(proclaimed)[:3000]
    results = text(candidate.get(f"/dossiers/{dossier_id}/resultats"))
    # The CQP only when every required block is held and valid (capitalisation).
    assert ("Certification obtenue" in results) == bool(held)
    with app.app_context():
        codes = db.session.scalars(
            select(AcquiredBlock.block_code).where(
                AcquiredBlock.dossier_id == uuid.UUID(dossier_id)
            )
        ).all()
        assert sorted(codes) == sorted(["D1", "D3", *held])
