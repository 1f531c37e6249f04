"""Consistency of an upload storage (folder or bucket) with the names the database references."""

from __future__ import annotations

import time
import typing
from dataclasses import dataclass
from pathlib import Path

from vae.storage.backends import Backend
from vae.storage.files import STORED_NAME, TEMPORARY_NAME, as_backend, key_of

ORPHAN_AGE_S = 3600
"""Files younger than this are left alone by :func:`survey`: an upload may still be under way."""


@dataclass(frozen=True)
class Survey:
    """What in an upload folder no row explains, and what rows name that the folder lacks.

    ``orphans``: stored files no row references; ``leftovers``: temporary files of uploads that
    never finished (``.upload-*.tmp``); ``unexpected``: any other file, never ours to remove;
    ``missing``: referenced stored names without their file. Paths are relative to the folder.
    """

    orphans: tuple[str, ...]
    leftovers: tuple[str, ...]
    unexpected: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def removable(self) -> tuple[str, ...]:
        return self.orphans + self.leftovers

    @property
    def clean(self) -> bool:
        return not (self.orphans or self.leftovers or self.unexpected or self.missing)


def survey(
    folder: Backend | Path,
    referenced: typing.Callable[[], typing.Collection[str]],
    *,
    older_than_s: float = ORPHAN_AGE_S,
    now: float | None = None,
) -> Survey:
    """Compare a storage (a backend or a local folder) with the stored names the database
    references.

    The storage is listed **before** ``referenced()`` is called, so a file stored and committed
    meanwhile is seen as referenced; files modified less than ``older_than_s`` seconds ago are
    skipped (an upload between its file and its row). A referenced name is missing when its file
    does not exist once the rows are read.
    """
    backend = as_backend(folder)
    now = time.time() if now is None else now
    listed = list(backend.iter_names())
    names = set(referenced())
    known = {key_of(n) for n in names if STORED_NAME.fullmatch(n)}
    present = set()
    orphans, leftovers, unexpected = [], [], []
    for entry in listed:
        present.add(entry.key)
        relative, name = entry.key, entry.key.rsplit("/", 1)[-1]
        if relative in known or now - entry.modified < older_than_s:
            continue
        if TEMPORARY_NAME.fullmatch(name):
            leftovers.append(relative)
        elif STORED_NAME.fullmatch(name) and relative == key_of(name):
            orphans.append(relative)
        else:
            unexpected.append(relative)
    missing = sorted(
        n
        for n in names
        if not STORED_NAME.fullmatch(n)
        or (key_of(n) not in present and not backend.exists(key_of(n)))
    )
    return Survey(tuple(orphans), tuple(leftovers), tuple(unexpected), tuple(missing))
