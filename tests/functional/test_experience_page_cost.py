"""#15: the candidate's experience page at the cost of a few queries. Its body (activities and
eligibility panel) and the stepper's states are cached per dossier version and day, its lists
read only on a miss, the comment box read in one plain query with no WTForms form: every
change to the dossier is seen at once, from any session, with that session's CSRF token."""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import update

from tests.functional.accompaniment_flow import accompagnateur
from tests.functional.dossier_flow import (
    FULL_TIME_JOB,
    HALF_TIME_JOB,
    SWORN,
    activity_ids,
    add_activity,
    complete_dossier,
    start_dossier,
    url,
)
from tests.functional.test_accompaniment_comments import REMARK, comment
from tests.functional.test_candidate_screens import main_of
from tests.functional.test_page_cache import statements_of
from tests.helpers import csrf_token, submit, text
from vae.accompaniment.models import AccompanimentComment
from vae.extensions import db

THANKS = "Merci pour la relecture du Tamanoir."
TABLE = re.compile(r"\bFROM (\w+)")


def titles(html: str) -> list[str]:
    """The activities' titles, in the page's order."""
    return re.findall(r'<li id="activite-[0-9a-f-]{36}" class="card">\s*<h2>(.*?)</h2>', html)


def test_a_warm_experience_page_reads_the_user_the_dossier_and_its_comments_only(
    app, candidate
) -> None:
    dossier_id = start_dossier(candidate)
    for job in (FULL_TIME_JOB, HALF_TIME_JOB):
        assert add_activity(candidate, dossier_id, job).status_code == 302
    page = url(dossier_id, "experience")
    missed = statements_of(app, lambda: candidate.get(page))  # this version computed here
    statements = statements_of(app, lambda: candidate.get(page))
    tables = [TABLE.search(s).group(1) for s in statements]
    assert tables == ["users", "dossiers", "accompaniment_comments"], statements

    # A new version reads each list once, whatever their length (no query per activity).
    assert add_activity(candidate, dossier_id, FULL_TIME_JOB).status_code == 302
    assert len(statements_of(app, lambda: candidate.get(page))) == len(missed) <= 7, missed


def test_the_cached_body_shows_a_change_at_once_in_every_session(app, candidate) -> None:
    dossier_id = start_dossier(candidate)
    for job in (FULL_TIME_JOB, HALF_TIME_JOB):
        assert add_activity(candidate, dossier_id, job).status_code == 302
    helper = accompagnateur(app, candidate, dossier_id)
    page = url(dossier_id, "experience")
    first, second = activity_ids(candidate, dossier_id)
    before = titles(text(candidate.get(page)))
    assert titles(text(helper.get(page))) == before and len(before) == 2

    # The accompagnateur moves the first activity down with the token of their own session.
    helper_html = helper.get(page).get_data(as_text=True)
    assert csrf_token(helper_html.encode()) != csrf_token(candidate.get(page).data)
    moved = helper.post(
        url(dossier_id, f"experience/{first}/deplacer"),
        data={"csrf_token": csrf_token(helper_html.encode()), "direction": "bas"},
    )
    assert moved.status_code == 302
    assert titles(text(candidate.get(page))) == before[::-1]  # the other session sees it

    renamed = {**FULL_TIME_JOB, "title": "Chef de projet « Tamanoir »"}
    assert submit(candidate, url(dossier_id, f"experience/{first}"), renamed).status_code == 302
    assert "Chef de projet «\u00a0Tamanoir\u00a0»" in titles(text(helper.get(page)))

    deleted = submit(candidate, url(dossier_id, f"experience/{second}/supprimer"), {}, page=page)
    assert deleted.status_code == 302
    assert activity_ids(helper, dossier_id) == [first]


def test_a_submitted_dossier_s_cached_page_turns_read_only_at_once(candidate) -> None:
    dossier_id = complete_dossier(candidate)
    page = url(dossier_id, "experience")
    assert ">Supprimer" in candidate.get(page).get_data(as_text=True)  # cached as a draft
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    html = main_of(candidate.get(page))
    assert "il se consulte en lecture seule" in html
    assert ">Supprimer" not in html and '<form method="post"' not in html
    assert "Gestionnaire prestations" in html


def test_the_comment_box_posts_with_its_plain_fields_and_names_each_author(app, candidate) -> None:
    dossier_id = start_dossier(candidate)
    helper = accompagnateur(app, candidate, dossier_id, first_name="Samia", last_name="Benali")
    page = url(dossier_id, "experience")
    html = candidate.get(page).get_data(as_text=True)
    assert '<input id="comment-target" name="comment-target" type="hidden" ' in html
    assert 'name="comment-body" required>' in html and 'name="comment-csrf_token"' in html
    assert comment(helper, dossier_id, "etape:experience", REMARK, page).status_code == 302
    assert comment(candidate, dossier_id, "etape:experience", THANKS, page).status_code == 302
    shown = text(candidate.get(page))
    assert "<strong>Samia Benali</strong> (Accompagnateur)" in shown
    assert REMARK in shown and THANKS in shown and "Commentaires (2)" in shown

    with app.app_context():  # the accompagnateur's account is deleted: the comment stays
        db.session.execute(
            update(AccompanimentComment)
            .where(AccompanimentComment.dossier_id == uuid.UUID(dossier_id))
            .where(AccompanimentComment.body == REMARK)
            .values(author_id=None)
        )
        db.session.commit()
    shown = text(candidate.get(page))
    assert "<strong>Compte supprimé</strong>, le" in shown and REMARK in shown


def test_a_refused_comment_is_shown_again_beside_its_field(candidate: Any) -> None:
    dossier_id = start_dossier(candidate)
    page = url(dossier_id, "experience")
    refused = comment(candidate, dossier_id, "etape:experience", " ", page)
    assert refused.status_code == 200
    html = text(refused)
    assert "Écrivez votre commentaire avant de l'envoyer." in html
    assert 'name="comment-csrf_token"' in html
