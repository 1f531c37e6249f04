"""Which dossiers a staff account covers: those of its certifiers' certifications.

An administrator covers every certifier; a CPNEFP officer (Role.STAFF) the certifiers
``staff_certifiers`` lists, none when it lists none. One small read per request, kept on
``flask.g`` (the officer's certifiers with their certifications: a handful of rows), so a list
page costs the same number of statements whatever the number of certifiers and dossiers: the
lists add a ``certification_id IN (…)`` condition, no join.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from flask import g, has_app_context
from sqlalchemy import Select, bindparam, select

from vae.certifiers.models import staff_certifiers
from vae.extensions import db
from vae.referentials.models import Certification
from vae.roles import Role

UNATTACHED = "Votre compte n'est rattaché à aucun certificateur : demandez à un administrateur."


def _cache(name: str) -> dict[Any, Any]:
    """A dict living as long as the application context (one request), or a throwaway one."""
    if not has_app_context():
        return {}
    if not hasattr(g, name):
        setattr(g, name, {})
    return getattr(g, name)


@functools.cache
def _memberships_statement() -> Select[Any]:
    """Built once per process (statements are immutable): a request only executes it."""
    return (
        select(
            staff_certifiers.c.certifier_id,
            Certification.id,
            Certification.code,
            Certification.title,
        )
        .outerjoin(Certification, Certification.certifier_id == staff_certifiers.c.certifier_id)
        .where(staff_certifiers.c.user_id == bindparam("user_id"))
    )


@functools.cache
def _every_certification() -> Select[Any]:
    return select(Certification.code, Certification.title).order_by(Certification.title)


class _Scope(NamedTuple):
    certifiers: frozenset[int]
    certifications: tuple[int, ...]
    choices: tuple[tuple[str, str], ...]  # (code, title) of those certifications, by title


def _memberships(user: Any) -> _Scope:
    """``user``'s certifiers and their certifications: one statement, once per request."""
    cache = _cache("_vae_staff_scope")
    if user.id not in cache:
        rows = db.session.execute(_memberships_statement(), {"user_id": user.id}).all()
        owned = {(c, code, title) for _owner, c, code, title in rows if c is not None}
        cache[user.id] = _Scope(
            frozenset(owner for owner, *_rest in rows),
            tuple(sorted(c for c, _code, _title in owned)),
            tuple(sorted(((code, title) for _c, code, title in owned), key=lambda t: t[1])),
        )
    return cache[user.id]


def _staff(user: Any) -> bool | None:
    """None: sees every certifier (an admin); True: a CPNEFP officer; False: neither."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.ADMIN:
        return None
    return user.role == Role.STAFF


def certifier_ids(user: Any) -> frozenset[int] | None:
    """The certifiers ``user`` works for; None for every certifier (an administrator)."""
    staff = _staff(user)
    if staff is None:
        return None
    return _memberships(user)[0] if staff else frozenset()


def certification_ids(user: Any) -> tuple[int, ...] | None:
    """The certifications whose dossiers ``user`` covers; None: all of them (an admin)."""
    staff = _staff(user)
    if staff is None:
        return None
    return _memberships(user)[1] if staff else ()


def certification_choices(user: Any) -> list[tuple[str, str]]:
    """(code, title) of the certifications ``user`` covers, by title (a filter's options):
    an officer's come with their scope (no statement of their own)."""
    staff = _staff(user)
    if staff is None:
        return [tuple(row) for row in db.session.execute(_every_certification())]
    return list(_memberships(user).choices) if staff else []


def staff_covers(user: Any, certification_id: int | None) -> bool:
    """Whether one of ``user``'s certifiers owns the certification ``certification_id``."""
    within = certification_ids(user)
    return within is None or certification_id in within


def is_unattached(user: Any) -> bool:
    """A CPNEFP officer attached to no certifier: their lists are empty (and say why)."""
    return certifier_ids(user) == frozenset() and user.role == Role.STAFF


def scoped(stmt: Any, user: Any, column: Any) -> Any:
    """``stmt`` narrowed to the rows whose certification (``column``) ``user`` covers."""
    within = certification_ids(user)
    return stmt if within is None else stmt.where(column.in_(within))


def forget() -> None:
    """Drop the request's cached scope (after the memberships changed within one context)."""
    if has_app_context():
        g.pop("_vae_staff_scope", None)
