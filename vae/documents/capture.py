"""Read a document's content without laying it out: the story its PDF builder writes.

Open-source reportlab cannot tag a PDF, so each document also has an accessible HTML version
(RGAA 13.3). To be rendered from the same data, that version is built from the very story of
flowables the PDF builder hands to :func:`vae.documents.pdf.build_pdf` (or to its own doc
template, which calls :func:`record`): :func:`story_of` runs the builder with recording on, and
the builder returns before any layout work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from reportlab.platypus import Flowable


class GridShape(NamedTuple):
    """Which cells of a ruled table are headers: the first row, the first column."""

    header: bool
    label_column: bool


@dataclass
class Story:
    """What a PDF builder wrote: its title, its flowables, and the lines it drew on the page
    canvas (a verification code…), which are no flowables."""

    title: str
    flowables: list[Flowable]
    notes: list[str] = field(default_factory=list)


_recording: ContextVar[list[Story] | None] = ContextVar("vae_document_story", default=None)


def record(flowables: list[Flowable], *, title: str, notes: Sequence[str] = ()) -> bool:
    """Keep ``flowables`` when a story is being read and say so: the builder then returns
    without laying the PDF out. False (nothing kept) otherwise."""
    stories = _recording.get()
    if stories is None:
        return False
    stories.append(Story(title, list(flowables), [note for note in notes if note]))
    return True


def story_of(builder: Callable[..., Any], *args: Any, **kwargs: Any) -> Story:
    """The story ``builder(*args, **kwargs)`` writes for its PDF (the last one, if several)."""
    stories: list[Story] = []
    token = _recording.set(stories)
    try:
        builder(*args, **kwargs)
    finally:
        _recording.reset(token)
    if not stories:
        raise LookupError(f"{builder!r} wrote no document")
    return stories[-1]
