"""The roles of an account, with their French labels (shared by every feature)."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Role(enum.StrEnum):
    CANDIDATE = "candidate"
    STAFF = "staff"
    JURY = "jury"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.CANDIDATE: _l("Candidat"),
    Role.STAFF: _l("Chargé de mission CPNEFP"),
    Role.JURY: _l("Membre de jury"),
    Role.ADMIN: _l("Administrateur"),
}
