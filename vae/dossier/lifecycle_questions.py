"""What the pages ask a dossier about its end of life: withdrawal, « Reprendre », closing."""

from __future__ import annotations

from datetime import datetime

from vae.dossier.enums import RESUMABLE, WITHDRAWABLE, DossierStatus


class LifecycleQuestions:
    """Mixed into :class:`vae.dossier.models.Dossier` (columns ``status``, ``anonymised_at``)."""

    status: DossierStatus
    anonymised_at: datetime | None

    @property
    def may_be_withdrawn(self) -> bool:
        """The jury is not scheduled yet: the candidate may withdraw (or discard a draft)."""
        return self.status in WITHDRAWABLE or self.status == DossierStatus.DRAFT

    @property
    def may_be_resumed(self) -> bool:
        """Withdrawn or not recevable, its data still there: « Reprendre » copies it."""
        return self.status in RESUMABLE and self.anonymised_at is None

    @property
    def may_be_closed(self) -> bool:
        """Results proclaimed: staff close it once the certificates are delivered."""
        return self.status == DossierStatus.PROCLAIMED

    @property
    def closed(self) -> bool:
        """Closed: read-only everywhere, results and certificates still downloadable."""
        return self.status == DossierStatus.CLOSED
