"""#15 review of the candidate pages' caches (vae.dossier.page_cache): every operation that
changes what a cached part shows is seen at once, whoever looks; user text cannot forge the CSRF
mark; the caches stay within a size budget, whatever the size of one dossier."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from tests.functional.accompaniment_flow import accompagnateur
from tests.functional.dossier_flow import (
    FULL_TIME_JOB,
    HALF_TIME_JOB,
    IDENTITY,
    SWORN,
    activity_ids,
    add_activity,
    complete_dossier,
    start_dossier,
    upload,
    url,
)
from tests.functional.test_page_cache import NOT_COUNTED, lock_version
from tests.helpers import csrf_token, make_pdf, submit, text
from vae.dossier import page_cache
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Activity, Attachment, Dossier
from vae.extensions import db

OWN_NOTICE = "Votre dossier est déposé\u00a0: il se consulte en lecture seule."


def step_state(html: str, title: str) -> str:
    """The stepper's state of the step ``title`` (« terminée », « à compléter »…)."""
    found = re.search(
        rf'</span> {re.escape(title)}\s*<span class="step-state">([^<]*)</span>', html
    )
    assert found, html[:2000]
    return found.group(1)


def test_removing_a_proof_is_seen_at_once(app, candidate) -> None:
    dossier_id = start_dossier(candidate)
    volunteer = {**HALF_TIME_JOB, "status": "benevole"}
    assert add_activity(candidate, dossier_id, volunteer).status_code == 302
    [activity_id] = activity_ids(candidate, dossier_id)
    page = url(dossier_id, "experience")
    upload(candidate, dossier_id, f"a-{activity_id}", "volunteer_attestation", make_pdf())
    assert NOT_COUNTED not in text(candidate.get(page))
    assert step_state(text(candidate.get(page)), "Pièces justificatives") == "terminée"
    with app.app_context():
        attachment_id = db.session.scalar(select(Attachment.id))
    before = lock_version(app, dossier_id)
    removed = submit(
        candidate,
        url(dossier_id, f"pieces/{attachment_id}/supprimer"),
        {},
        page=url(dossier_id, "pieces"),
    )
    assert removed.status_code == 302
    assert lock_version(app, dossier_id) > before
    html = text(candidate.get(page))
    assert NOT_COUNTED in html  # the volunteer activity is no longer attested
    assert step_state(html, "Pièces justificatives") == "à compléter"


def test_adding_or_deleting_a_training_moves_the_version_on(app, candidate) -> None:
    dossier_id = start_dossier(candidate)
    course = {"title": "Gestion des sinistres", "year": "2019", "hours": "35"}
    before = lock_version(app, dossier_id)
    assert submit(candidate, url(dossier_id, "formation/nouvelle"), course).status_code == 302
    added = lock_version(app, dossier_id)
    assert added > before
    with app.app_context():
        [training] = db.session.get(Dossier, uuid.UUID(dossier_id)).trainings
        training_id = training.id
    page = url(dossier_id, "formation")
    delete = url(dossier_id, f"formation/{training_id}/supprimer")
    deleted = submit(candidate, delete, {}, page=page)
    assert deleted.status_code == 302
    assert lock_version(app, dossier_id) > added
    assert "est supprimée" in text(candidate.get(page))  # the flash message names it
    assert "Gestion des sinistres" not in text(candidate.get(page))


def test_saved_steps_turn_done_at_once_in_the_cached_stepper(app, candidate) -> None:
    dossier_id = start_dossier(candidate)
    pages = [url(dossier_id, "experience"), url(dossier_id, "cv")]
    for page in pages:  # cached as a fresh draft
        html = text(candidate.get(page))
        assert step_state(html, "Identité") == "à compléter"
        assert step_state(html, "Certification visée") == "à compléter"
        assert step_state(html, "Formation") == "à compléter"
    assert submit(candidate, url(dossier_id, "identite"), IDENTITY).status_code == 302
    assert submit(candidate, url(dossier_id, "certification"), {"option": "sante"}).status_code
    education = {"diplomas_prepared": "BTS Assurance", "diplomas_obtained": ""}
    assert submit(candidate, url(dossier_id, "formation"), education).status_code == 302
    for page in pages:
        html = text(candidate.get(page))
        assert step_state(html, "Identité") == "terminée"
        assert step_state(html, "Certification visée") == "terminée"
        assert step_state(html, "Formation") == "terminée"


