"""A slot a lower feature declares and a higher one fills (vae.provided)."""

from __future__ import annotations

import pytest

from vae.provided import Provided


def test_an_unfilled_slot_says_what_is_missing() -> None:
    slot: Provided[[int], int] = Provided("the double of a number (tests)")
    with pytest.raises(RuntimeError, match="Nothing provides the double of a number"):
        slot(2)


def test_a_filled_slot_calls_its_provider() -> None:
    slot: Provided[[int], int] = Provided("the double of a number (tests)")
    slot.provide(lambda n: 2 * n)
    assert slot(21) == 42


def test_the_features_fill_the_slots_they_own() -> None:
    """Importing vae.review and vae.jury (as vae.models does) fills every slot of lower features."""
    import vae.jury
    import vae.review
    from vae.dossier import decisions
    from vae.livret2 import blocks
    from vae.review import stats

    assert decisions.decisions_of.source is vae.review.decisions_of
    assert blocks.held_blocks.source is vae.jury.capitalisation.valid_acquired_codes
    assert stats.expiring_blocks.source is vae.jury.capitalisation.expiring_between
