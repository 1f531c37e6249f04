"""Consistency of an upload folder with the stored names the database references."""

from __future__ import annotations

import time
import typing
from dataclasses import dataclass
from pathlib import Path

from vae.storage.files import STORED_NAME, TEMPORARY_NAME, path_of

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
    folder: Path,
    referenced: typing.Callable[[], typing.Collection[str]],
    *,
    older_than_s: float = ORPHAN_AGE_S,
    now: float | None = None,
) -> Survey:
    """Compare ``folder`` with the stored names the database references.

    The folder is listed **before** ``referenced()`` is called, so a file stored and committed
    meanwhile is seen as referenced; files modified less than ``older_than_s`` seconds ago are
    skipped (an upload between its file and its row). A referenced name is missing when its file
    does not exist once the rows are read.
    """
    folder = Path(folder)
    now = time.time() if now is None else now
    listed = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    names = set(referenced())
    known = {f"{n[:2]}/{n}" for n in names if STORED_NAME.fullmatch(n)}
    orphans, leftovers, unexpected = [], [], []
    for path in listed:
        try:
            age = now - path.stat().st_mtime
        except FileNotFoundError:  # removed meanwhile (a retraction, a finished upload)
            continue
        relative = path.relative_to(folder).as_posix()
        if relative in known or age < older_than_s:
            continue
        if TEMPORARY_NAME.fullmatch(path.name):
            leftovers.append(relative)
        elif STORED_NAME.fullmatch(path.name) and relative == f"{path.name[:2]}/{path.name}":
            orphans.append(relative)
        else:
            unexpected.append(relative)
    missing = sorted(
        n for n in names if not (STORED_NAME.fullmatch(n) and path_of(folder, n).is_file())
    )
    return Survey(tuple(orphans), tuple(leftovers), tuple(unexpected), tuple(missing))
