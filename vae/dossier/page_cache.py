"""What the candidate's pages compute from a dossier, cached per process and dossier version.

The eligibility assessment and the timeline SVG depend only on the dossier's activities and
their proofs, its referential version and the day. They are kept in a bounded LRU keyed by
(dossier id, ``lock_version``, today): every change to a dossier, to one of its activities,
trainings or attachments bumps the dossier's ``lock_version`` in the same flush (the listener
below), so the next request of any process computes them anew. A process that never sees the
new version simply misses; entries of older versions age out of the LRU.
"""

from __future__ import annotations

import threading
import uuid
from datetime import date
from typing import Any

from cachetools import LRUCache
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from vae import clock
from vae.dbtypes import utcnow
from vae.dossier import presenters
from vae.dossier.assessment import assess_dossier
from vae.dossier.models import Activity, Attachment, Dossier, Training
from vae.dossier.timeline import Timeline
from vae.rules.eligibility import Assessment

CacheKey = tuple[uuid.UUID, int, date]
_FIGURES: LRUCache[CacheKey, tuple[Assessment, Timeline]] = LRUCache(maxsize=512)
_LOCK = threading.Lock()


def figures(dossier: Dossier) -> tuple[Assessment, Timeline]:
    """The dossier's assessment (at its reference date) and its timeline, computed once per
    dossier version and day. Both are frozen dataclasses: safe to share between requests."""
    key = (dossier.id, dossier.lock_version, clock.today())
    with _LOCK:
        cached = _FIGURES.get(key)
    if cached is None:
        assessment = assess_dossier(dossier)
        cached = (assessment, presenters.timeline(dossier, assessment))
        with _LOCK:
            _FIGURES[key] = cached
    return cached


def _owner(instance: Any) -> Dossier | None:
    if isinstance(instance, Dossier):
        return instance
    if isinstance(instance, Activity | Training | Attachment):
        return instance.dossier
    return None


@event.listens_for(Session, "before_flush")
def _bump_dossier_versions(session: Session, _context: Any, _instances: Any) -> None:
    """A changed activity, training or attachment (or a dossier whose lists changed) makes its
    dossier's row change too, so that its version column moves on: caches keyed by it see it."""
    changed = [o for o in session.dirty if session.is_modified(o)]
    owners = {id(d): d for o in (*session.new, *changed, *session.deleted) if (d := _owner(o))}
    for dossier in owners.values():
        if dossier in session.deleted or not inspect(dossier).persistent:
            continue
        dossier.updated_at = utcnow()
        flag_modified(dossier, "updated_at")
