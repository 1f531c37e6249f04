"""The shape of a certification's referential data file, validated with pydantic.

The referential is data, not code: one YAML file per certification under ``data/``.
Every field a file may hold is declared here; unknown fields are refused so that a typo
in a data file is an error naming the file and the field, never a silent omission.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from vae.referentials.words import UnitWords
from vae.rules.jury import DEFAULT_THRESHOLD

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Activity(_Strict):
    code: str = Field(pattern=CODE_PATTERN)
    title: str = Field(min_length=1)
    description: str | None = None


class SubCompetency(_Strict):
    code: str = Field(pattern=CODE_PATTERN)
    title: str = Field(min_length=1)
    criteria: list[str] = Field(default_factory=list)


class Competency(_Strict):
    code: str = Field(pattern=CODE_PATTERN)
    title: str = Field(min_length=1)
    key: bool = False
    criteria: list[str] = Field(default_factory=list)
    sub_competencies: list[SubCompetency] = Field(default_factory=list)


class Block(_Strict):
    code: str = Field(pattern=CODE_PATTERN)
    title: str | None = Field(
        default=None, description="None only where the seed lacks it; then a gap explains why."
    )
    activities: list[Activity] = Field(default_factory=list)
    competencies: list[Competency] = Field(default_factory=list)
    modalities: list[str] = Field(default_factory=list)
    knowledge: list[str] = Field(default_factory=list, description="Savoirs associés.")
    gap: str | None = Field(
        default=None, description="What the seed lacks for this block, verbatim."
    )

    @model_validator(mode="after")
    def _title_or_gap(self) -> Block:
        if self.title is None and not self.gap:
            raise ValueError("un bloc sans titre doit expliquer la lacune dans « gap »")
        if not self.competencies and not self.gap:
            raise ValueError("un bloc sans compétence doit expliquer la lacune dans « gap »")
        return self


class Option(_Strict):
    code: str = Field(pattern=CODE_PATTERN)
    title: str = Field(min_length=1)
    blocks: list[str] = Field(min_length=1)


class CertifierRef(_Strict):
    """The certifier a referential names: its stable code and its name (its other details
    — address, signatory… — are data the admin fills in, not part of the referential)."""

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$", max_length=40)
    name: str = Field(min_length=1, max_length=200)


class Eligibility(_Strict):
    required_years: float | None = Field(default=None, ge=0)
    window_years: int | None = Field(default=None, gt=0)
    source: str | None = None


class Livret2(_Strict):
    situations_per: str = Field(
        default="block",
        pattern=r"^(block|activity)$",
        description="'activity': one situation per activity of each block; "
        "'block': at least one per block.",
    )
    min_situations_per_unit: int = Field(default=1, ge=1)
    interview_minutes: int | None = Field(default=None, gt=0)
    guidance: str | None = None


class Referential(_Strict):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    title: str = Field(min_length=1)
    short_title: str | None = None
    kind: str = Field(pattern=r"^(CQP|RNCP)$")
    rncp: str | None = None
    level: int | None = None
    # Required in data files (vae.referentials.files); None only in versions stored before
    # certifiers were data, which named it by a bare string (dropped by _old_certifier).
    certifier: CertifierRef | None = None
    source: str
    version_date: str | None = Field(default=None, description="The document's own date.")
    block_label: str = Field(
        default="bloc", description="How the seed names a block: bloc, domaine…"
    )
    option_label: str = Field(default="option", description="option or mention")
    eligibility: Eligibility = Field(default_factory=Eligibility)
    validity_years: int | None = Field(default=None, gt=0)
    validation_threshold: float = Field(
        default=float(DEFAULT_THRESHOLD),
        gt=0,
        le=1,
        description="Share of criteria/competencies needed (80 % rule).",
    )
    options: list[Option] = Field(default_factory=list)
    blocks: list[Block] = Field(min_length=1)
    livret2: Livret2 = Field(default_factory=Livret2)
    gaps: list[str] = Field(default_factory=list)

    @field_validator("certifier", mode="before")
    @classmethod
    def _old_certifier(cls, value: object) -> object:
        return None if isinstance(value, str) else value

    @model_validator(mode="after")
    def _consistent(self) -> Referential:
        block_codes = [b.code for b in self.blocks]
        _unique(block_codes, "blocks")
        competency_codes = [c.code for b in self.blocks for c in b.competencies]
        _unique(competency_codes, "competencies")
        subs = [s.code for b in self.blocks for c in b.competencies for s in c.sub_competencies]
        _unique(subs, "sub_competencies")
        _unique([o.code for o in self.options], "options")
        for option in self.options:
            unknown = [code for code in option.blocks if code not in block_codes]
            if unknown:
                raise ValueError(f"option {option.code}: blocs inconnus {', '.join(unknown)}")
        return self

    @property
    def words(self) -> UnitWords:
        """How this certification names its units and options (« domaine », « mention »…)."""
        return UnitWords.of(self.block_label, self.option_label)

    def block(self, code: str) -> Block:
        for block in self.blocks:
            if block.code == code:
                return block
        raise KeyError(code)

    def required_blocks(self, option: str | None) -> list[Block]:
        """The blocks the full certification requires for ``option`` (all without options)."""
        if not self.options:
            return list(self.blocks)
        for candidate in self.options:
            if candidate.code == option:
                return [self.block(code) for code in candidate.blocks]
        raise KeyError(option)


def _unique(codes: list[str], what: str) -> None:
    seen: set[str] = set()
    duplicates = sorted({c for c in codes if c in seen or seen.add(c)})
    if duplicates:
        raise ValueError(f"{what}: codes en double {', '.join(duplicates)}")
