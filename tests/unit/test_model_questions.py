"""Templates ask, models answer: the questions dossiers, livrets 2 and accounts answer, and the
rule that a status changes only through ``move_to`` (its life cycle checked and audited)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import vae.models  # noqa: F401  (every mapper, so that relationships resolve)
from vae.auth.models import User
from vae.dossier.enums import DossierStatus
from vae.dossier.models import Dossier
from vae.livret2.models import Livret2, Livret2Status
from vae.roles import Role

ROOT = Path(__file__).resolve().parents[2]
S = DossierStatus


def _answers(status: DossierStatus) -> dict[str, bool]:
    dossier = Dossier(status=status)
    return {
        name: getattr(dossier, name)
        for name in (
            "under_review",
            "awaits_complements",
            "livret2_open",
            "livret2_to_write",
            "jury_phase",
            "jury_to_compose",
            "awaits_proclamation",
            "results_out",
            "may_be_anonymised",
        )
    }


EXPECTED_TRUE = {
    S.DRAFT: set(),
    S.SUBMITTED: {"under_review"},
    S.INCOMPLETE: {"awaits_complements"},
    S.RECEVABLE: {"livret2_open", "livret2_to_write"},
    S.NON_RECEVABLE: {"may_be_anonymised"},
    S.LIVRET2_IN_PROGRESS: {"livret2_open", "livret2_to_write"},
    S.LIVRET2_SUBMITTED: {"livret2_open", "jury_phase", "jury_to_compose"},
    S.JURY_SCHEDULED: {"jury_phase"},
    S.JURY_SIGNED: {"jury_phase", "awaits_proclamation"},
    S.PROCLAIMED: {"jury_phase", "results_out", "may_be_anonymised"},
    S.CLOSED: {"results_out", "may_be_anonymised"},
    S.WITHDRAWN: {"may_be_anonymised"},
}


@pytest.mark.parametrize("status", list(DossierStatus))
def test_a_dossier_answers_what_its_pages_ask(status: DossierStatus) -> None:
    answers = _answers(status)
    assert {name for name, yes in answers.items() if yes} == EXPECTED_TRUE[status]


def test_an_anonymised_dossier_may_not_be_anonymised_again() -> None:
    from datetime import UTC, datetime

    dossier = Dossier(status=S.CLOSED, anonymised_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert not dossier.may_be_anonymised


class _Account:
    """An authenticated account as Flask-Login gives it (only what the question reads)."""

    is_authenticated = True

    def __init__(self, role: Role) -> None:
        self.role = role
        self.id = None


def test_only_staff_decide_and_only_under_review(monkeypatch: pytest.MonkeyPatch) -> None:
    from vae.certifiers import scope

    # The officer's certifiers own certification 1 (one read per request in the app).
    monkeypatch.setattr(scope, "certification_ids", lambda user: (1,))
    under_review = Dossier(status=S.SUBMITTED, certification_id=1)
    decided = Dossier(status=S.RECEVABLE, certification_id=1)
    assert under_review.can_decide(_Account(Role.STAFF))
    assert not Dossier(status=S.SUBMITTED, certification_id=2).can_decide(_Account(Role.STAFF))
    assert under_review.can_decide(_Account(Role.ADMIN))
    assert not under_review.can_decide(_Account(Role.JURY))
    assert not under_review.can_decide(_Account(Role.CANDIDATE))
    assert not under_review.can_decide(None)
    assert not decided.can_decide(_Account(Role.STAFF))


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.CANDIDATE, {"is_candidate"}),
        (Role.STAFF, {"is_staff"}),
        (Role.JURY, {"is_jury"}),
        (Role.ADMIN, {"is_staff", "is_admin"}),
    ],
)
def test_an_account_answers_what_the_menus_ask(role: Role, expected: set[str]) -> None:
    user = User(role=role)
    names = ("is_candidate", "is_staff", "is_jury", "is_admin")
    assert {name for name in names if getattr(user, name)} == expected


def test_a_livret2_answers_what_its_pages_ask() -> None:
    draft, submitted, returned = (
        Livret2(status=status)
        for status in (Livret2Status.DRAFT, Livret2Status.SUBMITTED, Livret2Status.RETURNED)
    )
    assert draft.editable and not draft.returned and not draft.may_be_returned
    assert not submitted.editable and not submitted.returned and submitted.may_be_returned
    assert returned.editable and returned.returned and not returned.may_be_returned


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Livret2Status.DRAFT, Livret2Status.RETURNED),
        (Livret2Status.SUBMITTED, Livret2Status.SUBMITTED),
        (Livret2Status.RETURNED, Livret2Status.RETURNED),
    ],
)
def test_a_livret2_refuses_a_move_its_life_cycle_does_not_have(
    start: Livret2Status, target: Livret2Status
) -> None:
    livret = Livret2(status=start)
    with pytest.raises(ValueError, match="refused"):
        livret.move_to(target, "livret2_test")
    assert livret.status == start


def _status_assignments(path: Path) -> list[str]:
    """`x.status = …` written outside a `move_to` method."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "move_to":
            allowed |= {id(child) for child in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AugAssign | ast.AnnAssign)
            else []
        )
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and target.attr == "status"
                and id(node) not in allowed
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_statuses_change_only_through_move_to() -> None:
    offenders = [
        where
        for package in ("vae", "forms")
        for path in sorted((ROOT / package).rglob("*.py"))
        for where in _status_assignments(path)
    ]
    assert not offenders, "a status set by hand (use move_to):\n" + "\n".join(offenders)
    sample = ROOT / "vae" / "dossier" / "models.py"
    assert "self.status = status" in sample.read_text(encoding="utf-8")  # the guard sees it
