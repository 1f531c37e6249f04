"""A draft untouched for 60 days, and a livret 2 untouched for 90 days, get one friendly reminder
each per period of inactivity, from `reminders send` (issue 13)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select

from tests.functional.dossier_flow import (
    HALF_TIME_JOB,
    SWORN,
    add_activity,
    complete_dossier,
    start_dossier,
    url,
)
from tests.functional.jury_flow import livret2_ready
from tests.helpers import message_body, outbox_messages, submit
from vae import clock
from vae.audit import AuditEntry
from vae.dossier.inactivity import InactivityReminder
from vae.extensions import db
from vae.roles import Role


def run(app, day: date) -> str:
    result = app.test_cli_runner().invoke(args=["reminders", "send", "--today", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def last_touch(app, dossier_id: str) -> date:
    """The Paris date of the latest entry a person recorded on the dossier."""
    with app.app_context():
        at = db.session.scalar(
            select(AuditEntry.at)
            .where(AuditEntry.subject_id == dossier_id, AuditEntry.actor_role.is_not(None))
            .order_by(AuditEntry.at.desc())
            .limit(1)
        )
        return clock.paris_date(at)


def reminders(app, subject: str) -> list:
    return [m for m in outbox_messages(app) if m["Subject"] == subject]


def test_an_idle_draft_gets_one_reminder_per_period_of_inactivity(app, candidate) -> None:
    dossier_id = start_dossier(candidate)
    touched = last_touch(app, dossier_id)
    assert "0 rappel(s) de brouillon inactif" in run(app, touched + timedelta(days=59))
    output = run(app, touched + timedelta(days=60))
    assert "1 rappel(s) de brouillon inactif" in output
    assert candidate.user.email not in output and str(candidate.user.id) in output
    [message] = reminders(app, "Votre dossier VAE vous attend")
    assert message["To"] == candidate.user.email
    body = message_body(message)
    assert "n'a pas bougé depuis plus de 60 jours" in body
    assert f"http://localhost/dossiers/{dossier_id}/" in body
    # Idempotent: the same day again, or much later while still idle, sends nothing more.
    assert "0 rappel(s) de brouillon inactif" in run(app, touched + timedelta(days=60))
    assert "0 rappel(s) de brouillon inactif" in run(app, touched + timedelta(days=200))
    assert len(reminders(app, "Votre dossier VAE vous attend")) == 1
    # Touched again, then idle again: one more.
    assert add_activity(candidate, dossier_id, HALF_TIME_JOB).status_code == 302
    again = last_touch(app, dossier_id)
    assert "0 rappel(s) de brouillon inactif" in run(app, again + timedelta(days=59))
    assert "1 rappel(s) de brouillon inactif" in run(app, again + timedelta(days=60))
    assert "0 rappel(s) de brouillon inactif" in run(app, again + timedelta(days=61))
    assert len(reminders(app, "Votre dossier VAE vous attend")) == 2
    with app.app_context():
        assert (
            db.session.scalar(
                select(AuditEntry).where(
                    AuditEntry.subject_id == dossier_id,
                    AuditEntry.action == "inactivity_reminder_draft",
                )
            ).actor_role
            is None
        )  # by the system: it does not count as a touch


def test_no_reminder_for_an_active_or_submitted_dossier(app, candidate, logged_in) -> None:
    submitted = complete_dossier(candidate)
    assert submit(candidate, url(submitted, "recapitulatif"), SWORN).status_code == 302
    other = logged_in(Role.CANDIDATE, email=f"actif-{uuid.uuid4().hex[:6]}@exemple.fr")
    active = start_dossier(other)
    touched = last_touch(app, active)
    output = run(app, touched + timedelta(days=59))
    assert "0 rappel(s) de brouillon inactif" in output  # the draft was touched 59 days ago
    output = run(app, touched + timedelta(days=400))
    assert "1 rappel(s) de brouillon inactif" in output  # the draft only, not the submitted one
    assert active in output and submitted not in output
    with app.app_context():
        assert db.session.scalar(select(InactivityReminder)).dossier_id == uuid.UUID(active)


def test_an_unverified_address_gets_no_reminder(app, candidate) -> None:
    from vae.auth.models import User

    dossier_id = start_dossier(candidate)
    with app.app_context():
        db.session.get(User, candidate.user.id).email_confirmed_at = None
        db.session.commit()
    output = run(app, last_touch(app, dossier_id) + timedelta(days=90))
    assert "0 rappel(s) de brouillon inactif" in output


def test_an_idle_livret2_gets_one_reminder_after_90_days(app, candidate, make_user) -> None:
    dossier_id, _officer = livret2_ready(app, candidate, make_user)
    touched = last_touch(app, dossier_id)
    assert "0 rappel(s) de livret 2 inactif" in run(app, touched + timedelta(days=89))
    output = run(app, touched + timedelta(days=90))
    assert "1 rappel(s) de livret 2 inactif" in output
    assert "0 rappel(s) de brouillon inactif" in output  # no longer a draft
    [message] = reminders(app, "Votre livret 2 VAE vous attend")
    assert message["To"] == candidate.user.email
    body = message_body(message)
    assert f"http://localhost/dossiers/{dossier_id}/livret2/" in body and "90 jours" in body
    assert "0 rappel(s) de livret 2 inactif" in run(app, touched + timedelta(days=300))
