"""Livret 2 coverage: which blocks, activities and competencies the candidate's situations cover.

Requirements (blocking, listed in ``unmet``): in ``block`` mode each target block needs at least
``min_situations`` situations; in ``activity`` mode (cqp-dam) each activity of each block needs
at least ``min_situations`` situations tied to it (a block without activities falls back to the
block requirement). Uncovered competencies are shown to the candidate but do NOT block.

A situation counts for the block it is tied to, directly or through one of its activities; the
competencies it shows count as covered in that block only. Competencies it shows that are not
in that block are reported as ``foreign_competencies``; situations tied to nothing known are
reported as ``unattached_situation_ids``. Neither blocks completion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

SituationId = int | str


class RequirementMode(StrEnum):
    """What the livret 2 requires situations for."""

    BLOCK = "block"
    ACTIVITY = "activity"


@dataclass(frozen=True, kw_only=True)
class TargetBlock:
    """A block the candidate seeks to validate, with its competency and activity codes."""

    code: str
    title: str | None
    competencies: tuple[str, ...]
    activities: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Situation:
    """A described work situation, tied to a block or to an activity (or not yet tied)."""

    id: SituationId
    title: str
    block_code: str | None = None
    activity_code: str | None = None
    competencies: tuple[str, ...] = field(default=())


@dataclass(frozen=True, kw_only=True)
class ActivityCoverage:
    """The situations tied to one activity."""

    code: str
    situation_ids: tuple[SituationId, ...]


@dataclass(frozen=True, kw_only=True)
class BlockCoverage:
    """Coverage of one target block; ``unmet`` holds French messages for the candidate."""

    code: str
    title: str | None
    situation_ids: tuple[SituationId, ...]
    covered: tuple[str, ...]
    uncovered: tuple[str, ...]
    activities: tuple[ActivityCoverage, ...]
    foreign_competencies: tuple[str, ...]
    unmet: tuple[str, ...]

    @property
    def situations_count(self) -> int:
        """How many situations count for this block."""
        return len(self.situation_ids)

    @property
    def complete(self) -> bool:
        """No unmet requirement for this block."""
        return not self.unmet


@dataclass(frozen=True, kw_only=True)
class CoverageResult:
    """Coverage of the whole livret 2."""

    blocks: tuple[BlockCoverage, ...]
    unattached_situation_ids: tuple[SituationId, ...]

    @property
    def unmet(self) -> tuple[str, ...]:
        """Every unmet requirement, block by block."""
        return tuple(message for block in self.blocks for message in block.unmet)

    @property
    def complete(self) -> bool:
        """True when no requirement is unmet (uncovered competencies do not count)."""
        return not self.unmet


def capitalised(label: str) -> str:
    """The label with its first letter upper-cased (« bloc » → « Bloc »), the rest untouched."""
    return label[:1].upper() + label[1:]


def _shortfall(subject: str, found: int, wanted: int, *, activity: bool) -> str:
    if found == 0:
        return (
            f"{subject} : aucune situation décrite" if activity else f"{subject} : aucune situation"
        )
    described = "décrite" if found == 1 else "décrites"
    expected = "attendue" if wanted == 1 else "attendues"
    situations = "situation" if found == 1 else "situations"
    return f"{subject} : {found} {situations} {described} sur {wanted} {expected}"


def evaluate_coverage(
    blocks: Sequence[TargetBlock],
    situations: Sequence[Situation],
    *,
    mode: RequirementMode | str = RequirementMode.BLOCK,
    min_situations: int = 1,
    block_label: str = "bloc",
) -> CoverageResult:
    """Compute per-block coverage and unmet requirements.

    ``block_label`` is how the certification names a block ("bloc", "domaine"…); messages read
    e.g. "Bloc 3 : aucune situation" or "Activité A2 : aucune situation décrite".
    """
    mode = RequirementMode(mode)
    if (
        isinstance(min_situations, bool)
        or not isinstance(min_situations, int)
        or min_situations < 1
    ):
        raise ValueError(f"min_situations must be a positive integer, got {min_situations!r}")
    block_of_activity: dict[str, str] = {}
    known_blocks: set[str] = set()
    for block in blocks:
        if block.code in known_blocks:
            raise ValueError(f"duplicate block code: {block.code}")
        known_blocks.add(block.code)
        for activity in block.activities:
            if activity in block_of_activity:
                raise ValueError(f"activity {activity} belongs to more than one block")
            block_of_activity[activity] = block.code
    seen_ids: set[SituationId] = set()
    by_block: dict[str, list[Situation]] = {b.code: [] for b in blocks}
    by_activity: dict[str, list[SituationId]] = {a: [] for a in block_of_activity}
    unattached: list[SituationId] = []
    for situation in situations:
        if situation.id in seen_ids:
            raise ValueError(f"duplicate situation id: {situation.id!r}")
        seen_ids.add(situation.id)
        target = _target_block(situation, block_of_activity, known_blocks)
        if target is None:
            unattached.append(situation.id)
            continue
        by_block[target].append(situation)
        if situation.activity_code is not None:
            by_activity[situation.activity_code].append(situation.id)

    label = capitalised(block_label.strip() or "bloc")
    results = []
    for block in blocks:
        tied = by_block[block.code]
        shown = {code for situation in tied for code in situation.competencies}
        in_block = set(block.competencies)
        foreign = sorted(shown - in_block)
        activities = tuple(
            ActivityCoverage(code=a, situation_ids=tuple(by_activity[a])) for a in block.activities
        )
        unmet: list[str] = []
        if mode is RequirementMode.ACTIVITY and activities:
            for activity in activities:
                if len(activity.situation_ids) < min_situations:
                    unmet.append(
                        _shortfall(
                            f"Activité {activity.code}",
                            len(activity.situation_ids),
                            min_situations,
                            activity=True,
                        )
                    )
        elif len(tied) < min_situations:
            unmet.append(
                _shortfall(f"{label} {block.code}", len(tied), min_situations, activity=False)
            )
        results.append(
            BlockCoverage(
                code=block.code,
                title=block.title,
                situation_ids=tuple(s.id for s in tied),
                covered=tuple(c for c in dict.fromkeys(block.competencies) if c in shown),
                uncovered=tuple(c for c in dict.fromkeys(block.competencies) if c not in shown),
                activities=activities,
                foreign_competencies=tuple(foreign),
                unmet=tuple(unmet),
            )
        )
    return CoverageResult(blocks=tuple(results), unattached_situation_ids=tuple(unattached))


def _target_block(
    situation: Situation, block_of_activity: dict[str, str], known_blocks: set[str]
) -> str | None:
    """The target block a situation counts for, or None when it is tied to nothing known."""
    if situation.activity_code is not None:
        owner = block_of_activity.get(situation.activity_code)
        if owner is None:
            return None
        if situation.block_code is not None and situation.block_code != owner:
            raise ValueError(
                f"situation {situation.id!r}: activity {situation.activity_code}"
                f" does not belong to block {situation.block_code}"
            )
        return owner
    if situation.block_code in known_blocks:
        return situation.block_code
    return None
