"""``flask --app vae demo``: accounts and dossiers at every stage, once, and who sees what."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.helpers import login, outbox_messages
from vae.audit import AuditEntry
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.jury.models import AcquiredBlock, CertificationAward, Jury
from vae.referentials.models import Certification

ACCOUNT_LINE = re.compile(r"^  \S.*?\s(\S+@demo\.vae\.test)\s+mot de passe : (\S+)$", re.M)
STAGES = {
    DossierStatus.DRAFT,
    DossierStatus.SUBMITTED,
    DossierStatus.INCOMPLETE,
    DossierStatus.LIVRET2_IN_PROGRESS,
    DossierStatus.JURY_SCHEDULED,
    DossierStatus.PROCLAIMED,
}


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Dossier, AuditEntry, Jury, AcquiredBlock, CertificationAward)
        } | {"emails": len(outbox_messages(app))}


def test_demo_creates_every_stage_for_two_certifications_once(app, fixed_clock) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    after_first = counts(app)
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert counts(app) == after_first  # idempotent: nothing added, no email sent again
    assert first.output == second.output

    with app.app_context():
        rows = db.session.execute(
            select(Certification.code, Dossier.status).join(Dossier.certification)
        ).all()
        by_certification: dict[str, set[DossierStatus]] = {}
        for code, status in rows:
            by_certification.setdefault(code, set()).add(status)
        assert len(by_certification) == 2
        assert all(statuses == STAGES for statuses in by_certification.values())
        livret = db.session.scalars(
            select(Dossier).where(Dossier.status == DossierStatus.LIVRET2_IN_PROGRESS)
        ).all()
        assert all(d.decided_at is not None for d in livret)  # recevable first
        juries = db.session.scalars(select(Jury)).all()
        assert len(juries) == 4  # scheduled and proclaimed, for each certification
        assert all(j.certifier_id and j.professional_id for j in juries)
        # Every proclaimed dossier validated all its blocks: a certificate per block and one
        # for the whole certification.
        assert after_first["CertificationAward"] == 2 and after_first["AcquiredBlock"] > 2


def test_demo_prints_who_sees_what_and_every_printed_account_logs_in(app, fixed_clock) -> None:
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Service disponible sur http://" in result.output
    accounts = ACCOUNT_LINE.findall(result.output)
    assert len(accounts) == 10  # staff, admin, two jury members, six candidates
    for label in ("brouillons", "à compléter", "livret 2 en cours", "jury programmé"):
        assert label in result.output
    assert "certificats" in result.output
    for email, password in accounts:
        response = login(app.test_client(), email, password)
        assert response.status_code == 302, email
