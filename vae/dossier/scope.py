"""What a request aims at: the whole certification or some of its blocks only (R6412-3).

``Dossier.requested_blocks`` is None for the whole certification, else the block codes asked
for (an empty list while the candidate, having chosen « certains blocs » at the start, has not
ticked them yet). A block-only request is exempt from the quotas; its livret 2, grid and
results cover only those blocks. The blocks a candidate already holds come from the jury's
proclamations: the jury fills :data:`held_blocks` (see vae.jury.capitalisation).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from vae import clock
from vae.dossier.models import Dossier
from vae.french import date_fr
from vae.provided import Provided
from vae.rules.expiry import last_valid_day

WHOLE = "whole"
BLOCKS = "blocks"

held_blocks: Provided[[Dossier, date], dict[str, date | None]] = Provided(
    "the blocks a candidate holds (vae.jury)"
)


@dataclass(frozen=True)
class BlockChoice:
    """One checkbox of the scope choice: a block, the options requiring it, whether held."""

    code: str
    title: str
    options: tuple[str, ...]
    held: bool
    held_note: str  # « acquis, valable jusqu'au … » (empty when not held)


def acquired(dossier: Dossier) -> dict[str, date | None]:
    """Blocks of this certification held and valid today, with their expiry (None: never)."""
    return held_blocks(dossier, clock.today())


def held_note(expires_on: date | None) -> str:
    """« acquis, valable jusqu'au 14 mars 2029 » (the last day it counts)."""
    last = last_valid_day(expires_on)
    if last is None:
        return "acquis, sans limite de durée"
    return f"acquis, valable jusqu'au {date_fr(last)}"


def choices(dossier: Dossier) -> list[BlockChoice]:
    """Every block of the referential, with the options that require it and what is held."""
    referential = dossier.referential
    held = acquired(dossier)
    return [
        BlockChoice(
            code=block.code,
            title=block.title or "titre absent du référentiel",
            options=tuple(o.title for o in referential.options if block.code in o.blocks),
            held=block.code in held,
            held_note=held_note(held[block.code]) if block.code in held else "",
        )
        for block in referential.blocks
    ]


def default_codes(dossier: Dossier) -> list[str]:
    """What the checkboxes show: the request's blocks, or the not yet held required ones."""
    if dossier.requested_blocks:
        return list(dossier.requested_blocks)
    held = acquired(dossier)
    option = dossier.option_code
    if dossier.referential.options and option is None:
        return []
    return [b.code for b in dossier.referential.required_blocks(option) if b.code not in held]


def scope_errors(referential: Any, option_code: str | None, codes: Iterable[str]) -> list[str]:
    """French problems of a block-only choice: at least one block, only the option's blocks."""
    label = referential.block_label
    chosen = list(codes)
    if not chosen:
        return [f"Cochez au moins un {label}."]
    try:
        allowed = {b.code for b in referential.required_blocks(option_code)}
    except KeyError:
        return []  # no option chosen yet: the option field says so
    foreign = [c for c in chosen if c not in allowed]
    if foreign:
        words = referential.words
        return [
            f"{', '.join(foreign)} : ne cochez que des {words.blocks} "
            f"de {words.the_option} choisie."
        ]
    return []


def ordered(referential: Any, codes: Iterable[str]) -> list[str]:
    """The codes in the referential's order, each once."""
    wanted = set(codes)
    return [b.code for b in referential.blocks if b.code in wanted]


def scope_text(referential: Any, codes: list[str] | None) -> str:
    """« demande portant sur les blocs B1, B3 » (or « domaines »); empty for the whole."""
    if not codes:
        return ""
    label = referential.block_label
    if len(codes) == 1:
        return f"demande portant sur le {label} {codes[0]}"
    return f"demande portant sur les {label}s {', '.join(codes)}"


def dossier_scope_text(dossier: Dossier) -> str:
    return scope_text(dossier.referential, dossier.requested_blocks)
