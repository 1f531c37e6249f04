"""Comments on the dossier's steps and the livret 2's situations: the candidate and their
accompagnateurs read and write them under each step or situation; staff and jury never see one."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from tests.functional.accompaniment_flow import accompagnateur
from tests.functional.dossier_flow import SWORN, complete_dossier, start_dossier, url
from tests.functional.jury_flow import (
    compose,
    declare,
    grid_url,
    jury_client,
    member,
    to_livret2_submitted,
)
from tests.functional.test_livret2 import l2, recevable, situation
from tests.helpers import submit, text
from vae.accompaniment.models import AccompanimentComment
from vae.extensions import db
from vae.jury.models import MemberKind
from vae.livret2.models import Livret2
from vae.roles import Role

REMARK = "Pensez a preciser les dates du Tamanoir."


def comment(client, dossier_id: str, target: str, body: str, page: str) -> object:
    """Post a comment from the page that shows the box (its CSRF token)."""
    return submit(
        client,
        f"/dossiers/{dossier_id}/commentaires",
        {"comment-target": target, "comment-body": body},
        page=page,
        token_field="comment-csrf_token",
    )


def test_the_accompagnateur_comments_a_step_and_the_candidate_reads_it(app, candidate) -> None:
    dossier_id = start_dossier(candidate, "cqp-dam")
    helper = accompagnateur(app, candidate, dossier_id, first_name="Samia", last_name="Benali")
    page = url(dossier_id, "identite")
    assert "Aucun commentaire pour l'instant" in text(helper.get(page))
    response = comment(helper, dossier_id, "etape:identite", REMARK, page)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{page}#commentaires")
    html = text(candidate.get(page))
    assert REMARK in html and "<strong>Samia Benali</strong> (Accompagnateur)" in html
    assert "Commentaires (1)" in html
    # Shown under its own step only; the candidate answers on the same step.
    assert REMARK not in text(candidate.get(url(dossier_id, "cv")))
    assert comment(candidate, dossier_id, "etape:identite", "Merci !", page).status_code == 302
    assert "Commentaires (2)" in text(helper.get(page))


def test_a_comment_too_long_or_empty_is_refused_beside_the_field(app, candidate) -> None:
    dossier_id = start_dossier(candidate, "cqp-dam")
    page = url(dossier_id, "cv")
    refused = text(comment(candidate, dossier_id, "etape:cv", "x" * 2001, page))
    assert 'id="comment-body-error"' in refused and "2000 caractères au plus." in refused
    assert "x" * 2001 in refused  # the text is kept to be shortened
    empty = text(comment(candidate, dossier_id, "etape:cv", "   ", page))
    assert "Écrivez votre commentaire avant de l'envoyer." in empty
    with app.app_context():
        assert db.session.scalar(select(AccompanimentComment.id)) is None
    # A target that is no step nor situation of this dossier: nothing to comment.
    assert comment(candidate, dossier_id, "etape:inconnue", "Bonjour", page).status_code == 404
    other = f"situation:{uuid.uuid4()}"
    assert comment(candidate, dossier_id, other, "Bonjour", page).status_code == 404


def test_comments_are_rate_limited(app, candidate, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "RATELIMIT_COMMENTS", "2 per hour")
    dossier_id = start_dossier(candidate, "cqp-dam")
    page = url(dossier_id, "cv")
    for n in range(2):
        assert comment(candidate, dossier_id, "etape:cv", f"Note {n}", page).status_code == 302
    refused = comment(candidate, dossier_id, "etape:cv", "Note 3", page)
    assert refused.status_code == 429


def test_a_situation_has_its_comments(app, candidate, make_user) -> None:
    dossier_id = recevable(app, candidate, make_user)
    helper = accompagnateur(app, candidate, dossier_id)
    submit(candidate, l2(dossier_id, "situations/nouvelle"), situation("B1/A1", "Entretien", []))
    with app.app_context():
        livret = db.session.scalar(
            select(Livret2).where(Livret2.dossier_id == uuid.UUID(dossier_id))
        )
        (situation_id,) = [s.id for s in livret.situations]
    page = l2(dossier_id, f"situations/{situation_id}")
    response = comment(helper, dossier_id, f"situation:{situation_id}", REMARK, page)
    assert response.status_code == 302 and page in response.headers["Location"]
    assert REMARK in text(candidate.get(page))


def test_staff_and_jury_never_see_comments(
    app, candidate, logged_in, make_user, session_id
) -> None:
    dossier_id = to_livret2_submitted(app, candidate, make_user)
    with app.app_context():
        livret = db.session.scalar(
            select(Livret2).where(Livret2.dossier_id == uuid.UUID(dossier_id))
        )
        situation_id = livret.situations[0].id
        # Written while the dossier and the livret 2 were drafts (posting is tested above).
        for target in ("etape:identite", f"situation:{situation_id}"):
            db.session.add(
                AccompanimentComment(
                    dossier_id=uuid.UUID(dossier_id),
                    author_id=candidate.user.id,
                    target=target,
                    body=REMARK,
                )
            )
        db.session.commit()
    page = url(dossier_id, "identite")
    assert REMARK in text(candidate.get(page))  # the candidate still reads them
    staff = logged_in(Role.STAFF)
    certifier, certifier_user = member(app, make_user, MemberKind.CERTIFIER)
    professional, _professional_user = member(app, make_user, MemberKind.PROFESSIONAL)
    assert compose(staff, dossier_id, session_id, certifier, professional).status_code == 302
    jury = jury_client(app, certifier_user)
    assert declare(jury, dossier_id).status_code in (200, 302)
    # Staff do not open the draft's form steps (403): they read the summary and the history.
    staff_pages = [url(dossier_id, p) for p in ("recapitulatif", "historique")]
    staff_pages += [f"/cpnefp/dossiers/{dossier_id}", l2(dossier_id)]
    assert staff.get(url(dossier_id, "identite")).status_code == 403
    jury_pages = [grid_url(dossier_id), url(dossier_id, "versions/1.html")]
    jury_pages += [l2(dossier_id, "versions/1.html")]
    for client, pages in ((staff, staff_pages), (jury, jury_pages)):
        for path in pages:
            response = client.get(path)
            assert response.status_code == 200, path
            assert REMARK not in text(response) and "Commentaires (" not in text(response), path
        for target in ("etape:identite", f"situation:{situation_id}"):
            refused = comment(client, dossier_id, target, "Note interne", pages[0])
            assert refused.status_code == 404, target
    with app.app_context():
        assert db.session.scalars(select(AccompanimentComment.body)).all() == [REMARK, REMARK]


def test_a_submitted_dossier_shows_its_comments_and_takes_no_more(app, candidate) -> None:
    dossier_id = complete_dossier(candidate)
    page = url(dossier_id, "cv")
    assert comment(candidate, dossier_id, "etape:cv", REMARK, page).status_code == 302
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    html = text(candidate.get(page))
    assert REMARK in html and "Publier le commentaire" not in html
    assert "Commentaires (" not in text(candidate.get(url(dossier_id, "identite")))
    late = comment(candidate, dossier_id, "etape:cv", "Trop tard", url(dossier_id, "recapitulatif"))
    assert late.status_code == 302
    assert "il ne reçoit plus de commentaires" in text(candidate.get(late.headers["Location"]))
    with app.app_context():
        assert db.session.scalars(select(AccompanimentComment.body)).all() == [REMARK]
