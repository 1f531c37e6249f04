"""Which blocks a livret 2 may aim at: those the option requires (only those the request
names, for a block-only request, R6412-3), minus those already held.

The blocks a candidate holds come from earlier juries' proclamations, which the jury feature
owns; the livret 2 sits below the jury and never imports it, so the jury fills
:data:`held_blocks` (the dossier's slot, see vae.jury.capitalisation).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from vae.dossier import scope
from vae.dossier.models import Dossier

held_blocks = scope.held_blocks


def acquired_block_codes(dossier: Dossier) -> dict[str, date | None]:
    """Blocks of this certification the candidate already holds and that are still valid today
    (from earlier juries' proclamations), with their expiry date (None: never expires)."""
    return scope.acquired(dossier)


def required_blocks(dossier: Dossier) -> list[Any]:
    return dossier.referential.required_blocks(dossier.option_code)


def available_blocks(dossier: Dossier, acquired: dict[str, date | None] | None = None) -> list[Any]:
    """Blocks the candidate may aim at: required for the option and, for a block-only request,
    asked for; not already acquired (``acquired``: :func:`acquired_block_codes`, when the caller
    has it already)."""
    if acquired is None:
        acquired = acquired_block_codes(dossier)
    requested = dossier.requested_blocks
    return [
        b
        for b in required_blocks(dossier)
        if b.code not in acquired and (requested is None or b.code in requested)
    ]
