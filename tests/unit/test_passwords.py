"""Which passwords are refused: common, trivial, personal ones; long random ones pass."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from tests.helpers import DEFAULT_PASSWORD
from vae.auth.passwords import COMMON_LIST, TOO_SHORT, refusal, user_words, weakness

CAMILLE = user_words("Camille", "Martin", "camille.martin@exemple.fr")
# Uncommon words (ranks 10 000 to 30 000 of zxcvbn's English Wikipedia list): the raw material
# of a random passphrase.
WORDS = FREQUENCY_LISTS["english_wikipedia"][10_000:]


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",
        "123456789012",
        "azertyuiopqs",
        "motdepasse12",
        "soleil123456",
        "doudou123456",
        "marseille2024",
        "qsdfghjklmwx",
        "abcdefghijkl",
        "jetaime12345",
        "cpnefp123456",
        "Azerty123456!",
    ],
)
def test_common_and_trivial_passwords_are_refused(password: str) -> None:
    message = weakness(password)
    assert message and message.startswith("Ce mot de passe est trop facile à deviner")


@pytest.mark.parametrize(
    "password", ["camille.martin1", "MartinCamille2026", "camille.martin@exemple.fr"]
)
def test_the_persons_names_and_address_are_refused(password: str) -> None:
    assert "votre nom ou votre adresse électronique" in (weakness(password, CAMILLE) or "")


@pytest.mark.parametrize(
    "password",
    [
        DEFAULT_PASSWORD,
        "cerise volcan parapluie lundi",
        "camille aime les volcans bleus",
        "charge concurrente 2026 !",
        "Xk3_fP9-aQ2z",
    ],
)
def test_passphrases_and_random_passwords_are_accepted(password: str) -> None:
    assert weakness(password, CAMILLE) is None


def test_too_short_is_said_first() -> None:
    assert refusal("court", CAMILLE) == TOO_SHORT


def test_the_bundled_list_has_french_passwords() -> None:
    words = COMMON_LIST.read_text(encoding="utf-8").split()
    assert {"azerty", "motdepasse", "soleil", "doudou", "marseille"} <= set(words)


@given(st.characters(codec="utf-8", exclude_categories=["Cs"]), st.integers(12, 60))
def test_one_character_repeated_is_always_refused(character: str, length: int) -> None:
    assert weakness(character * length) is not None


@given(st.integers(0, 9), st.integers(12, 40), st.booleans())
def test_digit_sequences_are_always_refused(start: int, length: int, down: bool) -> None:
    step = -1 if down else 1
    password = "".join(str((start + step * i) % 10) for i in range(length))
    assert weakness(password) is not None


@given(st.integers(0, 2**32), st.integers(2, 4), st.integers(12, 40))
def test_a_short_motif_repeated_is_always_refused(seed: int, size: int, length: int) -> None:
    motif = "".join(random.Random(seed).choices(string.ascii_lowercase + string.digits, k=size))
    assert weakness((motif * length)[:length]) is not None


@settings(max_examples=30)
@given(st.randoms(use_true_random=False), st.sampled_from([" ", "-", ".", ""]))
def test_a_random_passphrase_of_five_words_is_accepted(rng: random.Random, sep: str) -> None:
    password = sep.join(rng.sample(WORDS, 5))
    assert weakness(password, CAMILLE) is None, password


def test_a_very_long_password_is_judged_not_refused_by_the_estimator() -> None:
    """zxcvbn raises past 72 characters: a long passphrase is judged on its start (a 500 before)."""
    assert refusal("cerise volcan parapluie lundi " * 8, ["Dupont"]) is None
    assert refusal("a" * 300) is not None


def test_production_argon2_cost_is_rfc_9106s_and_other_costs_still_verify() -> None:
    """The defaults are argon2-cffi's (RFC 9106 low-memory: t=3, 64 MiB, p=4); the suite runs
    at a lower cost, and a hash made at one cost verifies, then is rehashed, at another."""
    import argon2

    import vae.auth.models as accounts
    from vae.auth.models import User, configure_hasher
    from vae.config import Defaults

    profile = argon2.profiles.RFC_9106_LOW_MEMORY
    assert (profile.time_cost, profile.memory_cost, profile.parallelism) == (
        Defaults.PASSWORD_HASH_TIME_COST,
        Defaults.PASSWORD_HASH_MEMORY_KIB,
        Defaults.PASSWORD_HASH_PARALLELISM,
    )

    before = accounts.password_cost()
    try:
        configure_hasher(1, 64, 1)
        user = User(email="a@exemple.fr", first_name="A", last_name="B")
        user.set_password(DEFAULT_PASSWORD)
        cheap = user.password_hash
        assert "m=64,t=1,p=1" in cheap
        configure_hasher(2, 128, 1)
        assert user.check_password(DEFAULT_PASSWORD)  # made at the old cost: still valid
        assert user.password_hash != cheap and "m=128,t=2,p=1" in user.password_hash
        assert not user.check_password(DEFAULT_PASSWORD + "x")
    finally:
        configure_hasher(*before)
