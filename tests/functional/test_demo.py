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


def test_demo_creates_every_stage_once_and_says_who_sees_what(app, fixed_clock) -> None:
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
        assert sorted(by_certification) == ["cqp-dam", "cqp-spp", "gpac"]
        assert by_certification["cqp-spp"] == by_certification["gpac"] == STAGES
        assert by_certification["cqp-dam"] == {DossierStatus.SUBMITTED}  # Ucanss's queue
        livret = db.session.scalars(
            select(Dossier).where(Dossier.status == DossierStatus.LIVRET2_IN_PROGRESS)
        ).all()
        assert all(d.decided_at is not None for d in livret)  # recevable first
        juries = db.session.scalars(select(Jury)).all()
        assert len(juries) == 4  # scheduled and proclaimed, for each certification
        assert all(j.certifier_id and j.professional_id for j in juries)
        from vae.auth.models import User
        from vae.certifiers.models import Certifier, certifier_ids_of
        from vae.jury.models import JuryMember

        certifiers = {c.code: c for c in db.session.scalars(select(Certifier))}
        for email, code in (
            ("cpnefp@demo.vae.test", "cpnefp-mutualite"),
            ("ucanss@demo.vae.test", "ucanss"),
        ):
            officer = db.session.scalar(select(User).where(User.email == email))
            assert certifier_ids_of(officer.id) == [certifiers[code].id]
            assert certifiers[code].address and certifiers[code].signatory_name
        directories = set(db.session.scalars(select(JuryMember.certifier_id)))
        assert directories == {certifiers["cpnefp-mutualite"].id}
        # Every proclaimed dossier validated all its blocks: a certificate per block and one
        # for the whole certification.
        assert after_first["CertificationAward"] == 2 and after_first["AcquiredBlock"] > 2

    # It prints who sees what, and every printed account logs in (one demo run for both
    # checks: a run takes about twenty seconds).
    assert "Service disponible sur http://" in first.output
    accounts = ACCOUNT_LINE.findall(first.output)
    assert len(accounts) == 11  # two officers, admin, two jury members, six candidates
    assert "CPNEFP Mutualité : voit la file" in first.output
    assert "Ucanss (CQP DAM) : voit la file" in first.output
    for label in ("brouillons", "à compléter", "livret 2 en cours", "jury programmé"):
        assert label in first.output
    assert "certificats" in first.output
    from vae.extensions import limiter

    for email, password in accounts:
        limiter.reset()  # eleven logins in a row from one address: over the login rate limit
        response = login(app.test_client(), email, password)
        assert response.status_code == 302, email
    # Scoping leaves each demo officer a queue of their certifier's dossiers, none of the other's.
    passwords = dict(accounts)
    queues = {}
    for email in ("cpnefp@demo.vae.test", "ucanss@demo.vae.test"):
        limiter.reset()
        officer = app.test_client()
        assert login(officer, email, passwords[email]).status_code == 302
        queues[email] = officer.get("/cpnefp/dossiers").get_data(as_text=True)
    assert "Tous\u00a0: 1<" in queues["ucanss@demo.vae.test"]
    assert "Tous\u00a0: 0" not in queues["cpnefp@demo.vae.test"]
    with app.app_context():
        numbers = dict(
            db.session.execute(
                select(Certification.code, Dossier.number)
                .join(Dossier.certification)
                .where(Dossier.status == DossierStatus.SUBMITTED)
            ).all()
        )
    assert numbers["cqp-dam"] in queues["ucanss@demo.vae.test"]
    assert numbers["cqp-dam"] not in queues["cpnefp@demo.vae.test"]
    assert numbers["cqp-spp"] in queues["cpnefp@demo.vae.test"]
    assert numbers["cqp-spp"] not in queues["ucanss@demo.vae.test"]
