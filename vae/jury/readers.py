"""Whether a jury member may read a dossier: the one public question other features ask the jury.

A member reads a dossier once they sit on its jury and declared no conflict of interest; the
dossier feature asks through ``vae.dossier.models.jury_cleared`` (filled here) and never reads
the jury's tables itself.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from vae.dossier import lifecycle as dossier_lifecycle
from vae.dossier import models as dossier_models
from vae.extensions import db
from vae.jury.models import Jury, JuryMember, Proclamation


@dataclass(frozen=True)
class Clearance:
    """An account's standing on one dossier's jury."""

    member: JuryMember | None
    jury: Jury | None

    @property
    def seated(self) -> bool:
        """The account is one of the two members of this dossier's jury."""
        return self.member is not None and self.jury is not None and self.jury.sits(self.member)

    @property
    def cleared(self) -> bool:
        """Seated and declared no conflict of interest: the dossier is open to them."""
        return self.seated and self.jury.has_declared(self.member)  # type: ignore[union-attr,arg-type]


def member_of(user: Any) -> JuryMember | None:
    """The directory entry of an account, if it has one."""
    return db.session.scalar(select(JuryMember).where(JuryMember.user_id == user.id))


def clearance(user: Any, dossier_id: uuid.UUID) -> Clearance:
    """Where ``user`` stands on the jury of the dossier ``dossier_id``."""
    member = member_of(user)
    if member is None:
        return Clearance(None, None)
    return Clearance(member, Jury.of_dossier(dossier_id))


@dossier_models.jury_cleared.provide
def _cleared(user: Any, dossier: dossier_models.Dossier) -> bool:
    return clearance(user, dossier.id).cleared


@dossier_lifecycle.proclaimed_on_or_before.provide
def _proclaimed_on_or_before(day: date) -> list[uuid.UUID]:
    return list(
        db.session.scalars(
            select(Proclamation.dossier_id)
            .where(Proclamation.proclaimed_on <= day)
            .order_by(Proclamation.proclaimed_on)
        )
    )
