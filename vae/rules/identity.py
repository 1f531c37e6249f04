"""When the candidate's identity is complete: the fields it needs, with their French names."""

from __future__ import annotations

from collections.abc import Mapping

IDENTITY_FIELDS: dict[str, str] = {
    "last_name": "nom",
    "first_name": "prénom",
    "address": "adresse",
    "postcode": "code postal",
    "city": "ville",
    "phone": "téléphone",
    "email": "adresse électronique",
}
"""Every field of the identity step (field name → its French name), in the order shown."""


def missing_identity(values: Mapping[str, object]) -> list[str]:
    """The French names of the identity fields left empty in ``values``, in order."""
    return [label for name, label in IDENTITY_FIELDS.items() if not values.get(name)]
