"""Ready-made situations built with the real operations, shared by several test modules."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from tests.helpers import make_pdf


def recevable_dam(app: Any, password: str) -> None:
    """Lucas Petit's cqp-dam dossier, submitted and declared recevable (three stored files)."""
    from vae.auth.operations import create_account
    from vae.dossier import operations, submit
    from vae.dossier.enums import ActivityStatus, AttachmentKind, WorkTime
    from vae.review import operations as review
    from vae.review.models import DecisionKind
    from vae.roles import Role

    with app.test_request_context():
        candidate = create_account(
            "lucas.petit@exemple.fr", "Lucas", "Petit", Role.CANDIDATE, password
        )
        officer = create_account("agent.l2@exemple.fr", "Marc", "Roy", Role.STAFF, password)
        dossier = operations.start(candidate, "cqp-dam")
        operations.save_identity(
            dossier,
            {
                "last_name": "Petit",
                "first_name": "Lucas",
                "address": "1 rue Haute",
                "postcode": "59000",
                "city": "Lille",
                "phone": "03 20 00 00 00",
                "email": "lucas.petit@exemple.fr",
            },
        )
        job = operations.save_activity(
            dossier,
            None,
            {
                "title": "Délégué de l'Assurance Maladie",
                "employer_name": "CPAM du Nord",
                "employer_address": "",
                "sector": "Assurance maladie",
                "status": ActivityStatus.SALARIE,
                "start_date": date.today() - relativedelta(years=5),
                "end_date": None,
                "work_time": WorkTime.FULL_TIME,
                "work_time_value": None,
                "main_activities": "Visites aux professionnels de santé.",
                "relevant": True,
            },
        )
        operations.add_attachment(
            dossier,
            AttachmentKind.EMPLOYER_ATTESTATION,
            io.BytesIO(make_pdf()),
            "attestation.pdf",
            activity=job,
        )
        operations.save_education(dossier, "", "Licence")
        operations.save_cv(dossier, "Cinq ans de délégation.")
        submit.submit(dossier, {c.key: True for c in submit.commitments("x")})
        review.decide(
            dossier,
            DecisionKind.RECEVABLE,
            officer=officer,
            lock_version=None,
            livret2_due=date.today() + relativedelta(months=6),
        )
