"""The evaluation grid of a dossier: its shape from the referential, results by the 80 % rule."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from vae.rules.jury import (
    DEFAULT_THRESHOLD,
    BlockResult,
    CompetencyInput,
    Threshold,
    evaluate_block,
)


@dataclass(frozen=True)
class GridCompetency:
    code: str
    title: str
    key: bool
    criteria: tuple[str, ...]  # empty: the competency is judged validated or not as a whole


@dataclass(frozen=True)
class GridBlock:
    code: str
    title: str
    competencies: tuple[GridCompetency, ...]


def definition(referential: Any, block_codes: list[str]) -> list[GridBlock]:
    """The blocks evaluated, with each competency's criteria (its own and its sub-competencies')."""
    blocks = []
    for block in referential.blocks:
        # A block the seed gives no competency for cannot be evaluated (its gap is shown).
        if block.code not in block_codes or not block.competencies:
            continue
        blocks.append(
            GridBlock(
                code=block.code,
                title=block.title or block.code,
                competencies=tuple(
                    GridCompetency(
                        code=c.code,
                        title=c.title,
                        key=c.key,
                        criteria=tuple(c.criteria)
                        + tuple(x for s in c.sub_competencies for x in s.criteria),
                    )
                    for c in block.competencies
                ),
            )
        )
    return blocks


def entry(grid: dict[str, Any], code: str) -> dict[str, Any]:
    return grid.get("competencies", {}).get(code, {})


def block_entry(grid: dict[str, Any], code: str) -> dict[str, Any]:
    return grid.get("blocks", {}).get(code, {})


def missing_answers(
    blocks: list[GridBlock], grid: dict[str, Any], threshold: Threshold = DEFAULT_THRESHOLD
) -> list[str]:
    """What the jury has not judged yet, and the recommendations still to write."""
    missing = []
    for block in blocks:
        for competency in block.competencies:
            values = entry(grid, competency.code)
            if competency.criteria:
                answers = values.get("criteria") or []
                if len(answers) != len(competency.criteria) or any(a is None for a in answers):
                    missing.append(f"{competency.code} : chaque critère doit être jugé.")
            elif values.get("validated") is None:
                missing.append(f"{competency.code} : indiquez si la compétence est validée.")
    if not missing:
        for block in blocks:
            result = results(blocks, grid, threshold)[block.code]
            if (
                not result.block_validated
                and not block_entry(grid, block.code).get("recommendation", "").strip()
            ):
                missing.append(f"{block.code} non validé : rédigez les préconisations.")
    return missing


def results(
    blocks: list[GridBlock], grid: dict[str, Any], threshold: Threshold = DEFAULT_THRESHOLD
) -> dict[str, BlockResult]:
    """Each block's result by the 80 % rule of vae.rules.jury; unjudged counts as not met."""
    outcome = {}
    for block in blocks:
        inputs = []
        for competency in block.competencies:
            values = entry(grid, competency.code)
            if competency.criteria:
                answers = list(values.get("criteria") or [])
                answers += [None] * (len(competency.criteria) - len(answers))
                inputs.append(
                    CompetencyInput(
                        code=competency.code,
                        key=competency.key,
                        criteria=tuple(bool(a) for a in answers[: len(competency.criteria)]),
                    )
                )
            else:
                inputs.append(
                    CompetencyInput(
                        code=competency.code,
                        key=competency.key,
                        validated=bool(values.get("validated")),
                    )
                )
        outcome[block.code] = evaluate_block(inputs, threshold)
    return outcome


def fingerprint(grid: dict[str, Any]) -> str:
    """What a signature covers: the grid's content, canonically encoded."""
    return hashlib.sha256(json.dumps(grid, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class GridStates:
    """What the grid shows: « à évaluer » until something is judged, then the 80 % rule's result."""

    competencies: dict[str, str]
    blocks: dict[str, str]


def states(
    blocks: list[GridBlock],
    grid: dict[str, Any],
    threshold: Threshold = DEFAULT_THRESHOLD,
    block_word: str = "Bloc",
) -> GridStates:
    """Each competency's and block's state; ``block_word`` is the certification's « Bloc »."""
    outcome = results(blocks, grid, threshold)
    competencies: dict[str, str] = {}
    block_states: dict[str, str] = {}
    for block in blocks:
        result = outcome[block.code]
        any_judged = False
        for competency, judged_result in zip(block.competencies, result.competencies, strict=True):
            values = entry(grid, competency.code)
            if competency.criteria:
                judged = any(a is not None for a in values.get("criteria") or [])
            else:
                judged = values.get("validated") is not None
            any_judged = any_judged or judged
            competencies[competency.code] = (
                ("validée" if judged_result.validated else "non validée") if judged else "à évaluer"
            )
        block_states[block.code] = (
            f"{block_word} {'validé' if result.block_validated else 'non validé'}"
            if any_judged
            else f"{block_word} à évaluer"
        )
    return GridStates(competencies, block_states)


def situations_by_block(snapshot: dict[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    """The livret 2 situations (latest version submitted), grouped by the block they illustrate."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for situation in (snapshot or {}).get("situations") or []:
        grouped.setdefault(situation.get("block_code") or "", []).append(situation)
    return grouped
