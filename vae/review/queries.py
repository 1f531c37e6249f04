"""What other features may read of the review: a dossier's decisions.

Importing this module (vae.review does) fills the dossier's slot
:data:`vae.dossier.decisions.decisions_of`.
"""

from __future__ import annotations

from sqlalchemy import select

from vae.dossier import decisions
from vae.dossier.models import Dossier
from vae.extensions import db
from vae.review.models import Decision


def decisions_of(dossier: Dossier) -> list[Decision]:
    """The decisions taken on ``dossier``, oldest first."""
    return list(
        db.session.scalars(
            select(Decision).where(Decision.dossier_id == dossier.id).order_by(Decision.decided_at)
        )
    )


decisions.decisions_of.provide(decisions_of)
