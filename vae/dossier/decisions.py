"""The recevabilité decisions on a dossier, as the candidate's pages show them.

Decisions belong to the review feature, which sits above the dossier: the dossier never
imports it, and review fills :data:`decisions_of` (see vae.review.queries).
"""

from __future__ import annotations

import uuid
from typing import Any

from vae.documents.capture import Story
from vae.dossier.models import Dossier
from vae.provided import Provided

decisions_of: Provided[[Dossier], list[Any]] = Provided(
    "the decisions taken on a dossier, oldest first (vae.review)"
)
letter_story: Provided[[Dossier, Any], Story] = Provided(
    "the story of a decision's letter, for its accessible HTML version (vae.review)"
)


def decision_of(dossier: Dossier, decision_id: uuid.UUID) -> Any | None:
    """The decision ``decision_id`` if it was taken on this dossier, else None."""
    return next((d for d in decisions_of(dossier) if d.id == decision_id), None)
