"""Which blocks a livret 2 may aim at: those the option requires, minus those already held.

The blocks a candidate holds come from earlier juries' proclamations, which the jury feature
owns; the livret 2 sits below the jury and never imports it, so the jury fills
:data:`held_blocks` (see vae.jury.capitalisation).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from vae import clock
from vae.dossier.models import Dossier
from vae.provided import Provided

held_blocks: Provided[[Dossier, date], dict[str, date | None]] = Provided(
    "the blocks a candidate holds (vae.jury)"
)


def acquired_block_codes(dossier: Dossier) -> dict[str, date | None]:
    """Blocks of this certification the candidate already holds and that are still valid today
    (from earlier juries' proclamations), with their expiry date (None: never expires)."""
    return held_blocks(dossier, clock.today())


def required_blocks(dossier: Dossier) -> list[Any]:
    return dossier.referential.required_blocks(dossier.option_code)


def available_blocks(dossier: Dossier) -> list[Any]:
    """Blocks the candidate may aim at: required for the option, not already acquired."""
    acquired = acquired_block_codes(dossier)
    return [b for b in required_blocks(dossier) if b.code not in acquired]
