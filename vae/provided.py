"""A lower feature asks a higher one for data without importing it: the owner provides it.

Features depend downward only: dossier at the bottom, review and livret2 above it, jury above
them, privacy and admin on top. When a lower feature needs what only a higher one knows (the
livret 2 needs the blocks the candidate already holds, which the jury's proclamations created),
it declares a :class:`Provided` slot and calls it; the owner fills the slot from its package's
``__init__``. ``vae.models`` imports every feature, so every slot is filled once the app exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Provided(Generic[P, R]):
    """A function a lower feature calls and a higher feature supplies."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._source: Callable[P, R] | None = None

    def provide(self, source: Callable[P, R]) -> Callable[P, R]:
        """Fill the slot (the owner feature calls this once, at import)."""
        self._source = source
        return source

    @property
    def source(self) -> Callable[P, R] | None:
        """The function that fills the slot, None until its owner is imported."""
        return self._source

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if self._source is None:
            raise RuntimeError(f"Nothing provides {self.what}: its owner feature is not imported.")
        return self._source(*args, **kwargs)