def test_a_dossier_returned_for_complements_is_editable_again_at_once(app, candidate) -> None:
    dossier_id = complete_dossier(candidate)
    page = url(dossier_id, "experience")
    assert submit(candidate, url(dossier_id, "recapitulatif"), SWORN).status_code == 302
    assert ">Supprimer" not in candidate.get(page).get_data(as_text=True)  # cached read-only
    with app.app_context():  # the CPNEFP asks for complements, from another server
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        dossier.move_to(DossierStatus.INCOMPLETE, "decision_incomplete")
        db.session.commit()
    html = candidate.get(page).get_data(as_text=True)
    assert ">Supprimer" in html and OWN_NOTICE not in text(candidate.get(page))


def test_what_differs_per_viewer_is_never_taken_from_another_viewer_s_page(app, candidate) -> None:
    dossier_id = complete_dossier(candidate)
    helper = accompagnateur(app, candidate, dossier_id)
    sworn = {**SWORN, "reviewed": "y"}  # an accompagnateur worked on it
    assert submit(candidate, url(dossier_id, "recapitulatif"), sworn).status_code == 302
    for path in ("experience", "cv"):
        page = url(dossier_id, path)
        mine = candidate.get(page).get_data(as_text=True)  # cached by the candidate's visit
        theirs = helper.get(page).get_data(as_text=True)
        assert OWN_NOTICE in text(candidate.get(page)) and OWN_NOTICE not in theirs
        assert "← Mes dossiers" in mine and "← Les dossiers que j'accompagne" in theirs
        assert csrf_token(mine.encode()) not in theirs


def test_user_text_cannot_forge_the_csrf_mark(app, candidate) -> None:
    dossier_id = start_dossier(candidate)
    forged = {**FULL_TIME_JOB, "title": f"Poste {page_cache.CSRF_MARK} <b>gras</b>"}
    for job in (forged, FULL_TIME_JOB):
        assert add_activity(candidate, dossier_id, job).status_code == 302
    page = url(dossier_id, "experience")
    candidate.get(page)
    html = candidate.get(page).get_data(as_text=True)  # from the cache
    token = csrf_token(html.encode())
    forms = html.count(f'<form method="post" action="/dossiers/{dossier_id}/experience/')
    assert forms == 4  # down for the first, up for the second, two deletions
    assert html.count(f'<input name="csrf_token" type="hidden" value="{token}">') == forms
    assert "&lt;!--csrf-field--&gt; &lt;b&gt;gras&lt;/b&gt;" in html
    assert str(page_cache.CSRF_MARK) not in html and "<b>gras" not in html


def _fill(app: Any, count: int, chars: int) -> list[Any]:
    """``count`` bodies of ``chars`` characters each put in the HTML cache; what they returned."""
    shown = []
    with app.test_request_context("/"):
        for _ in range(count):
            dossier = Dossier(id=uuid.uuid4(), lock_version=1)
            body = f"<p>{'x' * chars}</p>{page_cache.CSRF_MARK}"
            shown.append(page_cache.body_html(dossier, "experience", lambda _mark, b=body: b))
    return shown


def test_the_html_cache_keeps_within_its_size_budget(app) -> None:
    shown = _fill(app, 40, 1_000_000)  # 40 dossiers of thousands of activities
    assert all(s.startswith("<p>x") and 'name="csrf_token"' in s for s in shown)
    cached = sum(page_cache.cached_html_sizes())
    assert cached <= 8_000_000, cached


def test_a_body_larger_than_the_whole_budget_is_served_uncached(app) -> None:
    [shown] = _fill(app, 1, 9_000_000)
    assert shown.startswith("<p>x") and 'name="csrf_token"' in shown
    assert all(size < 9_000_000 for size in page_cache.cached_html_sizes())


def test_a_version_number_met_again_after_a_restore_is_not_served_its_old_html(
    app, candidate
) -> None:
    """A database restored from a backup under running servers gives a dossier back an older
    version number, which its next change reaches again with other contents."""
    dossier_id = start_dossier(candidate)
    assert add_activity(candidate, dossier_id, FULL_TIME_JOB).status_code == 302
    page = url(dossier_id, "experience")
    assert "Gestionnaire prestations" in text(candidate.get(page))  # cached at this version
    with app.app_context():  # the restored row, then changed again: same number, later time
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        version, changed = dossier.lock_version, dossier.updated_at + timedelta(days=3)
        activities = Activity.__table__
        db.session.execute(
            update(activities)
            .where(activities.c.dossier_id == dossier.id)
            .values(title="Chargée de clientèle")
        )
        db.session.execute(
            update(Dossier.__table__)
            .where(Dossier.__table__.c.id == dossier.id)
            .values(lock_version=version, updated_at=changed)
        )
        db.session.commit()
    html = text(candidate.get(page))
    assert "Chargée de clientèle" in html and "Gestionnaire prestations" not in html
