"""How a certification names its units and its options: « bloc »/« option » or
« domaine »/« mention », with plural, capital and article, for pages, PDFs and emails."""

from __future__ import annotations

from dataclasses import dataclass

from vae.french import capitalised

VOWELS = "aeéèêiîoôuhy"


@dataclass(frozen=True)
class UnitWords:
    """The words of one certification (``block``: « bloc », « domaine »…; ``option``:
    « option », « mention »)."""

    block: str = "bloc"
    option: str = "option"

    @classmethod
    def of(cls, block: str | None, option: str | None) -> UnitWords:
        """From labels that may be missing (old snapshots): the defaults then."""
        return cls((block or "bloc").strip().lower(), (option or "option").strip().lower())

    @property
    def blocks(self) -> str:
        return plural(self.block)

    @property
    def options(self) -> str:
        return plural(self.option)

    @property
    def Block(self) -> str:
        return capitalised(self.block)

    @property
    def Blocks(self) -> str:
        return capitalised(self.blocks)

    @property
    def Option(self) -> str:
        return capitalised(self.option)

    @property
    def full_block(self) -> str:
        """The word in official documents: « bloc de compétences », « domaine »."""
        return "bloc de compétences" if self.block == "bloc" else self.block

    @property
    def full_blocks(self) -> str:
        return "blocs de compétences" if self.block == "bloc" else self.blocks

    @property
    def the_full_block(self) -> str:
        """« le bloc de compétences », « le domaine »."""
        return article(self.full_block, "le ")

    @property
    def the_block(self) -> str:
        """« le bloc », « le domaine » (units are masculine words)."""
        return article(self.block, "le ")

    @property
    def the_option(self) -> str:
        """« l’option », « la mention » (options are feminine words)."""
        return article(self.option, "la ")


DEFAULT_WORDS = UnitWords()


def plural(word: str) -> str:
    return word if word.endswith(("s", "x", "z")) else word + "s"


def article(word: str, definite: str) -> str:
    return ("l’" if word[:1].lower() in VOWELS else definite) + word
