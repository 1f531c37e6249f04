"""Who changed what: the candidate's history names the candidate or the accompagnateur of each
change; the candidate gets a daily digest of the accompagnateurs' changes; and an accompanied
dossier is submitted only once the candidate confirmed having read all of it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.functional.accompaniment_flow import accompagnateur
from tests.functional.dossier_flow import IDENTITY, SWORN, complete_dossier, start_dossier, url
from tests.helpers import link_in, message_body, outbox_messages, submit, text
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db

CV = {"cv": "Dix ans de gestion des prestations."}


def _real_clock(monkeypatch: pytest.MonkeyPatch, shift: timedelta = timedelta()) -> None:
    """The audit trail is stamped with the real time: the digest reads it on the same clock."""
    import vae.clock

    monkeypatch.setattr(vae.clock, "now", lambda: datetime.now(UTC) + shift)


def _digest(app) -> list:
    """Run the command; the digests it sent."""
    before = len(outbox_messages(app))
    result = app.test_cli_runner().invoke(args=["accompaniment", "digest"])
    assert result.exit_code == 0, result.output
    return outbox_messages(app)[before:]


def test_the_history_names_who_made_each_change(app, candidate) -> None:
    dossier_id = start_dossier(candidate, "cqp-dam")
    helper = accompagnateur(app, candidate, dossier_id, first_name="Samia", last_name="Benali")
    assert submit(helper, url(dossier_id, "identite"), IDENTITY).status_code == 302
    assert submit(candidate, url(dossier_id, "cv"), CV).status_code == 302
    history = text(candidate.get(url(dossier_id, "historique")))
    assert 'Identité enregistrée. <span class="muted">– par Samia Benali (Accompagnateur)' in (
        history
    )
    assert 'CV synthétique enregistré. <span class="muted">– par Camille Martin (Candidat)' in (
        history
    )
    assert 'Dossier créé. <span class="muted">– par Camille Martin (Candidat)' in history


def test_one_digest_lists_the_accompagnateurs_changes_once_a_day(app, candidate, monkeypatch):
    _real_clock(monkeypatch)
    dossier_id = start_dossier(candidate, "cqp-dam")
    accompagnateur(app, candidate, dossier_id, "aide@relais.fr", first_name="Samia")
    helper = accompagnateur(app, candidate, dossier_id, first_name="Paul", last_name="Roche")
    assert submit(helper, url(dossier_id, "identite"), IDENTITY).status_code == 302
    assert submit(helper, url(dossier_id, "cv"), CV).status_code == 302
    assert submit(candidate, url(dossier_id, "cv"), CV).status_code == 302  # theirs: not told
    (message,) = _digest(app)
    assert message["To"] == candidate.user.email
    body = message_body(message)
    assert "Paul Roche (Point relais conseil)\u00a0:" in body
    assert "- Identité enregistrée\n- CV enregistré\n" in body
    assert "Samia" not in body  # changed nothing: not listed
    assert link_in(message, "/dossiers/").rstrip("/").endswith(dossier_id)
    assert _digest(app) == []  # the same day: nothing more
    _real_clock(monkeypatch, timedelta(days=1))
    assert _digest(app) == []  # the next day, no new change: nothing


def test_no_change_no_digest(app, candidate, monkeypatch) -> None:
    _real_clock(monkeypatch)
    dossier_id = start_dossier(candidate, "cqp-dam")
    accompagnateur(app, candidate, dossier_id)
    assert submit(candidate, url(dossier_id, "identite"), IDENTITY).status_code == 302
    assert _digest(app) == []


def test_an_accompanied_dossier_is_submitted_once_read_again(app, candidate) -> None:
    dossier_id = complete_dossier(candidate)
    page = url(dossier_id, "recapitulatif")
    assert "J'ai relu l'ensemble de mon dossier" not in text(candidate.get(page))
    accompagnateur(app, candidate, dossier_id)
    html = text(candidate.get(page))
    assert "J'ai relu l'ensemble de mon dossier" in html and "Identité" in html
    refused = text(submit(candidate, page, SWORN))
    assert 'id="reviewed-error"' in refused
    assert "Cochez cette case une fois votre dossier relu en entier." in refused
    with app.app_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        assert dossier.status == DossierStatus.DRAFT
    assert submit(candidate, page, {**SWORN, "reviewed": "y"}).status_code == 302
    with app.app_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        assert dossier.status == DossierStatus.SUBMITTED


def test_the_submission_itself_refuses_an_accompanied_dossier_not_read_again(
    app, candidate
) -> None:
    from vae.dossier import submit as submission
    from vae.dossier.operations import DossierError

    dossier_id = complete_dossier(candidate)
    accompagnateur(app, candidate, dossier_id)
    with app.test_request_context():
        dossier = db.session.get(Dossier, uuid.UUID(dossier_id))
        with pytest.raises(DossierError, match="J'ai relu l'ensemble de mon dossier"):
            submission.submit(dossier, dict.fromkeys(SWORN, True))
