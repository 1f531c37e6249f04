"""The roles of an account, with their French labels (shared by every feature)."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    CANDIDATE = "candidate"
    STAFF = "staff"
    JURY = "jury"
    ADMIN = "admin"
    ACCOMPAGNATEUR = "coach"  # stored value: users.role is VARCHAR(9) on SQLite

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CANDIDATE: "Candidat",
    Role.STAFF: "Chargé de mission CPNEFP",
    Role.JURY: "Membre de jury",
    Role.ADMIN: "Administrateur",
    Role.ACCOMPAGNATEUR: "Accompagnateur",
}
