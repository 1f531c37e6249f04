"""A page of the review queue: its rows, counts and the wording of its pagination, including a
search whose count stopped at ``search.COUNT_CAP`` (no last page number; read from the end)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vae import french
from vae.review import search

PER_PAGE = 25


@dataclass
class Page:
    rows: list[Any]  # vae.review.queue.Row
    total: int
    page: int
    counts: dict[str, int]
    # A search whose count stopped at search.COUNT_CAP: no last page number; ``from_end``:
    # this page was reached from the last one (its number is unknown too).
    capped: bool = False
    from_end: bool = False
    last: bool = False
    tabs_capped: bool = False  # the search's count per status stopped at its cap

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PER_PAGE))

    def tab(self, label: str, status: str = "") -> str:
        """« Recevable : 3 »; a search past its cap counts no status: « Recevable »."""
        if self.tabs_capped:
            return label if status else f"{label} : plus de {french.number(search.COUNT_CAP, 0)}"
        counts = [self.counts.get(status, 0)] if status else self.counts.values()
        return f"{label} : {french.number(sum(counts), 0)}"

    @property
    def summary(self) -> str:
        """« 42 dossiers – page 1 sur 2 », « plus de 1 000 dossiers – page 3 »…"""
        plural = "s" if self.total > 1 else ""
        shown = min(self.total, search.COUNT_CAP) if self.capped else self.total
        count = ("plus de " if self.capped else "") + french.number(shown, 0)
        text = f"{count} dossier{plural}"
        return f"{text} – {self.position.lower()}" if self.total else text

    @property
    def position(self) -> str:
        if not self.capped:
            return f"Page {self.page} sur {self.pages}"
        if self.last:
            return "Dernière page"
        return "Page vers la fin de la liste" if self.from_end else f"Page {self.page}"

    @property
    def has_previous(self) -> bool:
        if self.capped and (self.from_end or self.last):  # full, read backwards: more before
            return len(self.rows) == PER_PAGE
        return self.page > 1

    def previous_args(self, filters: Any) -> dict[str, Any]:
        """The query string of « Page précédente » (of « Page suivante »: ``next_args``)."""
        if self.capped and (self.from_end or self.last):
            return filters.args(page="", avant=self.previous_cursor, depuis_fin="1")
        return filters.args(page=self.page - 1, avant=self.previous_cursor)

    def next_args(self, filters: Any) -> dict[str, Any]:
        if self.from_end:
            return filters.args(page="", apres=self.next_cursor, depuis_fin="1")
        return filters.args(page=self.page + 1, apres=self.next_cursor)

    def last_args(self, filters: Any) -> dict[str, Any]:
        return filters.args(page="" if self.capped else self.pages, fin="1")

    @property
    def has_next(self) -> bool:
        if self.capped:
            return not self.last and (self.from_end or len(self.rows) == PER_PAGE)
        return self.page < self.pages

    @property
    def next_cursor(self) -> str:
        return self.rows[-1].cursor if self.rows else ""

    @property
    def previous_cursor(self) -> str:
        return self.rows[0].cursor if self.rows else ""
