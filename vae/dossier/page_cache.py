"""What the candidate's pages compute from a dossier, cached per process and dossier version.

The eligibility assessment and the timeline SVG depend only on the dossier's activities and
their proofs, its referential version and the day; so do the stepper's states and the HTML of
the parts of a page that show nothing of their viewer (the stepper, the experience step's list
and eligibility panel). They are kept in LRUs bounded in size, keyed by (dossier id,
``lock_version``, ``updated_at``, today): every change to a dossier, to one of its activities,
trainings or attachments bumps the dossier's ``lock_version`` in the same flush (the listener
below), so the next request of any process computes them anew. A process that never sees the
new version simply misses; entries of older versions age out of the LRU.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from cachetools import LRUCache
from markupsafe import Markup
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from forms.plain import csrf_field
from vae import clock
from vae.dbtypes import utcnow
from vae.dossier import presenters, steps
from vae.dossier.assessment import assess_dossier
from vae.dossier.models import Activity, Attachment, Dossier, Training
from vae.dossier.timeline import Timeline
from vae.rules.eligibility import Assessment

T = TypeVar("T")
# (dossier id, lock_version, updated_at, day, part): the time tells apart two lives of one
# version number (a database restored from a backup under running servers, a rolled-back flush).
CacheKey = tuple[uuid.UUID, int, datetime | None, date, str]


def _figures_size(value: tuple[Assessment, Timeline]) -> int:
    """About how many characters an assessment and its timeline hold (both grow per activity)."""
    timeline = value[1]
    return 1_000 + len(timeline.svg) + sum(200 + len(line) for line in timeline.description)


def _states_size(value: list[steps.StepState]) -> int:
    return sum(200 + sum(len(p) for p in state.problems) for state in value)


# Bounded by size, in characters (a dossier may have any number of activities): a few MB of
# text per process and store at most; a value larger than its whole store is served, not kept.
_FIGURES: LRUCache[CacheKey, tuple[Assessment, Timeline]] = LRUCache(
    maxsize=4_000_000, getsizeof=_figures_size
)
_STATES: LRUCache[CacheKey, list[steps.StepState]] = LRUCache(
    maxsize=1_000_000, getsizeof=_states_size
)
_HTML: LRUCache[CacheKey, Markup] = LRUCache(maxsize=6_000_000, getsizeof=len)
_LOCK = threading.Lock()
# Where a cached body had the session's CSRF field: put back on every request (never cached).
# A comment cannot forge it: text printed by templates is escaped (``<`` becomes ``&lt;``).
CSRF_MARK = Markup("<!--csrf-field-->")


def _cached(
    store: LRUCache[CacheKey, T], dossier: Dossier, name: str, compute: Callable[[], T]
) -> T:
    """``store``'s value for this version of the dossier on this day, computed on a miss."""
    key = (dossier.id, dossier.lock_version, dossier.updated_at, clock.today(), name)
    with _LOCK:
        value = store.get(key)
    if value is None:
        value = compute()
        if store.getsizeof(value) <= store.maxsize:
            with _LOCK:
                store[key] = value
    return value


def figures(dossier: Dossier) -> tuple[Assessment, Timeline]:
    """The dossier's assessment (at its reference date) and its timeline, computed once per
    dossier version and day. Both are frozen dataclasses: safe to share between requests."""

    def compute() -> tuple[Assessment, Timeline]:
        assessment = assess_dossier(dossier)
        return assessment, presenters.timeline(dossier, assessment)

    return _cached(_FIGURES, dossier, "", compute)


def step_states(dossier: Dossier) -> list[steps.StepState]:
    """The stepper's states of the dossier (frozen), computed once per dossier version and day."""
    return list(_cached(_STATES, dossier, "", lambda: steps.states(dossier)))


def body_html(dossier: Dossier, name: str, render: Callable[[Markup], str]) -> Markup:
    """The HTML of the part ``name`` of the dossier's page, rendered by ``render(CSRF_MARK)``
    once per dossier version and day (what it shows must depend on nothing else), with this
    session's CSRF field in place of the mark."""
    cached = _cached(_HTML, dossier, name, lambda: Markup(render(CSRF_MARK)))
    if CSRF_MARK not in cached:
        return cached
    return Markup(cached.replace(CSRF_MARK, csrf_field()))


def cached_html_sizes() -> list[int]:
    """How many characters each kept HTML part holds (its size budget is checked by tests)."""
    with _LOCK:
        return [len(value) for value in _HTML.values()]


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
