"""A decision letter's content read again, for its accessible HTML version.

The letter's data is not stored, only its PDF: :func:`letter_of` writes it again with
:func:`vae.review.operations.letter_data` from what was recorded — the decision row, its
complement items, the submitted version it decided on (date, frozen identity) and, for an
implicit acceptance or its withdrawal, the dates it quoted. Importing this module (vae.review
does) fills :data:`vae.dossier.decisions.letter_story`.
"""

from __future__ import annotations

from typing import Any

from dateutil.relativedelta import relativedelta

from vae import clock
from vae.documents.capture import Story, story_of
from vae.dossier import decisions
from vae.dossier.models import Dossier
from vae.review import complements
from vae.review.models import Decision, DecisionKind
from vae.review.operations import letter_data, render_letter

IMPLICIT_DELAY = relativedelta(months=2)  # L6412-2: the silence of two months


def letter_of(dossier: Dossier, decision: Decision) -> dict[str, Any]:
    """The letter dict ``decision`` was written from (see :mod:`vae.review.letters`)."""
    submission = next((s for s in dossier.submissions if s.version == decision.version), None)
    missing = list(decision.missing or [])
    missing += complements.item_lines(complements.items_of(decision))
    letter = letter_data(
        dossier,
        decision.kind,
        decision.decided_by,
        clock.paris_date(decision.decided_at),
        decision.comment or "",
        decision.reason_code,
        missing,
        decision.livret2_due,
    )
    letter["version"] = decision.version
    if submission is not None:
        submitted = clock.paris_date(submission.submitted_at)
        letter["submitted_on"] = submitted.isoformat()
        identity = (submission.snapshot or {}).get("identity") or {}
        frozen = {key: identity[key] for key in letter["candidate"] if key in identity}
        letter["candidate"] = {**letter["candidate"], **frozen}
        if decision.kind == DecisionKind.IMPLICIT:
            letter["clock_started_on"] = submitted.isoformat()
            letter["due_on"] = (submitted + IMPLICIT_DELAY).isoformat()
    if decision.kind == DecisionKind.IMPLICIT_WITHDRAWN:
        implicit = [
            d
            for d in decisions.decisions_of(dossier)
            if d.kind == DecisionKind.IMPLICIT and d.decided_at <= decision.decided_at
        ]
        if implicit:
            letter["implicit_on"] = clock.paris_date(implicit[-1].decided_at).isoformat()
    return letter


def letter_story(dossier: Dossier, decision: Decision) -> Story:
    """The story of ``decision``'s letter."""
    return story_of(render_letter, letter_of(dossier, decision))


decisions.letter_story.provide(letter_story)
