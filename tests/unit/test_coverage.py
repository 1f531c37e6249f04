"""Livret 2 coverage: situations per block or per activity, covered competencies."""

from __future__ import annotations

import pytest

from vae.rules.coverage import RequirementMode, Situation, TargetBlock, evaluate_coverage

# cqp-dam style: 3 blocks, one activity each, C1–C15.
DAM = [
    TargetBlock(
        code="1", title="Bloc un", competencies=("C1", "C2", "C3", "C4", "C5"), activities=("A1",)
    ),
    TargetBlock(
        code="2",
        title="Bloc deux",
        competencies=("C6", "C7", "C8", "C9", "C10"),
        activities=("A2",),
    ),
    TargetBlock(
        code="3",
        title="Bloc trois",
        competencies=("C11", "C12", "C13", "C14", "C15"),
        activities=("A3",),
    ),
]


def situation(
    id: int, *, block: str | None = None, activity: str | None = None, shows: str = ""
) -> Situation:
    return Situation(
        id=id,
        title=f"Situation {id}",
        block_code=block,
        activity_code=activity,
        competencies=tuple(shows.split()),
    )


def test_cqp_dam_one_situation_per_activity_complete() -> None:
    situations = [
        situation(1, activity="A1", shows="C1 C2 C3 C4 C5"),
        situation(2, activity="A2", shows="C6 C7"),
        situation(3, activity="A3", shows="C11"),
    ]
    result = evaluate_coverage(DAM, situations, mode="activity")
    assert result.complete
    assert result.unmet == ()
    assert [b.situations_count for b in result.blocks] == [1, 1, 1]
    assert result.blocks[0].uncovered == ()
    assert result.blocks[1].covered == ("C6", "C7")
    assert result.blocks[1].uncovered == ("C8", "C9", "C10")
    assert result.blocks[0].activities[0].situation_ids == (1,)


def test_cqp_dam_missing_activity() -> None:
    situations = [situation(1, activity="A1"), situation(3, activity="A3")]
    result = evaluate_coverage(DAM, situations, mode=RequirementMode.ACTIVITY)
    assert not result.complete
    assert result.unmet == ("Activité A2 : aucune situation décrite",)
    assert [b.complete for b in result.blocks] == [True, False, True]


def test_activity_mode_situation_tied_to_block_only_does_not_satisfy_activity() -> None:
    situations = [
        situation(1, activity="A1"),
        situation(2, block="2", shows="C6"),
        situation(3, activity="A3"),
    ]
    result = evaluate_coverage(DAM, situations, mode="activity")
    assert result.unmet == ("Activité A2 : aucune situation décrite",)
    assert result.blocks[1].situations_count == 1
    assert result.blocks[1].covered == ("C6",)


def test_activity_mode_block_without_activities_falls_back_to_block() -> None:
    blocks = [*DAM, TargetBlock(code="4", title=None, competencies=())]
    situations = [situation(i, activity=f"A{i}") for i in (1, 2, 3)]
    result = evaluate_coverage(blocks, situations, mode="activity")
    assert result.unmet == ("Bloc 4 : aucune situation",)


def test_block_mode_with_label_and_counts() -> None:
    domains = [
        TargetBlock(code="1", title="Accueil", competencies=("C1", "C2")),
        TargetBlock(code="2", title="Gestion", competencies=("C3",)),
        TargetBlock(code="3", title="Conseil", competencies=("C4",)),
    ]
    situations = [situation(1, block="1", shows="C1"), situation(2, block="3", shows="C4")]
    result = evaluate_coverage(domains, situations, block_label="domaine")
    assert result.unmet == ("Domaine 2 : aucune situation",)
    assert result.blocks[0].covered == ("C1",)
    assert result.blocks[0].uncovered == ("C2",)
    assert result.blocks[0].complete  # an uncovered competency does not block


def test_block_mode_min_situations() -> None:
    blocks = [TargetBlock(code="3", title="T", competencies=("C1",))]
    one = evaluate_coverage(blocks, [situation(1, block="3")], mode="block", min_situations=2)
    assert one.unmet == ("Bloc 3 : 1 situation décrite sur 2 attendues",)
    none = evaluate_coverage(blocks, [], min_situations=2)
    assert none.unmet == ("Bloc 3 : aucune situation",)
    two = evaluate_coverage(
        blocks, [situation(1, block="3"), situation(2, block="3")], min_situations=3
    )
    assert two.unmet == ("Bloc 3 : 2 situations décrites sur 3 attendues",)
    assert evaluate_coverage(
        blocks, [situation(1, block="3"), situation(2, block="3")], min_situations=2
    ).complete


def test_activity_mode_min_situations() -> None:
    result = evaluate_coverage(
        DAM[:1], [situation(1, activity="A1")], mode="activity", min_situations=2
    )
    assert result.unmet == ("Activité A1 : 1 situation décrite sur 2 attendues",)


def test_block_mode_counts_activity_tied_situations_for_their_block() -> None:
    result = evaluate_coverage(DAM, [situation(1, activity="A2", shows="C9")])
    assert result.blocks[1].situations_count == 1
    assert result.blocks[1].covered == ("C9",)
    assert result.unmet == ("Bloc 1 : aucune situation", "Bloc 3 : aucune situation")


def test_uncovered_competencies_listed_and_not_blocking() -> None:
    situations = [situation(i, activity=f"A{i}") for i in (1, 2, 3)]
    result = evaluate_coverage(DAM, situations, mode="activity")
    assert result.complete
    assert result.blocks[2].covered == ()
    assert result.blocks[2].uncovered == ("C11", "C12", "C13", "C14", "C15")


def test_competency_counts_only_in_the_situation_block() -> None:
    result = evaluate_coverage(DAM, [situation(1, block="1", shows="C1 C7 C1")])
    assert result.blocks[0].covered == ("C1",)
    assert result.blocks[0].foreign_competencies == ("C7",)
    assert "C7" in result.blocks[1].uncovered


def test_unattached_situations_reported_not_counted() -> None:
    situations = [
        situation(1),
        situation(2, block="9"),
        situation(3, activity="A9"),
        situation(4, block="1"),
    ]
    result = evaluate_coverage(DAM, situations)
    assert result.unattached_situation_ids == (1, 2, 3)
    assert [b.situations_count for b in result.blocks] == [1, 0, 0]


def test_consistent_block_and_activity_accepted_inconsistent_refused() -> None:
    ok = evaluate_coverage(DAM, [situation(1, block="1", activity="A1")], mode="activity")
    assert ok.blocks[0].activities[0].situation_ids == (1,)
    with pytest.raises(ValueError):
        evaluate_coverage(DAM, [situation(1, block="2", activity="A1")])


@pytest.mark.parametrize(
    ("blocks", "situations", "kwargs"),
    [
        (DAM + DAM[:1], [], {}),
        ([*DAM, TargetBlock(code="4", title="x", competencies=(), activities=("A1",))], [], {}),
        (DAM, [situation(1, block="1"), situation(1, block="2")], {}),
        (DAM, [], {"min_situations": 0}),
        (DAM, [], {"mode": "situation"}),
    ],
)
def test_invalid_inputs_refused(blocks: list, situations: list, kwargs: dict) -> None:
    with pytest.raises(ValueError):
        evaluate_coverage(blocks, situations, **kwargs)
