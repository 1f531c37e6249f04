"""Which certifiers an account may pick from (a jury member's directory, …), and which staff
accounts share a certifier (the assign form, the queue's officer filter)."""

from __future__ import annotations

import functools
from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select

from vae.auth.models import User
from vae.certifiers.models import Certifier, staff_certifiers
from vae.extensions import db
from vae.roles import Role


def certifiers_for(user: Any) -> list[Certifier]:
    """Every certifier for an administrator; those ``user`` works for otherwise, by name."""
    stmt = select(Certifier).order_by(Certifier.name, Certifier.code)
    if not user.is_admin:
        stmt = stmt.join(staff_certifiers, staff_certifiers.c.certifier_id == Certifier.id).where(
            staff_certifiers.c.user_id == user.id
        )
    return list(db.session.scalars(stmt))


def staff_sharing(certifier_ids: Collection[int] | None) -> list[Any]:
    """The active staff accounts one may pick or filter by, by name: administrators (they
    cover every certifier) and the officers working for one of ``certifier_ids``; every
    officer when it is None (an administrator looking). Rows of ``id`` and ``full_name``
    (a list of names, not accounts: no ORM entity to build for each)."""
    if certifier_ids is None:
        return list(db.session.execute(_staff_statement(False)))
    return list(db.session.execute(_staff_statement(True), {"certifiers": list(certifier_ids)}))


@functools.cache
def _staff_statement(scoped: bool) -> Select[Any]:
    """Built once per process (statements are immutable): a request only executes it."""
    stmt = (
        select(User.id, func.trim(User.first_name + " " + User.last_name).label("full_name"))
        .where(User.role.in_([Role.STAFF, Role.ADMIN]), User.active.is_(True))
        .order_by(User.last_name, User.first_name)
    )
    if scoped:
        sharing = select(staff_certifiers.c.user_id).where(
            staff_certifiers.c.certifier_id.in_(bindparam("certifiers", expanding=True))
        )
        stmt = stmt.where(or_(User.role == Role.ADMIN, User.id.in_(sharing)))
    return stmt
