"""Which passwords are too easy to guess (CNIL: refuse common and trivial passwords).

The estimate is zxcvbn's (dictionaries of leaked passwords, names, keyboard rows, sequences,
repeats, dates, l33t), with French common passwords and the service's own words added from
``data/mots-de-passe-courants.txt``, and the person's names and email address as words an
attacker would try first. A password is accepted when zxcvbn scores it 4 (10¹⁰ guesses or
more: « Azerty123456! » scores 3) and is not half made of those personal words, on top of the
length rule (12 characters). Any 12 random characters, or a phrase of a few words, pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from zxcvbn import zxcvbn
from zxcvbn.matching import add_frequency_lists

from forms.common import PASSWORD_MIN

MIN_SCORE = 4  # zxcvbn: at least 10¹⁰ guesses (« very unguessable »)
# zxcvbn's running time grows with the length; past this, a password is long enough anyway
CHECKED_LENGTH = 72  # and zxcvbn refuses longer input (ValueError)
COMMON_LIST = Path(__file__).with_name("data") / "mots-de-passe-courants.txt"
TOO_SHORT = f"Le mot de passe doit contenir au moins {PASSWORD_MIN} caractères."

REASONS = {
    "repeat": "il répète les mêmes caractères",
    "sequence": "c'est une suite de caractères (abcd, 1234…)",
    "spatial": "c'est une rangée du clavier",
    "date": "c'est une date",
    "user_inputs": "il contient votre nom ou votre adresse électronique",
    "dictionary": "c'est un mot de passe courant",
}


@cache
def _french_words() -> None:
    """Add the bundled French list to zxcvbn's dictionaries, once per process."""
    words: list[str] = []
    for line in COMMON_LIST.read_text(encoding="utf-8").splitlines():
        word = line.strip().lower()
        if word and not word.startswith("#") and word not in words:
            words.append(word)
    add_frequency_lists({"french": words})


def user_words(*values: str | None) -> list[str]:
    """Names and email address, and their parts (``camille.martin@exemple.fr`` → camille…)."""
    words: list[str] = []
    for value in values:
        if not value:
            continue
        value = value.strip().lower()
        for word in [value, *re.split(r"[^\w]+", value)]:
            if len(word) >= 3 and word not in words:
                words.append(word)
    return words


def refusal(password: str, inputs: Iterable[str] = ()) -> str | None:
    """Why ``password`` cannot be chosen (too short, too easy to guess); None when it can."""
    return TOO_SHORT if len(password) < PASSWORD_MIN else weakness(password, inputs)


def weakness(password: str, inputs: Iterable[str] = ()) -> str | None:
    """Why ``password`` is too easy to guess, in French; None when it is strong enough."""
    _french_words()
    inputs = list(inputs)
    result = zxcvbn(password[:CHECKED_LENGTH], user_inputs=inputs)
    personal = _mostly_personal(password, inputs)
    periodic = _periodic(password)
    if result["score"] >= MIN_SCORE and not personal and not periodic:
        return None
    if personal:
        reason: str | None = REASONS["user_inputs"]
    else:
        reason = REASONS["repeat"] if periodic else _main_reason(result["sequence"])
    return (
        "Ce mot de passe est trop facile à deviner"
        + (f"\u00a0: {reason}" if reason else "")
        + ". Choisissez plutôt une phrase de plusieurs mots sans rapport entre eux, "
        "par exemple «\u00a0cerise volcan parapluie lundi\u00a0»."
    )


def _main_reason(sequence: list[dict[str, object]]) -> str | None:
    """The weakness covering most of the password, as a French phrase."""
    best: tuple[int, str] | None = None
    for match in sequence:
        pattern = "user_inputs" if _is_personal(match) else str(match.get("pattern"))
        if pattern not in REASONS:
            continue
        size = len(str(match.get("token", "")))
        if best is None or size > best[0]:
            best = (size, pattern)
    return REASONS[best[1]] if best else None


def _periodic(password: str, longest: int = 10) -> bool:
    """A motif of at most ``longest`` characters said twice or more (``0123456789012…``),
    which zxcvbn's estimate caps at the guesses of random characters."""
    return any(
        all(password[i] == password[i - period] for i in range(period, len(password)))
        for period in range(1, min(longest, len(password) // 2) + 1)
    )


def _mostly_personal(password: str, inputs: list[str]) -> bool:
    """Half or more of the letters and digits are the person's names or address."""
    letters = re.sub(r"[\W_]+", "", password.lower())
    rest = letters
    for word in sorted(inputs, key=len, reverse=True):
        word = re.sub(r"[\W_]+", "", word.lower())
        if len(word) >= 3:
            rest = rest.replace(word, "")
    return 2 * len(rest) <= len(letters)


def _is_personal(match: dict[str, object]) -> bool:
    return match.get("pattern") == "dictionary" and match.get("dictionary_name") == "user_inputs"
