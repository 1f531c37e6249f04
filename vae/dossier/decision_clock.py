"""The certifier's two-month clock on a dossier (Code du travail L6412-2), as a mixin of
:class:`vae.dossier.models.Dossier`: when it started, how many days are left."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Date
from sqlalchemy.orm import Mapped, mapped_column

from vae import clock, french


class DecisionClock:
    """The clock starts when a complete dossier is received (first submission, or the
    resubmission answering complements) and stops with a decision or a request for complements
    (``decision_due`` is then None)."""

    decision_clock_started_on: Mapped[date | None] = mapped_column(Date)
    if TYPE_CHECKING:  # provided by the Dossier model
        decision_due: date | None
        under_review: bool

    @property
    def decision_days_left(self) -> int | None:
        """Days until the legal due date (negative once passed); None when the clock is stopped."""
        return (self.decision_due - clock.today()).days if self.decision_due else None

    @property
    def decision_clock_label(self) -> str:
        """« 12 jours restants », « dernier jour », « échéance dépassée » (empty: no clock)."""
        left = self.decision_days_left
        return "" if left is None else french.days_left(left)

    @property
    def implicitly_accepted(self) -> bool:
        """Under review past the due date: the implicit acceptance stands (L6412-2)."""
        left = self.decision_days_left
        return bool(self.under_review) and left is not None and left < 0
