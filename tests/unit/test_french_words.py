"""French words of the product: day counts, address lines, history labels for every action."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vae import french
from vae.audit_labels import ACTION_LABELS, state_label

ROOT = Path(__file__).resolve().parents[2]
# The calls that write an audit entry, and which positional argument is the action code.
ACTION_ARGUMENT = {"record": 2, "move_to": 1, "_save": 1, "_save_item": -1, "_delete_item": -1}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0 jour"),
        (1, "1 jour"),
        (1.5, "1,5 jour"),
        (2, "2 jours"),
        (402.46, "402,5 jours"),
        (1662, "1\u00a0662 jours"),
    ],
)
def test_day_counts_agree_in_french(value: float, expected: str) -> None:
    assert french.day_count(value) == expected


def test_address_line_has_no_space_before_a_comma_nor_a_dangling_comma() -> None:
    assert french.address_line("12 rue de Lyon", postcode="75012", city="Paris") == (
        "12 rue de Lyon, 75012 Paris"
    )
    assert french.address_line("", postcode="75012", city="Paris") == "75012 Paris"
    assert french.address_line(" 12 rue de Lyon ", postcode=None, city=" ") == "12 rue de Lyon"
    assert french.address_line(None, postcode="", city="") == ""


def _action_codes() -> set[str]:
    codes: set[str] = set()
    for path in (ROOT / "vae").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            index = ACTION_ARGUMENT.get(name)
            if index is None or len(node.args) <= max(index, 0):
                continue
            for constant in ast.walk(node.args[index]):
                if isinstance(constant, ast.Constant) and isinstance(constant.value, str):
                    codes.add(constant.value)
    return codes


def test_every_audited_action_has_a_french_label() -> None:
    codes = _action_codes()
    assert {"created", "option_chosen", "identity_saved", "submitted"} <= codes  # the scan works
    missing = sorted(codes - set(ACTION_LABELS))
    assert not missing, f"actions without a French label: {missing}"


def test_states_read_in_french() -> None:
    assert state_label("draft") == "Brouillon"
    assert state_label("staff") == "Chargé de mission CPNEFP"
    assert state_label("unconfirmed") == "Adresse non confirmée"
    assert state_label("2027-05-24") == "24 mai 2027"
    assert state_label("v2") == "v2" and state_label(None) == ""


# --- French typography: one function for pages, emails and PDFs ---------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Délai : 2 mois ; ok ! oui ?", "Délai\u00a0: 2 mois\u00a0; ok\u00a0! oui\u00a0?"),
        ("« Menu »", "«\u00a0Menu\u00a0»"),
        ("50 % du temps", "50\u00a0% du temps"),
        ("https://exemple.fr/?a=1 et a:b", "https://exemple.fr/?a=1 et a:b"),
        ("</strong> : suite", "</strong>\u00a0: suite"),
        (" : après une valeur", "\u00a0: après une valeur"),
        ("déjà\u00a0: fait", "déjà\u00a0: fait"),
    ],
)
def test_typography_puts_no_break_spaces_where_french_wants_them(text, expected) -> None:
    assert french.typography(text) == expected


@given(st.text(alphabet=" :;!?«»%ab1\u00a0<>\n", max_size=40))
def test_typography_only_turns_spaces_into_no_break_spaces(text: str) -> None:
    typeset = french.typography(text)
    assert len(typeset) == len(text)
    assert typeset.replace("\u00a0", " ") == text.replace("\u00a0", " ")
    assert french.typography(typeset) == typeset
    assert not re.search(r"\w [:;!?](\s|$)", typeset)
